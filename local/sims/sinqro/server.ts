/**
 * Simulator of Sinqro: serves the POS-app endpoints the bridge calls (paths from the client's route
 * table), checks both token headers, records every call at `GET /_sim/calls`, and sends signed
 * events to the bridge (`POST /_sim/events`), as Sinqro would.
 */
import type { Server, ServerResponse } from 'node:http';
import { errorBody } from '../../../functions/core/errors';
import { signPayload } from '../../../functions/infra/signature';
import { close, jsonServer, listen, parseJsonBody, router, sendJson } from '../../runtime/http-util';
import { Faults } from '../faults';

export type SinqroCall = {
  at: string;
  method: string;
  path: string;
  /** What the call was about; `id` is the order's or reservation's id, or the selling point's for a closure or schedule. */
  kind: 'order' | 'reservation' | 'closure' | 'schedule' | 'catalog';
  id?: number;
  restaurantId?: number;
  statusCode?: string;
  posOrderId?: string;
  /** The closure or schedule body sent (no personal data in either). */
  body?: unknown;
  /** Catalog calls: the collection, and how many items a PUT carried. */
  collection?: string;
  items?: number;
  httpStatus: number;
};

/** Sinqro's catalog collections (docs/sinqro-api.md, Catalog), as the bridge's route table names them. */
export const SINQRO_SIM_COLLECTIONS = [
  'menus',
  'menuSections',
  'products',
  'productVariants',
  'productOptionsCategories',
  'productOptions',
] as const;
export type SimCatalogItem = { id: number; externalId: string; [field: string]: unknown };
const MAX_CATALOG_ITEMS_PER_CALL = 100;

/** Status codes with `isFinalStatus: true` in the working status machine (docs/sinqro-api.md, Statuses). */
export const SINQRO_FINAL_CODES: ReadonlySet<string> = new Set([
  'collected',
  'served',
  'delivered',
  'finished',
  'cancelled',
  'rejected',
  'no_show',
  'pos_integration_failed',
]);

export type SimClosure = { startsAt: string; expiresAt: string | null };
export type SimScheduleRange = {
  startDay: { id: number };
  endDay: { id: number };
  startTime: string;
  endTime: string;
  timezone: string;
};

export type SinqroSimOptions = {
  serverAccessToken: string;
  /** restaurant id → its user access token */
  userAccessTokens: Record<number, string>;
  signingSecret: string;
  /** The bridge's Sinqro event endpoint (`…/sinqro/events`) and its local EventBridge stand-in. */
  bridgeEventsUrl: string;
  bridgeEventBridgeUrl?: string;
  log?: (line: string) => void;
};

export class SinqroSim {
  readonly calls: SinqroCall[] = [];
  /** selling point → collection → externalId → item (with the id Sinqro gave it). */
  readonly catalogs = new Map<number, Map<string, Map<string, SimCatalogItem>>>();
  private catalogSeq = 500_000;
  readonly faults = new Faults();
  /** The status each order and reservation is in now (`order#<id>`), as the calls left it. */
  readonly lastStatus = new Map<string, string>();
  /** Per selling point: its temporary closure (absent: none) and its weekly schedule. */
  readonly closures = new Map<number, SimClosure>();
  readonly schedules = new Map<number, SimScheduleRange[]>();
  private server?: Server;
  url = '';

  constructor(private readonly opts: SinqroSimOptions) {}

  async start(port: number): Promise<string> {
    const statusRoute =
      (kind: 'order' | 'reservation') =>
      async ({ req, res, params, body, url }: Parameters<Parameters<typeof router>[0][number]['handle']>[0]) =>
        this.status(kind, Number(params[0]), req.headers, body, url.pathname, res);
    this.server = jsonServer(
      router([
        { method: 'POST', pattern: /^\/pos-app\/v1\/orders\/(\d+)\/status$/, handle: statusRoute('order') },
        { method: 'POST', pattern: /^\/pos-app\/v1\/reservations\/(\d+)\/status$/, handle: statusRoute('reservation') },
        {
          method: 'PUT',
          pattern: /^\/pos-app\/v1\/sellingPoints\/(\d+)\/catalog\/([A-Za-z]+)$/,
          handle: ({ req, res, params, body, url }) =>
            this.catalogCall(
              'PUT',
              Number(params[0]),
              params[1] as string,
              undefined,
              req.headers,
              body,
              url.pathname,
              res,
            ),
        },
        {
          method: 'DELETE',
          pattern: /^\/pos-app\/v1\/sellingPoints\/(\d+)\/catalog\/([A-Za-z]+)\/([^/]+)$/,
          handle: ({ req, res, params, body, url }) =>
            this.catalogCall(
              'DELETE',
              Number(params[0]),
              params[1] as string,
              params[2],
              req.headers,
              body,
              url.pathname,
              res,
            ),
        },
        {
          method: 'GET',
          pattern: /^\/_sim\/catalog\/(\d+)$/,
          handle: ({ res, params }) => sendJson(res, 200, this.catalogView(Number(params[0]))),
        },
        {
          method: 'PUT',
          pattern: /^\/pos-app\/v1\/sellingPoints\/(\d+)\/closure$/,
          handle: (c) => this.sellingPointCall('closure', c, (sp, body) => this.putClosure(sp, body)),
        },
        {
          method: 'DELETE',
          pattern: /^\/pos-app\/v1\/sellingPoints\/(\d+)\/closure$/,
          handle: (c) => this.sellingPointCall('closure', c, (sp) => this.deleteClosure(sp)),
        },
        {
          method: 'PUT',
          pattern: /^\/pos-app\/v1\/sellingPoints\/(\d+)\/schedule$/,
          handle: (c) => this.sellingPointCall('schedule', c, (sp, body) => this.putSchedule(sp, body)),
        },
        {
          method: 'GET',
          pattern: /^\/_sim\/closure\/(\d+)$/,
          handle: ({ res, params }) =>
            sendJson(res, 200, {
              sellingPointId: Number(params[0]),
              closure: this.closures.get(Number(params[0])) ?? null,
            }),
        },
        {
          method: 'GET',
          pattern: /^\/_sim\/schedule\/(\d+)$/,
          handle: ({ res, params }) =>
            sendJson(res, 200, {
              sellingPointId: Number(params[0]),
              ranges: this.schedules.get(Number(params[0])) ?? null,
            }),
        },
        {
          method: 'GET',
          pattern: /^\/_sim\/calls$/,
          handle: ({ res, url }) => {
            const id = url.searchParams.get('id');
            sendJson(res, 200, id ? this.calls.filter((c) => c.id === Number(id)) : this.calls);
          },
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/events$/,
          handle: ({ res, body, url }) => this.sendEvent(body, url.searchParams.get('via') ?? 'http', res),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/faults$/,
          handle: ({ body, res }) => sendJson(res, 200, this.faults.set(parseJsonBody(body) ?? {})),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/reset$/,
          handle: ({ res }) => {
            this.calls.length = 0;
            this.lastStatus.clear();
            this.catalogs.clear();
            this.closures.clear();
            this.schedules.clear();
            this.faults.set({});
            sendJson(res, 200, { reset: true });
          },
        },
      ]),
    );
    const bound = await listen(this.server, port);
    this.url = `http://127.0.0.1:${bound}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
  }

  /** The statuses Sinqro was told for one order, in order of arrival (only accepted calls). */
  statusesOf(id: number): string[] {
    return this.calls
      .filter((c) => c.id === id && c.httpStatus === 200 && c.statusCode !== undefined)
      .map((c) => c.statusCode as string);
  }

  private async status(
    kind: 'order' | 'reservation',
    id: number,
    headers: Record<string, unknown>,
    body: Buffer,
    path: string,
    res: ServerResponse,
  ) {
    const restaurantId = Object.entries(this.opts.userAccessTokens).find(
      ([, t]) => t === headers['x-api-user-access-token'],
    )?.[0];
    const record = (httpStatus: number, extra: Partial<SinqroCall> = {}) =>
      this.calls.push({
        at: new Date().toISOString(),
        method: 'POST',
        path,
        kind,
        id,
        restaurantId: restaurantId ? Number(restaurantId) : undefined,
        httpStatus,
        ...extra,
      });
    if (headers['x-api-server-access-token'] !== this.opts.serverAccessToken || !restaurantId) {
      record(401);
      return sendJson(
        res,
        401,
        errorBody(401, 'INVALID_ACCESS_TOKEN', 'x-api-server-access-token or x-api-user-access-token is not valid'),
      );
    }
    const down = this.faults.isDown();
    if (
      await this.faults.before(res, (s) =>
        errorBody(s, s === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', 'injected fault'),
      )
    ) {
      record(down ? 503 : 0);
      return;
    }
    const req = parseJsonBody<{ statusCode?: unknown; posOrderId?: unknown }>(body);
    if (typeof req?.statusCode !== 'string' || !/^[a-z_]{2,64}$/.test(req.statusCode)) {
      record(400);
      return sendJson(res, 400, errorBody(400, 'INVALID_STATUS_CODE', 'statusCode is required'));
    }
    const posOrderId = typeof req.posOrderId === 'string' ? req.posOrderId : undefined;
    // An order in a final status (isFinalStatus) stays there: a different status after it is refused, the
    // same one again is an idempotent repeat (e.g. a request the bridge gave up on, served late).
    const current = this.lastStatus.get(`${kind}#${id}`);
    if (current && SINQRO_FINAL_CODES.has(current) && current !== req.statusCode) {
      record(409, { statusCode: req.statusCode, posOrderId });
      return sendJson(res, 409, errorBody(409, 'ORDER_STATUS_FINAL', `${kind} ${id} is already ${current}`));
    }
    this.lastStatus.set(`${kind}#${id}`, req.statusCode);
    record(200, { statusCode: req.statusCode, posOrderId });
    this.opts.log?.(`[sinqro] ${kind} ${id} is now "${req.statusCode}"${posOrderId ? ` (POS ${posOrderId})` : ''}`);
    if (this.faults.dropReply()) return;
    sendJson(res, 200, { id, status: { code: req.statusCode } });
  }

  /**
   * A call on a selling point's closure or schedule: both tokens checked (the user token must be this
   * selling point's), faults applied, the body validated and stored, the call recorded.
   */
  private async sellingPointCall(
    kind: 'closure' | 'schedule',
    { req, res, params, body, url }: Parameters<Parameters<typeof router>[0][number]['handle']>[0],
    apply: (sellingPointId: number, body: unknown) => { status: number; reply: unknown; code?: string },
  ) {
    const sellingPointId = Number(params[0]);
    const parsed = body.length > 0 ? parseJsonBody<unknown>(body) : undefined;
    const record = (httpStatus: number) =>
      this.calls.push({
        at: new Date().toISOString(),
        method: req.method ?? '',
        path: url.pathname,
        kind,
        id: sellingPointId,
        restaurantId: this.restaurantOf(req.headers),
        body: parsed,
        httpStatus,
      });
    if (req.headers['x-api-server-access-token'] !== this.opts.serverAccessToken || !this.restaurantOf(req.headers)) {
      record(401);
      return sendJson(
        res,
        401,
        errorBody(401, 'INVALID_ACCESS_TOKEN', 'x-api-server-access-token or x-api-user-access-token is not valid'),
      );
    }
    if (this.restaurantOf(req.headers) !== sellingPointId) {
      record(403);
      return sendJson(res, 403, errorBody(403, 'FORBIDDEN', 'the user token is not this selling point’s'));
    }
    const down = this.faults.isDown();
    if (
      await this.faults.before(res, (s) =>
        errorBody(s, s === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', 'injected fault'),
      )
    ) {
      record(down ? 503 : 0);
      return;
    }
    const outcome = apply(sellingPointId, parsed);
    record(outcome.status);
    if (outcome.status === 200) this.opts.log?.(`[sinqro] selling point ${sellingPointId} ${String(outcome.code)}`);
    if (this.faults.dropReply()) return;
    sendJson(res, outcome.status, outcome.reply);
  }

  private restaurantOf(headers: Record<string, unknown>): number | undefined {
    const id = Object.entries(this.opts.userAccessTokens).find(
      ([, t]) => t === headers['x-api-user-access-token'],
    )?.[0];
    return id ? Number(id) : undefined;
  }

  private putClosure(sellingPointId: number, body: unknown) {
    const b = body as { startsAt?: unknown; expiresAt?: unknown } | undefined;
    const startsAt = typeof b?.startsAt === 'string' ? Date.parse(b.startsAt) : Number.NaN;
    const expiresAt =
      typeof b?.expiresAt === 'string' ? Date.parse(b.expiresAt) : b?.expiresAt === null ? null : Number.NaN;
    if (Number.isNaN(startsAt) || Number.isNaN(expiresAt) || (expiresAt !== null && expiresAt <= startsAt))
      return invalid('INVALID_CLOSURE', 'startsAt (date-time) and expiresAt (a later date-time, or null) are required');
    const closure: SimClosure = { startsAt: b?.startsAt as string, expiresAt: (b?.expiresAt as string | null) ?? null };
    this.closures.set(sellingPointId, closure);
    const until = closure.expiresAt ? `until ${closure.expiresAt}` : 'until further notice';
    return { status: 200, reply: { sellingPointId, ...closure }, code: `is temporarily closed ${until}` };
  }

  private deleteClosure(sellingPointId: number) {
    if (!this.closures.delete(sellingPointId))
      return { status: 404, reply: errorBody(404, 'CLOSURE_NOT_FOUND', 'the selling point has no temporary closure') };
    return { status: 200, reply: { sellingPointId, closure: null }, code: 'is open again (closure removed)' };
  }

  private putSchedule(sellingPointId: number, body: unknown) {
    const ranges = (body as { ranges?: unknown } | undefined)?.ranges;
    const time = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/;
    const day = (d: unknown) =>
      Number.isInteger((d as { id?: unknown })?.id) && (d as { id: number }).id >= 1 && (d as { id: number }).id <= 7;
    const valid =
      Array.isArray(ranges) &&
      ranges.every((r: Partial<SimScheduleRange>) => {
        if (!day(r?.startDay) || !day(r?.endDay) || !time.test(String(r.startTime)) || !time.test(String(r.endTime)))
          return false;
        const start = (r.startDay as { id: number }).id;
        const end = (r.endDay as { id: number }).id;
        return typeof r.timezone === 'string' && r.timezone !== '' && (end === start || end === (start % 7) + 1);
      });
    if (!valid)
      return invalid(
        'INVALID_SCHEDULE',
        'ranges[] need startDay.id / endDay.id (1–7, endDay the same or the next day), startTime, endTime (HH:MM) and timezone',
      );
    this.schedules.set(sellingPointId, ranges as SimScheduleRange[]);
    return { status: 200, reply: { sellingPointId, ranges }, code: `has a new schedule (${ranges.length} ranges)` };
  }

  /** The catalog Sinqro holds for a selling point, by collection (what the bridge has pushed). */
  catalogView(sellingPointId: number): Record<string, SimCatalogItem[]> {
    const catalog = this.catalogs.get(sellingPointId);
    return Object.fromEntries(SINQRO_SIM_COLLECTIONS.map((c) => [c, [...(catalog?.get(c)?.values() ?? [])]]));
  }

  /** Catalog calls made so far (PUTs and DELETEs), optionally of one collection. */
  catalogCalls(collection?: string): SinqroCall[] {
    return this.calls.filter((c) => c.kind === 'catalog' && (!collection || c.collection === collection));
  }

  private async catalogCall(
    method: 'PUT' | 'DELETE',
    sellingPointId: number,
    collection: string,
    externalId: string | undefined,
    headers: Record<string, unknown>,
    body: Buffer,
    path: string,
    res: ServerResponse,
  ) {
    const restaurantId = Object.entries(this.opts.userAccessTokens).find(
      ([, t]) => t === headers['x-api-user-access-token'],
    )?.[0];
    const call: SinqroCall = {
      at: new Date().toISOString(),
      method,
      path,
      kind: 'catalog',
      restaurantId: restaurantId ? Number(restaurantId) : undefined,
      collection,
      httpStatus: 0,
    };
    const answer = (status: number, reply: unknown) => {
      call.httpStatus = status;
      this.calls.push(call);
      sendJson(res, status, reply);
    };
    if (headers['x-api-server-access-token'] !== this.opts.serverAccessToken || !restaurantId)
      return answer(
        401,
        errorBody(401, 'INVALID_ACCESS_TOKEN', 'x-api-server-access-token or x-api-user-access-token is not valid'),
      );
    if (Number(restaurantId) !== sellingPointId)
      return answer(
        403,
        errorBody(403, 'FORBIDDEN', `this token does not give access to selling point ${sellingPointId}`),
      );
    if (!(SINQRO_SIM_COLLECTIONS as readonly string[]).includes(collection))
      return answer(404, errorBody(404, 'NOT_FOUND', `no catalog collection ${collection}`));
    const down = this.faults.isDown();
    if (
      await this.faults.before(res, (s) =>
        errorBody(s, s === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', 'injected fault'),
      )
    ) {
      call.httpStatus = down ? 503 : 0;
      this.calls.push(call);
      return;
    }
    let catalog = this.catalogs.get(sellingPointId);
    if (!catalog) {
      catalog = new Map(SINQRO_SIM_COLLECTIONS.map((c) => [c, new Map<string, SimCatalogItem>()]));
      this.catalogs.set(sellingPointId, catalog);
    }
    const items = catalog.get(collection) as Map<string, SimCatalogItem>;
    if (method === 'DELETE') {
      if (!items.delete(externalId as string))
        return answer(404, errorBody(404, 'NOT_FOUND', `${collection} ${externalId} does not exist`));
      this.opts.log?.(`[sinqro] catalog ${collection} ${externalId} deleted (selling point ${sellingPointId})`);
      return answer(204, undefined);
    }
    const req = parseJsonBody<{ items?: unknown }>(body);
    const list = Array.isArray(req?.items) ? (req.items as Record<string, unknown>[]) : undefined;
    if (!list || list.length === 0 || list.length > MAX_CATALOG_ITEMS_PER_CALL)
      return answer(400, errorBody(400, 'INVALID_ITEMS', `items must hold 1 to ${MAX_CATALOG_ITEMS_PER_CALL} entries`));
    const bad = list.findIndex(
      (i) => typeof i?.externalId !== 'string' || !i.externalId || typeof i.name !== 'string' || !i.name,
    );
    if (bad >= 0) return answer(400, errorBody(400, 'INVALID_ITEM', `items[${bad}] needs an externalId and a name`));
    const ids = list.map((item) => {
      const externalId = item.externalId as string;
      const id = items.get(externalId)?.id ?? ++this.catalogSeq;
      items.set(externalId, { ...item, id, externalId });
      return { externalId, id };
    });
    call.items = list.length;
    this.opts.log?.(
      `[sinqro] catalog ${collection}: ${list.length} item(s) upserted (selling point ${sellingPointId})`,
    );
    if (this.faults.dropReply()) {
      call.httpStatus = 200;
      this.calls.push(call);
      return;
    }
    answer(200, { items: ids });
  }

  /** Signs an envelope and delivers it to the bridge over HTTP (or through the local EventBridge stand-in). */
  async sendEvent(body: Buffer, via: string, res?: ServerResponse): Promise<{ status: number; body: unknown }> {
    const raw = body.toString('utf8');
    const target = via === 'eventbridge' ? this.opts.bridgeEventBridgeUrl : this.opts.bridgeEventsUrl;
    if (!target) {
      const out = { status: 400, body: { message: `delivery via ${via} is not available` } };
      if (res) sendJson(res, 400, out.body);
      return out;
    }
    const response = await fetch(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sinqro-signature': signPayload(this.opts.signingSecret, raw) },
      body: raw,
    });
    const text = await response.text();
    const parsed = text ? (parseJsonBody(Buffer.from(text)) ?? text) : undefined;
    const out = { status: response.status, body: parsed };
    if (res) sendJson(res, 200, { bridgeStatus: response.status, bridgeBody: parsed });
    return out;
  }
}

const invalid = (code: string, message: string) => ({ status: 400, reply: errorBody(400, code, message) });
