/** The one table's key design (its items: docs/operations.md, Audit trail), shared by the CDK stack and the local runtime. */
import type { Kind } from '../core/statuses';

export const TABLE = {
  partitionKey: 'PK',
  sortKey: 'SK',
  /**
   * Keys only: the index finds an order or a link by its POS id, and the item is then read by its own
   * key. With all attributes projected, every status write and publication claim on an indexed order
   * also wrote the index (one more write unit each, README, Performance); with keys only, the index is
   * written once, when the order gets its POS id.
   */
  gsi1: { indexName: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK', projection: 'KEYS_ONLY' },
  ttlAttribute: 'expiresAt',
} as const;

/**
 * Sinqro numbers orders and reservations apart, so one id may name both: each kind has its own
 * partition (`ORDER#<id>`, `RESV#<id>`) for its state and its audit trail, and its own open-order marker.
 */
const orderPrefix = (kind: Kind) => (kind === 'reservation' ? 'RESV#' : 'ORDER#');

export const keys = {
  link: (restaurantId: number | string) => ({ PK: `REST#${restaurantId}`, SK: 'LINK' }),
  /** What was last sent to Sinqro of the restaurant's temporary closure (F7) or schedule (F8). */
  hours: (restaurantId: number | string, item: 'CLOSURE' | 'SCHEDULE') => ({ PK: `REST#${restaurantId}`, SK: item }),
  /** One entry per link in one partition, so links are listed with a Query (never a Scan). */
  restaurantsPK: 'RESTAURANTS',
  restaurantEntry: (restaurantId: number | string) => ({ PK: 'RESTAURANTS', SK: `REST#${restaurantId}` }),
  posLocation: (posCode: string, locationId: string) => `POSLOC#${posCode}#${locationId}`,
  /**
   * GSI1 key of a restaurants-list entry whose link names a POS account (Square: the merchant), so the
   * account's locations are found without reading the whole list.
   */
  posAccount: (posCode: string, accountId: string) => `POSACCT#${posCode}#${accountId}`,
  orderPrefix,
  order: (kind: Kind, orderId: number | string) => ({ PK: `${orderPrefix(kind)}${orderId}`, SK: 'STATE' }),
  posOrder: (posCode: string, posOrderId: string) => `POSORDER#${posCode}#${posOrderId}`,
  dedupe: (source: string, eventId: string) => ({ PK: `DEDUPE#${source}#${eventId}`, SK: '-' }),
  /**
   * Where a receiver records an event it refused for naming no linked restaurant or POS location
   * (`subject`: `REST#<id>` or `POSLOC#<posCode>#<locationId>`). A partition of its own, so the
   * internet-facing receivers may write no restaurant's link, order or state (functions/store/table-writes.ts).
   */
  refusal: (subject: string) => `REFUSED#${subject}`,
  auditPrefix: 'EVT#',
  restaurantAudit: (restaurantId: number | string) => `REST#${restaurantId}`,
  /** One marker per order not yet final, per restaurant: what polling and the stuck-order sweep walk. */
  openOrdersPK: (restaurantId: number | string) => `OPEN#${restaurantId}`,
  openOrder: (restaurantId: number | string, kind: Kind, orderId: number | string) => ({
    PK: `OPEN#${restaurantId}`,
    SK: `${orderPrefix(kind)}${orderId}`,
  }),
  /** Catalog map (F6): one item per POS entity the bridge has pushed to Sinqro. */
  catalogPartition: (restaurantId: number | string) => `CAT#${restaurantId}`,
  catalogEntity: (restaurantId: number | string, entityType: string, posId: string) => ({
    PK: `CAT#${restaurantId}`,
    SK: `${entityType}#${posId}`,
  }),
  /** Up to when the POS catalog was last read completely: the next incremental "changed since" read starts there. */
  catalogWatermark: (restaurantId: number | string) => ({ PK: `REST#${restaurantId}`, SK: 'CATWATERMARK' }),
  /**
   * Who is renewing a POS credential now (pos-credentials.ts): one item per secret name, since the
   * locations of one merchant share its secret.
   */
  credentialLease: (secretName: string) => ({ PK: `POSCRED#${secretName}`, SK: 'LEASE' }),
  /** A catalog sync's report (progress, counts, errors), beside the restaurant's link. */
  catalogSyncPrefix: 'CATSYNC#',
  catalogSync: (restaurantId: number | string, syncId: string) => ({
    PK: `REST#${restaurantId}`,
    SK: `CATSYNC#${syncId}`,
  }),
};

/** A stored item as its record: without the key, index and TTL attributes the table adds. */
export function stripKeys<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { PK, SK, GSI1PK, GSI1SK, expiresAt, ...rest } = item;
  return rest as T;
}
