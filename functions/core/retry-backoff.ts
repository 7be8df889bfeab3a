/**
 * How long a failed queue message waits before SQS delivers it again: exponential by its receive count,
 * from a floor (30 s), with up to half a step of jitter added (so a recovered API is not hit by every
 * waiting message at once), never sooner than the API's Retry-After, never past SQS's 12-hour visibility
 * maximum. With the queues' maxReceiveCount (lib/work-queue.ts) that is more than a day of retries
 * before the DLQ, so a long outage of Sinqro or a POS recovers by itself.
 */

/** The environment variable that scales the schedule down for the local runtime, tests and chaos runs. */
export const RETRY_FLOOR_ENV = 'RETRY_FLOOR_SECONDS';
/** Local runs only: a lower cap, for runs whose fault rates are far above any real API's (chaos). */
export const RETRY_CAP_ENV = 'RETRY_CAP_SECONDS';
export const DEFAULT_RETRY_FLOOR_SECONDS = 30;
/** SQS's maximum for a visibility timeout (ChangeMessageVisibility). */
export const MAX_VISIBILITY_SECONDS = 12 * 3600;
/** The cap in floors: 30 s × 1,440 is exactly the 12 hours; a scaled-down floor scales the cap with it. */
const CAP_IN_FLOORS = MAX_VISIBILITY_SECONDS / DEFAULT_RETRY_FLOOR_SECONDS;

/** The floor in seconds: RETRY_FLOOR_SECONDS when it is a positive number, else 30. */
export function retryFloorSeconds(env: Record<string, string | undefined> = process.env): number {
  const value = Number(env[RETRY_FLOOR_ENV]);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_RETRY_FLOOR_SECONDS;
}

/** The cap in seconds: RETRY_CAP_SECONDS when it is a positive number, else none below the floor's own. */
export function retryCapSeconds(env: Record<string, string | undefined> = process.env): number | undefined {
  const value = Number(env[RETRY_CAP_ENV]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export type BackoffOptions = {
  floorSeconds: number;
  /** Below the floor's cap (1,440 floors, at most 12 h) only. */
  capSeconds?: number;
  /** What the failing API asked for (Retry-After), if anything. */
  retryAfterSeconds?: number;
  random?: () => number;
};

/**
 * Seconds before the next delivery of a message that failed on its `receiveCount`-th receive. Whole
 * seconds (SQS takes nothing else) unless the floor itself is below a second (local runs only).
 */
export function backoffSeconds(receiveCount: number, options: BackoffOptions): number {
  const { floorSeconds, capSeconds, retryAfterSeconds = 0, random = Math.random } = options;
  const n = Number.isFinite(receiveCount) && receiveCount >= 1 ? Math.min(Math.floor(receiveCount), 32) : 1;
  const cap = Math.min(MAX_VISIBILITY_SECONDS, floorSeconds * CAP_IN_FLOORS, capSeconds ?? Number.POSITIVE_INFINITY);
  const step = floorSeconds * 2 ** (n - 1);
  const wait = Math.min(cap, Math.max(step * (1 + random() / 2), retryAfterSeconds));
  return floorSeconds >= 1 ? Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(wait)) : wait;
}

/**
 * The least time between a message's first and last receive before the DLQ (no jitter, no Retry-After):
 * the steps of every receive but the last. An outage shorter than this recovers with nothing in a DLQ.
 */
export function retryBudgetSeconds(maxReceiveCount: number, floorSeconds: number): number {
  let total = 0;
  for (let n = 1; n < maxReceiveCount; n++) total += backoffSeconds(n, { floorSeconds, random: () => 0 });
  return total;
}
