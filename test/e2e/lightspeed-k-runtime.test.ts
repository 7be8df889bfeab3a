/**
 * The Lightspeed K-Series simulator in the local runtime: it runs with the demo business of
 * local/config.json, its webhook endpoint registered to the bridge's route with the account's secret path
 * segment and Basic auth, and the third demo restaurant is linked exactly when adapters/registry.ts has a
 * `lightspeed-k` adapter (the runtime starts either way).
 */
import { findAdapter } from '../../adapters/registry';
import { getLink } from '../../functions/shared/store';
import config from '../../local/config.json';
import secrets from '../../local/secrets.json';
import { type Harness, startHarness } from './harness';

jest.setTimeout(60_000);
const restaurant = config.restaurants.find((r) => r.posCode === 'lightspeed-k') as (typeof config.restaurants)[number];
const account = secrets['sinqro-pos-bridge/local/pos/lightspeed-k/454335871'];
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.rt.stop();
});

const api = (path: string) =>
  fetch(`${h.rt.urls.lightspeedKPos}${path}`, { headers: { authorization: `Bearer ${account.accessToken}` } });

test('the demo business answers with its configured token: its location and readiness', async () => {
  const businesses = await api('/o/op/data/businesses');
  expect(await businesses.json()).toEqual([
    {
      id: Number(restaurant.posAccountId),
      name: 'Trattoria Lightspeed',
      businessLocations: [{ id: Number(restaurant.posLocationId), name: restaurant.name }],
    },
  ]);
  const readiness = await api(`/o/op/1/onlineOrderReadiness?businessLocationId=${restaurant.posLocationId}`);
  expect(await readiness.json()).toMatchObject({ status: 'READY' });
});

test("the webhook endpoint points at the bridge's lightspeed-k route with the account's path segment and Basic auth", async () => {
  const endpoint = await api(`/o/wh/1/webhook/${config.lightspeedK.endpointId}`);
  expect(await endpoint.json()).toMatchObject({
    url: `${h.rt.urls.gateway}/lightspeed-k/webhooks/${account.webhookPathSegment}/order-and-pay`,
    withBasicAuth: true,
    username: account.webhookUsername,
  });
});

test('the third demo restaurant is linked exactly when the lightspeed-k adapter is registered', async () => {
  const link = await getLink(restaurant.restaurantId);
  if (findAdapter('lightspeed-k'))
    expect(link).toMatchObject({ posCode: 'lightspeed-k', posLocationId: restaurant.posLocationId });
  else {
    expect(link).toBeUndefined();
    expect(h.logs).toContain(
      `restaurant ${restaurant.restaurantId} not linked: no adapter "lightspeed-k" in adapters/registry.ts`,
    );
  }
});
