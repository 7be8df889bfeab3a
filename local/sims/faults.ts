/**
 * Fault injection shared by the simulators (`POST /_sim/faults`): errors at a rate (one status, or one
 * picked at random from several), 429 with Retry-After, added latency, slow replies at a rate, replies
 * delayed at random per call (still within the caller's timeout: they arrive out of order), the
 * credential rejected (401) until a time, a full outage until a time, and replies lost after the work
 * was done. The reference POS simulator also reads
 * the webhook faults (copies, hold). Every fault injected is counted by kind (`counts`), for chaos runs.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, sleep } from '../runtime/http-util';

export type FaultConfig = {
  /** Share of API calls (0–1) answered with `errorStatus` (or one of `errorStatuses`) instead of being served. */
  errorRate?: number;
  errorStatus?: number;
  /** When given, each injected error picks one of these statuses at random (e.g. [500, 502, 503]). */
  errorStatuses?: number[];
  /** Share of API calls (0–1) answered 429 with Retry-After. */
  rateLimitRate?: number;
  retryAfterSeconds?: number;
  /** Added to every API call. */
  latencyMs?: number;
  /** Share of API calls (0–1) held `slowMs` before being served: past the caller's timeout, a timeout. */
  slowRate?: number;
  slowMs?: number;
  /**
   * Every API call is answered 401 until this time (ms since epoch), and past it until one call has been:
   * the POS rejects the bridge's credential for a while (a mis-rotated key being put right, a token being
   * renewed), and a window no call happened to fall in still refuses the next one.
   */
  credentialsRejectedUntil?: number;
  /**
   * Share of API calls (0–1) held `lagMs` and then served as usual: a service answering slowly at random
   * per call, within the caller's timeout, so calls made one after the other may be applied in another order.
   */
  lagRate?: number;
  lagMs?: number;
  /**
   * Every API call fails with 503 until this time (ms since epoch), and past it until one call has (as for
   * `credentialsRejectedUntil`): an outage no call happened to fall in still answers the next one 503.
   */
  downUntil?: number;
  /** The outage's 503s carry this Retry-After (none unless given), as a service in maintenance says when to come back. */
  outageRetryAfterSeconds?: number;
  /**
   * Each rate fault on (slow, 429, errors) is injected at least once: while one has not been yet, the next
   * call gets it whatever the dice say. A chaos run checks every class was injected; at a low rate over a
   * few dozen calls a class could otherwise be missed by chance.
   */
  eachRateFaultOnce?: boolean;
  /** Share of calls (0–1) whose work is done but whose reply is never sent (the caller times out). */
  dropReplyRate?: number;
  /** Webhooks (reference POS): each is delivered 1 to this many times (same event id). */
  webhookCopiesMax?: number;
  /** Webhooks (reference POS): each copy is held up to this many ms before it is sent, so deliveries reorder. */
  webhookHoldMaxMs?: number;
};

export type FaultKind =
  | 'error-500'
  | 'error-502'
  | 'error-503'
  | 'rate-limited-429'
  | 'slow'
  | 'lagged'
  | 'outage-503'
  | 'credential-rejected-401'
  | 'reply-lost'
  | 'webhook-copy'
  | 'webhook-held'
  | 'webhook-out-of-order'
  | 'shared-pos-order-id'
  | `error-${number}`;

/** The faults that hold for a time window. */
const WINDOWS = ['credentialsRejectedUntil', 'downUntil'] as const;
type Window = (typeof WINDOWS)[number];

export class Faults {
  config: FaultConfig = {};
  injected = 0;
  /** Faults injected so far, by kind (never reset by `set`: a chaos run changes the config as it goes). */
  readonly counts: Partial<Record<FaultKind, number>> = {};
  /** Per window (credential refusal, outage): a call was refused since its end time was last set. */
  private readonly refusedInWindow: Record<Window, boolean> = { credentialsRejectedUntil: false, downUntil: false };

  set(config: FaultConfig): FaultConfig {
    // A window set to end in the past is over; one still to end waits for its first refusal.
    for (const w of WINDOWS) {
      if (config[w] !== this.config[w]) this.refusedInWindow[w] = (config[w] ?? 0) <= Date.now();
    }
    this.config = { ...config };
    return this.config;
  }

  /** The window is on now: before its end, or past it while no call has been refused in it yet. */
  private inWindow(w: Window): boolean {
    const until = this.config[w];
    return until !== undefined && (Date.now() < until || !this.refusedInWindow[w]);
  }

  /** The outage is on (the Sinqro simulator records its 503s apart). */
  isDown(): boolean {
    return this.inWindow('downUntil');
  }

  count(kind: FaultKind): void {
    this.injected += 1;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  /** Applies faults that happen before the work. Returns true if the request was answered here. */
  async before(res: ServerResponse, errorBody: (status: number) => unknown): Promise<boolean> {
    const c = this.config;
    if (c.latencyMs) await sleep(c.latencyMs);
    const due = (rate: number | undefined, done: boolean) =>
      rate !== undefined && rate > 0 && (Math.random() < rate || (c.eachRateFaultOnce === true && !done));
    if (c.slowMs && due(c.slowRate, (this.counts.slow ?? 0) > 0)) {
      this.count('slow');
      await sleep(c.slowMs);
    }
    if (this.inWindow('credentialsRejectedUntil')) {
      this.refusedInWindow.credentialsRejectedUntil = true;
      return this.answer(res, 'credential-rejected-401', 401, errorBody(401));
    }
    if (c.lagRate && c.lagMs && Math.random() < c.lagRate) {
      this.count('lagged');
      await sleep(c.lagMs);
    }
    if (this.inWindow('downUntil')) {
      this.refusedInWindow.downUntil = true;
      const retryAfter = c.outageRetryAfterSeconds ? { 'retry-after': String(c.outageRetryAfterSeconds) } : undefined;
      return this.answer(res, 'outage-503', 503, errorBody(503), retryAfter);
    }
    if (due(c.rateLimitRate, (this.counts['rate-limited-429'] ?? 0) > 0)) {
      return this.answer(res, 'rate-limited-429', 429, errorBody(429), {
        'retry-after': String(c.retryAfterSeconds ?? 1),
      });
    }
    const errored = Object.keys(this.counts).some((k) => k.startsWith('error-'));
    if (due(c.errorRate, errored)) {
      const choices = c.errorStatuses?.length ? c.errorStatuses : [c.errorStatus ?? 500];
      const status = choices[Math.floor(Math.random() * choices.length)] as number;
      return this.answer(res, `error-${status}`, status, errorBody(status));
    }
    return false;
  }

  /** True when the reply to work already done should be lost. */
  dropReply(): boolean {
    if (this.config.dropReplyRate && Math.random() < this.config.dropReplyRate) {
      this.count('reply-lost');
      return true;
    }
    return false;
  }

  private answer(
    res: ServerResponse,
    kind: FaultKind,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): true {
    this.count(kind);
    sendJson(res, status, body, headers);
    return true;
  }
}
