/**
 * Simulator of a POS implementing the reference contract (docs/reference-pos.openapi.json).
 * Stores what it receives, fires signed status webhooks to the bridge, and offers `/_sim` controls:
 * staff actions, fault injection, inspection.
 */
import { randomUUID } from 'node:crypto';
import type { Server, ServerResponse } from 'node:http';
import {
  REFERENCE_ORDER_STATUSES,
  REFERENCE_RESERVATION_STATUSES,
  type RefAvailability,
  type RefOpeningHours,
  type RefOrderRequest,
  type RefReservationRequest,
  SIGNATURE_HEADER,
} from '../../../adapters/reference/contract';
import { signPayload } from '../../../functions/infra/signature';
import { close, jsonServer, listen, parseJsonBody, router, sendJson, sleep } from '../../runtime/http-util';
import { Faults } from '../faults';
import { ReferencePosCatalog } from './catalog';

type Kind = 'order' | 'reservation';
export type SimOrder = {
  id: string;
  /** Unique in the simulator: the id itself, or `<locationId>/<id>` when ids repeat across locations. */
  simKey: string;
  kind: Kind;
  locationId: string;
  externalReference: string;
  status: string;
  idempotencyKey: string;
  request: RefOrderRequest | RefReservationRequest;
  history: { status: string; at: string; by: 'api' | 'staff' }[];
  createdAt: string;
};

export type ReferencePosSimOptions = {
  /** Webhooks this POS sends at start (and after a reset); all on unless said otherwise, e.g. a POS without status webhooks. */
  webhooks?: Partial<WebhookSwitches>;
  apiKey: string;
  webhookSecret: string;
  /** Where the POS sends its webhooks: the bridge's `/reference/webhooks/...` URL. */
  webhookUrl: string;
  /** The location `/_sim/availability` and `/_sim/opening-hours` act on when the request names none. */
  defaultLocationId?: string;
  /** The location the `/_sim/catalog` controls edit by default. */
  catalogLocationId?: string;
  log?: (line: string) => void;
};

type ChangeOutcome = { error: string; code: string; http: number } | { order: SimOrder; changed: boolean };
const FINAL = new Set(['rejected', 'completed', 'cancelled', 'no_show']);

/** Which webhooks the POS sends; one switched off is simply not sent (the bridge must poll instead). */
export type WebhookSwitches = { status: boolean; availability: boolean; catalog: boolean };
export type WebhookTopic = keyof WebhookSwitches;
const ALL_WEBHOOKS_ON: WebhookSwitches = { status: true, availability: true, catalog: true };

/** Hours every location starts with: split shifts, and Friday and Saturday nights past midnight. */
export function defaultOpeningHours(): RefOpeningHours {
  const lunch = { open: '12:00', close: '16:00' };
  return {
    timezone: 'Europe/Madrid',
    days: [
      { day: 'monday', ranges: [lunch, { open: '20:00', close: '23:30' }] },
      { day: 'tuesday', ranges: [lunch, { open: '20:00', close: '23:30' }] },
      { day: 'wednesday', ranges: [lunch, { open: '20:00', close: '23:30' }] },
      { day: 'thursday', ranges: [lunch, { open: '20:00', close: '23:30' }] },
      { day: 'friday', ranges: [lunch, { open: '20:00', close: '01:00' }] },
      { day: 'saturday', ranges: [lunch, { open: '20:00', close: '01:00' }] },
      { day: 'sunday', ranges: [lunch] },
    ],
  };
}
const error = (_status: number, code: string, message: string) => ({ error: { code, message } });

export class ReferencePosSim {
  readonly orders = new Map<string, SimOrder>();
  private readonly byKey = new Map<string, string>();
  private readonly byRef = new Map<string, SimOrder[]>();
  private readonly heldWebhooks = new Set<Promise<unknown>>();
  /** Per POS order, the history length of the latest status webhook sent (to count reordered deliveries). */
  private readonly lastDelivered = new Map<string, number>();
  readonly faults = new Faults();
  readonly catalog: ReferencePosCatalog;
  readonly webhooks: {
    eventId: string;
    orderId: string;
    locationId: string;
    status: string;
    httpStatus: number;
    at: string;
  }[] = [];
  /** Availability and hours webhooks sent (location-level events). */
  readonly locationWebhooks: { eventId: string; type: string; locationId: string; httpStatus: number; at: string }[] =
    [];
  readonly availability = new Map<string, RefAvailability>();
  readonly openingHours = new Map<string, RefOpeningHours>();
  webhookSwitches: WebhookSwitches;
  private server?: Server;
  private seq = 0;
  /**
   * Shared POS order ids across locations (shareIdsAcrossLocations): the API key of each location, and
   * the next ticket number per location. Undefined: ids are unique across the POS.
   */
  private perLocation?: { keys: Map<string, string>; seq: Map<string, number> };
  url = '';

  constructor(private readonly opts: ReferencePosSimOptions) {
    this.webhookSwitches = { ...ALL_WEBHOOKS_ON, ...opts.webhooks };
    this.catalog = new ReferencePosCatalog({
      deliver: (payload, attempts) =>
        this.webhookSwitches.catalog ? this.postSigned('catalog', payload, attempts) : Promise.resolve(0),
      defaultLocationId: opts.catalogLocationId ?? 'loc-trattoria',
      log: opts.log,
    });
  }

  private log(line: string) {
    this.opts.log?.(`[reference-pos] ${line}`);
  }

  async start(port: number): Promise<string> {
    const api =
      (
        handle: (ctx: {
          res: ServerResponse;
          params: string[];
          body: Buffer;
          headers: Record<string, unknown>;
          url: URL;
          /** The location the API key belongs to, when ids repeat across locations. */
          keyLocation?: string;
        }) => Promise<void> | void,
      ) =>
      async ({
        req,
        res,
        params,
        body,
        url,
      }: {
        req: import('node:http').IncomingMessage;
        res: ServerResponse;
        params: string[];
        body: Buffer;
        url: URL;
      }) => {
        const keyLocation = this.locationOfKey(req.headers.authorization);
        if (req.headers.authorization !== `Bearer ${this.opts.apiKey}` && keyLocation === undefined)
          return sendJson(res, 401, error(401, 'UNAUTHORIZED', 'missing or wrong API key'));
        if (
          await this.faults.before(res, (s) =>
            error(s, s === 429 ? 'RATE_LIMITED' : s === 401 ? 'UNAUTHORIZED' : 'UNAVAILABLE', 'injected fault'),
          )
        )
          return;
        return handle({ res, params, body, headers: req.headers, url, keyLocation });
      };
    this.server = jsonServer(
      router([
        {
          method: 'POST',
          pattern: /^\/locations\/([^/]+)\/orders$/,
          handle: api((c) => this.create('order', c.params[0] as string, c.body, c.headers, c.res)),
        },
        {
          method: 'POST',
          pattern: /^\/locations\/([^/]+)\/reservations$/,
          handle: api((c) => this.create('reservation', c.params[0] as string, c.body, c.headers, c.res)),
        },
        {
          method: 'GET',
          pattern: /^\/(orders|reservations)\/([^/]+)$/,
          handle: api((c) => this.get(this.simKeyOf(c.params[1] as string, c.keyLocation), c.res, false)),
        },
        {
          method: 'GET',
          pattern: /^\/(orders|reservations)\/([^/]+)\/status$/,
          handle: api((c) => this.get(this.simKeyOf(c.params[1] as string, c.keyLocation), c.res, true)),
        },
        {
          method: 'POST',
          pattern: /^\/(orders|reservations)\/([^/]+)\/status$/,
          handle: api((c) => this.apiStatus(this.simKeyOf(c.params[1] as string, c.keyLocation), c.body, c.res)),
        },
        {
          method: 'GET',
          pattern: /^\/locations\/([^/]+)\/availability$/,
          handle: api((c) => sendJson(c.res, 200, this.availabilityOf(c.params[0] as string))),
        },
        {
          method: 'GET',
          pattern: /^\/locations\/([^/]+)\/opening-hours$/,
          handle: api((c) => sendJson(c.res, 200, this.openingHoursOf(c.params[0] as string))),
        },
        ...this.catalog.apiRoutes(api),
        // --- simulator controls ---
        ...this.catalog.simRoutes(),
        {
          method: 'GET',
          pattern: /^\/_sim\/orders$/,
          handle: ({ res }) => sendJson(res, 200, [...this.orders.values()]),
        },
        { method: 'GET', pattern: /^\/_sim\/webhooks$/, handle: ({ res }) => sendJson(res, 200, this.webhooks) },
        {
          method: 'POST',
          pattern: /^\/_sim\/webhooks$/,
          handle: ({ body, res }) => this.switchWebhooks(body, res),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/availability$/,
          handle: ({ body, res }) => this.setAvailability(body, res),
        },
        {
          method: 'PUT',
          pattern: /^\/_sim\/opening-hours$/,
          handle: ({ body, res }) => this.setOpeningHours(body, res),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/(?:orders|reservations)\/([^/]+)\/status$/,
          handle: ({ params, body, res, url }) =>
            this.staffStatus(
              this.simKeyOf(params[0] as string, url.searchParams.get('location') ?? undefined),
              body,
              res,
            ),
        },
        {
          method: 'POST',
          pattern: /^\/_sim\/faults$/,
          handle: ({ body, res }) => sendJson(res, 200, this.faults.set(parseJsonBody(body) ?? {})),
        },
        { method: 'POST', pattern: /^\/_sim\/reset$/, handle: ({ res }) => this.reset(res) },
      ]),
    );
    const bound = await listen(this.server, port);
    this.url = `http://127.0.0.1:${bound}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
  }

  private reset(res: ServerResponse) {
    this.orders.clear();
    this.byKey.clear();
    this.byRef.clear();
    this.lastDelivered.clear();
    this.perLocation?.seq.clear();
    this.webhooks.length = 0;
    this.locationWebhooks.length = 0;
    this.availability.clear();
    this.openingHours.clear();
    this.webhookSwitches = { ...ALL_WEBHOOKS_ON, ...this.opts.webhooks };
    this.catalog.reset();
    this.faults.set({});
    sendJson(res, 200, { reset: true });
  }

  private create(kind: Kind, locationId: string, body: Buffer, headers: Record<string, unknown>, res: ServerResponse) {
    const key = headers['idempotency-key'];
    if (typeof key !== 'string' || !key)
      return sendJson(res, 400, error(400, 'IDEMPOTENCY_KEY_REQUIRED', 'Idempotency-Key header is required'));
    const request = parseJsonBody<RefOrderRequest & RefReservationRequest>(body);
    if (!request?.externalReference)
      return sendJson(res, 400, error(400, 'INVALID_BODY', 'externalReference is required'));
    if (
      kind === 'order' &&
      (!Array.isArray(request.items) ||
        request.items.length === 0 ||
        request.items.some((i) => !i.sku || !(i.quantity > 0)))
    ) {
      return sendJson(res, 422, error(422, 'INVALID_ITEMS', 'every item needs a sku and a positive quantity'));
    }
    const existing = this.byKey.get(`${locationId}#${key}`);
    if (existing) {
      const order = this.orders.get(existing) as SimOrder;
      if (this.faults.dropReply()) return; // the caller times out, though the order exists
      return sendJson(res, 200, { id: order.id, status: order.status, externalReference: order.externalReference });
    }
    const { id, simKey } = this.newId(kind, locationId);
    const at = new Date().toISOString();
    const order: SimOrder = {
      id,
      simKey,
      kind,
      locationId,
      externalReference: request.externalReference,
      status: 'new',
      idempotencyKey: key,
      request,
      history: [{ status: 'new', at, by: 'api' }],
      createdAt: at,
    };
    this.orders.set(simKey, order);
    this.byKey.set(`${locationId}#${key}`, simKey);
    const refKey = `${kind}#${request.externalReference}`;
    this.byRef.set(refKey, [...(this.byRef.get(refKey) ?? []), order]);
    this.log(`${kind} ${id} created at ${locationId} (Sinqro ${request.externalReference})`);
    if (this.faults.dropReply()) return; // created, but the reply is lost
    sendJson(res, 201, { id, status: order.status, externalReference: order.externalReference });
  }

  private get(id: string, res: ServerResponse, statusOnly: boolean) {
    const order = this.orders.get(id);
    if (!order) return sendJson(res, 404, error(404, 'NOT_FOUND', `${id} does not exist`));
    return sendJson(
      res,
      200,
      statusOnly
        ? { id: order.id, status: order.status, updatedAt: order.history[order.history.length - 1]?.at }
        : { ...order.request, id: order.id, status: order.status, locationId: order.locationId },
    );
  }

  /** A status change through the API (the bridge applying a Sinqro-side change). */
  private apiStatus(id: string, body: Buffer, res: ServerResponse) {
    const req = parseJsonBody<{ status?: string; reason?: string }>(body);
    const outcome = this.change(id, req?.status, 'api', req?.reason);
    if ('error' in outcome) return sendJson(res, outcome.http, error(outcome.http, outcome.code, outcome.error));
    sendJson(res, 200, { id: outcome.order.id, status: outcome.order.status });
    if (outcome.changed) void this.fireWebhook(outcome.order, req?.reason);
  }

  /** Staff acting in the POS: changes the status, then fires the webhook and reports how the bridge answered. */
  private async staffStatus(id: string, body: Buffer, res: ServerResponse) {
    const req = parseJsonBody<{ status?: string; reason?: string }>(body);
    const outcome = this.change(id, req?.status, 'staff', req?.reason);
    if ('error' in outcome) return sendJson(res, outcome.http, error(outcome.http, outcome.code, outcome.error));
    const webhookStatus = outcome.changed ? await this.fireWebhook(outcome.order, req?.reason) : undefined;
    sendJson(res, 200, { id: outcome.order.id, status: outcome.order.status, webhookStatus });
  }

  private change(id: string, status: string | undefined, by: 'api' | 'staff', _reason?: string): ChangeOutcome {
    const order = this.orders.get(id);
    if (!order) return { error: `${id} does not exist`, code: 'NOT_FOUND', http: 404 };
    const allowed: readonly string[] =
      order.kind === 'order' ? REFERENCE_ORDER_STATUSES : REFERENCE_RESERVATION_STATUSES;
    if (!status || !allowed.includes(status))
      return { error: `status must be one of ${allowed.join(', ')}`, code: 'INVALID_STATUS', http: 400 };
    if (order.status === status) return { order, changed: false };
    if (FINAL.has(order.status)) return { error: `${id} is already ${order.status}`, code: 'ALREADY_FINAL', http: 409 };
    order.status = status;
    order.history.push({ status, at: new Date().toISOString(), by });
    this.log(`${order.kind} ${id} → ${status} (${by})`);
    return { order, changed: true };
  }

  /**
   * Shared POS order ids across locations: from now on the locations of `apiKeys` (location → its own API
   * key) number their orders `T-<n>` (from 1001), so each of them has a `T-1001`; an API call with a
   * location's key reaches that location's orders; the staff control names the location with
   * `?location=`; their status webhooks carry no Sinqro reference. Other locations keep unique ids.
   */
  shareIdsAcrossLocations(apiKeys: Record<string, string>): void {
    this.perLocation = { keys: new Map(Object.entries(apiKeys)), seq: new Map() };
  }

  /** Whether this order's id is a per-location ticket number another location may use too. */
  private sharesIds(order: SimOrder): boolean {
    return order.simKey !== order.id;
  }

  private newId(kind: Kind, locationId: string): { id: string; simKey: string } {
    if (!this.perLocation?.keys.has(locationId)) {
      this.seq += 1;
      const id = `${kind === 'order' ? 'ord' : 'res'}_${String(this.seq).padStart(5, '0')}`;
      return { id, simKey: id };
    }
    const n = (this.perLocation.seq.get(locationId) ?? 1000) + 1;
    this.perLocation.seq.set(locationId, n);
    const id = `T-${n}`;
    // Counted when another location already has this id: each is a chance for the bridge to mix them up.
    if ([...this.perLocation.seq].some(([loc, last]) => loc !== locationId && last >= n))
      this.faults.count('shared-pos-order-id');
    return { id, simKey: `${locationId}/${id}` };
  }

  /** The simulator's key of a POS order id as seen from a location (ids repeat across locations) or globally. */
  private simKeyOf(id: string, location: string | undefined): string {
    if (!this.perLocation || this.orders.has(id)) return id;
    return location ? `${location}/${id}` : id;
  }

  /** The location whose own API key this is (shared-id mode); the adapter-wide key gives undefined. */
  private locationOfKey(authorization: unknown): string | undefined {
    if (!this.perLocation || typeof authorization !== 'string') return undefined;
    for (const [location, key] of this.perLocation.keys) if (authorization === `Bearer ${key}`) return location;
    return undefined;
  }

  /** Sends the signed status webhook; retries a few times on failure, as real POSes do. */
  async fireWebhook(order: SimOrder, reason?: string, eventId = `evt_${randomUUID()}`): Promise<number> {
    const payload = JSON.stringify({
      eventId,
      type: `${order.kind}.status_changed`,
      occurredAt: order.history[order.history.length - 1]?.at ?? new Date().toISOString(),
      locationId: order.locationId,
      data: {
        id: order.id,
        // A POS with per-location ticket numbers is taken not to echo Sinqro's reference: the bridge must find
        // the order by the POS id, which another location may use too.
        externalReference: this.sharesIds(order) ? null : order.externalReference,
        status: order.status,
        reason: reason ?? null,
      },
    });
    return this.deliver(payload, eventId, order);
  }

  /**
   * Posts a raw payload with a fresh signature (tests use it to replay or reorder deliveries). Under the
   * webhook faults (`webhookCopiesMax`, `webhookHoldMaxMs`) it is sent 1–N times with the same event id, and
   * each copy is held a random while in the background (then 0 is returned at once), so deliveries reorder.
   */
  async deliver(payload: string, eventId: string, order: SimOrder, attempts = 3): Promise<number> {
    if (!this.webhookSwitches.status) return 0;
    const { webhookCopiesMax = 1, webhookHoldMaxMs = 0 } = this.faults.config;
    const copies = 1 + Math.floor(Math.random() * Math.max(1, Math.floor(webhookCopiesMax)));
    for (let i = 1; i < copies; i++) this.faults.count('webhook-copy');
    const status = order.status;
    const seq = order.history.length;
    const one = async (holdMs: number) => {
      if (holdMs > 0) await sleep(holdMs);
      const last = this.lastDelivered.get(order.simKey) ?? 0;
      if (seq < last) this.faults.count('webhook-out-of-order');
      else this.lastDelivered.set(order.simKey, seq);
      const httpStatus = await this.postSigned('orders', payload, attempts);
      this.webhooks.push({
        eventId,
        orderId: order.id,
        locationId: order.locationId,
        status,
        httpStatus,
        at: new Date().toISOString(),
      });
      return httpStatus;
    };
    if (webhookHoldMaxMs > 0) {
      for (let i = 0; i < copies; i++) {
        this.faults.count('webhook-held');
        const sending: Promise<unknown> = one(Math.random() * webhookHoldMaxMs).finally(() =>
          this.heldWebhooks.delete(sending),
        );
        this.heldWebhooks.add(sending);
      }
      return 0;
    }
    let first = 0;
    for (let i = 0; i < copies; i++) {
      const httpStatus = await one(0);
      if (i === 0) first = httpStatus;
    }
    return first;
  }

  /** Webhook copies still held or being sent (a chaos run waits for none). */
  get pendingWebhooks(): number {
    return this.heldWebhooks.size;
  }

  /** The orders (or reservations) created for one Sinqro id: more than one would be a double. */
  byReference(kind: Kind, externalReference: string): SimOrder[] {
    return this.byRef.get(`${kind}#${externalReference}`) ?? [];
  }

  /** Signs each attempt afresh; retries a 5xx or no answer a few times, never a 4xx, as real POSes do. */
  async postSigned(path: string, payload: string, attempts = 3): Promise<number> {
    let httpStatus = 0;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await fetch(`${this.opts.webhookUrl}/${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [SIGNATURE_HEADER]: signPayload(this.opts.webhookSecret, payload),
          },
          body: payload,
        });
        httpStatus = response.status;
        await response.arrayBuffer();
      } catch {
        httpStatus = 0;
      }
      if (httpStatus >= 200 && httpStatus < 300) break;
      if (httpStatus >= 400 && httpStatus < 500) break; // the bridge refused it; retrying will not help
      await sleep(200 * attempt);
    }
    return httpStatus;
  }

  // ---- availability (F7) and opening hours (F8) ----

  availabilityOf(locationId: string): RefAvailability {
    return this.availability.get(locationId) ?? { closed: false };
  }

  openingHoursOf(locationId: string): RefOpeningHours {
    return this.openingHours.get(locationId) ?? defaultOpeningHours();
  }

  private locationOf(given: unknown): string | undefined {
    return typeof given === 'string' && given ? given : this.opts.defaultLocationId;
  }

  /** Staff close the location now (until a time, or until further notice), or open it again; the webhook follows. */
  private async setAvailability(body: Buffer, res: ServerResponse) {
    const req = parseJsonBody<{ closed?: unknown; until?: unknown; reason?: unknown; locationId?: unknown }>(body);
    const locationId = this.locationOf(req?.locationId);
    if (!locationId) return sendJson(res, 400, error(400, 'INVALID_BODY', 'locationId is required'));
    if (typeof req?.closed !== 'boolean')
      return sendJson(res, 400, error(400, 'INVALID_BODY', 'closed must be true or false'));
    if (req.until !== undefined && (typeof req.until !== 'string' || Number.isNaN(Date.parse(req.until))))
      return sendJson(res, 400, error(400, 'INVALID_BODY', 'until must be an ISO-8601 date-time'));
    const availability: RefAvailability = req.closed
      ? {
          closed: true,
          from: new Date().toISOString(),
          ...(req.until ? { until: new Date(req.until as string).toISOString() } : {}),
          ...(typeof req.reason === 'string' ? { reason: req.reason } : {}),
        }
      : { closed: false };
    this.availability.set(locationId, availability);
    this.log(
      `${locationId} ${availability.closed ? `closed${availability.until ? ` until ${availability.until}` : ''}` : 'open again'}`,
    );
    const webhookStatus = await this.fireLocationWebhook(
      'availability',
      'availability.changed',
      locationId,
      availability,
    );
    sendJson(res, 200, { locationId, availability, webhookStatus });
  }

  /** Staff change the opening hours (stored as given, impossible ones too: the bridge must refuse those). */
  private async setOpeningHours(body: Buffer, res: ServerResponse) {
    const req = parseJsonBody<RefOpeningHours & { locationId?: unknown }>(body);
    const locationId = this.locationOf(req?.locationId);
    if (!locationId) return sendJson(res, 400, error(400, 'INVALID_BODY', 'locationId is required'));
    if (typeof req?.timezone !== 'string' || !Array.isArray(req.days))
      return sendJson(res, 400, error(400, 'INVALID_BODY', 'timezone and days are required'));
    const hours: RefOpeningHours = { timezone: req.timezone, days: req.days };
    this.openingHours.set(locationId, hours);
    this.log(
      `${locationId} opening hours changed (${hours.days.reduce((n, d) => n + (d.ranges?.length ?? 0), 0)} ranges)`,
    );
    const webhookStatus = await this.fireLocationWebhook('hours', 'hours.changed', locationId, {});
    sendJson(res, 200, { locationId, openingHours: hours, webhookStatus });
  }

  /** `{ status?, availability?, catalog? }`: switch webhooks on or off (the availability switch covers hours too). */
  private switchWebhooks(body: Buffer, res: ServerResponse) {
    const req = parseJsonBody<Partial<Record<WebhookTopic, unknown>>>(body) ?? {};
    for (const topic of Object.keys(ALL_WEBHOOKS_ON) as WebhookTopic[]) {
      const value = req[topic];
      if (value === undefined) continue;
      if (typeof value !== 'boolean')
        return sendJson(res, 400, error(400, 'INVALID_BODY', `${topic} must be true or false`));
      this.webhookSwitches[topic] = value;
    }
    this.log(
      `webhooks: ${Object.entries(this.webhookSwitches)
        .map(([k, on]) => `${k} ${on ? 'on' : 'off'}`)
        .join(', ')}`,
    );
    sendJson(res, 200, this.webhookSwitches);
  }

  /** Sends a signed availability or hours webhook; 0 when availability webhooks are switched off (nothing sent). */
  async fireLocationWebhook(
    path: 'availability' | 'hours',
    type: 'availability.changed' | 'hours.changed',
    locationId: string,
    data: object,
    eventId = `evt_${randomUUID()}`,
  ): Promise<number> {
    if (!this.webhookSwitches.availability) return 0;
    const payload = JSON.stringify({ eventId, type, occurredAt: new Date().toISOString(), locationId, data });
    const httpStatus = await this.postSigned(path, payload);
    this.locationWebhooks.push({ eventId, type, locationId, httpStatus, at: new Date().toISOString() });
    return httpStatus;
  }
}
