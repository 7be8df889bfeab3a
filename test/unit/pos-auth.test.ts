/**
 * A POS that refuses the bridge's credential (401/403, Square's AUTHENTICATION_ERROR codes) is a
 * retryable failure with its own type (PosAuthError), never a permanent one: an expired or mis-rotated
 * credential must not fail every order of the merchant. Sinqro's own 401 stays permanent. A Square
 * access token Square calls expired is renewed once and the call made again.
 */
import * as v from 'valibot';
import type { PosCallContext } from '../../adapters/port';
import { ReferencePosClient } from '../../adapters/reference/client';
import { SquareClient } from '../../adapters/square/client';
import * as errors from '../../functions/core/errors';
import { SinqroOrderSchema } from '../../functions/core/sinqro-schemas';
import { call, createHttpClient } from '../../functions/infra/outbound';
import { sampleOrder } from './support/fixtures';
import { startServer, type TestServer } from './support/http-server';

let server: TestServer;

beforeEach(async () => {
  server = await startServer({ status: 200, body: {} });
});

afterEach(async () => {
  await server.close();
});

const link = (posCode: string, posLocationId: string) => ({
  restaurantId: posCode === 'square' ? 5121 : 5120,
  posCode,
  posLocationId,
  sinqroTokenSecret: 's',
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
});

const refContext = (): PosCallContext => ({
  link: link('reference', 'loc-1'),
  secret: { apiKey: 'refpos-api-key' },
  baseUrl: server.url,
  budget: { deadline: Date.now() + 10_000 },
});

const squareContext = (extra: Partial<PosCallContext> = {}): PosCallContext => ({
  link: link('square', 'LOC1'),
  secret: { accessToken: 'EAAA-old' },
  baseUrl: server.url,
  budget: { deadline: Date.now() + 10_000 },
  ...extra,
});

async function failure(promise: Promise<unknown>): Promise<errors.BridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as errors.BridgeError;
  }
  throw new Error('expected a failure');
}

const squareAuthError = (status: number, code: string) => ({
  status,
  body: { errors: [{ category: 'AUTHENTICATION_ERROR', code, detail: `${code} happened` }] },
});

const locationReply = { status: 200, body: { location: { id: 'LOC1', timezone: 'Europe/Madrid' } } };

describe('a POS refusing the credential', () => {
  it.each([401, 403])('reference POS %i: retryable PosAuthError naming the POS, not a permanent failure', async (s) => {
    server.reply({ status: s, body: { error: { code: 'UNAUTHORIZED', message: 'wrong API key' } } });
    const error = await failure(
      new ReferencePosClient(refContext()).injectOrder(v.parse(SinqroOrderSchema, sampleOrder()), 'k'),
    );
    expect(error).toBeInstanceOf(errors.RetryableError);
    expect(error).not.toBeInstanceOf(errors.PermanentError);
    expect(error.name).toBe('PosAuthError');
    expect((error as unknown as { posCode: string }).posCode).toBe('reference');
    expect(error.remote?.status).toBe(s);
  });

  it.each([
    [401, 'UNAUTHORIZED'],
    [401, 'ACCESS_TOKEN_REVOKED'],
    [403, 'INSUFFICIENT_SCOPES'],
    [403, 'FORBIDDEN'],
    // Square files credential problems under AUTHENTICATION_ERROR whatever the status.
    [400, 'CLIENT_DISABLED'],
  ])('Square %i %s: retryable PosAuthError', async (status, code) => {
    server.reply(squareAuthError(status, code));
    const error = await failure(new SquareClient(squareContext()).getOpeningHours());
    expect(error.name).toBe('PosAuthError');
    expect(error).toBeInstanceOf(errors.RetryableError);
    expect(error.remote?.code).toBe(code);
  });

  it("Sinqro's own 401 stays a permanent failure (only POS calls are retried for it)", async () => {
    server.reply({ status: 401, body: { code: 'UNAUTHORIZED', message: 'bad token' } });
    const http = createHttpClient({ prefixUrl: server.url, headers: {}, timeoutMs: 2000 });
    const error = await failure(
      call(http, 'x', { method: 'get', budget: { deadline: Date.now() + 5000 }, timeoutMs: 2000, service: 'sinqro' }),
    );
    expect(error).toBeInstanceOf(errors.PermanentError);
  });
});

describe('Square ACCESS_TOKEN_EXPIRED', () => {
  it('renews the token once and makes the call again with the new one', async () => {
    let renewals = 0;
    const renewCredentials = async () => {
      renewals += 1;
      server.reply(locationReply);
      return { accessToken: 'EAAA-new' };
    };
    server.reply(squareAuthError(401, 'ACCESS_TOKEN_EXPIRED'));
    const hours = await new SquareClient(squareContext({ renewCredentials } as never)).getOpeningHours();
    expect(hours).toBeDefined();
    expect(renewals).toBe(1);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer EAAA-old', 'Bearer EAAA-new']);
  });

  it('a token still refused after the renewal is a PosAuthError, and is renewed only once', async () => {
    let renewals = 0;
    const renewCredentials = async () => {
      renewals += 1;
      return { accessToken: 'EAAA-new' };
    };
    server.reply(squareAuthError(401, 'ACCESS_TOKEN_EXPIRED'));
    const error = await failure(new SquareClient(squareContext({ renewCredentials } as never)).getOpeningHours());
    expect(error.name).toBe('PosAuthError');
    expect(renewals).toBe(1);
    expect(server.requests).toHaveLength(2);
  });
});
