/**
 * Secrets by name: from AWS Secrets Manager when deployed, from a local JSON file (LOCAL_SECRETS_FILE)
 * when running on this machine. Values are cached per container and never logged. Two kinds, never
 * in one secret: webhook-verification secrets (`WebhookSecret`, read by the receivers) and API
 * credentials (read by the functions that call Sinqro or a POS) (docs/operations.md, Secrets).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretMalformedError, SecretMissingError } from '../core/errors';
import { AWS_CLIENT_CONFIG } from './aws-clients';
import { emitMetric } from './logger';
import { METRICS } from './metrics';

const CACHE_MS = 5 * 60 * 1000;
const cache = new Map<string, { value: unknown; at: number }>();
let client: SecretsManagerClient | undefined;

export async function getSecret<T>(name: string): Promise<T> {
  const hit = cache.get(name);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit.value as T;
  const value = process.env.LOCAL_SECRETS_FILE ? readLocal(name) : await readSecretsManager(name);
  cache.set(name, { value, at: Date.now() });
  return value as T;
}

/** Tests and the local runtime call this after rotating a secret; with a name, only that secret is forgotten. */
export function clearSecretCache(name?: string): void {
  if (name === undefined) cache.clear();
  else cache.delete(name);
}

/**
 * Stores a new value of a secret (a renewed POS credential): Secrets Manager PutSecretValue when
 * deployed; locally the LOCAL_SECRETS_FILE entry, written to a temporary file and renamed over the old
 * one, so a reader never sees half a file. The container's cached value of that name is dropped.
 */
export async function putSecret(name: string, value: unknown): Promise<void> {
  if (process.env.LOCAL_SECRETS_FILE) writeLocal(name, value);
  else {
    client ??= new SecretsManagerClient(AWS_CLIENT_CONFIG);
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(value) }));
  }
  cache.delete(name);
}

function writeLocal(name: string, value: unknown): void {
  const file = process.env.LOCAL_SECRETS_FILE as string;
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (!(name in all)) throw new Error(`secret ${name} is not in ${file}`);
  all[name] = value;
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temp, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, file);
}

function readLocal(name: string): unknown {
  const file = process.env.LOCAL_SECRETS_FILE as string;
  const all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  if (!(name in all)) throw new SecretMissingError(`secret ${name} is not in ${file}`);
  return all[name];
}

async function readSecretsManager(name: string): Promise<unknown> {
  client ??= new SecretsManagerClient(AWS_CLIENT_CONFIG);
  let out: { SecretString?: string };
  try {
    out = await client.send(new GetSecretValueCommand({ SecretId: name }));
  } catch (error) {
    if ((error as Error)?.name === 'ResourceNotFoundException')
      throw new SecretMissingError(`secret ${name} does not exist in Secrets Manager`);
    throw error;
  }
  if (!out.SecretString) throw new Error(`secret ${name} has no string value`);
  return JSON.parse(out.SecretString);
}

/** Sinqro's API credential: the module's server access token (the publisher's). */
export type SinqroSecret = { serverAccessToken: string };
export type RestaurantTokenSecret = { userAccessToken: string };
/** A webhook-verification secret: the only kind the internet-facing receivers read. */
/** A webhook-verification secret: its signing keys, and any other field an adapter verifies with. */
export type WebhookSecret = { webhookSigningSecrets: string[]; [key: string]: unknown };

/**
 * One text field of an API credential secret, or SecretMalformedError naming the secret and the field
 * (never a value): e.g. Sinqro's secret without its `serverAccessToken`, or a webhook secret's JSON put
 * where the API credential belongs.
 */
export function credentialField<T extends object>(secret: T, field: keyof T & string, name: string): string {
  const value = (secret as Record<string, unknown> | null | undefined)?.[field];
  if (typeof value !== 'string' || value.length === 0)
    throw new SecretMalformedError(`secret ${name} is malformed: ${field} is not a non-empty string`);
  return value;
}

/**
 * The shortest webhook signing key accepted, in bytes: an HMAC-SHA256 key shorter than its digest
 * is weaker than the signature, and an empty one lets anyone compute a valid signature.
 */
export const MIN_SIGNING_SECRET_BYTES = 32;

/**
 * The webhook-verification secret of that name, its signing keys checked before any signature is
 * verified with them (signingSecretsOf). A secret that does not exist is refused the same way, as
 * `SECRET_MISSING`: a receiver without its keys can verify nothing, whatever the reason. Other fields
 * an adapter verifies with (K-Series: the path token) come along.
 */
export async function webhookSecret(name: string): Promise<WebhookSecret> {
  let secret: unknown;
  try {
    secret = await getSecret<WebhookSecret>(name);
  } catch (error) {
    if (!(error instanceof SecretMissingError)) throw error;
    emitMetric(METRICS.secretMalformed, 1);
    throw new SecretMalformedError(`${error.message}: create it (docs/operations.md, Secrets)`, 'SECRET_MISSING');
  }
  return { ...(secret as WebhookSecret), webhookSigningSecrets: signingSecretsOf(secret, name) };
}

/** The signing keys of the webhook-verification secret of that name (webhookSecret). */
export async function webhookSigningSecrets(name: string): Promise<string[]> {
  return (await webhookSecret(name)).webhookSigningSecrets;
}

/**
 * A secret's `webhookSigningSecrets`, checked before any signature is verified with them: a non-empty
 * list of strings of at least MIN_SIGNING_SECRET_BYTES each. Anything else throws SecretMalformedError
 * (a 500, counted in the SecretMalformed metric) naming the secret and the entry, never a value.
 */
export function signingSecretsOf(secret: unknown, name: string): string[] {
  const list = (secret as { webhookSigningSecrets?: unknown } | null | undefined)?.webhookSigningSecrets;
  let problem: string | undefined;
  if (!Array.isArray(list) || list.length === 0) problem = 'webhookSigningSecrets is not a non-empty list';
  else {
    const bad = list.findIndex((s) => typeof s !== 'string' || Buffer.byteLength(s, 'utf8') < MIN_SIGNING_SECRET_BYTES);
    if (bad >= 0)
      problem =
        typeof list[bad] === 'string'
          ? `webhookSigningSecrets[${bad}] is shorter than ${MIN_SIGNING_SECRET_BYTES} bytes`
          : `webhookSigningSecrets[${bad}] is not a string`;
  }
  if (problem) {
    emitMetric(METRICS.secretMalformed, 1);
    throw new SecretMalformedError(`secret ${name} is malformed: ${problem}`);
  }
  return list as string[];
}
