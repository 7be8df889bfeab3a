/**
 * Secrets by name: from AWS Secrets Manager when deployed, from a local JSON file (LOCAL_SECRETS_FILE)
 * when running on this machine. Values are cached per container and never logged.
 */
import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { AWS_CLIENT_CONFIG } from './aws-clients';

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

/** Tests and the local runtime call this after rotating a secret. */
export function clearSecretCache(): void {
  cache.clear();
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
