/**
 * K-Series webhooks: their trust check and the events the bridge takes from them.
 *
 * K-Series signs nothing. Its Order and Pay webhooks (order, payment, item availability, readiness) go
 * to one URL per webhook endpoint with optional Basic auth (apeCreateWebhookOo); its Reservations for
 * Platforms webhooks go to the platform's URLs with the authentication the platform chose
 * (reservation-serviceSetByPlatformCode: Basic, bearer, API keys). So the bridge gives each K-Series
 * account its own endpoint, URL and password, and the platform one bearer token and URL:
 *
 *   /lightspeedk/webhooks/o/{businessLocationId}/{path token}   Basic <username:password>   the account's secret
 *   /lightspeedk/webhooks/r/{path token}/{topic}                Bearer <token>               the adapter's secret
 *
 * Both the path token (unguessable, per account) and the credential are compared in constant time.
 * Statuses a forged body could make final are read back from the API where the API can tell
 * (a CLOSED order: its account's close date); availability and readiness are never taken from a body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { AuthenticationError, SecretMalformedError, ValidationError } from '../../functions/core/errors';
import type { PosEvent, PosOrderStatusEvent } from '../../functions/core/messages';
import { truncate } from '../../functions/core/text';
import { parseOrThrow } from '../../functions/core/validation';
import type { PosWebhookSecret, RawWebhook } from '../port';
import {
  OrderNotificationSchema,
  PosReservationUpdateSchema,
  ReadinessNotificationSchema,
  ReservationErrorSchema,
  ReservationOrderUpdateSchema,
  SalesRestrictionSchema,
} from './api';
import { catalogIds } from './catalog-ids';
import { parseBodyKeepingIds } from './json';

/** Lightspeed's delivery id, sent with each webhook [unverified for the order webhooks: see docs/lightspeed-k.md]. */
export const IDEMPOTENCY_HEADER = 'x-lightspeed-idempotency-key';
/** The Basic auth user name the bridge registers with each endpoint, unless the account's secret names another. */
export const DEFAULT_WEBHOOK_USERNAME = 'sinqro';
/** K-Series' reasons go to Sinqro; a long one is cut (at a whole character). */
const REASON_MAX = 300;
/** A path token is at least 128 bits of URL-safe base64. */
const PATH_TOKEN = /^[A-Za-z0-9_-]{22,128}$/;
const RESERVATION_TOPICS = ['order', 'pos-reservation', 'errors', 'integration', 'onboarding'] as const;
export type ReservationTopic = (typeof RESERVATION_TOPICS)[number];

export type WebhookRoute =
  | { scope: 'location'; businessLocationId: string; token: string }
  | { scope: 'adapter'; token: string; topic: ReservationTopic };

/** The route a webhook path names (what follows `/webhooks/`), or undefined for any other path. */
export function routeOf(path: string): WebhookRoute | undefined {
  const at = path.indexOf('/webhooks/');
  if (at < 0) return undefined;
  const parts = path.slice(at + '/webhooks/'.length).split('/');
  if (parts.length !== 3) return undefined;
  const [kind, a, b] = parts as [string, string, string];
  if (kind === 'o' && /^\d{1,19}$/.test(a) && PATH_TOKEN.test(b))
    return { scope: 'location', businessLocationId: a, token: b };
  if (kind === 'r' && PATH_TOKEN.test(a) && (RESERVATION_TOPICS as readonly string[]).includes(b))
    return { scope: 'adapter', token: a, topic: b as ReservationTopic };
  return undefined;
}

/** Constant-time equality of two texts (their SHA-256 digests: equal lengths whatever was sent). */
function sameText(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Throws AuthenticationError unless the request came to this secret's unguessable path and carries one of
 * its credentials: an account's Basic auth password (its `webhookSigningSecrets`, two during a rotation)
 * on an account's path, the platform's bearer token on the reservation path.
 */
export function verifyLskWebhook(request: RawWebhook, secret: PosWebhookSecret): void {
  const route = routeOf(request.path);
  if (!route) throw new AuthenticationError('not a K-Series webhook path');
  const token = secret.webhookPathToken;
  if (typeof token !== 'string' || !PATH_TOKEN.test(token))
    throw new SecretMalformedError('K-Series webhook secret has no webhookPathToken of 22 or more URL-safe characters');
  const username = typeof secret.webhookUsername === 'string' ? secret.webhookUsername : DEFAULT_WEBHOOK_USERNAME;
  const accepted = secret.webhookSigningSecrets.map((credential) =>
    route.scope === 'location'
      ? `Basic ${Buffer.from(`${username}:${credential}`, 'utf8').toString('base64')}`
      : `Bearer ${credential}`,
  );
  const given = request.headers.authorization ?? '';
  // Both compared, always: which one failed says nothing to the sender.
  const pathMatches = sameText(route.token, token);
  const credentialMatches = accepted.map((a) => sameText(given, a)).some(Boolean);
  if (!pathMatches || !credentialMatches) throw new AuthenticationError('K-Series webhook credential does not match');
}

/** The business location a request claims: the account path's (the body is not read). */
export function claimedLocation(request: RawWebhook): string | undefined {
  const route = routeOf(request.path);
  return route?.scope === 'location' ? route.businessLocationId : undefined;
}

const SINQRO_ID = /^\d{1,16}$/;
const sinqroIdOf = (ref: string | undefined) =>
  ref !== undefined && SINQRO_ID.test(ref) && Number.isSafeInteger(Number(ref)) ? Number(ref) : undefined;

/** Lightspeed's delivery id when it sent one; else one made of what the body says (a repeat is then a duplicate). */
function eventIdOf(request: RawWebhook, ...parts: (string | number | null | undefined)[]): string {
  const header = request.headers[IDEMPOTENCY_HEADER];
  if (header && header.length <= 128) return `lsk:${header}`;
  return createHash('sha256')
    .update(parts.map((p) => String(p ?? '')).join('\u0000'))
    .digest('hex');
}

const iso = (text: string | undefined, fallback: string) => {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? fallback : new Date(ms).toISOString();
};

/** An authentic K-Series webhook → the bridge's events; what the bridge does not act on gives none. */
export function parseLskWebhook(request: RawWebhook, now = new Date()): PosEvent[] {
  const route = routeOf(request.path);
  if (!route) throw new ValidationError('not a K-Series webhook path');
  const body = parseBodyKeepingIds(request.rawBody, 'webhook body');
  const received = now.toISOString();
  return route.scope === 'location'
    ? orderAndPayEvents(request, route.businessLocationId, body, received)
    : reservationEvents(request, route.topic, body, received);
}

const TypeOnly = v.looseObject({ type: v.optional(v.unknown()) });

function orderAndPayEvents(request: RawWebhook, pathLocation: string, body: unknown, received: string): PosEvent[] {
  const { type } = parseOrThrow(TypeOnly, body, 'webhook body');
  if (type === 'ITEM') {
    // salesRestrictionUpdatedNotification: the SKU is re-read (availability) from the API, never taken from here.
    const w = parseOrThrow(SalesRestrictionSchema, body, 'webhook body');
    return [
      {
        type: 'catalog.changed',
        eventId: eventIdOf(request, 'item', w.businessLocationId, w.sku, w.countUpdatedAt, w.status, w.count),
        posLocationId: w.businessLocationId,
        occurredAt: iso(w.countUpdatedAt, received),
        entities: [{ type: 'product', posId: catalogIds.product(w.sku) }],
      },
    ];
  }
  if (type === 'ORDER_API') {
    // onlineOrderingReadinessUpdatedNotification: a cue; the worker reads GET /o/op/1/onlineOrderReadiness.
    const w = parseOrThrow(ReadinessNotificationSchema, body, 'webhook body');
    return [
      {
        type: 'availability.changed',
        eventId: eventIdOf(request, 'readiness', w.businessLocationId, w.lastUpdatedAt, w.status),
        posLocationId: w.businessLocationId,
        occurredAt: iso(w.lastUpdatedAt, received),
        availability: w.status === 'READY' ? { closed: false } : { closed: true, from: iso(w.lastUpdatedAt, received) },
      },
    ];
  }
  // Payments are the bridge's only when it pays (it never does: prepaid orders carry their payment).
  if (type === 'PAYMENT') return [];
  const w = parseOrThrow(OrderNotificationSchema, body, 'webhook body');
  const sinqroOrderId = sinqroIdOf(w.thirdPartyReference);
  // Not one of the bridge's orders, or an account event that is no status (CHECK_WAS_UPDATED).
  if (sinqroOrderId === undefined || w.status === 'CHECK_WAS_UPDATED') return [];
  const account = w.ikentooAccountIdentifier ?? undefined;
  return [
    {
      type: 'order.status',
      eventId: eventIdOf(request, 'order', w.thirdPartyReference, w.status, account),
      // The spec's own examples leave the location out; the account's path names it.
      posLocationId: w.businessLocationId ?? pathLocation,
      // The account once the POS opened one (SUCCESS names it); until then the bridge's reference.
      posOrderId: account ?? String(sinqroOrderId),
      sinqroOrderId,
      kind: 'order',
      posStatus: w.status,
      // The notification carries no time of its own.
      occurredAt: received,
      ...(w.reason ? { reason: truncate(w.reason, REASON_MAX) } : {}),
      // A final a forged body could set and the API can confirm: the account's close date is read first.
      ...(w.status === 'CLOSED' && account ? { refresh: true } : {}),
    },
  ];
}

/** Error codes that mean K-Series refused a reservation push for good (reservation-serviceErrorCode). */
const REFUSED_PUSH = /^(RESERVATION_|GUEST_)/;
/** A push older than one already taken: the bridge's own repeat, not a refusal. */
const STALE_PUSH = 'RESERVATION_SEQUENCE_ID_ERROR';

function reservationEvents(request: RawWebhook, topic: ReservationTopic, body: unknown, received: string): PosEvent[] {
  switch (topic) {
    case 'pos-reservation': {
      const w = parseOrThrow(PosReservationUpdateSchema, body, 'webhook body');
      const event = reservationEvent(request, w, w.status, undefined, received);
      return event ? [event] : [];
    }
    case 'order': {
      // The POS order of a reservation: opened (the guests' table has an order), closed (the bill is paid).
      const w = parseOrThrow(ReservationOrderUpdateSchema, body, 'webhook body');
      const posStatus =
        w.notificationType === 'OPEN' ? 'ORDER_OPEN' : w.notificationType === 'CLOSE' ? 'ORDER_CLOSE' : undefined;
      const event = posStatus
        ? reservationEvent(request, w, posStatus, String(w.sequenceId ?? ''), received)
        : undefined;
      return event ? [event] : [];
    }
    case 'errors': {
      const w = parseOrThrow(ReservationErrorSchema, body, 'webhook body');
      if (w.entityType !== 'platform-reservation' || w.errorCode === STALE_PUSH || !REFUSED_PUSH.test(w.errorCode))
        return [];
      const event = reservationEvent(request, w, 'PUSH_REFUSED', w.traceId, received);
      return event ? [{ ...event, reason: truncate(w.errorCode, REASON_MAX) }] : [];
    }
    default:
      // Onboarding and integration (de)activation are the operators' (docs/lightspeed-k.md).
      return [];
  }
}

/**
 * A status of one of the bridge's reservations. The bridge registers each restaurant on the platform
 * under its K-Series business location id, so both ids name the location, and must agree.
 */
function reservationEvent(
  request: RawWebhook,
  w: { businessLocationId?: string; platformRestaurantId?: string; platformReservationId?: string },
  posStatus: string | undefined,
  discriminator: string | undefined,
  received: string,
): PosOrderStatusEvent | undefined {
  const sinqroOrderId = sinqroIdOf(w.platformReservationId);
  const restaurant = w.platformRestaurantId;
  // Another platform's reservation, or a restaurant the bridge did not register (it registers location ids).
  if (sinqroOrderId === undefined || !posStatus || (restaurant !== undefined && !/^\d{1,19}$/.test(restaurant)))
    return undefined;
  if (w.businessLocationId && restaurant && w.businessLocationId !== restaurant)
    throw new ValidationError('webhook body names two different locations');
  const location = w.businessLocationId ?? restaurant;
  if (!location) return undefined;
  return {
    type: 'order.status',
    eventId: eventIdOf(request, 'reservation', location, sinqroOrderId, posStatus, discriminator),
    posLocationId: location,
    posOrderId: String(sinqroOrderId),
    sinqroOrderId,
    kind: 'reservation',
    posStatus,
    occurredAt: received,
  };
}
