/**
 * Calls to Square's REST API for one linked location, with the merchant's OAuth access token and the
 * pinned `Square-Version`. Square's `errors[]` bodies are mapped to retryable (429, 5xx), a refused
 * credential (401/403, AUTHENTICATION_ERROR: PosAuthError, retried) or permanent (other 4xx:
 * INVALID_REQUEST_ERROR, …); a 429 is retried here with exponential back-off and jitter, then left to
 * SQS with a jittered Retry-After. An access token Square calls expired is renewed once and the call
 * made again.
 */
import * as v from 'valibot';
import type { CatalogEntityType, CatalogPage } from '../../functions/core/catalog-model';
import { type BridgeError, PermanentError, PosAuthError, RetryableError } from '../../functions/core/errors';
import type { PosOpeningHours } from '../../functions/core/hours-model';
import type { SinqroOrder, SinqroReservation } from '../../functions/core/sinqro-schemas';
import type { Kind } from '../../functions/core/statuses';
import { truncate } from '../../functions/core/text';
import { parseOrThrow } from '../../functions/core/validation';
import { call, createHttpClient, type ErrorParser, type HttpClient } from '../../functions/infra/outbound';
import type {
  CancelOutcome,
  CatalogChangesPage,
  InjectResult,
  PosCallContext,
  PosClient,
  PosStatusRead,
} from '../port';
import {
  CatalogObjectSchema,
  LocationReplySchema,
  OrderReplySchema,
  PaymentReplySchema,
  RetrieveObjectReplySchema,
  SearchCatalogReplySchema,
  SQUARE_VERSION,
  type SquareCatalogObject,
  SquareErrorBodySchema,
  type SquareOrder,
} from './api';
import { isPresentAt, mapSquareObjects, SQUARE_TYPE_OF, toMenuEntity } from './catalog-mapping';
import { toPosOpeningHours } from './hours';
import { toExternalPayment, toSquareOrder } from './order-mapping';

const TIMEOUT_MS = 8000;
/** Objects per SearchCatalogObjects page (Square's maximum is 1000; smaller pages keep queue messages small). */
export const CATALOG_PAGE_LIMIT = 200;
/** An incremental read starts this much before the last sync, so clock skew cannot hide an edit. */
export const CATALOG_OVERLAP_MS = 30_000;
/** Tries of a 429 within one invocation, and of an UpdateOrder that lost a version race. */
const RATE_LIMIT_TRIES = 3;
const VERSION_TRIES = 3;
const SERVICE = 'square';

/** Square's error body → `CATEGORY CODE: detail (field)`; the code is what the bridge records. */
export const parseSquareError: ErrorParser = (_status, body) => {
  const parsed = v.safeParse(SquareErrorBodySchema, body);
  const first = parsed.success ? parsed.output.errors[0] : undefined;
  if (!first) return undefined;
  const detail = [first.detail, first.field ? `(field ${first.field})` : undefined].filter(Boolean).join(' ');
  return { code: first.code, message: truncate(`${first.category} ${first.code}${detail ? `: ${detail}` : ''}`, 300) };
};

/** Full-jitter exponential back-off: a random wait in [0, base·2^attempt]. */
export const backoffMs = (attempt: number, baseMs = 250, random = Math.random) =>
  Math.round(random() * baseMs * 2 ** attempt);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class SquareClient implements PosClient {
  private http: HttpClient;
  private readonly locationId: string;
  /** The token was renewed once already (by this client): Square refusing the new one is not renewed again. */
  private renewed = false;

  constructor(private readonly ctx: PosCallContext) {
    this.locationId = ctx.link.posLocationId;
    this.http = this.clientFor(ctx.secret);
  }

  private clientFor(secret: PosCallContext['secret']): HttpClient {
    const token = secret.accessToken;
    if (typeof token !== 'string' || token.length === 0)
      throw new PermanentError('Square secret has no accessToken (the merchant OAuth token)', 'MISSING_CREDENTIALS');
    return createHttpClient({
      prefixUrl: this.ctx.baseUrl,
      timeoutMs: TIMEOUT_MS,
      headers: { authorization: `Bearer ${token}`, 'square-version': SQUARE_VERSION, accept: 'application/json' },
    });
  }

  async injectOrder(order: SinqroOrder, idempotencyKey: string): Promise<InjectResult> {
    // Checked (totals to the cent, mapped lines) before anything reaches Square.
    const options = { deliveryFulfillments: this.ctx.secret.deliveryFulfillments === true };
    const draft = toSquareOrder(order, this.locationId, idempotencyKey, undefined, options);
    const variations = await this.resolveVariations(draft.productIds);
    const plan = toSquareOrder(order, this.locationId, idempotencyKey, (id) => variations.get(id) ?? id, options);
    const created = await this.readOrder(
      await this.send('v2/orders', { method: 'post', json: plan.body }),
      'CreateOrder reply',
    );
    const total = created.total_money;
    if (
      total?.amount !== plan.expectedTotal.amount ||
      (total.currency ?? plan.expectedTotal.currency) !== plan.expectedTotal.currency
    ) {
      // Unpaid, the order does not show in the seller's POS; the bridge fails it rather than ring up another price.
      throw new PermanentError(
        `Square computed a total of ${total?.amount ?? '?'} ${total?.currency ?? ''} for order ${created.id}, ` +
          `Sinqro's is ${plan.expectedTotal.amount} ${plan.expectedTotal.currency} (minor units)`,
        'TOTAL_MISMATCH',
      );
    }
    if (plan.prepaid) {
      const reply = await this.send('v2/payments', {
        method: 'post',
        json: toExternalPayment(order, created.id, this.locationId, plan.expectedTotal, idempotencyKey),
      });
      this.parse(PaymentReplySchema, reply, 'CreatePayment reply');
    }
    return { posOrderId: created.id, posStatus: created.fulfillments?.[0]?.state ?? 'PROPOSED' };
  }

  injectReservation(_reservation: SinqroReservation, _key: string): Promise<InjectResult> {
    return Promise.reject(new PermanentError('Square has no table reservations API', 'NOT_SUPPORTED'));
  }

  /**
   * Cancels the order's fulfillment (and the order itself while it has no payment): UpdateOrder with
   * the current version and a key derived from it, so a retry of the same attempt changes nothing
   * and a lost version race is read again and retried.
   */
  async cancel(_kind: Kind, posOrderId: string, reason: string | undefined): Promise<CancelOutcome> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.retrieveOrder(posOrderId);
      if (current.state === 'CANCELED') return { outcome: 'cancelled' };
      if (current.state === 'COMPLETED')
        throw new PermanentError(`Square order ${posOrderId} is already COMPLETED`, 'ALREADY_COMPLETED');
      // A paid order cannot be CANCELED (it would need a refund): only its fulfillment is.
      const tenders = (current as Record<string, unknown>).tenders;
      const paid = Array.isArray(tenders) && tenders.length > 0;
      const body = {
        idempotency_key: `${posOrderId}-cancel-v${current.version ?? 0}`.slice(0, 192),
        order: {
          location_id: current.location_id,
          version: current.version,
          ...(paid ? {} : { state: 'CANCELED' }),
          fulfillments: (current.fulfillments ?? [])
            .filter((f) => f.uid && f.state !== 'COMPLETED' && f.state !== 'CANCELED')
            .map((f) => ({
              uid: f.uid,
              state: 'CANCELED',
              [f.type === 'DELIVERY' ? 'delivery_details' : 'pickup_details']: {
                cancel_reason: truncate(reason ?? 'Cancelled in Sinqro', 100),
              },
            })),
        },
      };
      try {
        await this.send(`v2/orders/${encodeURIComponent(posOrderId)}`, { method: 'put', json: body });
        return { outcome: 'cancelled' };
      } catch (error) {
        const code = (error as BridgeError).remote?.code;
        if (code !== 'VERSION_MISMATCH' || attempt >= VERSION_TRIES) throw error;
      }
    }
  }

  async getStatus(_kind: Kind, posOrderId: string): Promise<PosStatusRead> {
    const order = await this.retrieveOrder(posOrderId);
    const fulfillment = order.fulfillments?.[0]?.state;
    return {
      posStatus: order.state === 'OPEN' || order.state === 'DRAFT' ? (fulfillment ?? order.state) : order.state,
      occurredAt: order.updated_at ? new Date(order.updated_at).toISOString() : undefined,
      posVersion: order.version,
    };
  }

  async getOpeningHours(): Promise<PosOpeningHours> {
    const reply = await this.send(`v2/locations/${encodeURIComponent(this.locationId)}`, { method: 'get' });
    const location = this.parse(LocationReplySchema, reply, 'RetrieveLocation reply').location;
    try {
      return toPosOpeningHours(location);
    } catch (error) {
      throw new PermanentError((error as Error).message, 'UNMAPPABLE_POS_REPLY');
    }
  }

  async fetchCatalogPage(type: CatalogEntityType, cursor: string | undefined): Promise<CatalogPage> {
    if (type === 'menu') {
      const reply = await this.send(`v2/locations/${encodeURIComponent(this.locationId)}`, { method: 'get' });
      const location = this.parse(LocationReplySchema, reply, 'RetrieveLocation reply').location;
      return { entities: [toMenuEntity(this.locationId, location.name)], rejected: [] };
    }
    const page = await this.search({ object_types: [SQUARE_TYPE_OF[type]], include_deleted_objects: false }, cursor);
    const mapped = mapSquareObjects(page.objects ?? [], this.locationId);
    return { entities: mapped.entities, rejected: mapped.rejected, nextCursor: page.cursor || undefined };
  }

  /** Everything changed since `since` (incremental sync after `catalog.version.updated`), deletions included. */
  async fetchCatalogChanges(since: string, cursor: string | undefined): Promise<CatalogChangesPage> {
    const begin = new Date(Date.parse(since) - CATALOG_OVERLAP_MS).toISOString();
    const page = await this.search(
      {
        object_types: Object.values(SQUARE_TYPE_OF),
        begin_time: begin,
        include_deleted_objects: true,
      },
      cursor,
    );
    const mapped = mapSquareObjects(page.objects ?? [], this.locationId, true);
    return {
      entities: mapped.entities,
      rejected: mapped.rejected,
      gone: mapped.gone,
      nextCursor: page.cursor || undefined,
      catalogTime: page.latest_time,
    };
  }

  private async search(query: Record<string, unknown>, cursor: string | undefined) {
    const reply = await this.send('v2/catalog/search', {
      method: 'post',
      json: { ...query, limit: CATALOG_PAGE_LIMIT, ...(cursor ? { cursor } : {}) },
    });
    return this.parse(SearchCatalogReplySchema, reply, 'SearchCatalogObjects reply');
  }

  /**
   * A Sinqro product is a Square ITEM (its externalId the item id) or one of its variations. Square
   * orders name variations: an item with one variation at this location stands for it; one with
   * several cannot be rung up without knowing which.
   */
  private async resolveVariations(ids: string[]): Promise<Map<string, string>> {
    const resolved = new Map<string, string>();
    const unknown: string[] = [];
    for (const id of new Set(ids)) {
      const known = await this.ctx.inCatalog?.({ type: 'productVariant', posId: id });
      if (known) resolved.set(id, id);
      else unknown.push(id);
    }
    for (const id of unknown) {
      let reply: unknown;
      try {
        reply = await this.send(`v2/catalog/object/${encodeURIComponent(id)}`, { method: 'get' });
      } catch (error) {
        if ((error as BridgeError).remote?.status === 404)
          throw new PermanentError(`product ${id} is not in the Square catalog`, 'UNMAPPED_PRODUCT');
        throw error;
      }
      const object = this.parse(RetrieveObjectReplySchema, reply, 'RetrieveCatalogObject reply').object;
      if (object.type === 'ITEM_VARIATION') {
        resolved.set(id, id);
        continue;
      }
      if (object.type !== 'ITEM')
        throw new PermanentError(
          `product ${id} is a Square ${object.type}, not an item or variation`,
          'UNMAPPED_PRODUCT',
        );
      const variations = ((object.item_data as { variations?: unknown[] } | undefined)?.variations ?? [])
        .map((x) => this.parse(CatalogObjectSchema, x, 'item variation') as SquareCatalogObject)
        .filter((x) => isPresentAt(x, this.locationId));
      if (variations.length !== 1)
        throw new PermanentError(
          `Square item ${id} has ${variations.length} variations at this location: the order must name one`,
          'AMBIGUOUS_PRODUCT',
        );
      resolved.set(id, (variations[0] as SquareCatalogObject).id);
    }
    return resolved;
  }

  private async retrieveOrder(posOrderId: string): Promise<SquareOrder> {
    return this.readOrder(
      await this.send(`v2/orders/${encodeURIComponent(posOrderId)}`, { method: 'get' }),
      'RetrieveOrder reply',
    );
  }

  private readOrder(reply: unknown, what: string): SquareOrder {
    return this.parse(OrderReplySchema, reply, what).order;
  }

  /** A reply we cannot read reads the same next time: permanent, recorded, not retried forever. */
  private parse<const S extends v.GenericSchema>(schema: S, reply: unknown, what: string): v.InferOutput<S> {
    try {
      return parseOrThrow(schema, reply, `Square ${what}`);
    } catch (error) {
      throw new PermanentError((error as Error).message, 'UNMAPPABLE_POS_REPLY');
    }
  }

  /**
   * One call; a 429 is tried again here after a jittered back-off, then handed to SQS with a jittered
   * delay; an expired access token is renewed once and the call made again with the new one.
   */
  private async send(path: string, options: { method: 'get' | 'post' | 'put'; json?: unknown }): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call<unknown>(this.http, path, {
          ...options,
          budget: this.ctx.budget,
          timeoutMs: TIMEOUT_MS,
          service: SERVICE,
          posCode: this.ctx.link.posCode,
          parseError: parseSquareError,
        });
      } catch (caught) {
        const error = asAuthError(caught, this.ctx.link.posCode);
        if (error instanceof PosAuthError) {
          if (error.remote?.code !== 'ACCESS_TOKEN_EXPIRED' || !this.ctx.renewCredentials || this.renewed) throw error;
          this.renewed = true;
          this.http = this.clientFor(await this.ctx.renewCredentials());
          continue;
        }
        if (!(error instanceof RetryableError) || error.remote?.status !== 429) throw error;
        const wait = error.retryAfterMs ?? backoffMs(attempt);
        const last = attempt + 1 >= RATE_LIMIT_TRIES || Date.now() + wait + TIMEOUT_MS > this.ctx.budget.deadline;
        if (last) {
          // SQS brings the message back after a delay: Square's Retry-After, or a jittered back-off.
          throw Object.assign(
            new RetryableError(error.message, { retryAfterMs: error.retryAfterMs ?? 1000 + backoffMs(attempt + 3) }),
            { remote: error.remote },
          );
        }
        await sleep(wait);
      }
    }
  }
}

/** Square files every credential problem under AUTHENTICATION_ERROR, whatever the HTTP status it came with. */
function asAuthError(error: unknown, posCode: string): unknown {
  if (error instanceof PosAuthError || !(error instanceof PermanentError) || !error.remote) return error;
  // parseSquareError's message starts with the category.
  if (!error.remote.message?.startsWith('AUTHENTICATION_ERROR ')) return error;
  return Object.assign(new PosAuthError(error.message, posCode), { remote: error.remote });
}
