/**
 * Square webhooks: the signature check (HMAC-SHA256 over the notification URL + raw body, base64)
 * and the events the bridge acts on, as POS events. Events for which Square's payload says too
 * little (an `order.updated` of an order still OPEN) ask the worker to read the order.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { AuthenticationError } from '../../functions/core/errors';
import type { PosEvent } from '../../functions/core/messages';
import { parseJsonBytes, parseOrThrow } from '../../functions/core/validation';
import {
  CatalogVersionWebhookSchema,
  FulfillmentUpdatedWebhookSchema,
  LocationWebhookSchema,
  OrderUpdatedWebhookSchema,
} from './api';

const SIGNATURE_FORMAT = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Throws AuthenticationError unless `signature` is the base64 HMAC-SHA256, under one of `keys`, of
 * `notificationUrl` (exactly as registered in the subscription) followed by the raw body.
 */
export function verifySquareSignature(
  rawBody: Buffer,
  signature: string | undefined,
  notificationUrl: string | undefined,
  keys: string[],
): void {
  if (!notificationUrl) throw new AuthenticationError('no Square notification URL configured for this stage');
  if (keys.length === 0) throw new AuthenticationError('no Square signature key configured');
  if (!signature) throw new AuthenticationError('missing x-square-hmacsha256-signature');
  // Exactly one canonical base64 SHA-256 digest: Buffer's lenient decoder would otherwise stop at the
  // first padding and accept a duplicated (comma-joined) header or trailing garbage after a valid one.
  if (!SIGNATURE_FORMAT.test(signature)) throw new AuthenticationError('malformed x-square-hmacsha256-signature');
  const given = Buffer.from(signature, 'base64');
  // Two keys during a rotation: the old one until Square signs with the new one.
  for (const key of keys) {
    const expected = createHmac('sha256', key)
      .update(Buffer.concat([Buffer.from(notificationUrl, 'utf8'), rawBody]))
      .digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  }
  throw new AuthenticationError('Square signature does not match');
}

const iso = (s: string | undefined, fallback: string) => {
  const t = Date.parse(s ?? '');
  return new Date(Number.isNaN(t) ? Date.parse(fallback) || Date.now() : t).toISOString();
};

const EnvelopeType = v.looseObject({ type: v.pipe(v.string(), v.maxLength(100)) });

type OrderChange = { location_id: string; order_id: string; version?: number; updated_at?: string };

/** The status event of one order change, as both order webhooks report it. */
const orderStatus = (
  w: { event_id: string; created_at: string },
  change: OrderChange,
  posStatus: string,
  refresh: boolean,
): PosEvent => ({
  type: 'order.status',
  eventId: w.event_id,
  posLocationId: change.location_id,
  posOrderId: change.order_id,
  kind: 'order',
  posStatus,
  posVersion: change.version,
  refresh,
  occurredAt: iso(change.updated_at, w.created_at),
});

/** An authentic Square webhook → the bridge's events; event types the bridge does not use give none. */
export function parseSquareWebhook(rawBody: Buffer): PosEvent[] {
  const json = parseJsonBytes(rawBody, 'webhook body');
  const { type } = parseOrThrow(EnvelopeType, json, 'webhook body');
  switch (type) {
    case 'order.fulfillment.updated': {
      const w = parseOrThrow(FulfillmentUpdatedWebhookSchema, json, 'webhook body');
      const change = w.data.object.order_fulfillment_updated;
      const updates = (change.fulfillment_update ?? []).filter((u) => u.new_state);
      const last = updates[updates.length - 1];
      return [orderStatus(w, change, last?.new_state ?? change.state ?? 'OPEN', !last)];
    }
    case 'order.updated': {
      const w = parseOrThrow(OrderUpdatedWebhookSchema, json, 'webhook body');
      const change = w.data.object.order_updated;
      const final = change.state === 'COMPLETED' || change.state === 'CANCELED';
      // An open order's fulfillment may have moved: only the order itself says where it is.
      return [orderStatus(w, change, change.state ?? 'OPEN', !final)];
    }
    case 'catalog.version.updated': {
      // Names no object (and no location): the catalog is the merchant's, re-read since the last sync.
      const w = parseOrThrow(CatalogVersionWebhookSchema, json, 'webhook body');
      return [
        {
          type: 'catalog.changed',
          eventId: w.event_id,
          posLocationId: '',
          posAccountId: w.merchant_id,
          occurredAt: iso(w.data?.object?.catalog_version?.updated_at, w.created_at),
        },
      ];
    }
    case 'location.updated':
    case 'location.created': {
      const w = parseOrThrow(LocationWebhookSchema, json, 'webhook body');
      return [
        {
          type: 'hours.changed',
          eventId: w.event_id,
          posLocationId: w.location_id ?? w.data.id,
          occurredAt: iso(w.created_at, w.created_at),
        },
      ];
    }
    default:
      // order.created fires for the bridge's own orders too; other types are not the bridge's business.
      return [];
  }
}
