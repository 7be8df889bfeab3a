/**
 * K-Series online-order readiness (apeGetOnlineOrderReadiness, onlineOrderingReadinessUpdatedNotification)
 * → the bridge's availability (F7): NOT_READY is a temporary closure with no end K-Series announces
 * (it lasts until K-Series says READY again); the reason names what is not ready.
 */
import type { PosAvailability } from '../../functions/core/hours-model';
import type { Readiness } from './api';

export function toPosAvailability(readiness: Readiness, now: Date): PosAvailability {
  if (readiness.status === 'READY') return { closed: false };
  const since = readiness.lastUpdatedAt ? Date.parse(readiness.lastUpdatedAt) : Number.NaN;
  return {
    closed: true,
    from: (Number.isNaN(since) ? now : new Date(since)).toISOString(),
    reason: reasonOf(readiness),
  };
}

function reasonOf(readiness: Readiness): string {
  const why: string[] = [];
  if (readiness.onlineOrderingApiConfiguration?.enabled === false) why.push('online ordering API disabled');
  const pos = readiness.posStatus;
  if (pos?.salesPeriod === 'CLOSED') why.push('sales period closed');
  if (pos?.acceptingOnlineOrders === false) why.push('not accepting online orders');
  if (pos?.availableDevices === false) why.push('no device available');
  return why.length > 0 ? `K-Series not ready: ${why.join(', ')}` : 'K-Series not ready';
}
