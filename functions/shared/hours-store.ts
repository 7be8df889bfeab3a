/**
 * What the bridge last sent to Sinqro of a restaurant's temporary closure and schedule: one item each
 * (`REST#<id>` / `CLOSURE`, `SCHEDULE`) with the content hash, the state and when the POS state was seen.
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from './table';

export type HoursItem = 'closure' | 'schedule';

export type SentHours = {
  hash: string;
  /** When the POS state that was sent had been seen (ISO, UTC). */
  observedAt: string;
  sentAt: string;
  /** The body Sinqro was given (null: no closure), for operators. */
  state: unknown;
};

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

function tableName(): string {
  const name = process.env.TABLE_NAME;
  if (!name) throw new Error('TABLE_NAME is not set');
  return name;
}

const keyOf = (restaurantId: number, item: HoursItem) =>
  keys.hours(restaurantId, item === 'closure' ? 'CLOSURE' : 'SCHEDULE');

export async function getSentHours(restaurantId: number, item: HoursItem): Promise<SentHours | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keyOf(restaurantId, item), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { hash, observedAt, sentAt, state } = out.Item;
  return { hash, observedAt, sentAt, state };
}

/**
 * Records what Sinqro accepted, unless something seen later was recorded meanwhile. Returns false
 * when a newer state is already there (this one is then history, not the current state).
 */
export async function recordSentHours(
  restaurantId: number,
  item: HoursItem,
  sent: Omit<SentHours, 'sentAt'>,
): Promise<boolean> {
  try {
    await ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keyOf(restaurantId, item), ...sent, state: sent.state ?? null, sentAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(PK) OR observedAt <= :observedAt',
        ExpressionAttributeValues: { ':observedAt': sent.observedAt },
      }),
    );
    return true;
  } catch (error) {
    if (
      error instanceof ConditionalCheckFailedException ||
      (error as Error)?.name === 'ConditionalCheckFailedException'
    )
      return false;
    throw error;
  }
}
