/**
 * Calls to the K-Series API for one linked business location, with the business's OAuth access token
 * (renewed once and the call made again when K-Series answers 401). Error bodies are classified by
 * functions/infra/outbound.ts (429 and 5xx retried through SQS with Retry-After, 401/403 a refused
 * credential, other 4xx permanent); a 409 on an order means its reference was used: already injected.
 * Replies are read with long ids kept as digits (json.ts).
 */
import type * as v from 'valibot';
import type { CatalogEntityType, CatalogPage, CatalogRef } from '../../functions/core/catalog-model';
import { type BridgeError, PermanentError, PosAuthError, RetryableError } from '../../functions/core/errors';
import type { PosAvailability } from '../../functions/core/hours-model';
import type { SinqroOrder, SinqroReservation } from '../../functions/core/sinqro-schemas';
import type { Kind } from '../../functions/core/statuses';
import { nonEmptyText as text, truncate } from '../../functions/core/text';
import { parseOrThrow } from '../../functions/core/validation';
import { call, createHttpClient, type HttpClient } from '../../functions/infra/outbound';
import type {
  CancelOutcome,
  InjectResult,
  PosCallContext,
  PosClient,
  PosOrderRef,
  PosSecret,
  PosStatusRead,
} from '../port';
import {
  AccountSnapshotSchema,
  AVAILABILITY_SKUS_MAX,
  ItemAvailabilityReplySchema,
  LSK_PATHS,
  type LskPlatformReservation,
  MenuListSchema,
  MenuV2Schema,
  PushAcceptedSchema,
  ReadinessSchema,
} from './api';
import { parseOptionId } from './catalog-ids';
import { type Availability, type LoadedMenu, mapMenus, skusOf } from './catalog-mapping';
import { parseLskError } from './errors';
import { parseReplyKeepingIds, withBusinessLocationId } from './json';
import { type LskOrderOptions, toLskOrder } from './order-mapping';
import { toPosAvailability } from './readiness';
import { toCancellationPush, toPlatformReservation } from './reservation-mapping';

const TIMEOUT_MS = 8000;
const SERVICE = 'lightspeed-k';
/** The print message's length: no published limit; a till notification is short [unverified]. */
export const PRINT_MESSAGE_MAX = 500;
/** Results per item-availability page (apeGetRestrictedItemsByPost allows 100). */
const AVAILABILITY_PAGE_SIZE = 100;
const MAX_AVAILABILITY_PAGES = 10;

type Method = 'get' | 'post' | 'put';
type Send = { method: Method; searchParams?: Record<string, string>; body?: string; json?: unknown };

export class LightspeedKClient implements PosClient {
  private http: HttpClient;
  private readonly location: string;
  /** The token was renewed once already (by this client): a 401 to the new one is not renewed again. */
  private renewed = false;

  constructor(private readonly ctx: PosCallContext) {
    this.location = ctx.link.posLocationId;
    if (!/^\d{1,19}$/.test(this.location))
      throw new PermanentError('the link names no K-Series business location id', 'MISSING_CONFIGURATION');
    this.http = this.clientFor(ctx.secret);
  }

  private clientFor(secret: PosSecret): HttpClient {
    const token = secret.accessToken;
    if (typeof token !== 'string' || token.length === 0)
      throw new PermanentError('K-Series secret has no accessToken (the business OAuth token)', 'MISSING_CREDENTIALS');
    return createHttpClient({
      prefixUrl: this.ctx.baseUrl,
      timeoutMs: TIMEOUT_MS,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
  }

  /**
   * POST toGo / local with `thirdPartyReference` = the Sinqro order id. K-Series answers `{status: "ok"}`
   * and delivers the order to the POS on its own; the order webhook says how that went. The POS names its
   * account only then, so until then the order's POS id is the reference.
   */
  async injectOrder(order: SinqroOrder, _idempotencyKey: string): Promise<InjectResult> {
    const plan = toLskOrder(order, this.orderOptions());
    const path = plan.kind === 'toGo' ? LSK_PATHS.toGoOrder : LSK_PATHS.localOrder;
    try {
      await this.send(path, {
        method: 'post',
        body: withBusinessLocationId(this.location, plan.body as unknown as Record<string, unknown>),
      });
    } catch (error) {
      // "reference has already been used": an earlier attempt (its reply lost) placed this very order.
      if ((error as BridgeError).remote?.status !== 409) throw error;
    }
    return { posOrderId: plan.thirdPartyReference };
  }

  /** The reservation push (202 accepted); K-Series reports a refusal later, through the error webhook. */
  async injectReservation(reservation: SinqroReservation, _idempotencyKey: string): Promise<InjectResult> {
    const plan = toPlatformReservation(reservation);
    await this.push(plan.platformReservationId, plan.body);
    return { posOrderId: plan.platformReservationId, posContext: plan.posContext };
  }

  /**
   * A reservation: pushed again as CANCELLED, with the sequence id of a final. An order: K-Series has no
   * API to cancel an online order, so the till (and its printer) shows staff a message to void it, and
   * the outcome says the POS could not cancel it.
   */
  async cancel(
    kind: Kind,
    posOrderId: string,
    reason: string | undefined,
    order?: PosOrderRef,
  ): Promise<CancelOutcome> {
    if (kind === 'reservation') {
      await this.push(posOrderId, toCancellationPush(order?.posContext));
      return { outcome: 'cancelled' };
    }
    const sinqroId = order?.sinqroOrderId ?? posOrderId;
    const account = /^\d+$/.test(posOrderId) ? '' : ` (POS account ${posOrderId})`;
    const message = truncate(
      `CANCELLED in Sinqro: order ${sinqroId}${account}. It could not be cancelled automatically: please void it in the POS.` +
        (reason ? ` Reason: ${reason}` : ''),
      PRINT_MESSAGE_MAX,
    );
    await this.send(LSK_PATHS.printMessage, {
      method: 'post',
      searchParams: { businessLocationId: this.location },
      json: { message, alsoToPrinter: true },
    });
    return { outcome: 'staff-notified', detail: 'POST /o/op/1/printMsg' };
  }

  /**
   * An order's account, once K-Series named it: open (SUCCESS) or closed (CLOSED, it has a close date).
   * Before that, and for reservations (Reservations for Platforms has no read), K-Series cannot tell.
   */
  /**
   * No account named yet: nothing to read (a CLOSED to confirm is retried until the webhook naming the
   * account has been applied: K-Series webhooks arrive in any order).
   * The account snapshot has no status, only a close date, and a cancelled order closes its account too:
   * a close date confirms a CLOSED webhook (`claimed`), and tells the polling and the sweep nothing (an
   * order completed or cancelled while its webhook was lost is left to the stuck-order sweep's flag).
   */
  async getStatus(kind: Kind, posOrderId: string, claimed?: string): Promise<PosStatusRead | undefined> {
    if (kind === 'reservation') return undefined;
    if (/^\d+$/.test(posOrderId)) {
      // No account recorded yet: the webhook that names it (SUCCESS, READY_FOR_PICKUP…) came after this one.
      // A claim to confirm waits for it (retried with backoff) instead of being dropped unconfirmed.
      if (claimed === 'CLOSED')
        throw new RetryableError(`K-Series has not named the account of order ${posOrderId} yet: CLOSED waits for it`);
      return undefined;
    }
    let reply: unknown;
    try {
      reply = await this.send(LSK_PATHS.account(posOrderId), {
        method: 'get',
        searchParams: { businessLocationId: this.location },
      });
    } catch (error) {
      if ((error as BridgeError).remote?.status === 404) return undefined; // "account not found for BL"
      throw error;
    }
    const account = this.parse(AccountSnapshotSchema, reply, 'account');
    const closedAt = account.closeDate ? Date.parse(account.closeDate) : Number.NaN;
    if (!account.closeDate) return { posStatus: 'SUCCESS' };
    if (claimed !== 'CLOSED') return undefined;
    return { posStatus: 'CLOSED', ...(Number.isNaN(closedAt) ? {} : { occurredAt: new Date(closedAt).toISOString() }) };
  }

  /** Online-order readiness (F7): NOT_READY is a temporary closure. */
  async getAvailability(): Promise<PosAvailability> {
    const reply = await this.send(LSK_PATHS.readiness, {
      method: 'get',
      searchParams: { businessLocationId: this.location },
    });
    return toPosAvailability(this.parse(ReadinessSchema, reply, 'readiness'), new Date());
  }

  /**
   * One entity type of the whole catalog, in one page: K-Series menus come whole (menu list + one load
   * per menu), and an item on several menus is one product in all their sections.
   */
  async fetchCatalogPage(type: CatalogEntityType, _cursor: string | undefined): Promise<CatalogPage> {
    if (type === 'productVariant') return { entities: [], rejected: [] }; // K-Series items have no variants
    const list = await this.menuList();
    const menus = type === 'menu' ? list.map((m) => ({ ...m, menu: { menuEntryGroups: [] } })) : await this.load(list);
    const needsAvailability = type === 'product' || type === 'productOption';
    const page = mapMenus(menus, needsAvailability ? await this.availability(skusOf(menus)) : new Map());
    return {
      entities: page.entities.filter((e) => e.type === type),
      rejected: page.rejected.filter((r) => r.ref.type === type),
    };
  }

  /**
   * The named entities, read from the menus with the availability of their SKUs. A product's SKU also
   * names the product modifiers that sell the same item: they come too (the item-availability webhook
   * names a SKU, not where it is sold).
   */
  async fetchCatalogEntities(refs: CatalogRef[]): Promise<CatalogPage> {
    const menus = await this.load(await this.menuList());
    const skus = new Set(
      refs.flatMap((r) => {
        if (r.type === 'product') return [r.posId];
        const option = r.type === 'productOption' ? parseOptionId(r.posId) : undefined;
        return option?.kind === 'modifier' ? [option.sku] : [];
      }),
    );
    const page = mapMenus(menus, await this.availability([...skus]));
    const wanted = new Set(refs.map((r) => `${r.type}#${r.posId}`));
    const sameSku = (e: CatalogPage['entities'][number]) => {
      if (e.type !== 'productOption') return false;
      const option = parseOptionId(e.posId);
      return option?.kind === 'modifier' && skus.has(option.sku);
    };
    return {
      entities: page.entities.filter((e) => wanted.has(`${e.type}#${e.posId}`) || sameSku(e)),
      rejected: page.rejected.filter((r) => wanted.has(`${r.ref.type}#${r.ref.posId}`)),
    };
  }

  private async menuList(): Promise<{ menuId: string; menuName?: string }[]> {
    const reply = await this.send(LSK_PATHS.menuList, {
      method: 'get',
      searchParams: { businessLocationId: this.location },
    });
    return this.parse(MenuListSchema, reply, 'menu list').map((m) => ({
      menuId: m.ikentooMenuId,
      menuName: m.menuName,
    }));
  }

  private async load(list: { menuId: string; menuName?: string }[]): Promise<LoadedMenu[]> {
    const menus: LoadedMenu[] = [];
    for (const entry of list) {
      const reply = await this.send(LSK_PATHS.menuV2(entry.menuId), {
        method: 'get',
        searchParams: { businessLocationId: this.location },
      });
      menus.push({ ...entry, menu: this.parse(MenuV2Schema, reply, `menu ${entry.menuId}`) });
    }
    return menus;
  }

  /** Restricted SKUs and their counts, 50 SKUs a request, page by page; an unlisted SKU is unrestricted [unverified]. */
  private async availability(skus: string[]): Promise<Availability> {
    const counts = new Map<string, number | null>();
    for (let i = 0; i < skus.length; i += AVAILABILITY_SKUS_MAX) {
      const batch = skus.slice(i, i + AVAILABILITY_SKUS_MAX);
      // 50 SKUs fit one page of 100; more pages are read if K-Series ever says so.
      for (let page = 0, pages = 1; page < pages && page < MAX_AVAILABILITY_PAGES; page++) {
        const reply = await this.send(LSK_PATHS.itemAvailability, {
          method: 'post',
          searchParams: { businessLocationId: this.location, page: String(page), size: String(AVAILABILITY_PAGE_SIZE) },
          json: { skus: batch },
        });
        const read = this.parse(ItemAvailabilityReplySchema, reply, 'item availability');
        for (const item of read.data)
          counts.set(item.sku, item.count === null || item.count === undefined ? null : Number(item.count));
        pages = read.metadata?.totalPages ?? 1;
      }
    }
    return counts;
  }

  private async push(platformReservationId: string, body: LskPlatformReservation): Promise<void> {
    const platformCode = this.ctx.settings?.platformCode;
    if (!platformCode)
      throw new PermanentError('the stage names no K-Series reservation platformCode', 'MISSING_CONFIGURATION');
    const reply = await this.send(LSK_PATHS.reservationPush(platformCode, this.location, platformReservationId), {
      method: 'put',
      json: body,
    });
    if (!this.parse(PushAcceptedSchema, reply, 'reservation push reply').accepted)
      throw new PermanentError('K-Series did not accept the reservation push', 'RESERVATION_NOT_ACCEPTED');
  }

  private orderOptions(): LskOrderOptions {
    const s = this.ctx.secret;
    const endpointId = text(s.endpointId);
    if (!endpointId)
      throw new PermanentError('K-Series secret names no endpointId (its registered webhook)', 'MISSING_CONFIGURATION');
    const record = (value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, string>)
        : undefined;
    return {
      endpointId,
      accountProfileCodes: record(s.accountProfileCodes),
      paymentMethod: text(s.paymentMethod),
      deliveryFeeSku: text(s.deliveryFeeSku),
      tableNumbers: record(s.tableNumbers),
    };
  }

  /** A reply we cannot read reads the same next time: permanent, recorded, not retried forever. */
  private parse<const S extends v.GenericSchema>(schema: S, reply: unknown, what: string): v.InferOutput<S> {
    try {
      return parseOrThrow(schema, reply, `K-Series ${what}`);
    } catch (error) {
      throw new PermanentError((error as Error).message, 'UNMAPPABLE_POS_REPLY');
    }
  }

  /** One call; a refused access token is renewed once and the call made again with the new one. */
  private async send(path: string, options: Send): Promise<unknown> {
    const { body, ...rest } = options;
    for (;;) {
      try {
        return await call<unknown>(this.http, path, {
          ...rest,
          ...(body !== undefined ? { body, headers: { 'content-type': 'application/json' } } : {}),
          budget: this.ctx.budget,
          timeoutMs: TIMEOUT_MS,
          service: SERVICE,
          posCode: this.ctx.link.posCode,
          parseError: parseLskError,
          parseBody: parseReplyKeepingIds,
        });
      } catch (error) {
        const expired = error instanceof PosAuthError && error.remote?.status === 401;
        if (!expired || !this.ctx.renewCredentials || this.renewed) throw error;
        this.renewed = true;
        this.http = this.clientFor(await this.ctx.renewCredentials());
      }
    }
  }
}
