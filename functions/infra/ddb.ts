/**
 * The one DynamoDB document client per container and the helpers every store module shares
 * (functions/store/, and the credential lease in pos/credentials.ts).
 */
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AWS_CLIENT_CONFIG } from './aws-clients';
import { envNames, requireEnv } from './env';

export const ddb = DynamoDBDocumentClient.from(new DynamoDBClient(AWS_CLIENT_CONFIG), {
  marshallOptions: { removeUndefinedValues: true },
});

export const tableName = (): string => requireEnv(envNames.table);

/** A TTL value `days` from now (epoch seconds, the table's `expiresAt`). */
export const epochSeconds = (days: number): number => Math.floor(Date.now() / 1000) + days * 86400;

/** dynalite drops ReturnValuesOnConditionCheckFailure, so callers read the item again when they need it. */
export function isConditionFailure(error: unknown): boolean {
  return (
    error instanceof ConditionalCheckFailedException || (error as Error)?.name === 'ConditionalCheckFailedException'
  );
}

/**
 * Whether a single-item write with a ConditionExpression was made: false when its condition refused it
 * (ConditionalCheckFailed), any other error thrown. `write` is the write's `ddb.send(...)`. Callers that
 * mean "only if still so" and need no answer await it and ignore the result.
 */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
