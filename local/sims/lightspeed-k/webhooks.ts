/**
 * Webhooks of the K-Series simulator. Every body is checked against the spec's webhook schema before it is
 * sent (a body that does not conform is a simulator bug: it is recorded in `invalid` and not sent).
 *
 * Authentication is what the spec offers, per target:
 * - Order and Pay webhooks (order, item availability, readiness) go to a registered endpoint
 *   (`apeWebhookEndpoint`): Basic auth when `withBasicAuth`, with its `username` and `password`; nothing else.
 * - Reservations for Platforms webhooks go to the platform profile's URLs with its `webhookAuthType`:
 *   `BASIC_AUTH`, `BEARER_TOKEN` (`Authorization: Bearer`), `API_KEYS` (static headers and query parameters) or
 *   `NONE`. `OAUTH2` (the platform's own token endpoint) is not simulated.
 * No signature is documented for either. Each delivery carries `X-Lightspeed-Idempotency-Key` ([unverified] for
 * these webhooks: the spec documents the header on its PMS webhook; api-evangelist's AsyncAPI profile of
 * Lightspeed's webhooks lists it too).
 */
import { randomUUID } from 'node:crypto';
import { postWebhook } from '../../runtime/http-util';
import type { Faults } from '../faults';
import { WebhookFaultDelivery } from '../webhook-faults';
import type { LskSpec, WebhookId } from './validator';

export type LskWebhookAuth =
  | { type: 'NONE' }
  | { type: 'BASIC_AUTH'; username: string; password: string }
  | { type: 'BEARER_TOKEN'; token: string }
  | { type: 'API_KEYS'; headers?: Record<string, string>; parameters?: Record<string, string> };

export type LskWebhookTarget = { url: string; auth: LskWebhookAuth };

/** Kinds of webhook that can be switched off (a POS configured without them): the bridge must poll instead. */
export type LskWebhookTopic = 'orders' | 'items' | 'readiness' | 'reservations';
export type LskWebhookSwitches = Record<LskWebhookTopic, boolean>;
const TOPIC: Record<WebhookId, LskWebhookTopic> = {
  onlineOrderNotification: 'orders',
  salesRestrictionUpdatedNotification: 'items',
  onlineOrderingReadinessUpdatedNotification: 'readiness',
  posReservationUpdatedNotification: 'reservations',
  reservationOrderNotification: 'reservations',
  reservationErrorNotification: 'reservations',
};

/** One webhook as the simulator sent it (`GET /_sim/webhooks`). */
export type SentLskWebhook = {
  /** Also the `X-Lightspeed-Idempotency-Key`. */
  id: string;
  kind: WebhookId;
  /** The order reference, SKU, location or reservation it is about. */
  about: string;
  url: string;
  /** HTTP status of each post (0: no answer); empty when withheld or still held by a fault. */
  httpStatuses: number[];
  withheld: boolean;
  at: string;
  body: string;
};

export const IDEMPOTENCY_HEADER = 'x-lightspeed-idempotency-key';

export class LskWebhookSender {
  switches: LskWebhookSwitches = { orders: true, items: true, readiness: true, reservations: true };
  readonly sent: SentLskWebhook[] = [];
  /** Bodies that failed the spec's schema (never sent): a test asserts there are none. */
  readonly invalid: { kind: WebhookId; errors: string[] }[] = [];
  private readonly underFaults: WebhookFaultDelivery;

  constructor(
    private readonly spec: LskSpec,
    faults: Faults,
    private readonly log?: (line: string) => void,
  ) {
    this.underFaults = new WebhookFaultDelivery(faults);
  }

  reset(switches: Partial<LskWebhookSwitches> = {}): void {
    this.switches = { orders: true, items: true, readiness: true, reservations: true, ...switches };
    this.sent.length = 0;
    this.invalid.length = 0;
  }

  get pending(): number {
    return this.underFaults.pending;
  }

  /** Validates, records and posts one webhook; resolves once posted (at once under the webhook faults). */
  async send(kind: WebhookId, target: LskWebhookTarget, about: string, body: Record<string, unknown>) {
    const errors = this.spec.checkWebhook(kind, body);
    if (errors) {
      this.invalid.push({ kind, errors: errors.map((e) => `${e.instancePath} ${e.message}`) });
      throw new Error(`simulator bug: ${kind} body does not conform to the spec: ${JSON.stringify(errors)}`);
    }
    const record: SentLskWebhook = {
      id: `LS1_${randomUUID()}`,
      kind,
      about,
      url: target.url,
      httpStatuses: [],
      withheld: !this.switches[TOPIC[kind]],
      at: new Date().toISOString(),
      body: JSON.stringify(body),
    };
    this.sent.push(record);
    if (record.withheld) return record;
    const post = async () => record.httpStatuses.push(await this.post(target, record));
    if (this.underFaults.active) this.underFaults.send(about, post);
    else await post();
    this.log?.(
      `[lightspeed-k] ${kind} ${body.status ?? body.notificationType ?? ''} → ${record.httpStatuses.join(',')}`,
    );
    return record;
  }

  /** Posts once more a webhook already sent (a late duplicate, as at-least-once delivery allows). */
  async resend(id: string, target: LskWebhookTarget): Promise<SentLskWebhook | undefined> {
    const record = this.sent.find((r) => r.id === id);
    if (record) record.httpStatuses.push(await this.post(target, record));
    return record;
  }

  /** One delivery with the target's auth; a 5xx or no answer is retried twice, quickly ([inferred]: the retry policy is not documented). */
  private async post(target: LskWebhookTarget, record: SentLskWebhook, attempts = 3): Promise<number> {
    const url = new URL(target.url);
    const headers: Record<string, string> = { 'content-type': 'application/json', [IDEMPOTENCY_HEADER]: record.id };
    const auth = target.auth;
    if (auth.type === 'BASIC_AUTH')
      headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    if (auth.type === 'BEARER_TOKEN') headers.authorization = `Bearer ${auth.token}`;
    if (auth.type === 'API_KEYS') {
      Object.assign(headers, auth.headers);
      for (const [k, v] of Object.entries(auth.parameters ?? {})) url.searchParams.set(k, v);
    }
    return postWebhook(url, headers, record.body, attempts);
  }
}
