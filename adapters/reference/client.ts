/** Calls to a reference-contract POS: inject orders and reservations, apply Sinqro-side cancellations, read the catalog. */
import type * as v from 'valibot';
import type { CatalogEntityType, CatalogPage, CatalogRef } from '../../functions/core/catalog-model';
import { forEachLimit } from '../../functions/core/concurrency';
import { PermanentError } from '../../functions/core/errors';
import type { PosAvailability, PosOpeningHours } from '../../functions/core/hours-model';
import type { SinqroOrder, SinqroReservation } from '../../functions/core/sinqro-schemas';
import type { Kind } from '../../functions/core/statuses';
import { truncate } from '../../functions/core/text';
import { parseOrThrow } from '../../functions/core/validation';
import { call, createHttpClient, type ErrorParser, type HttpClient } from '../../functions/infra/outbound';
import type { CancelOutcome, InjectResult, PosCallContext, PosClient } from '../port';
import { mapCatalogItems, refCollectionOf, toCatalogEntity } from './catalog-mapping';
import {
  REF_CATALOG_PAGE_LIMIT,
  RefAvailabilitySchema,
  RefCatalogPageSchema,
  RefCreatedSchema,
  RefOpeningHoursSchema,
  RefStatusSchema,
} from './contract';
import { toPosAvailability, toPosOpeningHours } from './hours';
import { toReferenceOrder, toReferenceReservation } from './mapping';

const TIMEOUT_MS = 8000;
/** Parallel single-entity reads of an incremental sync (the POS's rate limit is shared with order traffic). */
const ENTITY_READ_CONCURRENCY = 4;

/** The contract's error body: `{ error: { code, message } }`. */
const parseRefError: ErrorParser = (_status, body) => {
  const e = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof e?.code === 'string' && typeof e.message === 'string'
    ? { code: e.code, message: e.message }
    : undefined;
};

export class ReferencePosClient implements PosClient {
  private readonly http: HttpClient;
  constructor(private readonly ctx: PosCallContext) {
    if (!ctx.secret.apiKey) throw new PermanentError('reference POS secret has no apiKey', 'MISSING_CREDENTIALS');
    this.http = createHttpClient({
      prefixUrl: ctx.baseUrl,
      timeoutMs: TIMEOUT_MS,
      headers: { authorization: `Bearer ${ctx.secret.apiKey}` },
    });
  }

  injectOrder(order: SinqroOrder, idempotencyKey: string): Promise<InjectResult> {
    return this.create(
      `locations/${encodeURIComponent(this.ctx.link.posLocationId)}/orders`,
      toReferenceOrder(order),
      idempotencyKey,
    );
  }

  injectReservation(reservation: SinqroReservation, idempotencyKey: string): Promise<InjectResult> {
    return this.create(
      `locations/${encodeURIComponent(this.ctx.link.posLocationId)}/reservations`,
      toReferenceReservation(reservation),
      idempotencyKey,
    );
  }

  async cancel(kind: Kind, posOrderId: string, reason: string | undefined): Promise<CancelOutcome> {
    await call(this.http, `${kind === 'order' ? 'orders' : 'reservations'}/${encodeURIComponent(posOrderId)}/status`, {
      method: 'post',
      json: { status: 'cancelled', reason: reason ?? 'cancelled in Sinqro' },
      budget: this.ctx.budget,
      timeoutMs: TIMEOUT_MS,
      service: 'reference-pos',
      posCode: this.ctx.link.posCode,
      parseError: parseRefError,
    });
    return { outcome: 'cancelled' };
  }

  async getStatus(kind: Kind, posOrderId: string): Promise<{ posStatus: string; occurredAt?: string }> {
    const path = `${kind === 'order' ? 'orders' : 'reservations'}/${encodeURIComponent(posOrderId)}/status`;
    const status = await this.read(path, RefStatusSchema, 'status');
    return {
      posStatus: status.status,
      occurredAt: status.updatedAt ? new Date(status.updatedAt).toISOString() : undefined,
    };
  }

  /** Whether the location is temporarily closed (F7). */
  async getAvailability(): Promise<PosAvailability> {
    return toPosAvailability(await this.read(this.locationPath('availability'), RefAvailabilitySchema, 'availability'));
  }

  /** The location's weekly opening hours (F8), as the POS wrote them; the bridge checks and converts them. */
  async getOpeningHours(): Promise<PosOpeningHours> {
    return toPosOpeningHours(
      await this.read(this.locationPath('opening-hours'), RefOpeningHoursSchema, 'opening hours'),
    );
  }

  private locationPath(what: string): string {
    return `locations/${encodeURIComponent(this.ctx.link.posLocationId)}/${what}`;
  }

  async fetchCatalogPage(type: CatalogEntityType, cursor: string | undefined): Promise<CatalogPage> {
    const collection = refCollectionOf(type);
    const reply = await this.get(this.catalogPath(collection), {
      limit: String(REF_CATALOG_PAGE_LIMIT),
      ...(cursor ? { cursor } : {}),
    });
    let page: { items: unknown[]; nextCursor?: string | null };
    try {
      page = parseOrThrow(RefCatalogPageSchema, reply, `${collection} page`);
    } catch (error) {
      // The envelope itself is unreadable: no item can be trusted, and asking again gives the same answer.
      throw new PermanentError((error as Error).message, 'UNREADABLE_CATALOG_PAGE');
    }
    return { ...mapCatalogItems(collection, page.items), nextCursor: page.nextCursor ?? undefined };
  }

  async fetchCatalogEntities(refs: CatalogRef[]): Promise<CatalogPage> {
    const page: CatalogPage = { entities: [], rejected: [] };
    const readOne = async (ref: CatalogRef) => {
      const collection = refCollectionOf(ref.type);
      let raw: unknown;
      try {
        raw = await this.get(`${this.catalogPath(collection)}/${encodeURIComponent(ref.posId)}`);
      } catch (error) {
        if ((error as PermanentError).remote?.status === 404) return; // gone from the POS: absent means deleted
        throw error;
      }
      try {
        const entity = toCatalogEntity(collection, raw);
        if (entity.posId !== ref.posId) throw new Error(`asked for ${ref.posId}, the POS answered ${entity.posId}`);
        page.entities.push(entity);
      } catch (error) {
        page.rejected.push({ ref, error: truncate((error as Error).message, 300) });
      }
    };
    await forEachLimit(refs, ENTITY_READ_CONCURRENCY, readOne);
    return page;
  }

  private catalogPath(collection: string): string {
    return `locations/${encodeURIComponent(this.ctx.link.posLocationId)}/catalog/${collection}`;
  }

  private get(path: string, searchParams?: Record<string, string>): Promise<unknown> {
    return call<unknown>(this.http, path, {
      method: 'get',
      searchParams,
      budget: this.ctx.budget,
      timeoutMs: TIMEOUT_MS,
      service: 'reference-pos',
      posCode: this.ctx.link.posCode,
      parseError: parseRefError,
    });
  }

  private async read<const S extends v.GenericSchema>(
    path: string,
    schema: S,
    what: string,
  ): Promise<v.InferOutput<S>> {
    const reply = await this.get(path);
    // A reply we cannot read will read the same next time: permanent, recorded, not retried forever.
    try {
      return parseOrThrow(schema, reply, `reference POS ${what}`);
    } catch (error) {
      throw new PermanentError((error as Error).message, 'UNMAPPABLE_POS_REPLY');
    }
  }

  private async create(path: string, body: object, idempotencyKey: string): Promise<InjectResult> {
    const reply = await call<unknown>(this.http, path, {
      method: 'post',
      json: body,
      headers: { 'idempotency-key': idempotencyKey },
      budget: this.ctx.budget,
      timeoutMs: TIMEOUT_MS,
      service: 'reference-pos',
      posCode: this.ctx.link.posCode,
      parseError: parseRefError,
    });
    // A reply we cannot read is a permanent failure: the order is marked FAILED, not retried forever.
    try {
      const created = parseOrThrow(RefCreatedSchema, reply, 'reference POS reply');
      return { posOrderId: created.id, posStatus: created.status };
    } catch (error) {
      throw new PermanentError((error as Error).message, 'UNMAPPABLE_POS_REPLY');
    }
  }
}
