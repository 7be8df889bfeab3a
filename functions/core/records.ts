/**
 * The shapes of stored records that code below the store needs (the adapter port, queue messages):
 * types only, so core/ and adapters/ name them without importing the store.
 */

/** A Sinqro restaurant linked to a POS location (`REST#<restaurantId>` / `LINK`, store/links.ts). */
export type RestaurantLink = {
  restaurantId: number;
  posCode: string;
  posLocationId: string;
  /**
   * Secrets Manager names: Sinqro user token of this restaurant; optional per-restaurant POS API
   * credentials (the worker's); and, for a POS that signs per location, the location's own webhook
   * signing secrets (pos-webhook's).
   */
  sinqroTokenSecret: string;
  posSecret?: string;
  posWebhookSecret?: string;
  /** The POS account the location belongs to (Square: the merchant id), for account-wide webhooks. */
  posAccountId?: string;
  enabled: boolean;
  createdAt: string;
};

/** One record of the audit trail (store/audit.ts): ids and codes only, never personal data. */
export type AuditEntry = {
  what: string;
  source: string;
  status?: string;
  outcome: string;
  call?: string;
  code?: string;
  detail?: string;
  /**
   * What became of the status in Sinqro. A worker's record of an applied status travels with the status's
   * news, and the publisher writes it once, with this outcome added: one audit item for both steps.
   */
  sinqro?: string;
  /** When the publisher wrote that outcome (the record's `at` stays when the worker applied the status). */
  sinqroAt?: string;
};

/** A worker's record carried in a status news message, with the moment it happened. */
export type PendingAudit = AuditEntry & { at: string };
