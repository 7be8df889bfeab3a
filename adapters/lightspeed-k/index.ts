/**
 * Adapter for Lightspeed Restaurant K-Series: online orders (Order and Pay), reservations (Reservations
 * for Platforms), menus, item availability and online-order readiness. See docs/lightspeed-k.md.
 */
import type { CanonicalStatus } from '../../functions/core/statuses';
import type { FeatureSupport, PosAdapter } from '../port';
import { LightspeedKClient } from './client';
import { lskCredentials } from './oauth';
import { claimedLocation, parseLskWebhook, routeOf, verifyLskWebhook } from './webhooks';

/** onlineOrderNotification statuses (and DELIVERED, opt-in) → canonical. */
const ORDER_STATUS: Record<string, CanonicalStatus> = {
  // The POS took the order: K-Series has no separate staff acceptance of an online order.
  SUCCESS: 'ACCEPTED',
  READY_FOR_PICKUP: 'READY',
  IN_DELIVERY: 'OUT_FOR_DELIVERY',
  CLOSED: 'COMPLETED',
  DELIVERED: 'COMPLETED',
  CANCELLED: 'CANCELLED',
  // K-Series could not deliver it to the POS (with a reason), or gave up trying: it will not be made.
  FAILURE: 'FAILED',
  ABANDONED: 'FAILED',
};

/** posReservationUpdatedNotification statuses, the reservation's POS order, a refused push → canonical. */
const RESERVATION_STATUS: Record<string, CanonicalStatus> = {
  ON_HOLD: 'INJECTED',
  SCHEDULED: 'CONFIRMED',
  PARTIALLY_ARRIVED: 'CONFIRMED',
  ARRIVED: 'CONFIRMED',
  ORDER_OPEN: 'CONFIRMED',
  PARTIALLY_SEATED: 'SEATED',
  SEATED: 'SEATED',
  DEPARTED: 'COMPLETED',
  PAID: 'COMPLETED',
  ORDER_CLOSE: 'COMPLETED',
  CANCELLED: 'CANCELLED',
  NO_SHOW: 'NO_SHOW',
  ERROR: 'FAILED',
  PUSH_REFUSED: 'FAILED',
};

const ORDER_READ_BACK =
  'K-Series names the POS account of an order only in its order webhook (SUCCESS): without it the bridge cannot find the order to read it';
const NO_RESERVATION_READ = 'Reservations for Platforms has no endpoint to read a reservation back';
const NO_HOURS =
  'the K-Series API has no source of opening hours: no operation of its published spec returns a schedule, and online-order readiness says only whether the location takes online orders now (F7)';
const READINESS: FeatureSupport = {
  mechanism: 'webhook',
  note: 'ONLINE_ORDER_READINESS → GET /o/op/1/onlineOrderReadiness: NOT_READY → Sinqro temporary closure (until READY), READY → closure removed; the closure is the selling point’s, for orders and reservations alike',
};
const ORDER_WEBHOOK = (note: string, limit?: string): FeatureSupport => ({
  mechanism: 'webhook',
  note,
  ...(limit ? { limit } : {}),
  withoutWebhook: { mechanism: 'unsupported', reason: ORDER_READ_BACK },
});
const RESERVATION_WEBHOOK = (note: string): FeatureSupport => ({
  mechanism: 'webhook',
  note,
  withoutWebhook: { mechanism: 'unsupported', reason: NO_RESERVATION_READ },
});

export const lightspeedKAdapter: PosAdapter = {
  code: 'lightspeedk',
  name: 'Lightspeed Restaurant (K-Series)',
  // Lightspeed publishes no rate limit: few parallel calls, 429s wait for their Retry-After.
  maxConcurrency: 5,
  capabilities: {
    orders: {
      F1: {
        mechanism: 'api',
        note: 'POST /o/op/1/order/toGo (collection, delivery) or /o/op/1/order/local (insitu, inside), thirdPartyReference = the Sinqro order id (409 "reference has already been used" = already injected); items by SKU with sub-items and modifiers; the prepaid amount as payment',
      },
      F2: ORDER_WEBHOOK(
        'onlineOrderNotification SUCCESS → accepted',
        'K-Series has no staff acceptance of an online order: accepted means the POS took it',
      ),
      F3: ORDER_WEBHOOK(
        'onlineOrderNotification CANCELLED → cancelled; FAILURE (with its reason) / ABANDONED → failed',
      ),
      F4: ORDER_WEBHOOK(
        'READY_FOR_PICKUP → ready, IN_DELIVERY → dispatched, DELIVERED → completed, CLOSED → completed once GET /o/op/1/order/accounts/{accountIdentifier} shows the account closed; the polling and the stuck-order sweep read that account, which tells open from closed but not completed from cancelled, so they act on an open one only',
      ),
      F5: {
        mechanism: 'api',
        note: 'POST /o/op/1/printMsg shows staff the cancellation on the till and its printer; the audit records that the POS could not cancel it',
        limit: 'K-Series has no API to cancel an online order: staff must void it themselves',
      },
      F6: {
        mechanism: 'webhook',
        note: 'GET /o/op/1/menu/list + GET /o/op/2/menu/load/{menuId} (items, product modifier groups, production instructions) → Sinqro catalog, full sync (operator, nightly); SALES_RESTRICTION_UPDATED → that SKU re-read with POST /o/op/1/itemAvailability → availability',
        limit:
          'menu edits reach Sinqro only with the nightly or an operator’s full sync (K-Series has no menu-change webhook); combos (menuDeal) are not mapped',
      },
      F7: READINESS,
      F8: { mechanism: 'unsupported', reason: NO_HOURS },
    },
    reservations: {
      F1: {
        mechanism: 'api',
        note: 'PUT /reservation/api/1/platform/{platformCode}/restaurant/{businessLocationId}/reservation/{id}/push, status SCHEDULED, sequenceId 1; Sinqro names no table, so K-Series opens no POS order for it until staff seat the guests',
      },
      F2: RESERVATION_WEBHOOK(
        'posReservationUpdatedNotification SCHEDULED / ARRIVED → confirmed; reservationOrderNotification OPEN → confirmed',
      ),
      F3: RESERVATION_WEBHOOK(
        'posReservationUpdatedNotification CANCELLED → cancelled, NO_SHOW → no-show; reservationErrorNotification refusing the push (RESERVATION_* / GUEST_*) → failed',
      ),
      F4: RESERVATION_WEBHOOK(
        'SEATED / PARTIALLY_SEATED → seated; DEPARTED, PAID, reservationOrderNotification CLOSE → completed',
      ),
      F5: {
        mechanism: 'api',
        note: 'the push again with status CANCELLED and sequenceId 100, above any earlier push of the reservation',
      },
      F6: { mechanism: 'unsupported', reason: 'catalog does not apply to reservations' },
      F7: READINESS,
      F8: { mechanism: 'unsupported', reason: NO_HOURS },
    },
  },

  webhookLocationOf: claimedLocation,

  // An account's own path and password verify its Order and Pay webhooks; the platform's, the reservations'.
  webhookCredentialScope(request) {
    return routeOf(request.path)?.scope ?? 'location';
  },

  verifyWebhook(request, secret) {
    verifyLskWebhook(request, secret);
  },

  parseWebhook(request) {
    return parseLskWebhook(request);
  },

  mapStatus(kind, posStatus) {
    const table = kind === 'order' ? ORDER_STATUS : RESERVATION_STATUS;
    return Object.hasOwn(table, posStatus) ? table[posStatus] : undefined;
  },

  createClient(context) {
    return new LightspeedKClient(context);
  },

  // Access tokens last an hour and refresh tokens are single-use: renewed and written back (oauth.ts).
  credentials: lskCredentials,
};
