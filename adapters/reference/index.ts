/** Adapter for the reference POS contract: a POS that implements docs/reference-pos.openapi.json needs no code. */
import { AuthenticationError, ValidationError } from '../../functions/core/errors';
import type { PosEvent } from '../../functions/core/messages';
import type { CanonicalStatus, Kind } from '../../functions/core/statuses';
import { parseJsonBytes, parseOrThrow } from '../../functions/core/validation';
import { verifySignature } from '../../functions/infra/signature';
import type { PosAdapter } from '../port';
import { isCatalogWebhook, toCatalogChangedEvent } from './catalog-mapping';
import { ReferencePosClient } from './client';
import { RefCatalogWebhookSchema, RefWebhookSchema, SIGNATURE_HEADER } from './contract';
import { parseHoursWebhook } from './hours';

const ORDER_STATUS: Record<string, CanonicalStatus> = {
  new: 'INJECTED',
  accepted: 'ACCEPTED',
  rejected: 'REJECTED',
  preparing: 'PREPARING',
  ready: 'READY',
  out_for_delivery: 'OUT_FOR_DELIVERY',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
};
const RESERVATION_STATUS: Record<string, CanonicalStatus> = {
  new: 'INJECTED',
  confirmed: 'CONFIRMED',
  rejected: 'REJECTED',
  seated: 'SEATED',
  completed: 'COMPLETED',
  cancelled: 'CANCELLED',
  no_show: 'NO_SHOW',
};

// Closures and hours belong to the restaurant, so they serve its orders and reservations alike.
const AVAILABILITY_NOTE =
  'availability.changed → GET /locations/{locationId}/availability → Sinqro temporary closure (or its removal)';
const HOURS_NOTE = 'hours.changed → GET /locations/{locationId}/opening-hours → Sinqro schedule';

export const referenceAdapter: PosAdapter = {
  code: 'reference',
  name: 'Reference POS contract',
  maxConcurrency: 10,
  capabilities: {
    orders: {
      F1: { mechanism: 'api', note: 'POST /locations/{locationId}/orders with Idempotency-Key' },
      F2: { mechanism: 'webhook', note: 'order.status_changed → accepted' },
      F3: { mechanism: 'webhook', note: 'order.status_changed → rejected / cancelled' },
      F4: { mechanism: 'webhook', note: 'order.status_changed → preparing / ready / out_for_delivery / completed' },
      F5: { mechanism: 'api', note: 'POST /orders/{id}/status' },
      F6: {
        mechanism: 'webhook',
        note: 'catalog.changed → re-read the named entities; full sync from GET /locations/{locationId}/catalog/{collection} (operator, nightly)',
      },
      F7: { mechanism: 'webhook', note: AVAILABILITY_NOTE },
      F8: { mechanism: 'webhook', note: HOURS_NOTE },
    },
    reservations: {
      F1: { mechanism: 'api', note: 'POST /locations/{locationId}/reservations with Idempotency-Key' },
      F2: { mechanism: 'webhook', note: 'reservation.status_changed → confirmed' },
      F3: { mechanism: 'webhook', note: 'reservation.status_changed → rejected / cancelled' },
      F4: { mechanism: 'webhook', note: 'reservation.status_changed → seated / completed / no_show' },
      F5: { mechanism: 'api', note: 'POST /reservations/{id}/status' },
      F6: { mechanism: 'unsupported', reason: 'catalog does not apply to reservations' },
      F7: { mechanism: 'webhook', note: AVAILABILITY_NOTE },
      F8: { mechanism: 'webhook', note: HOURS_NOTE },
    },
  },

  // Every reference webhook names its location at the top of the body (`locationId`).
  webhookLocationOf(request) {
    let body: unknown;
    try {
      body = parseJsonBytes(request.rawBody, 'webhook body');
    } catch {
      return undefined;
    }
    const locationId = (body as { locationId?: unknown } | null)?.locationId;
    return typeof locationId === 'string' && locationId.length > 0 && locationId.length <= 128 ? locationId : undefined;
  },

  verifyWebhook(request, secret) {
    if (!secret.webhookSigningSecrets?.length) throw new AuthenticationError('no webhook secret configured');
    verifySignature(request.headers[SIGNATURE_HEADER], request.rawBody, secret.webhookSigningSecrets);
  },

  parseWebhook(request): PosEvent[] {
    const json = parseJsonBytes(request.rawBody, 'webhook body');
    const hours = parseHoursWebhook(json);
    if (hours) return hours;
    if (isCatalogWebhook(json))
      return [toCatalogChangedEvent(parseOrThrow(RefCatalogWebhookSchema, json, 'webhook body'))];
    const body = parseOrThrow(RefWebhookSchema, json, 'webhook body');
    const kind: Kind = body.type === 'order.status_changed' ? 'order' : 'reservation';
    const ref = body.data.externalReference;
    const sinqroOrderId = ref && /^\d{1,16}$/.test(ref) && Number.isSafeInteger(Number(ref)) ? Number(ref) : undefined;
    if (ref && sinqroOrderId === undefined) throw new ValidationError('data.externalReference is not a Sinqro id');
    return [
      {
        type: 'order.status',
        eventId: body.eventId,
        posLocationId: body.locationId,
        posOrderId: body.data.id,
        sinqroOrderId,
        kind,
        posStatus: body.data.status,
        occurredAt: new Date(body.occurredAt).toISOString(),
        reason: body.data.reason ?? undefined,
      },
    ];
  },

  mapStatus(kind, posStatus) {
    const table = kind === 'order' ? ORDER_STATUS : RESERVATION_STATUS;
    return Object.hasOwn(table, posStatus) ? table[posStatus] : undefined;
  },

  createClient(context) {
    return new ReferencePosClient(context);
  },
};
