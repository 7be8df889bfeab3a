/**
 * Order and reservation state: one item per order (`ORDER#<orderId>` / `STATE`) or reservation
 * (`RESV#<orderId>` / `STATE`), in GSI1 under `POSORDER#<posCode>#<posOrderId>` once the POS id is known.
 * Its status only moves forward (one conditional write per change, `transition`); the publication claim on
 * the same item is publication.ts's.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PosContext } from '../../adapters/port';
import {
  type CanonicalStatus,
  decideTransition,
  isFinal,
  type Kind,
  rankOf,
  type TransitionVerdict,
} from '../core/statuses';
import { conditionHeld, ddb, epochSeconds, isConditionFailure, tableName } from '../infra/ddb';
import { emitMetric } from '../infra/logger';
import { METRICS, statusDimensions } from '../infra/metrics';
import { findKeysByGsi1 } from './gsi1';
import { keys, stripKeys } from './table';

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
  /**
   * The queue message whose work wrote the current status (its SQS message id). If that message comes back
   * (its attempt died after the write), it alone sends the status's news again; a copy under another id does not.
   */
  appliedBy?: string;
  /** The newest POS version of the order a status event was taken from (POSes that version orders). */
  posVersion?: number;
  /** What the adapter kept at injection to act on the order later (ids, times, counts: no personal data). */
  posContext?: PosContext;
  updatedAt: string;
};

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
export async function moveLegacyReservation(orderId: number): Promise<OrderState | undefined> {
  const oldKey = keys.order('order', orderId);
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: oldKey, ConsistentRead: true }));
  if (out.Item?.kind !== 'reservation' || out.Item.movedTo) return undefined;
  const { PK, SK, ...rest } = out.Item;
  const key = keys.order('reservation', orderId);
  // Already copied (an earlier read was cut short) is fine: the copy is the same.
  await conditionHeld(
    ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...rest, ...key, ...(rest.GSI1PK ? { GSI1SK: key.PK } : {}) },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
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
  /** The queue message doing the write (FlowContext.messageId), kept as `appliedBy`. */
  appliedBy?: string;
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
  // Whose status it is now: a write without a message id leaves none behind from an earlier writer.
  const removes: string[] = [];
  if (req.appliedBy !== undefined) {
    sets.push('appliedBy = :appliedBy');
    values[':appliedBy'] = req.appliedBy;
  } else removes.push('appliedBy');
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
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''} ADD version :one`,
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
  return conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(kind, orderId),
        UpdateExpression: 'SET posVersion = :v',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(posVersion) OR posVersion <= :v)',
        ExpressionAttributeValues: { ':v': posVersion },
      }),
    ),
  );
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
  // An order that is not there has nothing to count.
  await conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.order(kind, orderId),
        UpdateExpression: error ? 'ADD attempts :one SET lastError = :e' : 'ADD attempts :one',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: error ? { ':one': 1, ':e': error.slice(0, 500) } : { ':one': 1 },
      }),
    ),
  );
}
