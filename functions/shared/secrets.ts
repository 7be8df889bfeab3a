/**
 * Secrets by name: from AWS Secrets Manager when deployed, from a local JSON file (LOCAL_SECRETS_FILE)
 * when running on this machine. Values are cached per container and never logged.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_CLIENT_CONFIG } from './aws-clients';
import { SecretMalformedError } from './errors';
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
  if (!(name in all)) throw new Error(`secret ${name} is not in ${file}`);
  return all[name];
}

async function readSecretsManager(name: string): Promise<unknown> {
  client ??= new SecretsManagerClient(AWS_CLIENT_CONFIG);
  const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
  if (!out.SecretString) throw new Error(`secret ${name} has no string value`);
  return JSON.parse(out.SecretString);
}

export type SinqroSecret = { webhookSigningSecrets: string[]; serverAccessToken: string };
export type RestaurantTokenSecret = { userAccessToken: string };

/**
 * The shortest webhook signing key accepted, in bytes: an HMAC-SHA256 key shorter than its digest
 * is weaker than the signature, and an empty one lets anyone compute a valid signature.
 */
export const MIN_SIGNING_SECRET_BYTES = 32;

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
