/**
 * The port every POS adapter implements. An adapter is one folder under adapters/ plus one line in
 * registry.ts: the CDK stack and the local runtime create its route, queue, worker and alarms from it.
 */

import type { Budget } from '../functions/core/budget';
import type { CatalogEntityType, CatalogPage, CatalogRef } from '../functions/core/catalog-model';
import type { PosAvailability, PosOpeningHours } from '../functions/core/hours-model';
import type { PosEvent } from '../functions/core/messages';
import type { RestaurantLink } from '../functions/core/records';
import type { SinqroOrder, SinqroReservation } from '../functions/core/sinqro-schemas';
import type { CanonicalStatus, Kind } from '../functions/core/statuses';

export const FEATURES = {
  F1: 'Receive the order / reservation in the POS',
  F2: 'Accept it through the POS',
  F3: 'Cancel it through the POS',
  F4: 'Update its status through the POS',
  F5: 'Get status updates made elsewhere into the POS',
  F6: 'Send products and menus to Sinqro',
  F7: 'Close the restaurant temporarily in Sinqro',
  F8: 'Update operating schedules',
} as const;
export type FeatureId = keyof typeof FEATURES;

/**
 * How a feature works with this POS. `api`: the bridge calls the POS (Sinqro → POS features);
 * `webhook`: the POS tells the bridge; `polling`: the bridge asks the POS on a schedule. `limit`: what
 * the POS cannot do of the feature (K-Series cannot cancel an online order: staff are told instead).
 */
export type FeatureSupport =
  | { mechanism: 'api' | 'polling'; note?: string; limit?: string }
  | {
      mechanism: 'webhook';
      note?: string;
      limit?: string;
      /**
       * What the feature becomes in a stage that switches this webhook off (AdapterSettings): polled,
       * as `note` says, or unsupported for `reason` (a POS whose API cannot read it back). Default: polled.
       */
      withoutWebhook?: { mechanism: 'polling'; note: string } | { mechanism: 'unsupported'; reason: string };
    }
  | { mechanism: 'unsupported'; reason: string };

export type Capabilities = {
  orders: Record<FeatureId, FeatureSupport>;
  reservations: Record<FeatureId, FeatureSupport>;
};

/** A webhook request as the POS sent it: the raw bytes (signatures are computed on them) and headers. */
export type RawWebhook = { path: string; rawBody: Buffer; headers: Record<string, string | undefined> };

/**
 * A POS API credential in Secrets Manager (or the local secrets file): the adapter's own (its worker's
 * `POS_SECRET_NAME_<CODE>`) or a restaurant's (its link's `posSecret`). Never webhook signing secrets:
 * those are a `PosWebhookSecret`, read by pos-webhook only.
 */
export type PosSecret = { apiKey?: string; [key: string]: unknown };

/** The secret a POS's webhooks are verified with: the adapter's, or a location's own (a link's `posWebhookSecret`). */
export type PosWebhookSecret = { webhookSigningSecrets: string[]; [key: string]: unknown };

export type PosCallContext = {
  link: RestaurantLink;
  secret: PosSecret;
  baseUrl: string;
  budget: Budget;
  /** The stage's settings for the adapter (lib/stage-config.ts; locally local/runtime/config.json). */
  settings?: AdapterSettings;
  /**
   * Renews the merchant's credential now (the POS said it expired) and returns the secret to use from
   * then on; given when the adapter renews credentials (`PosAdapter.credentials`) and the link has its
   * own secret. A client calls it at most once per call and makes the call again.
   */
  renewCredentials?: () => Promise<PosSecret>;
  /**
   * Whether the bridge's catalog map holds this POS entity for the link's restaurant (it was synced to
   * Sinqro): a client that resolves the ids an order names (Square: an item or one of its variations)
   * asks it before asking the POS. The worker gives it (functions/pos/client.ts); absent, none is known.
   */
  inCatalog?: (ref: CatalogRef) => Promise<boolean>;
};

/**
 * OAuth-style credentials that expire and are renewed with a stored refresh token (Square). The
 * bridge renews them ahead of expiry and when the POS says they expired, and writes the result back
 * to the merchant's secret (functions/pos/credentials.ts).
 */
export interface PosCredentials {
  /**
   * How long before expiry the credential is renewed, for a POS whose tokens live too briefly for the
   * stage's margin (CREDENTIAL_RENEW_MARGIN_MINUTES, a day): Lightspeed K-Series' last an hour.
   */
  readonly renewMarginMs?: number;
  /** When the secret's access credential expires (ms since epoch), if the secret says. */
  expiresAt(secret: PosSecret): number | undefined;
  /** Whether the secret holds what a renewal needs (a refresh token). */
  canRenew(secret: PosSecret): boolean;
  /**
   * For a POS that grants one credential to several linked locations (K-Series: one OAuth grant per
   * business): the name of the secret that holds the credential for this restaurant secret, when the
   * restaurant's secret names one (K-Series' `oauthSecret`). The worker then reads, renews (under that
   * secret's lease) and writes back the credential there, and hands the client the restaurant's secret
   * with that one's fields over it. Absent or undefined: the restaurant's own secret holds it.
   */
  credentialSecretName?(secret: PosSecret): string | undefined;
  /**
   * Obtains a new credential from the POS with the adapter's application secret (`appSecret`) and
   * returns the merchant secret to store. Fails with PosAuthError (or RetryableError), never with a
   * PermanentError: an order must not fail for a credential.
   */
  renew(input: {
    secret: PosSecret;
    appSecret: PosSecret;
    baseUrl: string;
    budget: Budget;
    posCode: string;
  }): Promise<PosSecret>;
}

/**
 * What an adapter keeps with an order's state at injection to act on it later (a cancellation push that
 * must repeat the reservation's time and party size): ids, codes, times and counts only, never a name,
 * phone, address or free text (the table keeps no personal data).
 */
export type PosContext = Record<string, string | number>;

export type InjectResult = { posOrderId: string; posStatus?: string; posContext?: PosContext };

/** The order a later call is about, besides the POS's id for it: Sinqro's id, and what the adapter kept. */
export type PosOrderRef = { sinqroOrderId: number; posContext?: PosContext };

/**
 * What a Sinqro-side cancellation did in the POS: cancelled it (what nothing returned means), or, for
 * a POS that cannot cancel such an order through its API, showed staff a message instead (`detail`
 * names how, for the audit: ids and codes only).
 */
export type CancelOutcome = { outcome: 'cancelled' } | { outcome: 'staff-notified'; detail: string };

/** An order's status as the POS reports it; `posVersion` (when the POS versions its orders) orders reads. */
export type PosStatusRead = { posStatus: string; occurredAt?: string; posVersion?: number };

/**
 * A page of catalog changes since a time (an incremental sync when the POS's webhook names no
 * entity): the changed entities, and those deleted or no longer offered at the location (`gone`).
 * `catalogTime` is the POS's own "catalog last changed" time, the next read's starting point.
 */
export type CatalogChangesPage = CatalogPage & { gone: CatalogRef[]; catalogTime?: string };

export interface PosClient {
  /** Creates the order in the POS, idempotently (same `idempotencyKey` → same POS order). */
  injectOrder(order: SinqroOrder, idempotencyKey: string): Promise<InjectResult>;
  injectReservation(reservation: SinqroReservation, idempotencyKey: string): Promise<InjectResult>;
  /** Applies a Sinqro-side cancellation in the POS (F5). */
  cancel(kind: Kind, posOrderId: string, reason: string | undefined, order?: PosOrderRef): Promise<CancelOutcome>;
  /**
   * The order's current POS status: the polling fallback, the stuck-order sweep and events that ask for
   * a read (`refresh`) use it. Undefined: the POS cannot tell (yet) for this order. `claimed`: the POS
   * status a webhook claims, when the read is to confirm it (a POS whose read alone cannot tell two
   * statuses apart may still confirm the one claimed); none for the polling and the sweep.
   */
  getStatus?(kind: Kind, posOrderId: string, claimed?: string): Promise<PosStatusRead | undefined>;
  /** One page of one catalog entity type (F6). */
  fetchCatalogPage?(type: CatalogEntityType, cursor: string | undefined): Promise<CatalogPage>;
  /**
   * Just the named entities (an incremental sync); entities the POS no longer has are absent. A POS whose
   * one id names several entities (a K-Series SKU: an item and the modifiers that sell it) returns them all.
   */
  fetchCatalogEntities?(refs: CatalogRef[]): Promise<CatalogPage>;
  /** What changed since `since` (ISO), one page at a time: for a POS whose catalog webhook names nothing. */
  fetchCatalogChanges?(since: string, cursor: string | undefined): Promise<CatalogChangesPage>;
  /** Whether the restaurant is temporarily closed (F7). */
  getAvailability?(): Promise<PosAvailability>;
  /** The weekly opening hours (F8). */
  getOpeningHours?(): Promise<PosOpeningHours>;
}

/**
 * Per-stage switches for an adapter (lib/stage-config.ts; locally local/runtime/config.json). With a
 * webhook switched off, the features it carried are polled instead (when the client can read them).
 */
export type AdapterSettings = {
  statusWebhooks?: boolean;
  availabilityWebhooks?: boolean;
  /**
   * The public URL the POS was given for its webhooks, exactly as registered, for POSes that sign it
   * (Square): never rebuilt from the request, which a proxy may have rewritten.
   */
  webhookNotificationUrl?: string;
  /**
   * The code the POS gave the bridge as an integration platform, for POSes that register platforms
   * (Lightspeed K-Series Reservations for Platforms: `platform-code`, 1–11 of `[A-Za-z0-9_-]`).
   */
  platformCode?: string;
};

export interface PosAdapter {
  /** Path segment (`/{code}/webhooks/...`), queue and function name part: lowercase letters and digits. */
  readonly code: string;
  readonly name: string;
  readonly capabilities: Capabilities;
  /** Parallel calls the POS API tolerates: becomes the worker's event source `maxConcurrency` (2–1000). */
  readonly maxConcurrency: number;
  /**
   * `ignore`: a webhook about a location no restaurant is linked to is answered 200 and dropped (a POS
   * whose subscription covers a whole account, like Square, would otherwise retry it for days).
   * Default `refuse`: 404.
   */
  readonly unlinkedLocations?: 'refuse' | 'ignore';
  /**
   * For a POS that signs each merchant's or location's webhooks with a secret of its own: the location
   * the request claims to come from, read from the unverified path or body without throwing, only to
   * pick the secret that verifies it (the one its link names as `posWebhookSecret`, else the adapter's).
   * Every event the request then carries must name this location. Absent: the adapter-wide secret
   * verifies every request.
   */
  webhookLocationOf?(request: RawWebhook): string | undefined;
  /**
   * For a POS whose webhooks carry a credential rather than a signature, set per account (Lightspeed
   * K-Series): which secret verifies this request. `location`: only the claimed location's own (its
   * link's `posSecret`); a location that is not linked, or has no webhook credential of its own, is
   * refused (401) before the body is read. `adapter`: the adapter's, which vouches for any location the
   * request names (a POS-wide subscription). Absent: as `webhookLocationOf` says.
   */
  webhookCredentialScope?(request: RawWebhook): 'location' | 'adapter';
  /** Throws AuthenticationError unless the request is authentic. Runs before anything parses the body. */
  verifyWebhook(request: RawWebhook, secret: PosWebhookSecret, settings?: AdapterSettings): void;
  /** Turns an authentic webhook into bridge events; throws ValidationError for a body it cannot read. */
  parseWebhook(request: RawWebhook): PosEvent[];
  /** The POS's status code → canonical status; undefined when the code means nothing to Sinqro. */
  mapStatus(kind: Kind, posStatus: string): CanonicalStatus | undefined;
  createClient(context: PosCallContext): PosClient;
  /** Set when the POS's per-merchant credentials expire and can be renewed; the worker may then write them. */
  readonly credentials?: PosCredentials;
}
