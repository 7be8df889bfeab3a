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
import type { PosContext } from '../../adapters/port';
import {
  type CanonicalStatus,
  decideTransition,
  isFinal,
  type Kind,
  rankOf,
  type TransitionVerdict,
} from '../core/statuses';
import { ddb, epochSeconds, isConditionFailure, tableName } from '../infra/ddb';
import { emitMetric } from '../infra/logger';
import { METRICS, statusDimensions } from '../infra/metrics';
import { keys, TABLE } from './table';

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
  /** What the adapter kept at injection to act on the order later (ids, times, counts: no personal data). */
  posContext?: PosContext;
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
 * restaurant that is not linked; repeating a call after a failure completes it. The entry of a link
 * with a POS account is in GSI1 under that account: the entry is written whole, so a relink to another
 * account (or to none) moves it in the index (or out of it) with the same write.
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
  const byAccount = link.posAccountId
    ? { GSI1PK: keys.posAccount(link.posCode, link.posAccountId), GSI1SK: `REST#${link.restaurantId}` }
    : {};
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.restaurantEntry(link.restaurantId), ...byAccount, ...link },
    }),
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

/** Every item's own key GSI1 holds under this key (page by page): a POS's order id may be used by several locations. */
async function findKeysByGsi1(gsi1pk: string): Promise<{ PK: string; SK: string }[]> {
  const found: { PK: string; SK: string }[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: TABLE.gsi1.indexName,
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': gsi1pk },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of out.Items ?? []) found.push({ PK: String(item.PK), SK: String(item.SK) });
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return found;
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

/**
 * The enabled links of one POS account's locations: their restaurants-list entries found through GSI1
 * (keys only), then each entry read by its key and checked again, as the index lags a relink.
 */
export async function findLinksByPosAccount(posCode: string, posAccountId: string): Promise<RestaurantLink[]> {
  const entries = await Promise.all(
    (await findKeysByGsi1(keys.posAccount(posCode, posAccountId))).map(
      async (key) => (await ddb.send(new GetCommand({ TableName: tableName(), Key: key }))).Item,
    ),
  );
  return entries
    .map((item) => stripKeys<RestaurantLink>(item))
    .filter((l): l is RestaurantLink => l?.posCode === posCode && l.posAccountId === posAccountId && l.enabled)
    .sort((a, b) => a.restaurantId - b.restaurantId);
}

// ---- dedupe ----

/** Whether an event id was recorded as taken (a later delivery of it is a duplicate). */
export async function isEventSeen(source: string, eventId: string): Promise<boolean> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keys.dedupe(source, eventId), ConsistentRead: true }),
  );
  return out.Item !== undefined;
}

/**
 * Records an event id as taken, once the event is in the queue. Returns false if it was recorded
 * already: a copy delivered at the same moment was enqueued too (the worker is idempotent).
 */
export async function recordEvent(source: string, eventId: string): Promise<boolean> {
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

// ---- order / reservation state ----

export type NewOrder = { orderId: number; kind: Kind; orderType: string; restaurantId: number; posCode: string };

/** Whose order (or reservation) a write may touch: the restaurant it came from, and its kind. */
export type Owner = { restaurantId: number };

/**
 * Creates the state item as RECEIVED unless one exists; returns the existing one if so (it may be
 * another restaurant's: the caller checks). An old reservation item moved to its own partition
 * (`movedTo`) does not count as existing.
 */
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
        Item: { ...keys.order(order.kind, order.orderId), ...state },
        ConditionExpression: 'attribute_not_exists(PK) OR attribute_exists(movedTo)',
      }),
    );
    emitMetric(METRICS.ordersByStatus, 1, 'Count', statusDimensions(state));
    return { created: true, state };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const existing = await getOrder(order.kind, order.orderId);
    if (!existing) throw error;
    return { created: false, state: existing };
  }
}

async function readState(key: { PK: string; SK: string }): Promise<OrderState | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  return out.Item?.movedTo ? undefined : stripKeys<OrderState>(out.Item);
}

export async function getOrder(kind: Kind, orderId: number): Promise<OrderState | undefined> {
  const state = await readState(keys.order(kind, orderId));
  return state || kind !== 'reservation' ? state : moveLegacyReservation(orderId);
}

const MOVED_TTL_DAYS = 90;

/**
 * A reservation stored before reservations had their own partition (under `ORDER#<id>`, kind
 * `reservation`) is moved on its first read: copied to `RESV#<id>` unless already there; the old item
 * leaves the index, is marked `movedTo` (an order with its id may then take the key) and expires.
 */
async function moveLegacyReservation(orderId: number): Promise<OrderState | undefined> {
  const oldKey = keys.order('order', orderId);
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: oldKey, ConsistentRead: true }));
  if (out.Item?.kind !== 'reservation' || out.Item.movedTo) return undefined;
  const { PK, SK, ...rest } = out.Item;
  const key = keys.order('reservation', orderId);
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...rest, ...key, ...(rest.GSI1PK ? { GSI1SK: key.PK } : {}) },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: oldKey,
      UpdateExpression: 'SET movedTo = :to, expiresAt = :exp REMOVE GSI1PK, GSI1SK',
      ConditionExpression: '#kind = :reservation',
      ExpressionAttributeNames: { '#kind': 'kind' },
      ExpressionAttributeValues: { ':to': key.PK, ':exp': epochSeconds(MOVED_TTL_DAYS), ':reservation': 'reservation' },
    }),
  );
  return readState(key);
}

/**
 * The order (or reservation) this restaurant's POS location knows by `posOrderId`. A POS may number
 * orders per location, so the index can hold the id for several restaurants: every entry is read
 * (consistently) and only the owner's of this kind is kept.
 */
export async function findOrderByPosOrderId(
  posCode: string,
  posOrderId: string,
  owner: Owner & { kind: Kind },
): Promise<OrderState | undefined> {
  for (const key of await findKeysByGsi1(keys.posOrder(posCode, posOrderId))) {
    const order = await readState(key);
    if (
      order?.posCode === posCode &&
      order.posOrderId === posOrderId &&
      order.restaurantId === owner.restaurantId &&
      order.kind === owner.kind
    )
      return order;
  }
  return undefined;
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
  /** Set with the POS id at injection: what the adapter keeps to act on the order later (PosContext). */
  posContext?: PosContext;
  /**
   * Only for an order the bridge has never seen (e.g. a cancellation that overtook its creation): it is
   * created as the owner's.
   */
  createIfMissing?: Omit<NewOrder, 'orderId' | 'kind' | 'restaurantId'>;
  /**
   * Apply only to this restaurant's order of this kind (checked in the write's condition, so no read
   * comes first); another restaurant's order is `foreign`, and so is a missing one unless it may be created.
   */
  owner: Owner;
  /**
   * Apply only if the status moves forward, not as a repeat of the same status with a newer time: for the
   * bridge's own injection, which concurrent copies of one event may each reach; only the first one reports it.
   */
  advanceOnly?: boolean;
};

export type TransitionResult =
  | { applied: true; state: OrderState }
  | { applied: false; verdict: Exclude<TransitionVerdict, 'apply'>; state?: OrderState }
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
    values[':gsi1sk'] = keys.order(req.kind, req.orderId).PK;
  }
  if (req.posContext !== undefined) {
    sets.push('posContext = :posContext');
    values[':posContext'] = req.posContext;
  }
  if (req.reason !== undefined) {
    sets.push('lastError = :reason');
    values[':reason'] = req.reason.slice(0, 500);
  }
  names['#kind'] = 'kind';
  values[':rid'] = req.owner.restaurantId;
  values[':kind'] = req.kind;
  const forward = req.advanceOnly
    ? 'statusRank < :rank'
    : '(statusRank < :rank OR (#status = :status AND sourceTs < :ts))';
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(req.kind, req.orderId),
        UpdateExpression: `SET ${sets.join(', ')} ADD version :one`,
        ConditionExpression:
          'attribute_exists(PK) AND attribute_not_exists(movedTo) AND restaurantId = :rid AND #kind = :kind' +
          ` AND isFinal = :false AND ${forward}`,
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
  const current = await getOrder(req.kind, req.orderId);
  if (current && (current.restaurantId !== req.owner.restaurantId || current.kind !== req.kind)) {
    return { applied: false, verdict: 'foreign' };
  }
  if (!current) {
    if (!req.createIfMissing) return { applied: false, verdict: 'foreign' };
    await createOrder(
      { orderId: req.orderId, kind: req.kind, restaurantId: req.owner.restaurantId, ...req.createIfMissing },
      req.sourceTs,
    );
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
export async function claimPosVersion(kind: Kind, orderId: number, posVersion: number): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(kind, orderId),
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

/**
 * Records the POS's id for an order whose status already moved past INJECTED (the POS can be faster than
 * us), with what the adapter kept at injection.
 */
export async function setPosOrderId(
  kind: Kind,
  orderId: number,
  posCode: string,
  posOrderId: string,
  posContext?: PosContext,
): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.order(kind, orderId),
      UpdateExpression: `SET posOrderId = :p, GSI1PK = :pk, GSI1SK = :sk, updatedAt = :now${
        posContext ? ', posContext = :ctx' : ''
      } ADD version :one`,
      ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(posOrderId) OR posOrderId = :p)',
      ExpressionAttributeValues: {
        ':p': posOrderId,
        ':pk': keys.posOrder(posCode, posOrderId),
        ':sk': keys.order(kind, orderId).PK,
        ':now': new Date().toISOString(),
        ':one': 1,
        ...(posContext ? { ':ctx': posContext } : {}),
      },
    }),
  );
}

/** Counts an attempt and keeps the last error, for the stuck-order view and the audit. */
export async function recordAttempt(kind: Kind, orderId: number, error?: string): Promise<void> {
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(kind, orderId),
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
export async function claimPublication(
  kind: Kind,
  orderId: number,
  rank: number,
  moved = false,
): Promise<PublicationClaim> {
  const token = randomBytes(8).toString('hex');
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(kind, orderId),
        UpdateExpression: 'SET publishedRank = :r, publishClaim = :t',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(publishedRank) OR publishedRank <= :r)',
        ExpressionAttributeValues: { ':r': rank, ':t': token },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    return { claimed: true, token, previousRank: out?.Attributes?.publishedRank as number | undefined };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  // A reservation still under its old key (a news queued before the upgrade): moved by the read, then claimed.
  if (kind === 'reservation' && !moved && (await moveLegacyReservation(orderId)))
    return claimPublication(kind, orderId, rank, true);
  return { claimed: false };
}

/** Gives a claim back after the call to Sinqro failed, unless another attempt claimed meanwhile (its token). */
export async function releasePublication(
  kind: Kind,
  orderId: number,
  token: string,
  previousRank: number | undefined,
): Promise<void> {
  await ddb
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(kind, orderId),
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

export const auditOrder = (kind: Kind, orderId: number, entry: AuditEntry, at?: string) =>
  audit(keys.order(kind, orderId).PK, entry, at);

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
