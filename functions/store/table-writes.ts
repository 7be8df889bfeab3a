/**
 * The partitions each function writes (PutItem, UpdateItem, DeleteItem, BatchWriteItem), in one place:
 * the stack allows each function's writes in its partitions only (IAM `dynamodb:LeadingKeys`,
 * lib/bind.ts), and the local runtime refuses any other write the way IAM would (local/runtime/table-policy.ts),
 * so every end-to-end run, the demo and the chaos run check these lists against what the
 * code really writes. A new kind of item in a partition not listed here fails there first.
 *
 * Patterns are IAM's `StringLike`: `*` stands for any run of characters. They are built from the key
 * builders (table.ts), so a key that changes shape changes its grant with it. IAM sees only the
 * partition key: a function that may write `REST#*` may write any item of a restaurant's partition.
 */
import { keys } from './table';

const ANY = '*';

const orderPartitions = [keys.order('order', ANY).PK, keys.order('reservation', ANY).PK];
/** A restaurant's own partition: link, closure and schedule sent, catalog watermark and sync reports, its audit. */
const restaurantPartition = keys.link(ANY).PK;

/**
 * What one function may write: the partitions of its puts and updates (and batch writes), and the
 * narrower set where it may delete. A batch write is allowed in `partitions` whatever it holds (IAM
 * cannot tell its puts from its deletes), so only the publisher, which deletes anyway, batch-writes.
 */
export type TableWrites = { partitions: readonly string[]; deletes: readonly string[] };

export const TABLE_WRITES = {
  /** sinqro-webhook and sinqro-events: Sinqro's dedupe records, and refusals of events for unlinked restaurants. */
  sinqroReceiver: {
    partitions: [keys.dedupe('sinqro', ANY).PK, keys.refusal(keys.restaurantAudit(ANY))],
    deletes: [],
  } as TableWrites,
  /** pos-webhook: each adapter's dedupe records and refusals of its unlinked locations (and accounts). */
  posReceiver: (posCodes: readonly string[]): TableWrites => ({
    partitions: posCodes.flatMap((code) => [keys.dedupe(code, ANY).PK, keys.refusal(keys.posLocation(code, ANY))]),
    deletes: [],
  }),
  /**
   * An adapter's worker: order and reservation state and audit, open-order markers (deleted once the
   * order is final), the restaurant's partition (refusals of another restaurant's order, hours,
   * catalog sync reports and watermark), the catalog map it marks as seen; and the renewal lease of a
   * merchant's credential where the adapter renews credentials.
   */
  worker: (adapter: { credentials?: unknown }): TableWrites => ({
    partitions: [
      ...orderPartitions,
      keys.openOrdersPK(ANY),
      restaurantPartition,
      keys.catalogPartition(ANY),
      ...(adapter.credentials ? [keys.credentialLease(ANY).PK] : []),
    ],
    deletes: [keys.openOrdersPK(ANY)],
  }),
  /**
   * sinqro-publisher: publication claims and audit records of orders and reservations (batch writes),
   * what Sinqro last took of a restaurant's closure, schedule and catalog (sync reports included), and
   * the catalog map, whose entries it deletes once Sinqro deleted the entity.
   */
  publisher: {
    partitions: [...orderPartitions, restaurantPartition, keys.catalogPartition(ANY)],
    deletes: [keys.catalogPartition(ANY)],
  } as TableWrites,
  /** The scheduler only reads the restaurants list and enqueues. */
  scheduler: { partitions: [], deletes: [] } as TableWrites,
};

/** The pattern a partition key falls in, as IAM's `StringLike` matches it (`*` any run, `?` one character), if any. */
export function partitionPattern(pk: string, patterns: readonly string[]): string | undefined {
  return patterns.find((pattern) => likePattern(pattern).test(pk));
}

const compiled = new Map<string, RegExp>();

function likePattern(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    regex = new RegExp(`^${source}$`, 's');
    compiled.set(pattern, regex);
  }
  return regex;
}
