/**
 * Simulator of Sinqro: serves the POS-app endpoints the bridge calls (paths from the client's route
 * table), checks both token headers, records every call at `GET /_sim/calls`, and sends signed
 * events to the bridge (`POST /_sim/events`), as Sinqro would.
 */
import type { Server, ServerResponse } from 'node:http';
import { errorBody } from '../functions/shared/errors';
import { signPayload } from '../functions/shared/signature';
import { Faults } from './faults';
import { close, jsonServer, listen, parseJsonBody, router, sendJson } from './http-util';

export type SinqroCall = {
  at: string;
  method: string;
  path: string;
  kind: 'order' | 'reservation' | 'catalog';
  /** The order's or reservation's id (status calls). */
  id?: number;
  restaurantId?: number;
  statusCode?: string;
  posOrderId?: string;
  /** Catalog calls: the collection, and how many items a PUT carried. */
  collection?: string;
  items?: number;
  httpStatus: number;
};

/** Sinqro's catalog collections (sinqro.md §9.9), as the bridge's route table names them. */
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
            this.catalogs.clear();
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
    return this.calls.filter((c) => c.id === id && c.httpStatus === 200).map((c) => c.statusCode as string);
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
    if (
      await this.faults.before(res, (s) =>
        errorBody(s, s === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', 'injected fault'),
      )
    ) {
      record(this.faults.config.downUntil && Date.now() < this.faults.config.downUntil ? 503 : 0);
      return;
    }
    const req = parseJsonBody<{ statusCode?: unknown; posOrderId?: unknown }>(body);
    if (typeof req?.statusCode !== 'string' || !/^[a-z_]{2,64}$/.test(req.statusCode)) {
      record(400);
      return sendJson(res, 400, errorBody(400, 'INVALID_STATUS_CODE', 'statusCode is required'));
    }
    const posOrderId = typeof req.posOrderId === 'string' ? req.posOrderId : undefined;
    record(200, { statusCode: req.statusCode, posOrderId });
    this.opts.log?.(`[sinqro] ${kind} ${id} is now "${req.statusCode}"${posOrderId ? ` (POS ${posOrderId})` : ''}`);
    if (this.faults.dropReply()) return;
    sendJson(res, 200, { id, status: { code: req.statusCode } });
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
    if (
      await this.faults.before(res, (s) =>
        errorBody(s, s === 429 ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE', 'injected fault'),
      )
    ) {
      call.httpStatus = this.faults.config.downUntil && Date.now() < this.faults.config.downUntil ? 503 : 0;
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
