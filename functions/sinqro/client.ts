/**
 * The Sinqro POS-app API client. Sinqro does not publish the POS-app paths, so every path lives in
 * ROUTES below, and every canonical-status → Sinqro-code decision in SINQRO_STATUS_CODES: both can be
 * corrected in one place once Sinqro confirms them (docs/sinqro-api.md, Not documented).
 */
import { PermanentError } from '../core/errors';
import type { ClosureNews, ScheduleNews } from '../core/messages';
import type { CanonicalStatus, Kind } from '../core/statuses';
import { type Budget, call, createHttpClient, type ErrorParser, type HttpClient } from '../infra/outbound';

export const DEFAULT_SINQRO_BASE_URL = 'https://api.sinqro.com/pos-app/v1';

export const ROUTES = {
  orderStatus: (orderId: number) => `orders/${orderId}/status`,
  reservationStatus: (reservationId: number) => `reservations/${reservationId}/status`,
  closure: (sellingPointId: number) => `sellingPoints/${sellingPointId}/closure`,
  schedule: (sellingPointId: number) => `sellingPoints/${sellingPointId}/schedule`,
  /** F6: create-or-modify a collection of catalog items (docs/sinqro-api.md, Catalog); `collection` as in SINQRO_COLLECTIONS. */
  catalog: (sellingPointId: number, collection: string) => `sellingPoints/${sellingPointId}/catalog/${collection}`,
  catalogItem: (sellingPointId: number, collection: string, externalId: string | number) =>
    `sellingPoints/${sellingPointId}/catalog/${collection}/${encodeURIComponent(String(externalId))}`,
} as const;

/** Working assumption (docs/sinqro-api.md, Statuses): only `waiting_sp_validation` is documented. */
export function sinqroStatusCode(kind: Kind, orderType: string, status: CanonicalStatus): string {
  if (status === 'COMPLETED' && kind === 'order') {
    return orderType === 'delivery' ? 'delivered' : orderType === 'collection' ? 'collected' : 'served';
  }
  const codes: Record<CanonicalStatus, string> = {
    RECEIVED: 'waiting_sp_validation',
    INJECTED: 'waiting_sp_validation',
    ACCEPTED: 'accepted',
    CONFIRMED: 'confirmed',
    PREPARING: 'preparing',
    READY: 'ready',
    OUT_FOR_DELIVERY: 'dispatched',
    SEATED: 'seated',
    COMPLETED: 'finished',
    REJECTED: 'rejected',
    CANCELLED: 'cancelled',
    NO_SHOW: 'no_show',
    FAILED: 'pos_integration_failed',
  };
  return codes[status];
}

/** Sinqro's error body: `{errors[], code, message, httpResponseCode}` (docs/sinqro-api.md, Error body). */
export const parseSinqroError: ErrorParser = (_status, body) => {
  if (body && typeof body === 'object' && 'code' in body && 'message' in body) {
    const b = body as { code: unknown; message: unknown };
    if (typeof b.code === 'string' && typeof b.message === 'string') return { code: b.code, message: b.message };
  }
  return undefined;
};

export type StatusUpdate = {
  kind: Kind;
  orderType: string;
  id: number;
  status: CanonicalStatus;
  posOrderId?: string;
  comment?: string;
};

const TIMEOUT_MS = 5000;

export class SinqroClient {
  private readonly http: HttpClient;
  constructor(baseUrl: string, serverToken: string, userToken: string) {
    this.http = createHttpClient({
      prefixUrl: baseUrl,
      timeoutMs: TIMEOUT_MS,
      headers: { 'x-api-server-access-token': serverToken, 'x-api-user-access-token': userToken },
    });
  }

  /** PUTs catalog items; Sinqro answers with the id it gave each (`{ items: [{ externalId, id }] }`). */
  async putCatalog(
    sellingPointId: number,
    collection: string,
    items: Record<string, unknown>[],
    budget: Budget,
  ): Promise<unknown> {
    return call<unknown>(this.http, ROUTES.catalog(sellingPointId, collection), {
      method: 'put',
      json: { items },
      budget,
      timeoutMs: TIMEOUT_MS,
      service: 'sinqro',
      parseError: parseSinqroError,
    });
  }

  async deleteCatalogItem(sellingPointId: number, collection: string, externalId: string, budget: Budget) {
    await call(this.http, ROUTES.catalogItem(sellingPointId, collection, externalId), {
      method: 'delete',
      budget,
      timeoutMs: TIMEOUT_MS,
      service: 'sinqro',
      parseError: parseSinqroError,
    });
  }

  async postStatus(update: StatusUpdate, budget: Budget): Promise<void> {
    const path = update.kind === 'order' ? ROUTES.orderStatus(update.id) : ROUTES.reservationStatus(update.id);
    await call(this.http, path, {
      method: 'post',
      json: {
        statusCode: sinqroStatusCode(update.kind, update.orderType, update.status),
        posOrderId: update.posOrderId,
        comment: update.comment,
      },
      budget,
      timeoutMs: TIMEOUT_MS,
      service: 'sinqro',
      parseError: parseSinqroError,
    });
  }

  /** Closes the selling point temporarily (F7): from `startsAt` until `expiresAt` (null: until further notice). */
  async putClosure(
    sellingPointId: number,
    closure: NonNullable<ClosureNews['closure']>,
    budget: Budget,
  ): Promise<void> {
    await this.send('put', ROUTES.closure(sellingPointId), closure, budget);
  }

  /** Ends the temporary closure. A closure Sinqro does not have (404) is already gone: that is success. */
  async deleteClosure(sellingPointId: number, budget: Budget): Promise<void> {
    try {
      await this.send('delete', ROUTES.closure(sellingPointId), undefined, budget);
    } catch (error) {
      if (error instanceof PermanentError && error.remote?.status === 404) return;
      throw error;
    }
  }

  /** Replaces the selling point's weekly schedule (F8). */
  async putSchedule(sellingPointId: number, ranges: ScheduleNews['ranges'], budget: Budget): Promise<void> {
    await this.send('put', ROUTES.schedule(sellingPointId), { ranges }, budget);
  }

  private async send(method: 'put' | 'delete', path: string, json: object | undefined, budget: Budget) {
    await call(this.http, path, {
      method,
      json,
      budget,
      timeoutMs: TIMEOUT_MS,
      service: 'sinqro',
      parseError: parseSinqroError,
    });
  }
}
