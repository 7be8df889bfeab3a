/**
 * K-Series token renewal: the refresh_token grant at /oauth/token, the new single-use refresh token
 * written back before anything else can use the spent one, renewal five minutes ahead of the hour,
 * one renewal when two workers need one, and a renewed pair whose first write fails written again.
 */
import { readFileSync } from 'node:fs';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LSK_RENEW_MARGIN_MS, lskCredentials } from '../../adapters/lightspeed-k/oauth';
import { PosAuthError } from '../../functions/core/errors';
import { Logger, setLogSink } from '../../functions/infra/logger';
import * as secretsModule from '../../functions/infra/secrets';
import { type CredentialScope, freshSecret, renewCredential } from '../../functions/pos/credentials';
import { startServer, type TestServer } from './support/http-server';
import {
  LSK_ACCOUNT_SECRET_NAME,
  LSK_APP_SECRET_NAME,
  lskAccountSecret,
  lskAppSecret,
  lskLinkItem,
} from './support/lightspeedk';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
let secrets: SecretsFile;
let lsk: TestServer;
let logs: string[];
const MIN = 60_000;

const tokenReply = (n: number) => ({
  status: 200,
  body: {
    access_token: `lsk-access-token-${n}`,
    token_type: 'bearer',
    expires_in: 3600,
    refresh_token: `lsk-refresh-token-${n}`,
    refresh_expires_in: 1_209_600,
    scope: 'orders-api reservation-SINQRO',
  },
});

beforeEach(async () => {
  logs = [];
  setLogSink((line) => logs.push(line));
  lsk = await startServer(tokenReply(2));
  secrets = useSecretsFile();
  secrets.write({ [LSK_APP_SECRET_NAME]: lskAppSecret(), [LSK_ACCOUNT_SECRET_NAME]: lskAccountSecret() });
  Object.assign(process.env, { TABLE_NAME: 'bridge-test-table', POS_SECRET_NAME_LIGHTSPEEDK: LSK_APP_SECRET_NAME });
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
});

afterEach(async () => {
  jest.restoreAllMocks();
  ddb.reset();
  secrets.remove();
  delete process.env.TABLE_NAME;
  delete process.env.POS_SECRET_NAME_LIGHTSPEEDK;
  await lsk.close();
});

const scope = (): CredentialScope => ({
  credentials: lskCredentials,
  posCode: 'lightspeedk',
  link: lskLinkItem() as unknown as CredentialScope['link'],
  secretName: LSK_ACCOUNT_SECRET_NAME,
  baseUrl: lsk.url,
  budget: { deadline: Date.now() + 20_000 },
  logger: new Logger('lightspeedk-worker'),
});
const stored = () => JSON.parse(readFileSync(process.env.LOCAL_SECRETS_FILE as string, 'utf8'));
/** The business's secret as the file holds it (what a worker read), expiring in `ms`. */
const given = (ms: number) => {
  const secret = lskAccountSecret({ expiresAt: new Date(Date.now() + ms).toISOString() });
  secrets.write({ ...stored(), [LSK_ACCOUNT_SECRET_NAME]: secret });
  return secret;
};

describe('the refresh_token grant', () => {
  it('posts the refresh token form-encoded, the application in Basic, and keeps the new pair and its expiry', async () => {
    const before = Date.now();
    const renewed = await lskCredentials.renew({
      secret: lskAccountSecret(),
      appSecret: lskAppSecret(),
      baseUrl: lsk.url,
      budget: { deadline: Date.now() + 10_000 },
      posCode: 'lightspeedk',
    });
    const [request] = lsk.requests;
    expect(`${request?.method} ${request?.url}`).toBe('POST /oauth/token');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from('lsk-client-id:lsk-client-secret').toString('base64')}`,
    );
    expect(request?.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'lsk-refresh-token-1',
    });
    expect(renewed).toMatchObject({
      accessToken: 'lsk-access-token-2',
      refreshToken: 'lsk-refresh-token-2',
      endpointId: 'SINQRO-247158188015618',
    });
    const expiresAt = Date.parse(renewed.expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it('a spent or revoked refresh token (400 invalid_grant) is a refused credential: orders wait, none fails', async () => {
    lsk.reply({ status: 400, body: { error: 'invalid_grant', error_description: 'Token is not active' } });
    const renewal = lskCredentials.renew({
      secret: lskAccountSecret(),
      appSecret: lskAppSecret(),
      baseUrl: lsk.url,
      budget: { deadline: Date.now() + 10_000 },
      posCode: 'lightspeedk',
    });
    await expect(renewal).rejects.toBeInstanceOf(PosAuthError);
    await expect(renewal).rejects.toMatchObject({ remote: { status: 400, code: 'INVALID_GRANT' } });
  });

  it('without the application’s client id and secret nothing is asked', async () => {
    const renewal = lskCredentials.renew({
      secret: lskAccountSecret(),
      appSecret: { webhookSigningSecrets: [] },
      baseUrl: lsk.url,
      budget: { deadline: Date.now() + 10_000 },
      posCode: 'lightspeedk',
    });
    await expect(renewal).rejects.toBeInstanceOf(PosAuthError);
    expect(lsk.requests).toHaveLength(0);
  });
});

describe('renewal of an hour-long token', () => {
  it('is not renewed with 50 minutes left, though the stage’s margin is a day', async () => {
    const current = given(50 * MIN);
    expect(await freshSecret(scope(), current)).toBe(current);
    expect(lsk.requests).toHaveLength(0);
  });

  it('is renewed with less than five minutes left, and the new pair written back; the logs hold no token', async () => {
    expect(LSK_RENEW_MARGIN_MS).toBe(5 * MIN);
    const used = await freshSecret(scope(), given(4 * MIN));
    expect(used.accessToken).toBe('lsk-access-token-2');
    expect(stored()[LSK_ACCOUNT_SECRET_NAME]).toMatchObject({
      accessToken: 'lsk-access-token-2',
      refreshToken: 'lsk-refresh-token-2',
    });
    expect(logs.join('\n')).not.toMatch(/lsk-(access|refresh)-token|lsk-client-secret/);
  });

  it('two workers needing it at once: one renewal (a second would spend the used refresh token), both get the new pair', async () => {
    const current = given(50 * MIN);
    ddb
      .on(PutCommand)
      .resolvesOnce({})
      .rejects(new ConditionalCheckFailedException({ message: 'held', $metadata: {} }));
    const [a, b] = await Promise.all([
      renewCredential(scope(), current, 'expired'),
      renewCredential(scope(), current, 'expired'),
    ]);
    expect(lsk.requests).toHaveLength(1);
    expect([a.refreshToken, b.refreshToken]).toEqual(['lsk-refresh-token-2', 'lsk-refresh-token-2']);
  });

  it('a renewed pair whose first write fails is written again: the spent refresh token is never the only one kept', async () => {
    const current = given(2 * MIN);
    const put = jest.spyOn(secretsModule, 'putSecret');
    put.mockRejectedValueOnce(new Error('ThrottlingException'));
    const used = await renewCredential(scope(), current, 'expiring');
    expect(used.refreshToken).toBe('lsk-refresh-token-2');
    expect(put).toHaveBeenCalledTimes(2);
    expect(stored()[LSK_ACCOUNT_SECRET_NAME].refreshToken).toBe('lsk-refresh-token-2');
    expect(lsk.requests).toHaveLength(1);
  });
});
