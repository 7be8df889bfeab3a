/**
 * Publication claims, on the order's (or reservation's) state item (`ORDER#<orderId>` or `RESV#<orderId>` /
 * `STATE`): `publishedRank`, the highest status rank claimed for telling Sinqro, and `publishClaim`, the
 * token of the attempt holding the claim. Sinqro is never told a status older than one it was told.
 */
import { randomBytes } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Kind } from '../core/statuses';
import { conditionHeld, ddb, isConditionFailure, tableName } from '../infra/ddb';
import { moveLegacyReservation } from './orders';
import { keys } from './table';

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
  await conditionHeld(
    ddb.send(
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
    ),
  );
}
