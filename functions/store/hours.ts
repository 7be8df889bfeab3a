/**
 * What the bridge last sent to Sinqro of a restaurant's temporary closure and schedule: one item each
 * (`REST#<id>` / `CLOSURE`, `SCHEDULE`) with the content hash, the state and when the POS state was seen,
 * plus the hash last queued for Sinqro (which may not have reached it yet).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, ddb, tableName } from '../infra/ddb';
import { keys } from './table';

export type HoursItem = 'closure' | 'schedule';

export type SentHours = {
  hash: string;
  /** When the POS state that was sent had been seen (ISO, UTC). */
  observedAt: string;
  sentAt: string;
  /** The body Sinqro was given (null: no closure), for operators. */
  state: unknown;
  /** The hash the worker last queued for Sinqro; differs from `hash` while that state is on its way. */
  queuedHash?: string;
};

const keyOf = (restaurantId: number, item: HoursItem) =>
  keys.hours(restaurantId, item === 'closure' ? 'CLOSURE' : 'SCHEDULE');

export async function getSentHours(restaurantId: number, item: HoursItem): Promise<SentHours | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keyOf(restaurantId, item), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { hash, observedAt, sentAt, state, queuedHash } = out.Item;
  return { hash, observedAt, sentAt, state, queuedHash };
}

/** Notes the hash the worker queued, so the same state seen again is not skipped while another one is on its way. */
export async function markQueued(restaurantId: number, item: HoursItem, hash: string): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keyOf(restaurantId, item),
      UpdateExpression: 'SET queuedHash = :hash, queuedAt = :now',
      ExpressionAttributeValues: { ':hash': hash, ':now': new Date().toISOString() },
    }),
  );
}

/** Sinqro already has this state, seen again later: remember the later sighting, so older states stay out. */
export async function touchObserved(
  restaurantId: number,
  item: HoursItem,
  hash: string,
  observedAt: string,
): Promise<void> {
  await conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keyOf(restaurantId, item),
        UpdateExpression: 'SET observedAt = :observedAt',
        ConditionExpression: '#hash = :hash AND observedAt < :observedAt',
        ExpressionAttributeNames: { '#hash': 'hash' },
        ExpressionAttributeValues: { ':hash': hash, ':observedAt': observedAt },
      }),
    ),
  );
}

/**
 * Records what Sinqro accepted, unless something seen later was recorded meanwhile. Returns false
 * when a newer state is already there (this one is then history, not the current state).
 */
export async function recordSentHours(
  restaurantId: number,
  item: HoursItem,
  sent: Omit<SentHours, 'sentAt' | 'queuedHash'>,
): Promise<boolean> {
  return conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keyOf(restaurantId, item),
        UpdateExpression: 'SET #hash = :hash, observedAt = :observedAt, sentAt = :now, #state = :state',
        ConditionExpression: 'attribute_not_exists(observedAt) OR observedAt <= :observedAt',
        ExpressionAttributeNames: { '#hash': 'hash', '#state': 'state' },
        ExpressionAttributeValues: {
          ':hash': sent.hash,
          ':observedAt': sent.observedAt,
          ':now': new Date().toISOString(),
          ':state': sent.state ?? null,
        },
      }),
    ),
  );
}
