/**
 * Simulator of the Square API for the local runtime and the tests: the endpoints the Square adapter
 * uses (Orders, Payments with an EXTERNAL source, Catalog search, Locations) with Square's request,
 * response and error shapes (OpenAPI `api.json`, schema names in the comments), webhooks signed as
 * Square signs them, every API request recorded at `GET /_sim/requests`, and `/_sim` controls:
 * staff moving a fulfillment, catalog and hours edits, webhook switches, faults, reset.
 *
 * What is simulated is what Square documents; where Square's behaviour is not documented the choice
 * is marked [inferred].
 *
 * API (Bearer token required): POST /v2/orders, GET|PUT /v2/orders/{id}, POST /v2/orders/batch-retrieve,
 * POST /v2/payments, GET /v2/payments/{id}, POST /v2/catalog/search, GET /v2/catalog/list,
 * GET /v2/catalog/object/{id}, GET /v2/locations, GET /v2/locations/{id}.
 * Controls (no auth): GET|DELETE /_sim/requests (?method=&path=), GET /_sim/orders, GET /_sim/payments,
 * POST /_sim/orders/{id}/fulfillment {state, uid?}, GET|POST /_sim/webhooks {orders?, catalog?,
 * locations?, hold?, copies?}, POST /_sim/webhooks/release {reverse?}, POST /_sim/webhooks/{event_id}/resend,
 * GET|POST /_sim/catalog {object}, DELETE /_sim/catalog/{id}, POST /_sim/catalog/{id}/sold-out
 * {sold_out, location_id?}, PATCH /_sim/locations/{id} {business_hours?, status?, timezone?, name?},
 * POST /_sim/faults (local/sims/faults.ts), POST /_sim/oauth/expire (every access token so far answers
 * ACCESS_TOKEN_EXPIRED), POST /_sim/reset. OAuth: POST /oauth2/token (ObtainToken, refresh_token grant).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { close, jsonServer, listen, parseJsonBody, type Route, router, sendJson } from '../../runtime/http-util';
import { Faults } from '../faults';
import { type CatalogObjectInput, SquareSimCatalog } from './catalog';
import { SquareSimOAuth } from './oauth';
import { type OrderEvent, type SquareOrder, SquareSimOrders } from './orders';
import { Clock, faultError, invalid, isObject, notFound, type SquareErrorEntry, SquareSimError } from './shapes';
import { type SentWebhook, SquareWebhookSender, type WebhookSwitches, type WebhookTopic } from './webhooks';

export { SQUARE_SIGNATURE_HEADER, signSquareWebhook } from './webhooks';

/** OpenAPI `BusinessHoursPeriod`; `day_of_week` is a `DayOfWeek` (`SUN` … `SAT`). */
export type BusinessHoursPeriod = { day_of_week: string; start_local_time: string; end_local_time: string };

/** A location the simulator serves (OpenAPI `Location`, the fields given here; the rest is filled in). */
export type SquareSimLocationInput = {
  id: string;
  name?: string;
  timezone?: string;
  currency?: string;
  country?: string;
  status?: 'ACTIVE' | 'INACTIVE';
  business_hours?: { periods: BusinessHoursPeriod[] };
};

export type SquareSimOptions = {
  /** The access token the API calls must carry (`Authorization: Bearer …`) until it expires. */
  accessToken: string;
  /** The merchant's OAuth refresh token and the application's id and secret, for ObtainToken (`/oauth2/token`). */
  refreshToken?: string;
  applicationId?: string;
  applicationSecret?: string;
  /** The webhook subscription's signature key. */
  signatureKey: string;
  /** Where webhooks are posted: the bridge's `/square/webhooks/...` route. */
  webhookUrl: string;
  /** The notification URL the subscription was registered with (what is signed); defaults to `webhookUrl`. */
  notificationUrl?: string;
  merchantId?: string;
  /** Locations served; one demo location (`DEFAULT_SQUARE_LOCATION_ID`) unless given. */
  locations?: SquareSimLocationInput[];
  /** Currency of the demo catalog and of locations given without one. */
  currency?: string;
  /** Most objects per SearchCatalogObjects page (default 4, small so that paging is exercised). */
  catalogPageSize?: number;
  /** Webhook switches at start and after a reset (all on, one copy each, unless said otherwise). */
  webhooks?: Partial<WebhookSwitches>;
  /** `Square-Version` of the webhook subscription. */
  apiVersion?: string;
  log?: (line: string) => void;
};

/** One API call as the simulator saw it (`GET /_sim/requests`); the access token is never recorded. */
export type RecordedSquareRequest = {
  seq: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  squareVersion?: string;
  idempotencyKey?: string;
  headers: Record<string, string>;
  body?: unknown;
  /** HTTP status answered; null when the reply was dropped by a fault. */
  status: number | null;
};

export const DEFAULT_SQUARE_LOCATION_ID = 'LSIMTRATTORIA01';
export const DEFAULT_SQUARE_API_VERSION = '2025-08-20';
const RECORDED_HEADERS = ['square-version', 'content-type', 'user-agent', 'accept', 'idempotency-key'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * Hours every location starts with: split shifts, and Friday and Saturday nights ending after
 * midnight written as an end time before the start time [inferred: Square does not document how a
 * period past midnight is written; the bridge must cope with it either way].
 */
export function defaultBusinessHours(): { periods: BusinessHoursPeriod[] } {
  const periods: BusinessHoursPeriod[] = [];
  for (const day of ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']) {
    periods.push({ day_of_week: day, start_local_time: '12:00:00', end_local_time: '16:00:00' });
    if (day === 'SUN') continue;
    const late = day === 'FRI' || day === 'SAT';
    periods.push({ day_of_week: day, start_local_time: '20:00:00', end_local_time: late ? '01:00:00' : '23:30:00' });
  }
  return { periods };
}

type Ctx = { req: IncomingMessage; res: ServerResponse; params: string[]; body: Buffer; url: URL };

export class SquareSim {
  readonly clock = new Clock();
  readonly faults = new Faults();
  readonly catalog: SquareSimCatalog;
  readonly orders: SquareSimOrders;
  readonly webhooks: SquareWebhookSender;
  readonly locations = new Map<string, Record<string, unknown>>();
  readonly requests: RecordedSquareRequest[] = [];
  readonly oauth: SquareSimOAuth;
  url = '';
  private server?: Server;
  private seq = 0;
  private pending: OrderEvent[] = [];
  private readonly merchantId: string;
  private readonly currency: string;

  constructor(private readonly opts: SquareSimOptions) {
    this.merchantId = opts.merchantId ?? 'MLSIMSINQRO01';
    this.currency = opts.currency ?? 'EUR';
    this.oauth = new SquareSimOAuth({
      accessToken: opts.accessToken,
      merchantId: this.merchantId,
      refreshToken: opts.refreshToken,
      applicationId: opts.applicationId,
      applicationSecret: opts.applicationSecret,
    });
    this.webhooks = new SquareWebhookSender({
      targetUrl: opts.webhookUrl,
      notificationUrl: opts.notificationUrl,
      signatureKey: opts.signatureKey,
      merchantId: this.merchantId,
      apiVersion: opts.apiVersion ?? DEFAULT_SQUARE_API_VERSION,
      faults: this.faults,
      log: opts.log,
    });
    this.webhooks.reset(opts.webhooks);
    this.catalog = new SquareSimCatalog({
      currency: this.currency,
      locationId: opts.locations?.[0]?.id ?? DEFAULT_SQUARE_LOCATION_ID,
      pageSize: opts.catalogPageSize ?? 4,
      clock: this.clock,
      onChange: (updatedAt) => {
        void this.catalogChanged(updatedAt);
      },
    });
    this.orders = new SquareSimOrders({
      clock: this.clock,
      catalog: this.catalog,
      currencyOf: (id) => this.locations.get(id)?.currency as string | undefined,
      defaultLocationId: () => this.locations.keys().next().value ?? DEFAULT_SQUARE_LOCATION_ID,
      emit: (event) => this.pending.push(event),
    });
    this.resetLocations();
  }

  private log(line: string) {
    this.opts.log?.(`[square] ${line}`);
  }

  /** The latest catalog webhook waits here so that `/_sim/catalog` can answer with its outcome. */
  private lastCatalogWebhook?: Promise<SentWebhook>;
  private catalogChanged(updatedAt: string) {
    // OpenAPI `CatalogVersionUpdatedEvent`: no object id, only the catalog's new `updated_at`.
    this.lastCatalogWebhook = this.webhooks.send('catalog.version.updated', {
      type: 'catalog_version',
      object: { catalog_version: { updated_at: updatedAt } },
    });
    return this.lastCatalogWebhook;
  }

  private resetLocations() {
    this.locations.clear();
    const given = this.opts.locations?.length ? this.opts.locations : [{ id: DEFAULT_SQUARE_LOCATION_ID }];
    const createdAt = new Date().toISOString();
    for (const l of given) {
      // OpenAPI `Location`
      this.locations.set(l.id, {
        id: l.id,
        name: l.name ?? 'Trattoria Square',
        address: { address_line_1: 'Carrer de la Demo 1', locality: 'Barcelona', postal_code: '08001', country: 'ES' },
        timezone: l.timezone ?? 'Europe/Madrid',
        capabilities: ['CREDIT_CARD_PROCESSING'],
        status: l.status ?? 'ACTIVE',
        created_at: createdAt,
        merchant_id: this.merchantId,
        country: l.country ?? 'ES',
        language_code: 'es-ES',
        currency: l.currency ?? this.currency,
        business_name: l.name ?? 'Trattoria Square',
        type: 'PHYSICAL',
        business_hours: structuredClone(l.business_hours ?? defaultBusinessHours()),
        mcc: '5812',
      });
    }
  }

  async start(port = 0): Promise<string> {
    this.server = jsonServer(
      router([...this.apiRoutes(), ...this.simRoutes()], (c) =>
        c.url.pathname.startsWith('/v2/')
          ? this.api(c, () => {
              throw notFound(
                `API endpoint for URL path \`${c.url.pathname}\` and HTTP method \`${c.req.method}\` is not found.`,
              );
            })
          : sendJson(c.res, 404, {
              errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND', detail: c.url.pathname }],
            }),
      ),
    );
    const bound = await listen(this.server, port);
    this.url = `http://127.0.0.1:${bound}`;
    return this.url;
  }

  async close(): Promise<void> {
    if (this.server) await close(this.server);
  }

  // ---- the Square API ----

  private apiRoutes(): Route[] {
    const r = (method: string, pattern: RegExp, handle: (c: Ctx) => Promise<unknown> | unknown): Route => ({
      method,
      pattern,
      handle: (c) => this.api(c, handle),
    });
    return [
      { method: 'POST', pattern: /^\/oauth2\/token$/, handle: (c) => this.obtainToken(c) },
      r('POST', /^\/v2\/orders$/, (c) => this.createOrder(c)),
      r('GET', /^\/v2\/orders\/([^/]+)$/, (c) => ({ order: this.orders.get(c.params[0] as string) })),
      r('POST', /^\/v2\/orders\/batch-retrieve$/, (c) => this.batchRetrieveOrders(c)),
      r('PUT', /^\/v2\/orders\/([^/]+)$/, (c) => this.updateOrder(c)),
      r('POST', /^\/v2\/payments$/, (c) => this.createPayment(c)),
      r('GET', /^\/v2\/payments\/([^/]+)$/, (c) => {
        const payment = this.orders.payments.get(c.params[0] as string);
        if (!payment) throw notFound(`Payment \`${c.params[0]}\` not found.`, 'payment_id');
        return { payment };
      }),
      r('POST', /^\/v2\/catalog\/search$/, (c) => this.catalog.search(this.json(c) as object)),
      // ListCatalog: the same objects as a search by type (`types` is a comma-separated list).
      r('GET', /^\/v2\/catalog\/list$/, (c) => {
        const types = c.url.searchParams.get('types');
        const cursor = c.url.searchParams.get('cursor');
        const { latest_time: _latest, ...page } = this.catalog.search({
          ...(types ? { object_types: types.split(',').map((t) => t.trim().toUpperCase()) } : {}),
          ...(cursor ? { cursor } : {}),
        });
        return page;
      }),
      r('GET', /^\/v2\/catalog\/object\/([^/]+)$/, (c) =>
        this.catalog.retrieve(c.params[0] as string, c.url.searchParams.get('include_related_objects') === 'true'),
      ),
      r('GET', /^\/v2\/locations$/, () => ({ locations: [...this.locations.values()] })),
      r('GET', /^\/v2\/locations\/([^/]+)$/, (c) => ({ location: this.location(c.params[0] as string) })),
    ];
  }

  /** Records the call, checks the token, applies faults, runs the handler and answers 200 or Square's error. */
  private async api(c: Ctx, handle: (c: Ctx) => Promise<unknown> | unknown): Promise<void> {
    const record = this.record(c);
    c.res.once('finish', () => {
      record.status = c.res.statusCode;
    });
    const auth = c.req.headers.authorization;
    if (!auth?.startsWith('Bearer ')) {
      const detail =
        'The `Authorization` http header of your request was malformed. The header value is expected to be of the format "Bearer TOKEN".';
      return this.fail(
        c.res,
        new SquareSimError(401, [{ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED', detail }]),
      );
    }
    const refused = this.oauth.check(auth.slice('Bearer '.length));
    if (refused) return this.fail(c.res, refused);
    const version = c.req.headers['square-version'];
    if (typeof version === 'string' && !/^\d{4}-\d{2}-\d{2}$/.test(version))
      return this.fail(c.res, invalid('INVALID_SQUARE_VERSION_FORMAT', `Invalid Square-Version \`${version}\`.`));
    if (await this.faults.before(c.res, faultError)) return;
    let result: unknown;
    try {
      result = await handle(c);
    } catch (error) {
      if (error instanceof SquareSimError) return this.fail(c.res, error);
      const detail = `Simulator error: ${(error as Error).message}`;
      return this.fail(
        c.res,
        new SquareSimError(500, [{ category: 'API_ERROR', code: 'INTERNAL_SERVER_ERROR', detail }]),
      );
    }
    const events = this.drain();
    if (!(c.req.method !== 'GET' && this.faults.dropReply())) sendJson(c.res, 200, result);
    void events();
  }

  /** ObtainToken: no bearer token (the application authenticates with its id and secret in the body). */
  private obtainToken(c: Ctx): void {
    const record = this.record(c);
    c.res.once('finish', () => {
      record.status = c.res.statusCode;
    });
    try {
      const reply = this.oauth.obtainToken(this.json(c));
      this.log('access token renewed (ObtainToken, refresh_token grant)');
      sendJson(c.res, 200, reply);
    } catch (error) {
      if (!(error instanceof SquareSimError)) throw error;
      sendJson(c.res, error.status, error.body);
    }
  }

  private fail(res: ServerResponse, error: SquareSimError) {
    this.pending = [];
    sendJson(res, error.status, error.body);
  }

  private record(c: Ctx): RecordedSquareRequest {
    const headers: Record<string, string> = {};
    for (const h of RECORDED_HEADERS) {
      const v = c.req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const text = c.body.toString('utf8');
    const parsed: unknown = text ? (parseJsonBody(c.body) ?? text) : undefined;
    // ObtainToken's credentials are never recorded.
    const body = isObject(parsed) ? redacted(parsed) : parsed;
    const record: RecordedSquareRequest = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      method: c.req.method ?? '',
      path: c.url.pathname,
      query: Object.fromEntries(c.url.searchParams),
      ...(headers['square-version'] ? { squareVersion: headers['square-version'] } : {}),
      ...(isObject(body) && typeof body.idempotency_key === 'string' ? { idempotencyKey: body.idempotency_key } : {}),
      headers,
      ...(body !== undefined ? { body } : {}),
      status: null,
    };
    this.requests.push(record);
    return record;
  }

  private json(c: Ctx): unknown {
    if (c.body.length === 0) return {};
    const parsed = parseJsonBody<unknown>(c.body);
    if (parsed === undefined) throw invalid('INVALID_JSON', 'The request body is not valid JSON.');
    return parsed;
  }

  private createOrder(c: Ctx) {
    const { order, replayed } = this.orders.create(this.json(c));
    this.log(`order ${order.id} ${replayed ? 'returned again (same idempotency key)' : 'created'}`);
    return { order };
  }

  private updateOrder(c: Ctx) {
    const { order, changed } = this.orders.update(c.params[0] as string, this.json(c));
    if (changed) this.log(`order ${order.id} updated to version ${order.version} (${order.state})`);
    return { order };
  }

  private createPayment(c: Ctx) {
    const { payment, replayed } = this.orders.createPayment(this.json(c));
    if (!replayed) this.log(`payment ${String(payment.id)} for order ${String(payment.order_id ?? '-')}`);
    return { payment };
  }

  /** BatchRetrieveOrders (OpenAPI `BatchRetrieveOrdersRequest`): the orders found; unknown ids are left out. */
  private batchRetrieveOrders(c: Ctx) {
    const b = this.json(c);
    if (!isObject(b) || !Array.isArray(b.order_ids))
      throw invalid('MISSING_REQUIRED_PARAMETER', 'Field must be set', 'order_ids');
    const orders = (b.order_ids as unknown[])
      .map((id) => this.orders.orders.get(String(id)))
      .filter((o): o is SquareOrder => !!o && (typeof b.location_id !== 'string' || o.location_id === b.location_id));
    return orders.length ? { orders } : {};
  }

  private location(id: string) {
    const location = this.locations.get(id);
    if (!location) throw notFound(`Location \`${id}\` not found.`, 'location_id');
    return location;
  }

  /** Takes the order events raised so far and returns a function that sends their webhooks in order. */
  private drain(): () => Promise<SentWebhook[]> {
    const events = this.pending;
    this.pending = [];
    return async () => {
      const sent: SentWebhook[] = [];
      for (const e of events) sent.push(await this.sendOrderEvent(e));
      return sent;
    };
  }

  /** OpenAPI `OrderCreatedEvent`, `OrderUpdatedEvent`, `OrderFulfillmentUpdatedEvent`. */
  private sendOrderEvent(e: OrderEvent): Promise<SentWebhook> {
    const o = e.order;
    const summary = { order_id: o.id, version: o.version, location_id: o.location_id, state: o.state };
    if (e.type === 'order.created')
      return this.webhooks.send(e.type, {
        type: 'order_created',
        id: o.id,
        object: { order_created: { ...summary, created_at: o.created_at } },
      });
    const times = { created_at: o.created_at, updated_at: o.updated_at };
    if (e.type === 'order.updated')
      return this.webhooks.send(e.type, {
        type: 'order_updated',
        id: o.id,
        object: { order_updated: { ...summary, ...times } },
      });
    return this.webhooks.send(e.type, {
      type: 'order_fulfillment_updated',
      id: o.id,
      object: { order_fulfillment_updated: { ...summary, ...times, fulfillment_update: e.updates } },
    });
  }

  // ---- simulator controls ----

  private simRoutes(): Route[] {
    const sim = (method: string, pattern: RegExp, handle: (c: Ctx) => Promise<unknown> | unknown): Route => ({
      method,
      pattern,
      handle: async (c) => {
        try {
          sendJson(c.res, 200, await handle(c));
        } catch (error) {
          if (!(error instanceof SquareSimError)) throw error;
          this.pending = [];
          sendJson(c.res, error.status, error.body);
        }
      },
    });
    const body = (c: Ctx): Record<string, unknown> => {
      const parsed = c.body.length ? parseJsonBody<unknown>(c.body) : {};
      if (!isObject(parsed)) throw invalid('INVALID_JSON', 'The body must be a JSON object.');
      return parsed;
    };
    return [
      sim('GET', /^\/_sim\/requests$/, (c) => this.requestsMatching(c.url.searchParams)),
      sim('DELETE', /^\/_sim\/requests$/, () => {
        const cleared = this.requests.length;
        this.requests.length = 0;
        return { cleared };
      }),
      sim('GET', /^\/_sim\/orders$/, () => [...this.orders.orders.values()]),
      sim('GET', /^\/_sim\/payments$/, () => [...this.orders.payments.values()]),
      sim('POST', /^\/_sim\/orders\/([^/]+)\/fulfillment$/, (c) =>
        this.staffFulfillment(c.params[0] as string, body(c)),
      ),
      sim('GET', /^\/_sim\/webhooks$/, () => this.webhooks.sent),
      sim('POST', /^\/_sim\/webhooks$/, (c) => this.switchWebhooks(body(c))),
      sim('POST', /^\/_sim\/webhooks\/release$/, async (c) => ({
        released: await this.webhooks.release(body(c).reverse === true),
      })),
      sim('POST', /^\/_sim\/webhooks\/([^/]+)\/resend$/, async (c) => {
        const record = await this.webhooks.resend(c.params[0] as string);
        if (!record) throw notFound(`No webhook with event_id \`${c.params[0]}\`.`, 'event_id');
        return record;
      }),
      sim('GET', /^\/_sim\/catalog$/, () => this.catalog.all()),
      sim('POST', /^\/_sim\/catalog$/, async (c) => {
        const b = body(c);
        const object = this.catalog.upsert((isObject(b.object) ? b.object : b) as CatalogObjectInput);
        return { object, webhook: await this.lastCatalogWebhook };
      }),
      sim('DELETE', /^\/_sim\/catalog\/([^/]+)$/, async (c) => {
        const deleted = this.catalog.delete(c.params[0] as string);
        return { deleted_object_ids: deleted, webhook: await this.lastCatalogWebhook };
      }),
      sim('POST', /^\/_sim\/catalog\/([^/]+)\/sold-out$/, async (c) => {
        const b = body(c);
        if (typeof b.sold_out !== 'boolean')
          throw invalid('INVALID_VALUE', 'sold_out must be true or false.', 'sold_out');
        const locationId = typeof b.location_id === 'string' ? b.location_id : this.defaultLocationId();
        const object = this.catalog.setSoldOut(c.params[0] as string, locationId, b.sold_out);
        return { object, webhook: await this.lastCatalogWebhook };
      }),
      sim('PATCH', /^\/_sim\/locations\/([^/]+)$/, (c) => this.editLocation(c.params[0] as string, body(c))),
      sim('POST', /^\/_sim\/faults$/, (c) => this.faults.set(body(c))),
      sim('POST', /^\/_sim\/oauth\/expire$/, () => this.oauth.expireAll()),
      sim('POST', /^\/_sim\/reset$/, () => {
        this.reset();
        return { reset: true };
      }),
    ];
  }

  private defaultLocationId(): string {
    return this.locations.keys().next().value ?? DEFAULT_SQUARE_LOCATION_ID;
  }

  /** `?method=POST&path=/v2/orders` (path prefix) narrows the list. */
  private requestsMatching(q: URLSearchParams): RecordedSquareRequest[] {
    const method = q.get('method')?.toUpperCase();
    const path = q.get('path');
    return this.requests.filter((r) => (!method || r.method === method) && (!path || r.path.startsWith(path)));
  }

  /** Staff move the fulfillment in the POS; `order.fulfillment.updated` then `order.updated` are sent before the reply. */
  private async staffFulfillment(id: string, b: Record<string, unknown>) {
    const { order, update } = this.orders.moveFulfillment(id, b.state, b.uid);
    if (!update) return { order, webhooks: [] };
    this.log(`order ${id} fulfillment ${update.old_state} → ${update.new_state} (staff); order ${order.state}`);
    const webhooks = [
      await this.sendOrderEvent({ type: 'order.fulfillment.updated', order, updates: [update] }),
      await this.sendOrderEvent({ type: 'order.updated', order }),
    ];
    return { order, webhooks };
  }

  /** `{ orders?, catalog?, locations?, hold?: boolean, copies?: 1–3 }`. */
  private switchWebhooks(b: Record<string, unknown>) {
    for (const topic of ['orders', 'catalog', 'locations', 'hold'] as (WebhookTopic | 'hold')[]) {
      if (b[topic] === undefined) continue;
      if (typeof b[topic] !== 'boolean') throw invalid('INVALID_VALUE', `${topic} must be true or false.`, topic);
      this.webhooks.switches[topic] = b[topic] as boolean;
    }
    if (b.copies !== undefined) {
      if (typeof b.copies !== 'number' || ![1, 2, 3].includes(b.copies))
        throw invalid('INVALID_VALUE', 'copies must be 1, 2 or 3.', 'copies');
      this.webhooks.switches.copies = b.copies;
    }
    return this.webhooks.switches;
  }

  /**
   * Staff edit a location: `business_hours` (stored as given, impossible ones too: the bridge must
   * refuse those), `status`, `timezone`, `name`. Sends OpenAPI `LocationUpdatedEvent`.
   */
  private async editLocation(id: string, b: Record<string, unknown>) {
    const location = this.location(id);
    if (b.business_hours !== undefined) {
      if (!isObject(b.business_hours) || !Array.isArray(b.business_hours.periods))
        throw invalid('INVALID_VALUE', 'business_hours.periods must be an array.', 'business_hours');
      for (const p of b.business_hours.periods as unknown[])
        if (!isObject(p) || !DAYS.includes(String(p.day_of_week)))
          throw invalid('INVALID_ENUM_VALUE', 'day_of_week must be SUN … SAT.', 'business_hours.periods');
      location.business_hours = structuredClone(b.business_hours);
    }
    if (b.status !== undefined) {
      if (b.status !== 'ACTIVE' && b.status !== 'INACTIVE')
        throw invalid('INVALID_ENUM_VALUE', 'status must be ACTIVE or INACTIVE.', 'status');
      location.status = b.status;
    }
    for (const k of ['timezone', 'name'] as const) if (typeof b[k] === 'string') location[k] = b[k];
    this.log(`location ${id} edited`);
    const webhook = await this.webhooks.send('location.updated', { type: 'location', id }, { location_id: id });
    return { location, webhook };
  }

  reset(): void {
    this.orders.reset();
    this.catalog.reset();
    this.resetLocations();
    this.webhooks.reset(this.opts.webhooks);
    this.requests.length = 0;
    this.pending = [];
    this.faults.set({});
    this.oauth.reset();
  }

  /** Webhook copies still held or being sent under the webhook faults. */
  get pendingWebhooks(): number {
    return this.webhooks.pendingWebhooks;
  }

  /** All orders at a location (tests: "every order is in the POS exactly once"). */
  ordersAt(locationId: string): SquareOrder[] {
    return [...this.orders.orders.values()].filter((o) => o.location_id === locationId);
  }
}

const redacted = (body: Record<string, unknown>) => {
  const copy = { ...body };
  for (const key of ['client_secret', 'refresh_token']) if (key in copy) copy[key] = '[redacted]';
  return copy;
};

/** Starts a simulator on `port` (0: a free one); `close()` stops it. */
export async function startSquareSim(options: SquareSimOptions & { port?: number }): Promise<SquareSim> {
  const sim = new SquareSim(options);
  await sim.start(options.port ?? 0);
  return sim;
}

export type { SquareErrorEntry };
