/**
 * Shared by the load tools (bench/run.ts, chaos/): many restaurants linked to the reference POS, with
 * their Sinqro tokens in a temporary secrets file, a bounded-concurrency pool, and sending a signed
 * Sinqro event to the gateway.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SinqroSecret, WebhookSecret } from '../../functions/infra/secrets';
import { signPayload } from '../../functions/infra/signature';
import config from './config.json';
import type { LocalRestaurant } from './runtime';

/** Square restaurants carry the merchant's access-token secret (`posSecret`) and merchant id (`posAccountId`). */
export type LoadRestaurant = LocalRestaurant;

export type LoadSecrets = {
  /** The demo restaurant first, then `count - 1` more (`extra`, for RuntimeOptions.extraRestaurants). */
  restaurants: LoadRestaurant[];
  extra: LoadRestaurant[];
  /** Everything in local/runtime/secrets.json plus a user token per extra restaurant; LOCAL_SECRETS_FILE points here. */
  secrets: Record<string, Record<string, unknown>>;
  secretsFile: string;
  sinqroSigningSecret: string;
  serverAccessToken: string;
  posApiKey: string;
  userToken: (r: LoadRestaurant) => string;
  /** Removes the temporary secrets file. */
  cleanup: () => void;
};

/**
 * Writes a secrets file for `count` restaurants (ids from `firstId`, locations `loc-<prefix>-<n>`) and
 * points LOCAL_SECRETS_FILE at it, so a runtime started next finds their tokens.
 */
export function loadRestaurants(count: number, prefix: string, firstId = 900_001): LoadSecrets {
  const base = config.restaurants.find((r) => r.posCode === 'reference');
  if (!base) throw new Error('local/runtime/config.json links no restaurant to the reference POS');
  const secrets = JSON.parse(readFileSync(join(__dirname, 'secrets.json'), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  const extra: LoadRestaurant[] = Array.from({ length: count - 1 }, (_, k) => {
    const restaurantId = firstId + k;
    return {
      restaurantId,
      posCode: 'reference',
      posLocationId: `loc-${prefix}-${k + 1}`,
      sinqroTokenSecret: `sinqro-pos-bridge/local/restaurants/${restaurantId}`,
    };
  });
  for (const r of extra) secrets[r.sinqroTokenSecret] = { userAccessToken: `${prefix}-user-token-${r.restaurantId}` };
  const dir = mkdtempSync(join(tmpdir(), `bridge-${prefix}-`));
  const secretsFile = join(dir, 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify(secrets));
  process.env.LOCAL_SECRETS_FILE = secretsFile;
  const sinqro = secrets[config.secretNames.sinqro] as SinqroSecret;
  const sinqroWebhook = secrets[config.secretNames.sinqroWebhook] as WebhookSecret;
  return {
    restaurants: [base, ...extra],
    extra,
    secrets,
    secretsFile,
    sinqroSigningSecret: sinqroWebhook.webhookSigningSecrets[0] as string,
    serverAccessToken: sinqro.serverAccessToken,
    posApiKey: (secrets[config.secretNames.pos.reference] as { apiKey: string }).apiKey,
    userToken: (r) => (secrets[r.sinqroTokenSecret] as { userAccessToken: string }).userAccessToken,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs `run` over the items, at most `concurrency` at once. */
export async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

/** Signs a raw Sinqro envelope as Sinqro does and posts it to the gateway; returns the HTTP status. */
export async function sendSinqroEvent(gatewayUrl: string, signingSecret: string, raw: string): Promise<number> {
  const res = await fetch(`${gatewayUrl}/sinqro/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sinqro-signature': signPayload(signingSecret, raw) },
    body: raw,
  });
  await res.arrayBuffer();
  return res.status;
}
