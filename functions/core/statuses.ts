/**
 * Canonical statuses and the monotonic status machine (README, "What happens to an order").
 * Each status has a rank; a change applies only if it moves forward, or repeats the
 * same status with a newer source timestamp. Final statuses absorb everything after them.
 */
export const ORDER_STATUSES = [
  'RECEIVED',
  'INJECTED',
  'ACCEPTED',
  'PREPARING',
  'READY',
  'OUT_FOR_DELIVERY',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
  'FAILED',
] as const;
export const RESERVATION_STATUSES = [
  'RECEIVED',
  'INJECTED',
  'CONFIRMED',
  'SEATED',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
  'NO_SHOW',
  'FAILED',
] as const;

export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];
export type CanonicalStatus = OrderStatus | ReservationStatus;
export type Kind = 'order' | 'reservation';

/** Every final status outranks every non-final one, so a final always wins and then absorbs. */
export const FINAL_RANK = 100;

const FINALS: ReadonlySet<CanonicalStatus> = new Set(['COMPLETED', 'REJECTED', 'CANCELLED', 'FAILED', 'NO_SHOW']);

const ORDER_RANKS: Record<OrderStatus, number> = {
  RECEIVED: 0,
  INJECTED: 1,
  ACCEPTED: 2,
  PREPARING: 3,
  READY: 4,
  OUT_FOR_DELIVERY: 5,
  COMPLETED: FINAL_RANK,
  REJECTED: FINAL_RANK,
  CANCELLED: FINAL_RANK,
  FAILED: FINAL_RANK,
};

const RESERVATION_RANKS: Record<ReservationStatus, number> = {
  RECEIVED: 0,
  INJECTED: 1,
  CONFIRMED: 2,
  SEATED: 3,
  COMPLETED: FINAL_RANK,
  REJECTED: FINAL_RANK,
  CANCELLED: FINAL_RANK,
  NO_SHOW: FINAL_RANK,
  FAILED: FINAL_RANK,
};

export function isValidStatus(kind: Kind, status: string): status is CanonicalStatus {
  // Object.hasOwn, not `in`: a POS status named "toString" must not match Object.prototype.
  return Object.hasOwn(kind === 'order' ? ORDER_RANKS : RESERVATION_RANKS, status);
}

export function rankOf(kind: Kind, status: CanonicalStatus): number {
  if (!isValidStatus(kind, status)) throw new Error(`${status} is not a ${kind} status`);
  return kind === 'order' ? ORDER_RANKS[status as OrderStatus] : RESERVATION_RANKS[status as ReservationStatus];
}

export function isFinal(status: CanonicalStatus): boolean {
  return FINALS.has(status);
}

export type StatusPoint = { status: CanonicalStatus; sourceTs: string };
export type TransitionVerdict = 'apply' | 'duplicate' | 'stale' | 'after-final';

/**
 * Pure form of the rule the store enforces with a conditional write; the store's condition
 * expression and this function must agree (the unit tests check both against the same cases).
 */
export function decideTransition(kind: Kind, current: StatusPoint | undefined, next: StatusPoint): TransitionVerdict {
  if (!current) return 'apply';
  if (isFinal(current.status)) return current.status === next.status ? 'duplicate' : 'after-final';
  const from = rankOf(kind, current.status);
  const to = rankOf(kind, next.status);
  if (to > from) return 'apply';
  if (current.status === next.status) return next.sourceTs > current.sourceTs ? 'apply' : 'duplicate';
  return 'stale';
}
