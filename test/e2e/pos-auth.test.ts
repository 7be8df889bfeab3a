/**
 * A POS refusing the bridge's credential through the local runtime: the order waits (SQS retries) and is
 * injected once the credential works again, never FAILED, and Sinqro never hears `pos_integration_failed`.
 * Square's OAuth access token, expired or about to expire, is renewed with the stored refresh token
 * (ObtainToken) and the new pair written back to the merchant's secret.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO_SQUARE_RESTAURANT, demoOrder, demoSquareOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);

const MERCHANT_SECRET = 'sinqro-pos-bridge/local/pos/square/MLSIMSINQRO01';
const REF_API_KEY = 'demo-reference-pos-api-key';
const dir = mkdtempSync(join(tmpdir(), 'bridge-posauth-'));
const secretsFile = join(dir, 'secrets.json');
const given = process.env.LOCAL_SECRETS_FILE;
let h: Harness;
let secrets: typeof import('../../functions/infra/secrets');

type Merchant = { accessToken: string; refreshToken?: string; expiresAt?: string };
const readSecrets = (): Record<string, Record<string, unknown>> => JSON.parse(readFileSync(secretsFile, 'utf8'));
const merchant = (): Merchant => readSecrets()[MERCHANT_SECRET] as Merchant;
const writeMerchant = (next: Merchant) => {
  const all = readSecrets();
  all[MERCHANT_SECRET] = next as never;
  writeFileSync(secretsFile, JSON.stringify(all, null, 2));
  secrets.clearSecretCache();
};

beforeAll(async () => {
  // The bridge writes renewed tokens into the secrets file: a copy, never the repository's demo file.
  copyFileSync(resolve(__dirname, '../../local/runtime/secrets.json'), secretsFile);
  process.env.LOCAL_SECRETS_FILE = secretsFile;
  const all = readSecrets();
  all[MERCHANT_SECRET] = {
    ...all[MERCHANT_SECRET],
    refreshToken: 'EQAA-demo-refresh-token',
    expiresAt: new Date(Date.now() + 20 * 86_400_000).toISOString(),
  };
  writeFileSync(secretsFile, JSON.stringify(all, null, 2));
  h = await startHarness(2); // visibility 2 s: retries come quickly
  secrets = await import('../../functions/infra/secrets');
});
afterAll(async () => {
  await h.rt.stop();
  if (given === undefined) delete process.env.LOCAL_SECRETS_FILE;
  else process.env.LOCAL_SECRETS_FILE = given;
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  h.rt.referencePos.faults.set({});
  h.rt.squarePos.faults.set({});
});

const posOrdersFor = (id: number) =>
  [...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id));
const squareOrdersFor = (id: number) =>
  [...h.rt.squarePos.orders.orders.values()].filter((o) => o.reference_id === String(id));
const tokenCalls = () => h.rt.squarePos.requests.filter((r) => r.path === '/oauth2/token');

async function orderState(id: number) {
  const { getOrder } = await import('../../functions/store/orders');
  return getOrder('order', id);
}

test('a POS answering 401 for a while: the order waits and is injected once the credential works again', async () => {
  const id = h.nextId();
  h.rt.referencePos.faults.set({ credentialsRejectedUntil: Date.now() + 3000 });
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const state = await waitFor(
    'the order to leave RECEIVED',
    async () => {
      const s = await orderState(id);
      return s && s.status !== 'RECEIVED' ? s : undefined;
    },
    30_000,
  );
  expect(state.status).toBe('INJECTED');
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  expect(posOrdersFor(id)).toHaveLength(1);
  expect(h.rt.referencePos.faults.counts['credential-rejected-401']).toBeGreaterThan(0);
  expect(h.sinqroStatuses(id)).not.toContain('pos_integration_failed');
  // One clear line naming the restaurant and the POS (never the key), and the alarmed metric.
  expect(h.logs.some((l) => l.includes('POS refused the credential') && l.includes('restaurantId=5120'))).toBe(true);
  expect(h.logs.some((l) => l.includes('[metric] PosAuthFailures=1 PosCode=reference'))).toBe(true);
  expect(h.logs.some((l) => l.includes(REF_API_KEY))).toBe(false);
});

test('Square: an access token Square calls expired is renewed, the call made again, the new pair stored', async () => {
  const before = merchant();
  const expire = await fetch(`${h.rt.urls.squarePos}/_sim/oauth/expire`, { method: 'POST', body: '{}' });
  expect(expire.status).toBe(200);
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoSquareOrder(id), DEMO_SQUARE_RESTAURANT));
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 30_000);
  expect(squareOrdersFor(id)).toHaveLength(1);
  expect(h.sinqroStatuses(id)).not.toContain('pos_integration_failed');
  const refused = h.rt.squarePos.requests.filter((r) => r.status === 401 && r.path.startsWith('/v2/'));
  expect(refused.length).toBeGreaterThan(0);
  expect(tokenCalls()).toHaveLength(1);
  expect(tokenCalls()[0]?.body).toMatchObject({ grant_type: 'refresh_token', client_id: expect.any(String) });
  const after = merchant();
  expect(after.accessToken).not.toBe(before.accessToken);
  expect(after.refreshToken).toBe(before.refreshToken);
  expect(Date.parse(after.expiresAt as string)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  expect(h.logs.some((l) => l.includes(after.accessToken) || l.includes(before.refreshToken as string))).toBe(false);
});

test('Square: a token about to expire is renewed before the call, so Square never refuses it', async () => {
  writeMerchant({ ...merchant(), expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const tokensBefore = tokenCalls().length;
  const refusedBefore = h.rt.squarePos.requests.filter((r) => r.status === 401).length;
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoSquareOrder(id), DEMO_SQUARE_RESTAURANT));
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 30_000);
  expect(tokenCalls()).toHaveLength(tokensBefore + 1);
  expect(h.rt.squarePos.requests.filter((r) => r.status === 401)).toHaveLength(refusedBefore);
  expect(Date.parse(merchant().expiresAt as string)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
});

test('Square: every call refused for a while (a mis-rotated credential): nothing FAILED, injected afterwards', async () => {
  const id = h.nextId();
  h.rt.squarePos.faults.set({ credentialsRejectedUntil: Date.now() + 3000 });
  await h.sendEvent(envelope('order.created', demoSquareOrder(id), DEMO_SQUARE_RESTAURANT));
  const state = await waitFor(
    'the order to leave RECEIVED',
    async () => {
      const s = await orderState(id);
      return s && s.status !== 'RECEIVED' ? s : undefined;
    },
    30_000,
  );
  expect(state.status).toBe('INJECTED');
  expect(squareOrdersFor(id)).toHaveLength(1);
  expect(h.rt.squarePos.faults.counts['credential-rejected-401']).toBeGreaterThan(0);
  expect(h.sinqroStatuses(id)).not.toContain('pos_integration_failed');
});
