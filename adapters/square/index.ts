/** Adapter for Square (Orders, Payments, Catalog and Locations APIs; signed webhooks). See docs/square.md. */
import { AuthenticationError } from '../../functions/core/errors';
import type { CanonicalStatus } from '../../functions/core/statuses';
import type { PosAdapter } from '../port';
import { SQUARE_SIGNATURE_HEADER } from './api';
import { SquareClient } from './client';
import { squareCredentials } from './oauth';
import { parseSquareWebhook, verifySquareSignature } from './webhooks';

/**
 * Fulfillment states (and, for a closed order, order states) → canonical statuses. `OPEN` means
 * nothing by itself: the worker reads the order's fulfillment (`refresh`).
 */
const ORDER_STATUS: Record<string, CanonicalStatus> = {
  PROPOSED: 'INJECTED',
  RESERVED: 'ACCEPTED',
  PREPARED: 'READY',
  COMPLETED: 'COMPLETED',
  CANCELED: 'CANCELLED',
  // The seller could not fulfil it (Square: failed, not explicitly canceled): for Sinqro it will not happen.
  FAILED: 'CANCELLED',
};

const RESERVATIONS = 'Square has no table reservations API (Square Bookings covers appointments)';

export const squareAdapter: PosAdapter = {
  code: 'square',
  name: 'Square',
  // Square does not publish its rate limits: few parallel calls per merchant, 429s are backed off.
  maxConcurrency: 5,
  // The merchant's subscription covers all its locations; those not linked must not be retried for 72 h.
  unlinkedLocations: 'ignore',
  capabilities: {
    orders: {
      F1: {
        mechanism: 'api',
        note: 'POST /v2/orders (PICKUP fulfillment, DELIVERY where the seller has them; reference_id, idempotency_key) + POST /v2/payments EXTERNAL when prepaid',
      },
      F2: { mechanism: 'webhook', note: 'order.fulfillment.updated → RESERVED' },
      F3: { mechanism: 'webhook', note: 'order.fulfillment.updated → CANCELED / FAILED; order.updated → CANCELED' },
      F4: { mechanism: 'webhook', note: 'order.fulfillment.updated → PREPARED / COMPLETED; order.updated → COMPLETED' },
      F5: {
        mechanism: 'api',
        note: 'PUT /v2/orders/{order_id}: fulfillment CANCELED with the current version (orders the bridge created)',
      },
      F6: {
        mechanism: 'webhook',
        note: 'catalog.version.updated → POST /v2/catalog/search with begin_time since the last sync; full sync (operator, nightly)',
      },
      F7: { mechanism: 'unsupported', reason: 'Square has no API to pause a location' },
      F8: {
        mechanism: 'webhook',
        note: 'location.updated → GET /v2/locations/{location_id} business_hours → Sinqro schedule',
      },
    },
    reservations: {
      F1: { mechanism: 'unsupported', reason: RESERVATIONS },
      F2: { mechanism: 'unsupported', reason: RESERVATIONS },
      F3: { mechanism: 'unsupported', reason: RESERVATIONS },
      F4: { mechanism: 'unsupported', reason: RESERVATIONS },
      F5: { mechanism: 'unsupported', reason: RESERVATIONS },
      F6: { mechanism: 'unsupported', reason: 'catalog does not apply to reservations' },
      F7: { mechanism: 'unsupported', reason: 'Square has no API to pause a location' },
      F8: { mechanism: 'unsupported', reason: RESERVATIONS },
    },
  },

  verifyWebhook(request, secret, settings) {
    if (!secret.webhookSigningSecrets?.length) throw new AuthenticationError('no webhook secret configured');
    verifySquareSignature(
      request.rawBody,
      request.headers[SQUARE_SIGNATURE_HEADER],
      settings?.webhookNotificationUrl,
      secret.webhookSigningSecrets,
    );
  },

  parseWebhook(request) {
    return parseSquareWebhook(request.rawBody);
  },

  mapStatus(kind, posStatus) {
    if (kind !== 'order') return undefined;
    return Object.hasOwn(ORDER_STATUS, posStatus) ? ORDER_STATUS[posStatus] : undefined;
  },

  createClient(context) {
    return new SquareClient(context);
  },

  // OAuth access tokens expire after 30 days: renewed with the merchant's refresh token (oauth.ts).
  credentials: squareCredentials,
};
