/**
 * Webhooks of the Square simulator: Square's event envelope (OpenAPI `*Event` schemas with an
 * `x-webhook` extension) signed as Square signs it, with switches to withhold a topic or send each
 * event up to three times (Square delivers at least once).
 *
 * Signature (developer.squareup.com/docs/webhooks/step3validate): header
 * `x-square-hmacsha256-signature` = base64(HMAC-SHA256(signature key, notification URL + raw body)),
 * the notification URL being the one the subscription was registered with, which may differ from
 * where the request actually goes (a proxy in between). The legacy `x-square-signature`
 * (HMAC-SHA1 of the same string) is sent too.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { postWebhook } from '../../runtime/http-util';
import type { Faults } from '../faults';
import { WebhookFaultDelivery } from '../webhook-faults';

export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';
export const SQUARE_LEGACY_SIGNATURE_HEADER = 'x-square-signature';

/** base64(HMAC-SHA256(key, notificationUrl + body)). */
export function signSquareWebhook(signatureKey: string, notificationUrl: string, body: string): string {
  return createHmac('sha256', signatureKey)
    .update(notificationUrl + body, 'utf8')
    .digest('base64');
}

export type WebhookTopic = 'orders' | 'catalog' | 'locations';
export const TOPIC_OF: Record<string, WebhookTopic> = {
  'order.created': 'orders',
  'order.updated': 'orders',
  'order.fulfillment.updated': 'orders',
  'catalog.version.updated': 'catalog',
  'location.updated': 'locations',
};

/**
 * `{ orders, catalog, locations }` on or off, how many times each event is posted (1–3), and `hold`:
 * events are kept until released (`release()`), in their order or reversed, to deliver them late.
 */
export type WebhookSwitches = Record<WebhookTopic, boolean> & { copies: number; hold: boolean };
export const DEFAULT_SWITCHES: WebhookSwitches = {
  orders: true,
  catalog: true,
  locations: true,
  copies: 1,
  hold: false,
};

/** What the simulator did with one event (`GET /_sim/webhooks`). */
export type SentWebhook = {
  event_id: string;
  type: string;
  /** Order or location id the event is about (empty for catalog events). */
  id: string;
  /** HTTP status of each post (0: no answer, e.g. connection refused); empty when withheld. */
  httpStatuses: number[];
  withheld: boolean;
  /** Kept back by the `hold` switch and not released yet. */
  held: boolean;
  at: string;
  body: string;
};

export type WebhookSenderOptions = {
  /** Where the simulator posts (the bridge's `/square/webhooks/...` route). */
  targetUrl: string;
  /** The URL the subscription was registered with, which is what gets signed; defaults to `targetUrl`. */
  notificationUrl?: string;
  signatureKey: string;
  merchantId: string;
  /** `Square-Version` of the subscription, sent as a header [inferred: Square sends the subscription's version]. */
  apiVersion: string;
  /**
   * The simulator's faults: under `webhookCopiesMax` each event is posted 1–N times (same `event_id`), under
   * `webhookHoldMaxMs` each copy is held a random while in the background, so deliveries reorder (chaos runs).
   */
  faults?: Faults;
  log?: (line: string) => void;
};

export class SquareWebhookSender {
  switches: WebhookSwitches = { ...DEFAULT_SWITCHES };
  readonly sent: SentWebhook[] = [];
  private readonly underFaults?: WebhookFaultDelivery;

  constructor(private readonly opts: WebhookSenderOptions) {
    if (opts.faults) this.underFaults = new WebhookFaultDelivery(opts.faults);
  }

  reset(initial: Partial<WebhookSwitches> = {}): void {
    this.switches = { ...DEFAULT_SWITCHES, ...initial };
    this.sent.length = 0;
  }

  /**
   * Builds the envelope (`{ merchant_id, type, event_id, created_at, data }`), then posts it
   * `copies` times with the same `event_id` unless its topic is switched off. Resolves with the record.
   */
  async send(type: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<SentWebhook> {
    const eventId = randomUUID();
    const createdAt = new Date().toISOString();
    const body = JSON.stringify({
      merchant_id: this.opts.merchantId,
      ...extra,
      type,
      event_id: eventId,
      created_at: createdAt,
      data,
    });
    const topic = TOPIC_OF[type] ?? 'orders';
    const record: SentWebhook = {
      event_id: eventId,
      type,
      id: typeof data.id === 'string' ? data.id : '',
      httpStatuses: [],
      withheld: !this.switches[topic],
      held: this.switches[topic] && this.switches.hold,
      at: createdAt,
      body,
    };
    this.sent.push(record);
    if (record.withheld || record.held) return record;
    return this.deliver(record);
  }

  /** Webhook copies still held or being sent under the webhook faults (a chaos run waits for none). */
  get pendingWebhooks(): number {
    return this.underFaults?.pending ?? 0;
  }

  /**
   * Posts a recorded event `copies` times (same `event_id`), noting each answer. Under the webhook faults it
   * is posted 1–N times in the background (local/sims/webhook-faults.ts) and the record is returned at once, its
   * `httpStatuses` filled in as the copies go.
   */
  async deliver(record: SentWebhook): Promise<SentWebhook> {
    if (this.underFaults?.active) {
      this.underFaults.send(record.id, async () => record.httpStatuses.push(await this.post(record.body)));
      return record;
    }
    const copies = Math.min(3, Math.max(1, Math.trunc(this.switches.copies) || 1));
    for (let i = 0; i < copies; i++) record.httpStatuses.push(await this.post(record.body));
    this.opts.log?.(`[square] ${record.type} ${record.id} → ${record.httpStatuses.join(',')}`);
    return record;
  }

  /** Sends the held events, oldest first or (`reverse`) newest first, one after the other. */
  async release(reverse = false): Promise<SentWebhook[]> {
    const held = this.sent.filter((r) => r.held);
    if (reverse) held.reverse();
    for (const r of held) {
      r.held = false;
      await this.deliver(r);
    }
    return held;
  }

  /** Posts an event already sent once more (a late duplicate, as Square's at-least-once delivery allows). */
  async resend(eventId: string): Promise<SentWebhook | undefined> {
    const record = this.sent.find((r) => r.event_id === eventId);
    if (!record) return undefined;
    record.httpStatuses.push(await this.post(record.body));
    return record;
  }

  /** Posts one raw body, signed afresh; retries a 5xx or no answer twice (quickly), never a 4xx. */
  async post(body: string, attempts = 3): Promise<number> {
    const notificationUrl = this.opts.notificationUrl ?? this.opts.targetUrl;
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Square Connect v2',
      'square-version': this.opts.apiVersion,
      'square-environment': 'Sandbox',
      [SQUARE_SIGNATURE_HEADER]: signSquareWebhook(this.opts.signatureKey, notificationUrl, body),
      [SQUARE_LEGACY_SIGNATURE_HEADER]: createHmac('sha1', this.opts.signatureKey)
        .update(notificationUrl + body, 'utf8')
        .digest('base64'),
    };
    return postWebhook(this.opts.targetUrl, headers, body, attempts);
  }
}
