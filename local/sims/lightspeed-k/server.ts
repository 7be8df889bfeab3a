/**
 * Simulator of Lightspeed Restaurant K-Series for the local runtime and the tests: the endpoints the bridge
 * needs, with the paths, methods and shapes of Lightspeed's published OpenAPI spec (transcribed in
 * schemas.json), every request validated against it (a kept ajv validator, not hand-written checks) and a
 * non-conforming one answered 400 as the real API would and recorded (`GET /_sim/invalid-requests`), and
 * webhooks built from the spec's webhook schemas and checked against them before they are sent.
 *
 * API (OAuth2 bearer token of a business): the operations of schemas.json (order injection toGo/local, the
 * account GETs, printMsg, menus, modifiers, item availability, readiness, businesses, webhook endpoints,
 * reservation push, platform profile, integration activation). OAuth: `POST /oauth/token`.
 * Controls (no auth): GET|DELETE /_sim/requests (?operationId=), GET /_sim/invalid-requests, GET /_sim/orders,
 * POST /_sim/orders/{thirdPartyReference}/status {status, reason?} (?businessLocationId=), GET /_sim/messages,
 * GET /_sim/reservations, POST /_sim/reservations/{platformReservationId}/status {status, tables?},
 * POST /_sim/items/{sku}/availability {available?, count?, businessLocationId?}, POST /_sim/readiness
 * {businessLocationId?, salesPeriod?, acceptingOnlineOrders?, availableDevices?, enabled?}, GET|POST
 * /_sim/webhooks {orders?, items?, readiness?, reservations?}, POST /_sim/webhooks/{id}/resend, POST
 * /_sim/faults (local/sims/faults.ts), POST /_sim/oauth/expire, POST /_sim/reset.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { close, jsonServer, listen, parseJsonBody, type Route, router, sendJson } from '../../runtime/http-util';
import { Faults } from '../faults';
import { LskCatalog } from './catalog';
import {
  badRequest,
  fieldError,
  httpError,
  LskHttpError,
  referenceUsed,
  springError,
  validationFailed,
} from './errors';
import { type LskGrant, LskOAuth } from './oauth';
import { type LskOrder, type LskOrderStatus, LskOrders, ORDER_STATUSES } from './orders';
import { type LskReservation, LskReservations, type PlatformProfile, type PushOutcome } from './reservations';
import { lskSpec, type OperationId } from './validator';
import { type LskWebhookAuth, LskWebhookSender, type LskWebhookSwitches, type LskWebhookTarget } from './webhooks';

export type LskSimLocation = { id: number; name: string; tables?: string[] };
export type LskSimBusiness = {
  businessId: number;
  name: string;
  accessToken: string;
  refreshToken: string;
  authorizationCode?: string;
  /** Scopes the business granted (default `orders-api` and the platform's `reservation-<code>`). */
  scopes?: string[];
  locations: LskSimLocation[];
};
/** A webhook endpoint as `apeCreateWebhookOo` registers it, plus its owner and the locations added to it. */
export type LskSimEndpoint = {
  businessId: number;
  endpointId: string;
  url: string;
  withBasicAuth?: boolean;
  username?: string;
  password?: string;
  provideAccount?: boolean;
  expandTransactions?: boolean;
  expandPayments?: boolean;
  subscribeTo?: { resource: string; name: string }[];
  businessLocationIds?: number[];
};

/** The events (`apeEventResource`) an endpoint subscribes to for every webhook the simulator can send it. */
export const ALL_SUBSCRIPTIONS = [
  { resource: 'order', name: 'DELIVERED' },
  { resource: 'item', name: 'SALES_RESTRICTION_UPDATED' },
  { resource: 'order_api', name: 'ONLINE_ORDER_READINESS' },
];

export type LskSimOptions = {
  clientId: string;
  clientSecret: string;
  businesses: LskSimBusiness[];
  /** Endpoints registered before the bridge runs (as the operator would have done). */
  webhookEndpoints?: LskSimEndpoint[];
  /** The reservation platform: its code, profile and the integrations activated for it. */
  platform?: {
    code: string;
    profile?: PlatformProfile;
    integrations?: { businessLocationId: number; platformRestaurantId: string }[];
  };
  accessTokenSeconds?: number;
  /** How long after it arrives the POS takes an order (default 25 ms). */
  deliveryDelayMs?: number;
  webhooks?: Partial<LskWebhookSwitches>;
  log?: (line: string) => void;
};

/** One API call as the simulator saw it; tokens and client secrets are never recorded. */
export type RecordedLskRequest = {
  seq: number;
  at: string;
  operationId: string;
  method: string;
  path: string;
  query: Record<string, string[]>;
  body?: unknown;
  /** False when the request broke the spec (schema, or a rule its descriptions state). */
  valid: boolean;
  violations?: string[];
  status: number | null;
};

type Ctx = { req: IncomingMessage; res: ServerResponse; params: string[]; body: Buffer; url: URL };
type ApiCtx = Ctx & {
  grant: LskGrant;
  json: Record<string, unknown>;
  pathParams: Record<string, string>;
  record: RecordedLskRequest;
};
type Handler = (c: ApiCtx) => Promise<unknown> | unknown;
/** An answer other than 200 with the handler's result as body. */
class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

const DEFAULT_PLATFORM = 'SINQRO';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The operation's path as a regex and its parameter names (`{platform-code}` → a segment). */
function routeOf(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { pattern: new RegExp(`^${source}$`), names };
}

export class LightspeedKSim {
  readonly faults = new Faults();
  readonly spec = lskSpec();
  readonly catalog = new LskCatalog();
  readonly orders = new LskOrders(this.catalog);
  readonly reservations: LskReservations;
  readonly webhooks: LskWebhookSender;
  readonly oauth: LskOAuth;
  readonly requests: RecordedLskRequest[] = [];
  readonly messages: { businessLocationId: number; message: string; alsoToPrinter: boolean; at: string }[] = [];
  readonly endpoints = new Map<string, LskSimEndpoint>();
  url = '';
  private server?: Server;
  private seq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: LskSimOptions) {
    const code = opts.platform?.code ?? DEFAULT_PLATFORM;
    this.oauth = new LskOAuth({
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      accessTokenSeconds: opts.accessTokenSeconds,
      businesses: opts.businesses.map((b) => ({ ...b, scopes: b.scopes ?? ['orders-api', `reservation-${code}`] })),
    });
    this.webhooks = new LskWebhookSender(this.spec, this.faults, opts.log);
    this.reservations = new LskReservations(code, (bl) => this.location(bl)?.tables ?? []);
    this.reset();
  }

  private log(line: string) {
    this.opts.log?.(`[lightspeed-k] ${line}`);
  }

  private location(businessLocationId: number): (LskSimLocation & { businessId: number }) | undefined {
    for (const b of this.opts.businesses)
      for (const l of b.locations) if (l.id === businessLocationId) return { ...l, businessId: b.businessId };
    return undefined;
  }

  async start(port = 0): Promise<string> {
    this.server = jsonServer(
      router([...this.apiRoutes(), ...this.simRoutes()], (c) =>
        sendJson(c.res, 404, springError(404, 'No static resource.', c.url.pathname)),
      ),
    );
    this.url = `http://127.0.0.1:${await listen(this.server, port)}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.clearTimers();
    if (this.server) await close(this.server);
  }

  // ---- the API ----

  private apiRoutes(): Route[] {
    const handlers: Record<OperationId, Handler> = {
      apePlaceToGoOrder: (c) => this.injectOrder(c, 'toGo'),
      apeLocalOrder: (c) => this.injectOrder(c, 'local'),
      apeCheckLookupWithaccountIdentifier: (c) => this.accountLookup(c),
      apeGetCheck: (c) => this.orders.openAccounts(this.ownLocation(c)).map((a) => this.orders.snapshot(a)),
      apePrintMsg: (c) => this.printMessage(c),
      apeLoadMenus: (c) => {
        this.ownLocation(c);
        return this.catalog.menuList();
      },
      apeGetMenuByIdV2: (c) => this.menu(c),
      apeLoadAllModifiers: (c) => {
        this.ownLocation(c);
        return this.catalog.productionInstructions();
      },
      apeGetRestrictedItems: (c) => this.restrictedItems(c, this.query(c).skus as string[]),
      apeGetRestrictedItemsByPost: (c) => this.restrictedItems(c, c.json.skus as string[]),
      apeGetOnlineOrderReadiness: (c) => this.catalog.readinessBody(this.ownLocation(c)),
      apeLookupBusinesses: (c) => this.businesses(c.grant),
      apeCreateWebhookOo: (c) => this.createEndpoint(c),
      apeGetWebhookOo: (c) => this.endpointBody(this.ownEndpoint(c, c.pathParams.endpointId as string)),
      apeAddWebhookBusinessLocation: (c) => this.addEndpointLocation(c),
      'reservation-servicePushPlatformReservation': (c) => this.pushReservation(c),
      'reservation-serviceSetByPlatformCode': (c) => this.setProfile(c),
      'reservation-serviceGetByPlatformCode': (c) => this.profileResponse(c),
      'reservation-serviceActivatePlatformIntegration': (c) => this.activateIntegration(c),
    };
    const routes: Route[] = [{ method: 'POST', pattern: /^\/oauth\/token$/, handle: (c) => this.token(c) }];
    for (const [id, handle] of Object.entries(handlers) as [OperationId, Handler][]) {
      const op = this.spec.operation(id);
      const { pattern, names } = routeOf(op.path);
      routes.push({
        method: op.method,
        pattern,
        handle: (c) => this.api(c, id, Object.fromEntries(names.map((n, i) => [n, c.params[i] as string])), handle),
      });
    }
    return routes;
  }

  /**
   * Records the call, checks the token, applies faults, validates the request against the spec (400 and
   * recorded as invalid when it does not conform), checks the scope, runs the handler, answers.
   */
  private async api(c: Ctx, id: OperationId, pathParams: Record<string, string>, handle: Handler): Promise<void> {
    const record = this.record(c, id);
    c.res.once('finish', () => {
      record.status = c.res.statusCode;
    });
    try {
      const grant = this.oauth.authenticate(c.req.headers.authorization);
      if (await this.faults.before(c.res, (status) => springError(status, 'Injected fault', c.url.pathname))) return;
      const op = this.spec.operation(id);
      let json: unknown;
      if (op.requestBody) {
        json = parseJsonBody(c.body);
        if (json === undefined)
          throw this.invalid(
            record,
            ['body is not JSON'],
            httpError(400, 'JSON parse error: the body is not JSON', c.url.pathname),
          );
        record.body = json;
      }
      const violation = this.spec.checkRequest(id, { pathParams, query: c.url.searchParams, body: json });
      if (violation) {
        const messages = violation.errors.map((e) => `${violation.location}${e.instancePath} ${e.message}`);
        throw this.invalid(record, messages, badRequest(op, c.url.pathname, violation));
      }
      const scope = op.scope.replace('{platform-code}', pathParams['platform-code'] ?? '');
      if (scope !== 'user-token-by-authorization-code' && !grant.scopes.includes(scope))
        throw httpError(403, `Scope '${scope}' not found in the token`, c.url.pathname);
      const result = await handle({ ...c, grant, json: (json ?? {}) as Record<string, unknown>, pathParams, record });
      const reply = result instanceof Reply ? result : new Reply(200, result);
      if (c.req.method !== 'GET' && this.faults.dropReply()) return;
      sendJson(c.res, reply.status, reply.body);
    } catch (error) {
      if (!(error instanceof LskHttpError)) throw error;
      sendJson(c.res, error.status, error.body, error.headers);
    }
  }

  /** Marks the request as one that broke the spec and returns the error to answer. */
  private invalid(record: RecordedLskRequest, violations: string[], error: LskHttpError): LskHttpError {
    record.valid = false;
    record.violations = violations;
    this.log(`${record.operationId}: invalid request (${violations.join('; ')})`);
    return error;
  }

  private record(c: Ctx, operationId: string): RecordedLskRequest {
    const query: Record<string, string[]> = {};
    for (const key of new Set(c.url.searchParams.keys())) query[key] = c.url.searchParams.getAll(key);
    const record: RecordedLskRequest = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      operationId,
      method: c.req.method ?? '',
      path: c.url.pathname,
      query,
      valid: true,
      status: null,
    };
    this.requests.push(record);
    return record;
  }

  private query(c: ApiCtx): Record<string, unknown> {
    return this.spec.boundQuery(c.record.operationId as OperationId, c.url.searchParams);
  }

  /** The `businessLocationId` of the query (or body), which must be one of the token's business ([inferred] 403 otherwise). */
  private ownLocation(c: ApiCtx, fromBody = false): number {
    const id = (fromBody ? c.json.businessLocationId : this.query(c).businessLocationId) as number;
    const location = this.location(id);
    if (!location || location.businessId !== c.grant.businessId)
      throw httpError(403, `Access to business location ${id} is denied`, c.url.pathname);
    return id;
  }

  private businesses(grant: LskGrant) {
    return this.opts.businesses
      .filter((b) => b.businessId === grant.businessId)
      .map((b) => ({
        name: b.name,
        id: b.businessId,
        businessLocations: b.locations.map((l) => ({ id: l.id, name: l.name })),
      }));
  }

  // ---- orders ----

  /**
   * `apePlaceToGoOrder` / `apeLocalOrder`. Beyond the schema, the rules the spec's descriptions state: the
   * delivery window is at least 60000 ms, scheduled and collection times are in the future, an item sets at
   * most one of the two discount overrides (answered as Spring's validation failure).
   */
  private injectOrder(c: ApiCtx, kind: LskOrder['kind']) {
    const businessLocationId = this.ownLocation(c, true);
    const problems = this.describedRules(c.json);
    if (problems.length) {
      const objectName = kind === 'toGo' ? 'toGoOrder' : 'localOrder';
      const entries = problems.map((p) => fieldError(objectName, p.field, p.code, p.message));
      throw this.invalid(
        c.record,
        problems.map((p) => `body/${p.field} ${p.message}`),
        new LskHttpError(400, validationFailed(objectName, c.url.pathname, entries)),
      );
    }
    const endpoint = this.endpoints.get(c.json.endpointId as string);
    if (!endpoint || endpoint.businessId !== c.grant.businessId)
      throw httpError(400, `endpoint ID not found for ${c.json.endpointId}`, c.url.pathname);
    const reference = c.json.thirdPartyReference as string;
    if (this.orders.isUsed(c.grant.businessId, reference)) throw referenceUsed(reference);
    const order = this.orders.add(kind, c.grant.businessId, c.json);
    this.log(`order ${reference} received for ${businessLocationId} (${kind})`);
    this.later(Math.max(0, this.orders.deliverAt(c.json) - Date.now()) + (this.opts.deliveryDelayMs ?? 25), () =>
      this.tryDeliver(order),
    );
    this.later(Math.max(0, order.deliverBy - Date.now()), () => this.abandonIfWaiting(order));
    return { status: 'ok' };
  }

  private describedRules(body: Record<string, unknown>): { field: string; code: string; message: string }[] {
    const problems: { field: string; code: string; message: string }[] = [];
    const window = body.maxTimeToAttemptOrderDeliverToPos;
    if (typeof window === 'number' && window < 60000)
      problems.push({
        field: 'maxTimeToAttemptOrderDeliverToPos',
        code: 'Min',
        message: 'must be greater than or equal to 60000',
      });
    for (const field of ['scheduledTimeForOrderAsIso8601', 'orderCollectionTimeAsIso8601'])
      if (typeof body[field] === 'string' && Date.parse(body[field] as string) <= Date.now())
        problems.push({ field, code: 'Future', message: 'must be a future date' });
    ((body.items as Record<string, unknown>[] | undefined) ?? []).forEach((item, i) => {
      if (item.discountAmountOverride !== undefined && item.discountPercentOverride !== undefined)
        problems.push({
          field: `items[${i}]`,
          code: 'OneOfDiscountOverrides',
          message: 'only one of discountAmountOverride or discountPercentOverride can be set',
        });
    });
    return problems;
  }

  /** The POS takes the order when the location is READY: SUCCESS, or FAILURE when it cannot be made. */
  private tryDeliver(order: LskOrder): void {
    if (order.status !== 'PENDING' || !this.catalog.isReady(order.businessLocationId)) return;
    const refusal = this.orders.refusal(order);
    if (refusal) return void this.setOrderStatus(order, 'FAILURE', 'pos', refusal);
    this.orders.deliver(order);
    this.setOrderStatus(order, 'SUCCESS', 'pos');
  }

  private abandonIfWaiting(order: LskOrder): void {
    if (order.status === 'PENDING') this.setOrderStatus(order, 'ABANDONED', 'pos');
  }

  /** Moves an order and sends its notification (DELIVERED only to endpoints subscribed to it). */
  private setOrderStatus(order: LskOrder, status: LskOrderStatus, by: 'pos' | 'staff', reason?: string) {
    const refused = this.orders.move(order, status, by, reason);
    if (refused) return { refused };
    this.log(`order ${order.thirdPartyReference} ${status}${by === 'staff' ? ' (staff)' : ''}`);
    const endpoint = this.endpoints.get(order.endpointId);
    const subscribed = endpoint?.subscribeTo?.some((s) => s.resource === 'order' && s.name === status) ?? false;
    if (!endpoint || (status === 'DELIVERED' && !subscribed)) return { order, webhook: undefined };
    const account = order.accountIdentifier ? this.orders.accounts.get(order.accountIdentifier) : undefined;
    const body: Record<string, unknown> = {
      status,
      type: 'ORDER',
      thirdPartyReference: order.thirdPartyReference,
      businessLocationId: order.businessLocationId,
      ...(order.reason && status === 'FAILURE' ? { reason: order.reason } : {}),
      ...(account ? { ikentooAccountIdentifier: account.ikaccountId } : {}),
      ...(account && endpoint.provideAccount
        ? {
            account: this.orders.snapshot(account, {
              transactions: endpoint.expandTransactions ?? false,
              payments: endpoint.expandPayments ?? false,
            }),
          }
        : {}),
    };
    const webhook = this.webhooks.send(
      'onlineOrderNotification',
      this.endpointTarget(endpoint),
      order.thirdPartyReference,
      body,
    );
    return { order, webhook };
  }

  private endpointTarget(endpoint: LskSimEndpoint): LskWebhookTarget {
    const auth: LskWebhookAuth = endpoint.withBasicAuth
      ? { type: 'BASIC_AUTH', username: endpoint.username ?? '', password: endpoint.password ?? '' }
      : { type: 'NONE' };
    return { url: endpoint.url, auth };
  }

  private accountLookup(c: ApiCtx) {
    const businessLocationId = this.ownLocation(c);
    const id = c.pathParams.accountIdentifier as string;
    if (!/^A\d+\.\d+$/.test(id)) throw httpError(400, 'Invalid account identifier', c.url.pathname);
    const account = this.orders.accounts.get(id);
    if (!account || account.businessLocationId !== businessLocationId)
      throw httpError(404, `account not found for BL ${businessLocationId}`, c.url.pathname);
    return this.orders.snapshot(account);
  }

  private printMessage(c: ApiCtx) {
    const businessLocationId = this.ownLocation(c);
    this.messages.push({
      businessLocationId,
      message: c.json.message as string,
      alsoToPrinter: c.json.alsoToPrinter === true,
      at: new Date().toISOString(),
    });
    this.log(`message printed at ${businessLocationId}`);
    return { status: 'ok' };
  }

  // ---- menus and availability ----

  private menu(c: ApiCtx) {
    this.ownLocation(c);
    const menuId = Number(c.pathParams.menuId);
    if (!this.catalog.hasMenu(menuId)) throw httpError(404, `menu not found for id ${menuId}`, c.url.pathname);
    return this.catalog.menuV2();
  }

  private restrictedItems(c: ApiCtx, skus: string[]) {
    const { page, size } = this.query(c) as { page: number; size: number };
    return this.catalog.restrictedItems(this.ownLocation(c), skus, page, size);
  }

  /** Staff restrict or free an item; SALES_RESTRICTION_UPDATED to every endpoint subscribed with that location. */
  async setAvailability(sku: string, businessLocationId: number, count: number | null) {
    const r = this.catalog.restrict(businessLocationId, sku, count);
    this.log(`item ${sku} at ${businessLocationId}: ${count === null ? 'not restricted' : `${count} left`}`);
    const body = {
      sku,
      businessLocationId,
      count: r.count,
      countUpdatedAt: r.updatedAt,
      status: count === null ? 'NOT_RESTRICTED' : 'RESTRICTED',
      type: 'ITEM',
    };
    return Promise.all(
      this.subscribers('item', 'SALES_RESTRICTION_UPDATED', businessLocationId).map((e) =>
        this.webhooks.send('salesRestrictionUpdatedNotification', this.endpointTarget(e), sku, body),
      ),
    );
  }

  /** Staff change the location's readiness; the readiness webhook when anything changed; waiting orders go in. */
  async setReadiness(businessLocationId: number, change: Parameters<LskCatalog['setReadiness']>[1]) {
    if (!this.catalog.setReadiness(businessLocationId, change)) return [];
    const body = this.catalog.readinessBody(businessLocationId, true);
    this.log(`location ${businessLocationId} readiness ${body.status}`);
    for (const order of this.orders.orders.values())
      if (order.businessLocationId === businessLocationId) this.tryDeliver(order);
    return Promise.all(
      this.subscribers('order_api', 'ONLINE_ORDER_READINESS', businessLocationId).map((e) =>
        this.webhooks.send(
          'onlineOrderingReadinessUpdatedNotification',
          this.endpointTarget(e),
          String(businessLocationId),
          body,
        ),
      ),
    );
  }

  /** Endpoints subscribed to an item or order_api event with the location added ([inferred] both needed). */
  private subscribers(resource: string, name: string, businessLocationId: number): LskSimEndpoint[] {
    return [...this.endpoints.values()].filter(
      (e) =>
        e.subscribeTo?.some((s) => s.resource === resource && s.name === name) &&
        e.businessLocationIds?.includes(businessLocationId),
    );
  }

  // ---- webhook endpoints ----

  private createEndpoint(c: ApiCtx) {
    const existing = this.endpoints.get(c.json.endpointId as string);
    if (existing && existing.businessId !== c.grant.businessId)
      throw httpError(400, `endpoint ID ${c.json.endpointId} is already used`, c.url.pathname);
    const endpoint = { ...(c.json as Omit<LskSimEndpoint, 'businessId'>), businessId: c.grant.businessId };
    endpoint.businessLocationIds = existing?.businessLocationIds ?? [];
    this.endpoints.set(endpoint.endpointId, endpoint);
    return this.endpointBody(endpoint);
  }

  private ownEndpoint(c: ApiCtx, endpointId: string): LskSimEndpoint {
    const endpoint = this.endpoints.get(endpointId);
    if (!endpoint || endpoint.businessId !== c.grant.businessId)
      throw httpError(404, `endpoint ID not found for ${endpointId}`, c.url.pathname);
    return endpoint;
  }

  /** `apeWebhookEndpoint` as the API returns it ([inferred]: without the password). */
  private endpointBody(e: LskSimEndpoint) {
    const { businessId: _b, businessLocationIds: _l, password: _p, ...body } = e;
    return body;
  }

  private addEndpointLocation(c: ApiCtx) {
    const endpoint = this.ownEndpoint(c, c.pathParams.endpointId as string);
    const businessLocationId = Number(c.pathParams.businessLocationId);
    const location = this.location(businessLocationId);
    if (!location || location.businessId !== c.grant.businessId)
      throw httpError(404, `business location ${businessLocationId} not found`, c.url.pathname);
    endpoint.businessLocationIds = [...new Set([...(endpoint.businessLocationIds ?? []), businessLocationId])];
    const now = new Date().toISOString();
    return { businessLocationId, createdAt: now, updatedAt: now };
  }

  // ---- reservations ----

  private platformCheck(c: ApiCtx): void {
    if (c.pathParams['platform-code'] !== this.reservations.platformCode)
      throw httpError(404, 'Platform not found', c.url.pathname);
  }

  private async pushReservation(c: ApiCtx): Promise<Reply> {
    this.platformCheck(c);
    const restaurantId = c.pathParams['platform-restaurant-id'] as string;
    const reservationId = c.pathParams['platform-reservation-id'] as string;
    if (!this.reservations.integrations.has(restaurantId))
      throw httpError(404, 'Integration not found', c.url.pathname);
    const outcome = this.reservations.push(restaurantId, reservationId, c.json);
    this.log(`reservation ${reservationId} ${outcome.applied ? outcome.reservation.status : 'not applied (stale)'}`);
    this.later(0, () => void this.reportPushErrors(outcome));
    return new Reply(202, {
      platformCode: this.reservations.platformCode,
      platformRestaurantId: restaurantId,
      platformReservationId: reservationId,
      accepted: true,
    });
  }

  private async reportPushErrors(outcome: PushOutcome) {
    const target = this.reservationTarget('errorsWebhookUrl', 'ERROR');
    if (!target) return;
    for (const error of outcome.errors)
      await this.webhooks.send(
        'reservationErrorNotification',
        target,
        outcome.reservation.platformReservationId,
        this.reservations.errorBody(outcome.reservation, error),
      );
  }

  /** The profile's URL for a notification type, with its auth; none when the profile does not ask for it. */
  private reservationTarget(
    urlField: 'orderWebhookUrl' | 'errorsWebhookUrl' | 'posReservationUpdateWebhookUrl',
    type: string,
  ) {
    const profile = this.reservations.profile;
    const url = profile?.[urlField];
    if (!profile || !url || !this.reservations.wants(type)) return undefined;
    const details = profile.webhookAuthDetails;
    const auth: LskWebhookAuth =
      profile.webhookAuthType === 'BASIC_AUTH' && details.basic
        ? { type: 'BASIC_AUTH', ...details.basic }
        : profile.webhookAuthType === 'BEARER_TOKEN' && details.bearer
          ? { type: 'BEARER_TOKEN', token: details.bearer.token }
          : profile.webhookAuthType === 'API_KEYS'
            ? { type: 'API_KEYS', ...details.apiKeys }
            : { type: 'NONE' };
    return { url, auth };
  }

  /** Staff change a reservation in the POS: POS_RESERVATION_UPDATED, and the POS order opening or closing. */
  async staffReservation(id: string, status: string, tables?: string[]) {
    const r = this.reservations.reservations.get(id) as LskReservation;
    const allowed = this.reservations.profile?.allowedPosStatuses;
    if (allowed && !allowed.includes(status))
      return { refused: `status ${status} is not in the profile's allowedPosStatuses` };
    const order = this.reservations.staffStatus(r, status, tables);
    this.log(`reservation ${id} ${status} (staff)`);
    const webhooks = [];
    const update = this.reservationTarget('posReservationUpdateWebhookUrl', 'POS_RESERVATION_UPDATED');
    if (update)
      webhooks.push(
        await this.webhooks.send('posReservationUpdatedNotification', update, id, this.reservations.posUpdateBody(r)),
      );
    const type = order === 'opened' ? 'ORDER_OPENED' : order === 'closed' ? 'ORDER_CLOSED' : undefined;
    const orderTarget = type && this.reservationTarget('orderWebhookUrl', type);
    if (order && orderTarget)
      webhooks.push(
        await this.webhooks.send(
          'reservationOrderNotification',
          orderTarget,
          id,
          this.reservations.orderUpdateBody(r, order === 'opened' ? 'OPEN' : 'CLOSE'),
        ),
      );
    return { reservation: r, webhooks };
  }

  private setProfile(c: ApiCtx) {
    this.platformCheck(c);
    this.reservations.profile = structuredClone(c.json) as PlatformProfile;
    return this.profileResponse(c);
  }

  private profileResponse(c: ApiCtx) {
    this.platformCheck(c);
    const profile = this.reservations.profile;
    if (!profile) throw httpError(404, 'Platform not found', c.url.pathname);
    const { webhookAuthDetails: _d, ...response } = profile;
    return response;
  }

  private activateIntegration(c: ApiCtx) {
    this.platformCheck(c);
    const businessLocationId = this.ownLocation(c, true);
    this.reservations.integrations.set(c.json.platformRestaurantId as string, businessLocationId);
    this.log(`integration activated for ${businessLocationId}`);
    return {};
  }

  // ---- OAuth ----

  /** `POST /oauth/token`: parameters from a form body or the query string (Lightspeed's tutorial uses the latter). */
  private token(c: Ctx): void {
    const params = new URLSearchParams(c.url.search);
    for (const [k, v] of new URLSearchParams(c.body.toString('utf8'))) params.set(k, v);
    const record = this.record(c, 'oauthToken');
    record.query = { grant_type: [params.get('grant_type') ?? ''] };
    c.res.once('finish', () => {
      record.status = c.res.statusCode;
    });
    try {
      const reply = this.oauth.token(c.req.headers.authorization, params);
      this.log(`token issued (${params.get('grant_type')})`);
      sendJson(c.res, 200, reply);
    } catch (error) {
      if (!(error instanceof LskHttpError)) throw error;
      sendJson(c.res, error.status, error.body, error.headers);
    }
  }

  // ---- controls ----

  private simRoutes(): Route[] {
    const sim = (method: string, pattern: RegExp, handle: (c: Ctx) => Promise<unknown> | unknown): Route => ({
      method,
      pattern,
      handle: async (c) => {
        const result = await handle(c);
        if (result instanceof Reply) sendJson(c.res, result.status, result.body);
        else sendJson(c.res, 200, result);
      },
    });
    const body = (c: Ctx) => {
      const parsed = parseJsonBody<unknown>(c.body);
      return isObject(parsed) ? parsed : {};
    };
    const bl = (c: Ctx, b: Record<string, unknown>) =>
      Number(
        b.businessLocationId ??
          c.url.searchParams.get('businessLocationId') ??
          this.opts.businesses[0]?.locations[0]?.id,
      );
    const fail = (status: number, message: string) => new Reply(status, { error: message });
    return [
      sim('GET', /^\/_sim\/requests$/, (c) => {
        const op = c.url.searchParams.get('operationId');
        return this.requests.filter((r) => !op || r.operationId === op);
      }),
      sim('DELETE', /^\/_sim\/requests$/, () => ({ cleared: this.requests.splice(0).length })),
      sim('GET', /^\/_sim\/invalid-requests$/, () => this.invalidRequests()),
      sim('GET', /^\/_sim\/orders$/, () => [...this.orders.orders.values()]),
      sim('POST', /^\/_sim\/orders\/([^/]+)\/status$/, async (c) => {
        const b = body(c);
        const blId = c.url.searchParams.get('businessLocationId');
        const order = this.orders.find(c.params[0] as string, blId ? Number(blId) : undefined);
        if (!order) return fail(404, `no order ${c.params[0]}`);
        if (!ORDER_STATUSES.includes(b.status as LskOrderStatus) || b.status === 'PENDING')
          return fail(400, `status must be one of ${ORDER_STATUSES.filter((s) => s !== 'PENDING').join(', ')}`);
        if (b.status === 'SUCCESS') {
          if (order.status !== 'PENDING') return fail(409, `order is ${order.status}`);
          this.orders.deliver(order);
        }
        const moved = this.setOrderStatus(
          order,
          b.status as LskOrderStatus,
          'staff',
          typeof b.reason === 'string' ? b.reason : undefined,
        );
        if ('refused' in moved) return fail(409, moved.refused as string);
        return { order, webhook: await moved.webhook };
      }),
      sim('GET', /^\/_sim\/messages$/, () => this.messages),
      sim('GET', /^\/_sim\/reservations$/, () => [...this.reservations.reservations.values()]),
      sim('POST', /^\/_sim\/reservations\/([^/]+)\/status$/, async (c) => {
        const b = body(c);
        const id = c.params[0] as string;
        if (!this.reservations.reservations.has(id)) return fail(404, `no reservation ${id}`);
        if (typeof b.status !== 'string') return fail(400, 'status is required');
        const done = await this.staffReservation(
          id,
          b.status,
          Array.isArray(b.tables) ? b.tables.map(String) : undefined,
        );
        return 'refused' in done ? fail(409, done.refused as string) : done;
      }),
      sim('POST', /^\/_sim\/items\/([^/]+)\/availability$/, async (c) => {
        const b = body(c);
        const count = typeof b.count === 'number' ? b.count : b.available === false ? 0 : null;
        return { webhooks: await this.setAvailability(c.params[0] as string, bl(c, b), count) };
      }),
      sim('POST', /^\/_sim\/readiness$/, async (c) => {
        const b = body(c);
        const blId = bl(c, b);
        const change = {
          ...(b.salesPeriod === 'OPENED' || b.salesPeriod === 'CLOSED'
            ? { salesPeriod: b.salesPeriod as 'OPENED' | 'CLOSED' }
            : {}),
          ...(typeof b.acceptingOnlineOrders === 'boolean' ? { acceptingOnlineOrders: b.acceptingOnlineOrders } : {}),
          ...(typeof b.availableDevices === 'boolean' ? { availableDevices: b.availableDevices } : {}),
          ...(typeof b.enabled === 'boolean' ? { enabled: b.enabled } : {}),
        };
        const webhooks = await this.setReadiness(blId, change);
        return { readiness: this.catalog.readinessBody(blId), webhooks };
      }),
      sim('GET', /^\/_sim\/webhooks$/, () => ({
        switches: this.webhooks.switches,
        sent: this.webhooks.sent,
        invalid: this.webhooks.invalid,
      })),
      sim('POST', /^\/_sim\/webhooks$/, (c) => {
        const b = body(c);
        for (const topic of Object.keys(this.webhooks.switches) as (keyof LskWebhookSwitches)[])
          if (typeof b[topic] === 'boolean') this.webhooks.switches[topic] = b[topic] as boolean;
        return this.webhooks.switches;
      }),
      sim('POST', /^\/_sim\/webhooks\/([^/]+)\/resend$/, async (c) => {
        const sent = this.webhooks.sent.find((w) => w.id === c.params[0]);
        const target = sent && this.targetOf(sent.url);
        if (!sent || !target) return fail(404, `no webhook ${c.params[0]}`);
        return this.webhooks.resend(sent.id, target);
      }),
      sim('POST', /^\/_sim\/faults$/, (c) => this.faults.set(body(c))),
      sim('POST', /^\/_sim\/oauth\/expire$/, () => this.oauth.expireAll()),
      sim('POST', /^\/_sim\/reset$/, () => {
        this.reset();
        return { reset: true };
      }),
    ];
  }

  /** The target (URL and auth) a webhook was sent to, found again by its URL. */
  private targetOf(url: string): LskWebhookTarget | undefined {
    for (const e of this.endpoints.values()) if (e.url === url) return this.endpointTarget(e);
    for (const field of ['orderWebhookUrl', 'errorsWebhookUrl', 'posReservationUpdateWebhookUrl'] as const) {
      const profile = this.reservations.profile;
      if (profile?.[field] === url)
        return this.reservationTarget(
          field,
          field === 'orderWebhookUrl'
            ? 'ORDER_OPENED'
            : field === 'errorsWebhookUrl'
              ? 'ERROR'
              : 'POS_RESERVATION_UPDATED',
        );
    }
    return undefined;
  }

  /** Requests that broke the spec: a test of the bridge asserts there are none. */
  invalidRequests(): RecordedLskRequest[] {
    return this.requests.filter((r) => !r.valid);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  reset(): void {
    this.clearTimers();
    this.orders.reset();
    this.catalog.reset();
    this.oauth.reset();
    this.faults.set({});
    this.webhooks.reset(this.opts.webhooks);
    this.requests.length = 0;
    this.messages.length = 0;
    this.endpoints.clear();
    for (const e of this.opts.webhookEndpoints ?? []) this.endpoints.set(e.endpointId, structuredClone(e));
    this.reservations.reset(this.opts.platform?.profile, this.opts.platform?.integrations ?? []);
  }

  /** Webhook copies still held or being sent under the webhook faults. */
  get pendingWebhooks(): number {
    return this.webhooks.pending;
  }

  /** Orders for one reference across the simulator (tests: exactly one in the POS). */
  ordersFor(reference: string): LskOrder[] {
    return [...this.orders.orders.values()].filter((o) => o.thirdPartyReference === reference);
  }
}

/** Starts a simulator on `port` (0: a free one); `close()` stops it. */
export async function startLightspeedKSim(options: LskSimOptions & { port?: number }): Promise<LightspeedKSim> {
  const sim = new LightspeedKSim(options);
  await sim.start(options.port ?? 0);
  return sim;
}
