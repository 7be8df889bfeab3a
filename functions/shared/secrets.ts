/**
 * Secrets by name: from AWS Secrets Manager when deployed, from a local JSON file (LOCAL_SECRETS_FILE)
 * when running on this machine. Values are cached per container and never logged.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { GetSecretValueCommand, PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

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
    client ??= new SecretsManagerClient({});
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
  client ??= new SecretsManagerClient({});
  const out = await client.send(new GetSecretValueCommand({ SecretId: name }));
  if (!out.SecretString) throw new Error(`secret ${name} has no string value`);
  return JSON.parse(out.SecretString);
}

export type SinqroSecret = { webhookSigningSecrets: string[]; serverAccessToken: string };
export type RestaurantTokenSecret = { userAccessToken: string };
