/**
 * A merchant's expiring POS credential (Square's OAuth access token, 30 days) kept alive: renewed when
 * less than a margin is left (CREDENTIAL_RENEW_MARGIN_MINUTES, default one day) and when the POS says
 * it expired, then written back to the merchant's secret, where every worker reads it.
 */
import { randomUUID } from 'node:crypto';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PosCredentials, PosSecret } from '../../adapters/port';
import { PosAuthError, RetryableError } from '../core/errors';
import type { RestaurantLink } from '../core/records';
import { conditionHeld, ddb, epochSeconds, tableName } from '../infra/ddb';
import { envNames, requireEnv } from '../infra/env';
import { errorFields, type Logger } from '../infra/logger';
import type { Budget } from '../infra/outbound';
import { clearSecretCache, getSecret, putSecret } from '../infra/secrets';
import { keys } from '../store/table';

const DEFAULT_MARGIN_MINUTES = 24 * 60;
/** Longer than one renewal call (8 s timeout) and its write; a worker that dies holding it blocks no one for long. */
const LEASE_MS = 30_000;
/** How long a worker waits for another one's renewal before leaving the message to SQS. */
const WAIT_FOR_OTHER_MS = 5_000;
const WAIT_STEP_MS = 500;

/**
 * How long before expiry a credential is renewed: the adapter's own margin for a POS whose tokens live
 * less than a day (K-Series: an hour), else the stage's (CREDENTIAL_RENEW_MARGIN_MINUTES, default a day).
 */
export function renewMarginMs(credentials?: Pick<PosCredentials, 'renewMarginMs'>): number {
  if (credentials?.renewMarginMs !== undefined) return credentials.renewMarginMs;
  const minutes = Number(process.env.CREDENTIAL_RENEW_MARGIN_MINUTES ?? DEFAULT_MARGIN_MINUTES);
  return (Number.isFinite(minutes) && minutes >= 0 ? minutes : DEFAULT_MARGIN_MINUTES) * 60_000;
}

/** One restaurant's renewable credential: the adapter's renewal, and the merchant secret it lives in. */
export type CredentialScope = {
  credentials: PosCredentials;
  posCode: string;
  link: RestaurantLink;
  secretName: string;
  baseUrl: string;
  budget: Budget;
  logger: Logger;
};

/** The secret to call the POS with: renewed first when it expires within the margin. */
export async function freshSecret(scope: CredentialScope, secret: PosSecret): Promise<PosSecret> {
  const expiresAt = scope.credentials.expiresAt(secret);
  if (expiresAt === undefined || expiresAt - Date.now() > renewMarginMs(scope.credentials)) return secret;
  try {
    return await renewCredential(scope, secret, 'expiring');
  } catch (error) {
    // Still valid: this call uses it and a later one renews it. Already expired: the message is retried.
    if (expiresAt <= Date.now()) throw error;
    scope.logger.warn('could not renew a POS credential before it expires; the current one is used', {
      restaurantId: scope.link.restaurantId,
      posCode: scope.posCode,
      expiresAt: new Date(expiresAt).toISOString(),
      ...errorFields(error),
    });
    return secret;
  }
}

/**
 * Renews the credential in `current` and returns the secret to use. Two workers must not renew the
 * same merchant at once: with a single-use refresh token (Square's PKCE flow) the second renewal would
 * fail, and two PutSecretValue calls racing could store the older pair last. So a short lease (one
 * conditional write per secret name, a few times a month per merchant), and inside it the secret is read
 * again: a renewal another worker has just finished (or an operator's rotation) is used, not repeated.
 * The new secret is written before the lease is given back, tried again if the write fails.
 */
export async function renewCredential(
  scope: CredentialScope,
  current: PosSecret,
  reason: 'expiring' | 'expired',
): Promise<PosSecret> {
  const { credentials, posCode, link, secretName } = scope;
  const owner = randomUUID();
  if (!(await takeLease(secretName, owner))) return awaitOtherRenewal(scope, current);
  try {
    clearSecretCache(secretName);
    const latest = await getSecret<PosSecret>(secretName);
    if (changed(latest, current)) return latest;
    if (!credentials.canRenew(latest))
      throw new PosAuthError(
        `${posCode} credential of restaurant ${link.restaurantId} needs renewing and its secret has no refresh token`,
        posCode,
      );
    const appSecret = await getSecret<PosSecret>(requireEnv(envNames.posSecret(posCode)));
    const next = await credentials.renew({
      secret: latest,
      appSecret,
      baseUrl: scope.baseUrl,
      budget: scope.budget,
      posCode,
    });
    await storeRenewed(scope, next);
    const expiresAt = credentials.expiresAt(next);
    scope.logger.info('POS credential renewed and stored', {
      restaurantId: link.restaurantId,
      posCode,
      reason,
      expiresAt: expiresAt === undefined ? undefined : new Date(expiresAt).toISOString(),
    });
    return next;
  } finally {
    await releaseLease(secretName, owner);
  }
}

const changed = (a: PosSecret, b: PosSecret) => JSON.stringify(a) !== JSON.stringify(b);

/** Tries of the write of a renewed credential, a short wait apart (under the lease, which outlasts them). */
const STORE_TRIES = 3;
const STORE_WAIT_MS = 250;

/**
 * Writes the renewed secret, trying again if the write fails: the POS has already taken the old refresh
 * token, and with single-use refresh tokens (K-Series) a new pair that is not stored is lost, and the
 * merchant must authorize the bridge again.
 */
async function storeRenewed(scope: CredentialScope, next: PosSecret): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await putSecret(scope.secretName, next);
      return;
    } catch (error) {
      if (attempt >= STORE_TRIES) {
        scope.logger.error('a renewed POS credential could not be stored: the merchant may have to authorize again', {
          restaurantId: scope.link.restaurantId,
          posCode: scope.posCode,
          secretName: scope.secretName,
          ...errorFields(error),
        });
        throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, STORE_WAIT_MS * attempt));
    }
  }
}

/** Another worker holds the lease: its renewal shows as a changed secret within a few seconds. */
async function awaitOtherRenewal(scope: CredentialScope, current: PosSecret): Promise<PosSecret> {
  const until = Math.min(Date.now() + WAIT_FOR_OTHER_MS, scope.budget.deadline - WAIT_STEP_MS);
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
    clearSecretCache(scope.secretName);
    const latest = await getSecret<PosSecret>(scope.secretName);
    if (changed(latest, current)) return latest;
  }
  throw new RetryableError(`${scope.posCode} credential is being renewed by another worker`);
}

async function takeLease(secretName: string, owner: string): Promise<boolean> {
  const now = Date.now();
  return conditionHeld(
    ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.credentialLease(secretName), owner, leaseUntil: now + LEASE_MS, expiresAt: epochSeconds(1) },
        ConditionExpression: 'attribute_not_exists(PK) OR leaseUntil < :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    ),
  );
}

async function releaseLease(secretName: string, owner: string): Promise<void> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.credentialLease(secretName),
        UpdateExpression: 'SET leaseUntil = :zero',
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':zero': 0, ':owner': owner },
      }),
    );
  } catch {
    // Left held, it lapses after LEASE_MS.
  }
}
