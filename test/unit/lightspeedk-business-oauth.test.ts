/**
 * One K-Series OAuth grant for a business with several linked locations: each location's secret names the
 * business's OAuth secret (`oauthSecret`), so the pair is read, renewed under one lease and written back
 * in that one secret. A renewal made for one location is used by the others, two locations renewing at
 * once spend the single-use refresh token once, and a location secret holding its own pair works as before.
 * Against the K-Series simulator (its /oauth/token refuses a spent refresh token), with the credential
 * lease's real condition evaluated on an in-memory table.
 */
import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { lightspeedKAdapter } from '../../adapters/lightspeed-k';
import { PosAuthError } from '../../functions/core/errors';
import { Logger, setLogSink } from '../../functions/infra/logger';
import { posClient } from '../../functions/pos/client';
import { clearLinkCache } from '../../functions/store/link-cache';
import { type LightspeedKSim, startLightspeedKSim } from '../../local/sims/lightspeed-k/server';
import { evaluateCondition } from './support/condition-eval';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

jest.setTimeout(30_000);

const ddb = mockClient(DynamoDBDocumentClient);
const APP = 'bridge/test/pos/lightspeedk';
const BUSINESS_ID = 9001;
const BUSINESS = `${APP}/business/${BUSINESS_ID}`;
const A = { restaurantId: 7101, location: 900101, secret: `${APP}/900101` };
const B = { restaurantId: 7102, location: 900102, secret: `${APP}/900102` };
const MIN = 60_000;

let sim: LightspeedKSim;
let secrets: SecretsFile;
let logs: string[];
let table: Map<string, Record<string, unknown>>;

const pair = (expiresInMs: number) => ({
  accessToken: 'biz-access-1',
  refreshToken: 'biz-refresh-1',
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
});
const locationSecret = (location: number, extra: Record<string, unknown> = { oauthSecret: BUSINESS }) => ({
  endpointId: `SINQRO-${location}`,
  paymentMethod: `PM-${location}`,
  ...extra,
});
const link = (r: typeof A) => ({
  PK: `REST#${r.restaurantId}`,
  SK: 'LINK',
  restaurantId: r.restaurantId,
  posCode: 'lightspeedk',
  posLocationId: String(r.location),
  posSecret: r.secret,
  sinqroTokenSecret: `bridge/test/restaurants/${r.restaurantId}`,
});
const stored = () => JSON.parse(readFileSync(process.env.LOCAL_SECRETS_FILE as string, 'utf8'));
const tokenCalls = () => sim.requests.filter((r) => r.operationId === 'oauthToken');
const keyOf = (key: Record<string, unknown>) => `${key.PK}|${key.SK}`;
const clientFor = (r: typeof A) =>
  posClient(r.restaurantId, {
    adapter: lightspeedKAdapter,
    budget: { deadline: Date.now() + 20_000 },
    logger: new Logger('lightspeedk-worker'),
  });

beforeAll(async () => {
  sim = await startLightspeedKSim({
    port: 0,
    clientId: 'lsk-client-id',
    clientSecret: 'lsk-client-secret',
    businesses: [
      {
        businessId: BUSINESS_ID,
        name: 'Two-location business',
        accessToken: 'biz-access-1',
        refreshToken: 'biz-refresh-1',
        locations: [
          { id: A.location, name: 'Centre' },
          { id: B.location, name: 'Harbour' },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await sim.close();
});

beforeEach(() => {
  logs = [];
  setLogSink((line) => logs.push(line));
  sim.reset();
  clearLinkCache();
  secrets = useSecretsFile();
  Object.assign(process.env, {
    TABLE_NAME: 'bridge-test-table',
    POS_SECRET_NAME_LIGHTSPEEDK: APP,
    POS_BASE_URL_LIGHTSPEEDK: sim.url,
  });
  table = new Map([
    [keyOf(link(A)), link(A)],
    [keyOf(link(B)), link(B)],
  ]);
  ddb.on(GetCommand).callsFake((input) => ({ Item: table.get(keyOf(input.Key)) }));
  // The credential lease as DynamoDB would hold it: its real conditions, on the in-memory table.
  ddb.on(PutCommand).callsFake((input) => {
    const key = keyOf(input.Item);
    const scope = { item: table.get(key), names: {}, values: input.ExpressionAttributeValues ?? {} };
    if (input.ConditionExpression && !evaluateCondition(input.ConditionExpression, scope))
      throw new ConditionalCheckFailedException({ message: 'held', $metadata: {} });
    table.set(key, input.Item);
    return {};
  });
  ddb.on(UpdateCommand).callsFake((input) => {
    const key = keyOf(input.Key);
    const item = table.get(key);
    const scope = { item, names: input.ExpressionAttributeNames ?? {}, values: input.ExpressionAttributeValues ?? {} };
    if (!item || (input.ConditionExpression && !evaluateCondition(input.ConditionExpression, scope)))
      throw new ConditionalCheckFailedException({ message: 'not the owner', $metadata: {} });
    table.set(key, { ...item, leaseUntil: 0 });
    return {};
  });
});

afterEach(() => {
  ddb.reset();
  secrets.remove();
  delete process.env.TABLE_NAME;
  delete process.env.POS_SECRET_NAME_LIGHTSPEEDK;
  delete process.env.POS_BASE_URL_LIGHTSPEEDK;
});

const givenBusinessPair = (expiresInMs: number) =>
  secrets.write({
    [APP]: { clientId: 'lsk-client-id', clientSecret: 'lsk-client-secret' },
    [BUSINESS]: pair(expiresInMs),
    [A.secret]: locationSecret(A.location),
    [B.secret]: locationSecret(B.location),
  });

describe('two locations naming one business OAuth secret', () => {
  it('a renewal made for location A is used by location B: one call to /oauth/token, the pair kept in the business secret', async () => {
    givenBusinessPair(2 * MIN);
    expect(await (await clientFor(A)).getAvailability?.()).toBeDefined();
    expect(await (await clientFor(B)).getAvailability?.()).toBeDefined();

    expect(tokenCalls()).toHaveLength(1);
    expect(sim.oauth.reusedRefreshTokens).toBe(0);
    const after = stored();
    expect(after[BUSINESS].refreshToken).not.toBe('biz-refresh-1');
    expect(Date.parse(after[BUSINESS].expiresAt)).toBeGreaterThan(Date.now() + 55 * MIN);
    // The locations keep their settings only: no copy of the pair to go stale.
    expect(after[A.secret]).toEqual(locationSecret(A.location));
    expect(after[B.secret]).toEqual(locationSecret(B.location));
    // One lease, the business secret's.
    expect([...table.keys()].filter((k) => k.startsWith('POSCRED#'))).toEqual([`POSCRED#${BUSINESS}|LEASE`]);
    expect(logs.join('\n')).not.toMatch(/biz-(access|refresh)-|lsk-client-secret/);
  });

  it('the client gets the location’s settings with the business’s token', async () => {
    givenBusinessPair(50 * MIN);
    await (await clientFor(B)).getAvailability?.();
    const readiness = sim.requests.find((r) => r.operationId !== 'oauthToken');
    expect(readiness?.query.businessLocationId).toEqual([String(B.location)]);
    expect(tokenCalls()).toHaveLength(0);
  });

  it('both locations renewing at once (the token about to lapse) spend the refresh token once', async () => {
    givenBusinessPair(2 * MIN);
    const results = await Promise.all([clientFor(A), clientFor(B)].map(async (c) => (await c).getAvailability?.()));
    expect(results).toHaveLength(2);
    expect(tokenCalls()).toHaveLength(1);
    expect(sim.oauth.reusedRefreshTokens).toBe(0);
  });

  it('both locations told by K-Series that the token expired (401) at once: one renewal, both calls made again', async () => {
    givenBusinessPair(50 * MIN);
    const [a, b] = await Promise.all([clientFor(A), clientFor(B)]);
    sim.oauth.expireAll();
    const results = await Promise.all([a.getAvailability?.(), b.getAvailability?.()]);
    expect(results).toHaveLength(2);
    expect(tokenCalls()).toHaveLength(1);
    expect(sim.oauth.reusedRefreshTokens).toBe(0);
  });

  it('an oauthSecret outside the adapter’s merchant secrets is refused as a credential problem, nothing is called', async () => {
    givenBusinessPair(2 * MIN);
    secrets.write({
      ...stored(),
      [A.secret]: locationSecret(A.location, { oauthSecret: 'bridge/test/pos/square/MERCHANT1' }),
    });
    await expect(clientFor(A)).rejects.toBeInstanceOf(PosAuthError);
    expect(sim.requests).toHaveLength(0);
  });
});

describe('a location secret holding its own pair (no oauthSecret)', () => {
  it('is renewed and written back in the location’s secret under its own lease, as before', async () => {
    secrets.write({
      [APP]: { clientId: 'lsk-client-id', clientSecret: 'lsk-client-secret' },
      [A.secret]: locationSecret(A.location, pair(2 * MIN)),
    });
    expect(await (await clientFor(A)).getAvailability?.()).toBeDefined();
    expect(tokenCalls()).toHaveLength(1);
    const after = stored()[A.secret];
    expect(after).toMatchObject({ endpointId: `SINQRO-${A.location}`, paymentMethod: `PM-${A.location}` });
    expect(after.refreshToken).not.toBe('biz-refresh-1');
    expect([...table.keys()].filter((k) => k.startsWith('POSCRED#'))).toEqual([`POSCRED#${A.secret}|LEASE`]);
  });
});
