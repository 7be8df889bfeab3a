/**
 * Webhook faults shared by the simulators (`webhookCopiesMax`, `webhookHoldMaxMs` of local/sims/faults.ts): each
 * event is posted 1–N times (at most three), each copy held a random while in the background, so deliveries
 * come doubled and out of order as a real POS's at-least-once delivery allows. A copy delivered after a later
 * event about the same order is counted as out of order. Chaos runs wait until `pending` is 0.
 */

import { sleep } from '../runtime/http-util';
import type { Faults } from './faults';

export class WebhookFaultDelivery {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Per order (or other entity) key: the sequence of the latest event sent, and of the latest one delivered. */
  private readonly lastSent = new Map<string, number>();
  private readonly lastDelivered = new Map<string, number>();

  constructor(private readonly faults: Faults) {}

  /** True while a webhook fault is set: events then go through `send`. */
  get active(): boolean {
    const { webhookCopiesMax = 0, webhookHoldMaxMs = 0 } = this.faults.config;
    return webhookCopiesMax > 1 || webhookHoldMaxMs > 0;
  }

  /** Copies still held or being posted. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** Posts one event about `key` 1–N times in the background (`post` sends one copy); returns at once. */
  send(key: string, post: () => Promise<unknown>): void {
    const { webhookCopiesMax = 0, webhookHoldMaxMs = 0 } = this.faults.config;
    const copies = 1 + Math.floor(Math.random() * Math.max(1, Math.min(3, Math.floor(webhookCopiesMax))));
    for (let i = 1; i < copies; i++) this.faults.count('webhook-copy');
    const seq = (this.lastSent.get(key) ?? 0) + 1;
    this.lastSent.set(key, seq);
    const one = async (holdMs: number) => {
      if (holdMs > 0) await sleep(holdMs);
      const last = this.lastDelivered.get(key) ?? 0;
      if (seq < last) this.faults.count('webhook-out-of-order');
      else this.lastDelivered.set(key, seq);
      await post();
    };
    for (let i = 0; i < copies; i++) {
      if (webhookHoldMaxMs > 0) this.faults.count('webhook-held');
      const sending: Promise<unknown> = one(webhookHoldMaxMs > 0 ? Math.random() * webhookHoldMaxMs : 0).finally(() =>
        this.inFlight.delete(sending),
      );
      this.inFlight.add(sending);
    }
  }
}
