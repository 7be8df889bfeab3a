/**
 * Renewing an expiring POS credential: Square's ObtainToken request and reply, the renewed pair written
 * back to the merchant's secret (atomically in the local file, PutSecretValue deployed), renewal ahead of
 * expiry, and one renewal when two workers find the token expired at once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { squareCredentials } from '../../adapters/square/oauth';
import { PermanentError, PosAuthError } from '../../functions/core/errors';
import { Logger, setLogSink } from '../../functions/infra/logger';
import { getSecret, putSecret } from '../../functions/infra/secrets';
import { type CredentialScope, freshSecret, renewCredential } from '../../functions/pos/credentials';
import { startServer, type TestServer } from './support/http-server';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sm = mockClient(SecretsManagerClient);
const APP = 'bridge/test/pos/square';
const MERCHANT = 'bridge/test/pos/square/MERCHANT1';
const DAY = 86_400_000;
let secrets: SecretsFile;
let square: TestServer;
let logs: string[];

const tokenReply = (accessToken: string) => ({
  status: 200,
  body: {
    access_token: accessToken,
    token_type: 'bearer',
    expires_at: new Date(Date.now() + 30 * DAY).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    merchant_id: 'MERCHANT1',
    refresh_token: 'EQAA-refresh',
    short_lived: false,
  },
});

const merchantSecret = (expiresInMs: number, accessToken = 'EAAA-old') => ({
  accessToken,
  refreshToken: 'EQAA-refresh',
  expiresAt: new Date(Date.now() + expiresInMs).toISOString(),
});

beforeEach(async () => {
  logs = [];
  setLogSink((line) => logs.push(line));
  square = await startServer(tokenReply('EAAA-new'));
  secrets = useSecretsFile();
  secrets.write({
    [APP]: { applicationId: 'sq0idp-app', applicationSecret: 'sq0csp-secret' },
    [MERCHANT]: merchantSecret(20 * DAY),
    other: { untouched: true },
  });
  Object.assign(process.env, { TABLE_NAME: 'bridge-test-table', POS_SECRET_NAME_SQUARE: APP });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

afterEach(async () => {
  ddb.reset();
  sm.reset();
  secrets.remove();
  delete process.env.TABLE_NAME;
  delete process.env.POS_SECRET_NAME_SQUARE;
  delete process.env.CREDENTIAL_RENEW_MARGIN_MINUTES;
  await square.close();
});

const scope = (): CredentialScope => ({
  credentials: squareCredentials,
  posCode: 'square',
  link: {
    restaurantId: 5121,
    posCode: 'square',
    posLocationId: 'LOC1',
    posSecret: MERCHANT,
    sinqroTokenSecret: 's',
    enabled: true,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  secretName: MERCHANT,
  baseUrl: square.url,
  budget: { deadline: Date.now() + 20_000 },
  logger: new Logger('square-worker'),
});

const stored = () => JSON.parse(readFileSync(process.env.LOCAL_SECRETS_FILE as string, 'utf8'));
/** The merchant's secret as the file holds it (what a worker read). */
const given = (secret: ReturnType<typeof merchantSecret>) => {
  secrets.write({ ...stored(), [MERCHANT]: secret });
  return secret;
};

describe('Square ObtainToken (refresh_token grant)', () => {
  it("sends the application's id and secret with the merchant's refresh token, and keeps the new pair", async () => {
    const renewed = await squareCredentials.renew({
      secret: merchantSecret(DAY / 2),
      appSecret: { applicationId: 'sq0idp-app', applicationSecret: 'sq0csp-secret' },
      baseUrl: square.url,
      budget: { deadline: Date.now() + 10_000 },
      posCode: 'square',
    });
    expect(square.requests).toHaveLength(1);
    expect(square.requests[0]?.method).toBe('POST');
    expect(square.requests[0]?.url).toBe('/oauth2/token');
    expect(square.requests[0]?.headers.authorization).toBeUndefined();
    expect(JSON.parse(square.requests[0]?.body ?? '')).toEqual({
      client_id: 'sq0idp-app',
      client_secret: 'sq0csp-secret',
      grant_type: 'refresh_token',
      refresh_token: 'EQAA-refresh',
    });
    expect(renewed).toMatchObject({ accessToken: 'EAAA-new', refreshToken: 'EQAA-refresh' });
    expect(Date.parse(renewed.expiresAt as string)).toBeGreaterThan(Date.now() + 29 * DAY);
  });

  it('a refused renewal (revoked refresh token) is a PosAuthError: the orders wait, none fails', async () => {
    square.reply({
      status: 400,
      body: { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'INVALID_VALUE', detail: 'refresh token revoked' }] },
    });
    const error = await renewCredential(scope(), given(merchantSecret(-1000)), 'expired').catch((e) => e);
    expect(error).toBeInstanceOf(PosAuthError);
    expect(error).not.toBeInstanceOf(PermanentError);
    expect(stored()[MERCHANT].accessToken).toBe('EAAA-old');
  });

  it('without the application id and secret nothing is asked, and the error is retried with an alarm', async () => {
    const expired = merchantSecret(-1000);
    secrets.write({ [APP]: {}, [MERCHANT]: expired });
    const error = await renewCredential(scope(), expired, 'expired').catch((e) => e);
    expect(error).toBeInstanceOf(PosAuthError);
    expect(square.requests).toHaveLength(0);
  });
});

describe('renewal', () => {
  it('renewed and stored when less than the margin (a day) is left; the logs hold no token', async () => {
    const current = given(merchantSecret(DAY / 2));
    const used = await freshSecret(scope(), current);
    expect(used.accessToken).toBe('EAAA-new');
    expect(stored()[MERCHANT]).toMatchObject({ accessToken: 'EAAA-new', refreshToken: 'EQAA-refresh' });
    expect(stored().other).toEqual({ untouched: true });
    await expect(getSecret(MERCHANT)).resolves.toMatchObject({ accessToken: 'EAAA-new' });
    expect(logs.join('\n')).not.toMatch(/EAAA-|EQAA-|sq0csp/);
  });

  it('not renewed while more than the margin is left (CREDENTIAL_RENEW_MARGIN_MINUTES sets it)', async () => {
    const current = given(merchantSecret(2 * DAY));
    expect(await freshSecret(scope(), current)).toBe(current);
    process.env.CREDENTIAL_RENEW_MARGIN_MINUTES = String(3 * 24 * 60);
    expect((await freshSecret(scope(), current)).accessToken).toBe('EAAA-new');
  });

  it('a renewal that fails before expiry leaves the current token in use', async () => {
    square.reply({ status: 503, body: {} });
    const current = given(merchantSecret(DAY / 2));
    expect(await freshSecret(scope(), current)).toBe(current);
  });

  it('two workers finding the token expired at once: one renewal, both use the new token', async () => {
    const current = given(merchantSecret(20 * DAY));
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    const [a, b] = await Promise.all([
      renewCredential(scope(), current, 'expired'),
      renewCredential(scope(), current, 'expired'),
    ]);
    expect(square.requests).toHaveLength(1);
    expect([a.accessToken, b.accessToken]).toEqual(['EAAA-new', 'EAAA-new']);
    const lease = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(lease?.Item).toMatchObject({ PK: `POSCRED#${MERCHANT}`, SK: 'LEASE' });
    expect(lease?.ConditionExpression).toBe('attribute_not_exists(PK) OR leaseUntil < :now');
  });

  it('a token another worker renewed meanwhile is used, not renewed again', async () => {
    secrets.write({ ...stored(), [MERCHANT]: merchantSecret(30 * DAY, 'EAAA-renewed-elsewhere') });
    const used = await renewCredential(scope(), merchantSecret(20 * DAY), 'expired');
    expect(used.accessToken).toBe('EAAA-renewed-elsewhere');
    expect(square.requests).toHaveLength(0);
  });
});

describe('putSecret', () => {
  it('locally replaces the one entry of the file by renaming a complete temporary file over it', async () => {
    await putSecret('other', { v: 2 });
    expect(stored().other).toEqual({ v: 2 });
    expect(stored()[APP].applicationId).toBe('sq0idp-app');
    const dir = dirname(process.env.LOCAL_SECRETS_FILE as string);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    expect(existsSync(process.env.LOCAL_SECRETS_FILE as string)).toBe(true);
  });

  it('deployed, stores the new JSON value with PutSecretValue', async () => {
    const file = process.env.LOCAL_SECRETS_FILE;
    delete process.env.LOCAL_SECRETS_FILE;
    try {
      sm.on(PutSecretValueCommand).resolves({});
      await putSecret(MERCHANT, { accessToken: 'EAAA-new' });
      expect(sm.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input)).toEqual([
        { SecretId: MERCHANT, SecretString: JSON.stringify({ accessToken: 'EAAA-new' }) },
      ]);
    } finally {
      process.env.LOCAL_SECRETS_FILE = file;
    }
  });
});
