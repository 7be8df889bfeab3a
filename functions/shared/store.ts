/**
 * The DynamoDB store: restaurant links, order/reservation state, dedupe records and the audit trail,
 * all in one table. Single-item conditional writes only (dynalite has no transactions).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ddb, epochSeconds, isConditionFailure, tableName } from './ddb';
import { emitMetric } from './logger';
import { METRICS, statusDimensions } from './metrics';
import { type CanonicalStatus, decideTransition, isFinal, type Kind, rankOf, type TransitionVerdict } from './statuses';
import { keys, TABLE } from './table';

export type RestaurantLink = {
  restaurantId: number;
  posCode: string;
  posLocationId: string;
  /** Secrets Manager names: Sinqro user token of this restaurant, and optional per-restaurant POS credentials. */
  sinqroTokenSecret: string;
  posSecret?: string;
  /** The POS account the location belongs to (Square: the merchant id), for account-wide webhooks. */
  posAccountId?: string;
  enabled: boolean;
  createdAt: string;
};

export type OrderState = {
  orderId: number;
  kind: Kind;
  orderType: string;
  restaurantId: number;
  posCode: string;
  posOrderId?: string;
  status: CanonicalStatus;
  statusRank: number;
  isFinal: boolean;
  sourceTs: string;
  source: string;
  version: number;
  attempts: number;
  lastError?: string;
  publishedRank?: number;
  /** The newest POS version of the order a status event was taken from (POSes that version orders). */
  posVersion?: number;
  updatedAt: string;
};

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

const AUDIT_TTL_DAYS = 90;
const DEDUPE_TTL_DAYS = 7;

function stripKeys<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { PK, SK, GSI1PK, GSI1SK, expiresAt, ...rest } = item;
  return rest as T;
}

// ---- restaurant links ----

/**
 * Writes the link, then its entry in the restaurants list (a copy, so listing needs no read per
 * link). Two single-item writes, in this order and reversed on delete, so the list never names a
 * restaurant that is not linked; repeating a call after a failure completes it.
 */
export async function putLink(link: RestaurantLink): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.link(link.restaurantId),
        GSI1PK: keys.posLocation(link.posCode, link.posLocationId),
        GSI1SK: `REST#${link.restaurantId}`,
        ...link,
      },
    }),
  );
  await ddb.send(
    new PutCommand({ TableName: tableName(), Item: { ...keys.restaurantEntry(link.restaurantId), ...link } }),
  );
}

/** Removes the restaurant from the list, then its link. Idempotent: deleting what is gone is no error. */
export async function deleteLink(restaurantId: number): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: tableName(), Key: keys.restaurantEntry(restaurantId) }));
  await ddb.send(new DeleteCommand({ TableName: tableName(), Key: keys.link(restaurantId) }));
}

/** Every linked restaurant, by id (one Query over the restaurants list, page by page). */
export async function listLinks(): Promise<RestaurantLink[]> {
  const links: RestaurantLink[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.restaurantsPK },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) links.push(stripKeys<RestaurantLink>(item) as RestaurantLink);
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return links.sort((a, b) => a.restaurantId - b.restaurantId);
}

export async function getLink(restaurantId: number): Promise<RestaurantLink | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: keys.link(restaurantId) }));
  return stripKeys<RestaurantLink>(out.Item);
}

/** The item's own key found through GSI1 (the index holds keys only), or undefined. */
async function findKeyByGsi1(gsi1pk: string): Promise<{ PK: string; SK: string } | undefined> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      Limit: 1,
    }),
  );
  const item = out.Items?.[0];
  return item ? { PK: String(item.PK), SK: String(item.SK) } : undefined;
}

/** The link of a POS location: its key from the index, then the link itself (re-checked: the index lags). */
export async function findLinkByPosLocation(
  posCode: string,
  posLocationId: string,
): Promise<RestaurantLink | undefined> {
  const key = await findKeyByGsi1(keys.posLocation(posCode, posLocationId));
  if (!key) return undefined;
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: key }));
  const link = stripKeys<RestaurantLink>(out.Item);
  return link && link.posCode === posCode && link.posLocationId === posLocationId ? link : undefined;
}

/** The enabled links of one POS account's locations (one Query over the restaurants list). */
export async function findLinksByPosAccount(posCode: string, posAccountId: string): Promise<RestaurantLink[]> {
  return (await listLinks()).filter((l) => l.posCode === posCode && l.posAccountId === posAccountId && l.enabled);
}

// ---- dedupe ----

/** Records an event id as seen. Returns false if it was seen before (a duplicate delivery). */
export async function claimEvent(source: string, eventId: string): Promise<boolean> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.dedupe(source, eventId),
          firstSeen: new Date().toISOString(),
          expiresAt: epochSeconds(DEDUPE_TTL_DAYS),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Forget an event id again, so a sender's retry is processed (used when enqueueing failed after the claim). */
export async function releaseEvent(source: string, eventId: string): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: tableName(), Key: keys.dedupe(source, eventId) }));
}

// ---- order / reservation state ----

export type NewOrder = { orderId: number; kind: Kind; orderType: string; restaurantId: number; posCode: string };

/** Creates the state item as RECEIVED unless one exists; returns the existing one if so. */
export async function createOrder(order: NewOrder, sourceTs: string): Promise<{ created: boolean; state: OrderState }> {
  const now = new Date().toISOString();
  const state: OrderState = {
    ...order,
    status: 'RECEIVED',
    statusRank: rankOf(order.kind, 'RECEIVED'),
    isFinal: false,
    sourceTs,
    source: 'sinqro',
    version: 1,
    attempts: 0,
    updatedAt: now,
  };
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.order(order.orderId), ...state },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    emitMetric(METRICS.ordersByStatus, 1, 'Count', statusDimensions(state));
    return { created: true, state };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getOrder(order.orderId);
    if (!existing) throw error;
    return { created: false, state: existing };
  }
}

export async function getOrder(orderId: number): Promise<OrderState | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keys.order(orderId), ConsistentRead: true }),
  );
  return stripKeys<OrderState>(out.Item);
}

/** The order the POS knows by `posOrderId`: its key from the index, then the order itself (consistent read). */
export async function findOrderByPosOrderId(posCode: string, posOrderId: string): Promise<OrderState | undefined> {
  const key = await findKeyByGsi1(keys.posOrder(posCode, posOrderId));
  if (!key) return undefined;
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  const order = stripKeys<OrderState>(out.Item);
  return order && order.posCode === posCode && order.posOrderId === posOrderId ? order : undefined;
}

export type TransitionRequest = {
  orderId: number;
  kind: Kind;
  status: CanonicalStatus;
  /** When the source says the change happened (ISO, UTC). */
  sourceTs: string;
  source: string;
  posCode?: string;
  posOrderId?: string;
  /** The bridge's own reason for a FAILED order (an error message: ids and codes, no personal data). */
  reason?: string;
  /** Only for an order the bridge has never seen (e.g. a cancellation that overtook its creation). */
  createIfMissing?: Omit<NewOrder, 'orderId' | 'kind'>;
  /**
   * Apply only to this restaurant's order of this kind (checked in the write's condition, so a POS
   * event needs no read first); another's order, or an order that does not exist, is `foreign`.
   */
  owner?: { restaurantId: number };
  /**
   * Apply only if the status moves forward, not as a repeat of the same status with a newer time: for the
   * bridge's own injection, which concurrent copies of one event may each reach; only the first one reports it.
   */
  advanceOnly?: boolean;
};

export type TransitionResult =
  | { applied: true; state: OrderState }
  | { applied: false; verdict: Exclude<TransitionVerdict, 'apply'> | 'missing'; state?: OrderState }
  | { applied: false; verdict: 'foreign'; state?: undefined };

/**
 * The monotonic status write: one conditional UpdateItem that succeeds only if the change moves
 * forward (or repeats the status with a newer source time) and the current status is not final.
 */
export async function transition(req: TransitionRequest, retries = 3): Promise<TransitionResult> {
  const rank = rankOf(req.kind, req.status);
  const now = new Date().toISOString();
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {
    ':status': req.status,
    ':rank': rank,
    ':final': isFinal(req.status),
    ':false': false,
    ':ts': req.sourceTs,
    ':source': req.source,
    ':now': now,
    ':one': 1,
  };
  const sets = [
    '#status = :status',
    'statusRank = :rank',
    'isFinal = :final',
    'sourceTs = :ts',
    '#source = :source',
    'updatedAt = :now',
  ];
  names['#source'] = 'source';
  if (req.posOrderId && req.posCode) {
    sets.push('posOrderId = :posOrderId', 'GSI1PK = :gsi1pk', 'GSI1SK = :gsi1sk');
    values[':posOrderId'] = req.posOrderId;
    values[':gsi1pk'] = keys.posOrder(req.posCode, req.posOrderId);
    values[':gsi1sk'] = `ORDER#${req.orderId}`;
  }
  if (req.reason !== undefined) {
    sets.push('lastError = :reason');
    values[':reason'] = req.reason.slice(0, 500);
  }
  let ownerCondition = '';
  if (req.owner) {
    ownerCondition = ' AND restaurantId = :rid AND #kind = :kind';
    names['#kind'] = 'kind';
    values[':rid'] = req.owner.restaurantId;
    values[':kind'] = req.kind;
  }
  const forward = req.advanceOnly
    ? 'statusRank < :rank'
    : '(statusRank < :rank OR (#status = :status AND sourceTs < :ts))';
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(req.orderId),
        UpdateExpression: `SET ${sets.join(', ')} ADD version :one`,
        ConditionExpression: `attribute_exists(PK) AND isFinal = :false AND ${forward}${ownerCondition}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    const state = stripKeys<OrderState>(out.Attributes) as OrderState;
    emitMetric(METRICS.ordersByStatus, 1, 'Count', statusDimensions(state));
    return { applied: true, state };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  const current = await getOrder(req.orderId);
  if (req.owner && (!current || current.restaurantId !== req.owner.restaurantId || current.kind !== req.kind)) {
    return { applied: false, verdict: 'foreign' };
  }
  if (!current) {
    if (!req.createIfMissing) return { applied: false, verdict: 'missing' };
    await createOrder({ orderId: req.orderId, kind: req.kind, ...req.createIfMissing }, req.sourceTs);
    // Whoever created it, the transition is decided against what is there now.
    return transition({ ...req, createIfMissing: undefined }, retries - 1);
  }
  const decided = decideTransition(
    req.kind,
    { status: current.status, sourceTs: current.sourceTs },
    { status: req.status, sourceTs: req.sourceTs },
  );
  const verdict = decided === 'apply' && req.advanceOnly && current.status === req.status ? 'duplicate' : decided;
  if (verdict === 'apply' && retries > 0) {
    // The item changed between our write and our read; decide again against the fresh state.
    return transition(req, retries - 1);
  }
  if (verdict === 'apply') throw new Error(`order ${req.orderId}: status write kept conflicting`);
  return { applied: false, verdict, state: current };
}

/**
 * Records that a status event from the POS's order version `posVersion` is being applied, unless a
 * newer version was already: false means the event is stale. The same version again passes (a
 * redelivery, or two events of one change), and the status machine decides.
 */
export async function claimPosVersion(orderId: number, posVersion: number): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(orderId),
        UpdateExpression: 'SET posVersion = :v',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(posVersion) OR posVersion <= :v)',
        ExpressionAttributeValues: { ':v': posVersion },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Records the POS's id for an order whose status already moved past INJECTED (the POS can be faster than us). */
export async function setPosOrderId(orderId: number, posCode: string, posOrderId: string): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.order(orderId),
      UpdateExpression: 'SET posOrderId = :p, GSI1PK = :pk, GSI1SK = :sk, updatedAt = :now ADD version :one',
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(posOrderId) OR posOrderId = :p)',
      ExpressionAttributeValues: {
        ':p': posOrderId,
        ':pk': keys.posOrder(posCode, posOrderId),
        ':sk': `ORDER#${orderId}`,
        ':now': new Date().toISOString(),
        ':one': 1,
      },
    }),
  );
}

/** Counts an attempt and keeps the last error, for the stuck-order view and the audit. */
export async function recordAttempt(orderId: number, error?: string): Promise<void> {
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(orderId),
        UpdateExpression: error ? 'ADD attempts :one SET lastError = :e' : 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: error ? { ':one': 1, ':e': error.slice(0, 500) } : { ':one': 1 },
      }),
    )
    .catch((e) => {
      if (!isConditionFailure(e)) throw e;
    });
}

export type PublicationClaim = { claimed: false } | { claimed: true; token: string; previousRank: number | undefined };

/**
 * Claims the right to tell Sinqro about a status of this rank: succeeds only if nothing of a higher rank
 * was claimed before, so a late message never moves Sinqro backwards. A claim of the same rank is taken
 * over (same status: repeating it is harmless), because the attempt that holds it may have died between
 * its claim and its call to Sinqro, and skipping would then lose the status. The claim carries a token
 * (only its holder can give it back) and the rank it replaced comes back with the write (UPDATED_OLD).
 */
export async function claimPublication(orderId: number, rank: number): Promise<PublicationClaim> {
  const token = randomBytes(8).toString('hex');
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(orderId),
        UpdateExpression: 'SET publishedRank = :r, publishClaim = :t',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(publishedRank) OR publishedRank <= :r)',
        ExpressionAttributeValues: { ':r': rank, ':t': token },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return { claimed: true, token, previousRank: out?.Attributes?.publishedRank as number | undefined };
  } catch (error) {
    if (isConditionFailure(error)) return { claimed: false };
    throw error;
  }
}

/** Gives a claim back after the call to Sinqro failed, unless another attempt claimed meanwhile (its token). */
export async function releasePublication(
  orderId: number,
  token: string,
  previousRank: number | undefined,
): Promise<void> {
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(orderId),
        UpdateExpression:
          previousRank === undefined
            ? 'REMOVE publishedRank, publishClaim'
            : 'SET publishedRank = :prev REMOVE publishClaim',
        ConditionExpression: 'publishClaim = :t',
        ExpressionAttributeValues:
          previousRank === undefined ? { ':t': token } : { ':t': token, ':prev': previousRank },
      }),
    )
    .catch((e) => {
      if (!isConditionFailure(e)) throw e;
    });
}

// ---- audit trail (ids and codes only, never personal data) ----

const heldAudits = new AsyncLocalStorage<Record<string, unknown>[]>();

export async function audit(pk: string, entry: AuditEntry, at = new Date().toISOString()): Promise<void> {
  const item = {
    PK: pk,
    SK: `${keys.auditPrefix}${at}#${randomBytes(3).toString('hex')}`,
    at,
    ...entry,
    expiresAt: epochSeconds(AUDIT_TTL_DAYS),
  };
  const held = heldAudits.getStore();
  if (held) held.push(item);
  else await ddb.send(new PutCommand({ TableName: tableName(), Item: item }));
}

/** Runs `work` with its audit records held in `held`, to be written together by writeHeldAudits. */
export function holdingAudits<T>(held: Record<string, unknown>[], work: () => Promise<T>): Promise<T> {
  return heldAudits.run(held, work);
}

const BATCH_WRITE_ITEMS = 25;
const BATCH_WRITE_TRIES = 3;

/**
 * Writes held audit records with BatchWriteItem (25 puts per request; the items left unprocessed are
 * tried again twice). Returns, per holder, whether all of its records were written.
 */
export async function writeHeldAudits(holders: Record<string, unknown>[][]): Promise<boolean[]> {
  const entries = holders.flatMap((items, holder) => items.map((item) => ({ holder, item })));
  const ok = holders.map(() => true);
  const chunks: (typeof entries)[] = [];
  for (let i = 0; i < entries.length; i += BATCH_WRITE_ITEMS) chunks.push(entries.slice(i, i + BATCH_WRITE_ITEMS));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0 && attempt <= BATCH_WRITE_TRIES; attempt++) {
        if (attempt > 1) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        try {
          const out = await ddb.send(
            new BatchWriteCommand({
              RequestItems: { [tableName()]: pending.map((e) => ({ PutRequest: { Item: e.item } })) },
            }),
          );
          const left = new Set(
            (out.UnprocessedItems?.[tableName()] ?? []).map(
              (r) => `${r.PutRequest?.Item?.PK}|${r.PutRequest?.Item?.SK}`,
            ),
          );
          pending = pending.filter((e) => left.has(`${e.item.PK}|${e.item.SK}`));
        } catch {
          // The whole call failed: try the same items again.
        }
      }
      for (const e of pending) ok[e.holder] = false;
    }),
  );
  return ok;
}

export const auditOrder = (orderId: number, entry: AuditEntry, at?: string) => audit(keys.order(orderId).PK, entry, at);

export async function listAudit(pk: string): Promise<(AuditEntry & { at: string })[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :evt)',
      ExpressionAttributeValues: { ':pk': pk, ':evt': keys.auditPrefix },
    }),
  );
  return (out.Items ?? []).map((i) => stripKeys<AuditEntry & { at: string }>(i) as AuditEntry & { at: string });
}
