/**
 * Fault injection shared by the simulators (`POST /_sim/faults`): error rate with a status, 429 with
 * Retry-After, added latency, a full outage until a time. Later issues drive chaos runs through it.
 */
import type { ServerResponse } from 'node:http';
import { sendJson, sleep } from './http-util';

export type FaultConfig = {
  /** Share of API calls (0–1) answered with `errorStatus` instead of being served. */
  errorRate?: number;
  errorStatus?: number;
  /** Share of API calls (0–1) answered 429 with Retry-After. */
  rateLimitRate?: number;
  retryAfterSeconds?: number;
  latencyMs?: number;
  /** Every API call fails with 503 until this time (ms since epoch). */
  downUntil?: number;
  /** Share of calls (0–1) whose work is done but whose reply is never sent (the caller times out). */
  dropReplyRate?: number;
};

export class Faults {
  config: FaultConfig = {};
  injected = 0;

  set(config: FaultConfig): FaultConfig {
    this.config = { ...config };
    return this.config;
  }

  /** Applies faults that happen before the work. Returns true if the request was answered here. */
  async before(res: ServerResponse, errorBody: (status: number) => unknown): Promise<boolean> {
    const c = this.config;
    if (c.latencyMs) await sleep(c.latencyMs);
    if (c.downUntil && Date.now() < c.downUntil) return this.answer(res, 503, errorBody(503));
    if (c.rateLimitRate && Math.random() < c.rateLimitRate) {
      return this.answer(res, 429, errorBody(429), { 'retry-after': String(c.retryAfterSeconds ?? 1) });
    }
    if (c.errorRate && Math.random() < c.errorRate) {
      const status = c.errorStatus ?? 500;
      return this.answer(res, status, errorBody(status));
    }
    return false;
  }

  /** True when the reply to work already done should be lost. */
  dropReply(): boolean {
    if (this.config.dropReplyRate && Math.random() < this.config.dropReplyRate) {
      this.injected += 1;
      return true;
    }
    return false;
  }

  private answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): true {
    this.injected += 1;
    sendJson(res, status, body, headers);
    return true;
  }
}
