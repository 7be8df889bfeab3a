/** What the K-Series tests share: the demo account's ids and secrets, its link, the spec fixtures, a router. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedRequest, Reply } from './http-server';

/** The business location of the spec's webhook examples. */
export const LSK_LOCATION = '247158188015618';
export const LSK_RESTAURANT = 5122;
export const LSK_APP_SECRET_NAME = 'bridge/test/pos/lightspeedk';
export const LSK_ACCOUNT_SECRET_NAME = 'bridge/test/pos/lightspeedk/247158188015618';
export const LSK_WEBHOOK_SECRET_NAME = 'bridge/test/webhooks/pos/lightspeedk';
export const LSK_ACCOUNT_WEBHOOK_SECRET_NAME = 'bridge/test/webhooks/pos/lightspeedk/247158188015618';
export const LSK_PATH_TOKEN = 'pT0k3n-of-the-demo-account-0123456789';
export const LSK_PASSWORD = 'the-basic-auth-password-of-the-demo-account';
export const LSK_PLATFORM_PATH_TOKEN = 'pLatf0rm-path-token-0123456789abcdef';
export const LSK_PLATFORM_BEARER = 'the-platform-bearer-token-0123456789abcdef';
export const LSK_ENDPOINT_ID = 'SINQRO-247158188015618';

/** The adapter's API secret: the OAuth application. */
export const lskAppSecret = () => ({ clientId: 'lsk-client-id', clientSecret: 'lsk-client-secret' });

/** The adapter's webhook secret: the reservation platform's path token and bearer token. */
export const lskWebhookSecret = () => ({
  webhookSigningSecrets: [LSK_PLATFORM_BEARER],
  webhookPathToken: LSK_PLATFORM_PATH_TOKEN,
});

/** The business's API secret: its OAuth pair and its webhook endpoint. */
export const lskAccountSecret = (overrides: Record<string, unknown> = {}) => ({
  accessToken: 'lsk-access-token',
  refreshToken: 'lsk-refresh-token-1',
  expiresAt: new Date(Date.now() + 50 * 60_000).toISOString(),
  endpointId: LSK_ENDPOINT_ID,
  ...overrides,
});

/** The business's webhook secret (its link's `posWebhookSecret`): its Basic password and path token. */
export const lskAccountWebhookSecret = () => ({
  webhookSigningSecrets: [LSK_PASSWORD],
  webhookPathToken: LSK_PATH_TOKEN,
});

/** Every K-Series secret of the demo account, by name. */
export const lskSecrets = () => ({
  [LSK_APP_SECRET_NAME]: lskAppSecret(),
  [LSK_ACCOUNT_SECRET_NAME]: lskAccountSecret(),
  [LSK_WEBHOOK_SECRET_NAME]: lskWebhookSecret(),
  [LSK_ACCOUNT_WEBHOOK_SECRET_NAME]: lskAccountWebhookSecret(),
});

export function lskLinkItem(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    PK: `REST#${LSK_RESTAURANT}`,
    SK: 'LINK',
    GSI1PK: `POSLOC#lightspeedk#${LSK_LOCATION}`,
    GSI1SK: `REST#${LSK_RESTAURANT}`,
    restaurantId: LSK_RESTAURANT,
    posCode: 'lightspeedk',
    posLocationId: LSK_LOCATION,
    posSecret: LSK_ACCOUNT_SECRET_NAME,
    posWebhookSecret: LSK_ACCOUNT_WEBHOOK_SECRET_NAME,
    sinqroTokenSecret: 'bridge/test/restaurants/5122',
    enabled: true,
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'lightspeed-k');

/** A fixture file's text, exactly as written from the spec. */
export const fixtureText = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
/**
 * A fixture's text with values replaced as text (ids past 2^53 stay exact, as K-Series would send them),
 * e.g. `{ 'Reservation-123': '900002' }`.
 */
export const fixtureReplacing = (name: string, replacements: Record<string, string>) =>
  Object.entries(replacements).reduce((text, [from, to]) => text.split(from).join(to), fixtureText(name));

/** A fixture file parsed, with `changes` merged on top (e.g. the bridge's own `thirdPartyReference`). */
export const fixture = (name: string, changes: Record<string, unknown> = {}) => ({
  ...(JSON.parse(fixtureText(name)) as Record<string, unknown>),
  ...changes,
});

/** Replies by `METHOD /path` (query string left out); anything else is a 404 with K-Series' error body. */
export function router(routes: Record<string, Reply | ((request: RecordedRequest) => Reply)>) {
  return (request: RecordedRequest): Reply => {
    const key = `${request.method} ${request.url.split('?')[0]}`;
    const route = routes[key];
    if (!route) return { status: 404, body: { status: 404, error: 'Not Found', message: `no route ${key}` } };
    return typeof route === 'function' ? route(request) : route;
  };
}
