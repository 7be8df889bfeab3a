/**
 * Dedupe records: one item per event id a receiver took (`DEDUPE#<source>#<eventId>` / `-`, with the
 * time first seen), expiring after DEDUPE_TTL_DAYS, so a redelivered webhook or event is known as a copy.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conditionHeld, ddb, epochSeconds, tableName } from '../infra/ddb';
import { keys } from './table';

const DEDUPE_TTL_DAYS = 7;

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
  return conditionHeld(
    ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.dedupe(source, eventId),
          firstSeen: new Date().toISOString(),
          expiresAt: epochSeconds(DEDUPE_TTL_DAYS),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
}
