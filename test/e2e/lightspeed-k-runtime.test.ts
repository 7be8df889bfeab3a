/**
 * The Lightspeed K-Series simulator in the local runtime: it runs with the third demo restaurant of
 * local/runtime/config.json as a business location, its webhook endpoint registered to the adapter's account route
 * (the location and the account's path token) with Basic auth, and the restaurant linked to `lightspeedk`.
 */
import { getLink } from '../../functions/store/links';
import config from '../../local/runtime/config.json';
import secrets from '../../local/runtime/secrets.json';
import { type Harness, startHarness } from './harness';

jest.setTimeout(60_000);
const restaurant = config.restaurants.find((r) => r.posCode === 'lightspeedk') as (typeof config.restaurants)[number];
const account = secrets['sinqro-pos-bridge/local/pos/lightspeedk/45454565682155'];
const accountWebhook = secrets['sinqro-pos-bridge/local/webhooks/pos/lightspeedk/45454565682155'];
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

test("the webhook endpoint points at the adapter's account route with the location, its path token and Basic auth", async () => {
  const endpoint = await api(`/o/wh/1/webhook/${account.endpointId}`);
  expect(await endpoint.json()).toMatchObject({
    url: `${h.rt.urls.gateway}/lightspeedk/webhooks/o/${restaurant.posLocationId}/${accountWebhook.webhookPathToken}`,
    withBasicAuth: true,
    username: accountWebhook.webhookUsername,
  });
});

test('the third demo restaurant is linked to the lightspeedk adapter', async () => {
  expect(await getLink(restaurant.restaurantId)).toMatchObject({
    posCode: 'lightspeedk',
    posLocationId: restaurant.posLocationId,
    posSecret: restaurant.posSecret,
  });
});
