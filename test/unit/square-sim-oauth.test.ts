/**
 * The Square simulator's OAuth over real HTTP: ObtainToken (`POST /oauth2/token`, refresh_token grant)
 * checks the request as `ObtainTokenRequest` and the application's credentials, answers as
 * `ObtainTokenResponse`, never records the secrets; `/_sim/oauth/expire` makes the API answer
 * ACCESS_TOKEN_EXPIRED; the credential fault answers 401 for a while.
 */
import { type SquareSim, startSquareSim } from '../../local/sims/square/server';

const TOKEN = 'sim-access-token';
let sim: SquareSim;

beforeEach(async () => {
  sim = await startSquareSim({
    accessToken: TOKEN,
    refreshToken: 'EQAA-sim-refresh',
    applicationId: 'sq0idp-app',
    applicationSecret: 'sq0csp-secret',
    merchantId: 'MSIM0001',
    signatureKey: 'k',
    webhookUrl: 'http://127.0.0.1:9/unused',
    webhooks: { orders: false, catalog: false, locations: false },
  });
});

afterEach(async () => {
  await sim.close();
});

// biome-ignore lint/suspicious/noExplicitAny: replies are read ad hoc.
async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<[number, any]> {
  const res = await fetch(`${sim.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return [res.status, await res.json()];
}
// biome-ignore lint/suspicious/noExplicitAny: replies are read ad hoc.
const locations = async (token: string): Promise<[number, any]> => {
  const res = await fetch(`${sim.url}/v2/locations`, { headers: { authorization: `Bearer ${token}` } });
  return [res.status, await res.json()];
};
const grant = (extra: Record<string, unknown> = {}) => ({
  client_id: 'sq0idp-app',
  client_secret: 'sq0csp-secret',
  grant_type: 'refresh_token',
  refresh_token: 'EQAA-sim-refresh',
  ...extra,
});

test('a refresh issues a new 30-day access token and returns the same refresh token; secrets are not recorded', async () => {
  const [status, reply] = await post('/oauth2/token', grant());
  expect(status).toBe(200);
  expect(reply).toEqual({
    access_token: expect.stringMatching(/^EAAA/),
    token_type: 'bearer',
    expires_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
    merchant_id: 'MSIM0001',
    refresh_token: 'EQAA-sim-refresh',
    short_lived: false,
  });
  expect(Date.parse(reply.expires_at)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
  expect((await locations(reply.access_token))[0]).toBe(200);
  const recorded = JSON.stringify(sim.requests.filter((r) => r.path === '/oauth2/token'));
  expect(recorded).toContain('"grant_type":"refresh_token"');
  expect(recorded).not.toMatch(/sq0csp-secret|EQAA-sim-refresh/);
});

test.each([
  ['no client_id', { client_id: undefined }, 400, 'MISSING_REQUIRED_PARAMETER', 'client_id'],
  ['no grant_type', { grant_type: undefined }, 400, 'MISSING_REQUIRED_PARAMETER', 'grant_type'],
  ['no refresh_token', { refresh_token: undefined }, 400, 'MISSING_REQUIRED_PARAMETER', 'refresh_token'],
  ['a short grant_type', { grant_type: 'short' }, 400, 'VALUE_TOO_SHORT', 'grant_type'],
  ['a short client_secret', { client_secret: 'x' }, 400, 'VALUE_TOO_SHORT', 'client_secret'],
  ['a wrong client_secret', { client_secret: 'sq0csp-wrong' }, 401, 'UNAUTHORIZED', undefined],
  ['an unknown refresh_token', { refresh_token: 'EQAA-revoked' }, 401, 'UNAUTHORIZED', undefined],
])("%s is refused with Square's error", async (_what, change, status, code, field) => {
  const [answered, reply] = await post('/oauth2/token', grant(change));
  expect(answered).toBe(status);
  expect(reply.errors[0]).toMatchObject({ code, ...(field ? { field } : {}) });
});

test('an expired access token answers 401 ACCESS_TOKEN_EXPIRED until it is refreshed', async () => {
  await post('/_sim/oauth/expire', {});
  const [status, reply] = await locations(TOKEN);
  expect(status).toBe(401);
  expect(reply.errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'ACCESS_TOKEN_EXPIRED' });
  const [, renewed] = await post('/oauth2/token', grant());
  expect((await locations(renewed.access_token))[0]).toBe(200);
  sim.reset();
  expect((await locations(TOKEN))[0]).toBe(200);
});

test('the credential fault answers every call 401 AUTHENTICATION_ERROR until its time, then serves again', async () => {
  sim.faults.set({ credentialsRejectedUntil: Date.now() + 60_000 });
  const [status, reply] = await locations(TOKEN);
  expect(status).toBe(401);
  expect(reply.errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' });
  expect(sim.faults.counts['credential-rejected-401']).toBe(1);
  sim.faults.set({ credentialsRejectedUntil: Date.now() - 1 });
  expect((await locations(TOKEN))[0]).toBe(200);
});

test('a credential window no call fell in still refuses the first call after it, and only that one', async () => {
  sim.faults.set({ credentialsRejectedUntil: Date.now() + 20 });
  await new Promise((resolve) => setTimeout(resolve, 40));
  expect((await locations(TOKEN))[0]).toBe(401);
  expect((await locations(TOKEN))[0]).toBe(200);
});

test('an outage no call fell in still answers the first call after it 503, and only that one', async () => {
  sim.faults.set({ downUntil: Date.now() + 20 });
  await new Promise((resolve) => setTimeout(resolve, 40));
  expect((await locations(TOKEN))[0]).toBe(503);
  expect(sim.faults.counts['outage-503']).toBe(1);
  expect((await locations(TOKEN))[0]).toBe(200);
});

test('with eachRateFaultOnce, each rate fault is injected once even when the dice never say so', async () => {
  const random = jest.spyOn(Math, 'random').mockReturnValue(0.99);
  try {
    sim.faults.set({ rateLimitRate: 0.01, errorRate: 0.01, eachRateFaultOnce: true });
    expect((await locations(TOKEN))[0]).toBe(429);
    expect((await locations(TOKEN))[0]).toBe(500);
    expect((await locations(TOKEN))[0]).toBe(200);
  } finally {
    random.mockRestore();
  }
});
