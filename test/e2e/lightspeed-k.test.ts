/**
 * The Lightspeed K-Series adapter end to end: Sinqro events and the K-Series simulator's webhooks go through
 * the local runtime's real handlers, queues and table. The simulator validates every request the bridge
 * sends against the published spec's schemas: none may be invalid.
 */

import { DEMO_LIGHTSPEED_K_RESTAURANT, demoLightspeedKOrder, demoReservation } from '../../local/demo/data';
import config from '../../local/runtime/config.json';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);

const RESTAURANT = DEMO_LIGHTSPEED_K_RESTAURANT;
const LOCATION = (config.restaurants.find((r) => r.restaurantId === RESTAURANT) as { posLocationId: string })
  .posLocationId;
let h: Harness;
let auditStore: typeof import('../../functions/store/audit');
let sync: typeof import('../../functions/catalog/sync');

beforeAll(async () => {
  h = await startHarness(13);
  auditStore = await import('../../functions/store/audit');
  sync = await import('../../functions/catalog/sync');
});
afterAll(async () => {
  await h?.rt.stop();
});

// biome-ignore lint/suspicious/noExplicitAny: simulator replies are read ad hoc.
async function sim(method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${h.rt.urls.lightspeedKPos}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  expect(res.status).toBe(200);
  return res.json();
}
// biome-ignore lint/suspicious/noExplicitAny: simulator replies are read ad hoc.
const simOrders = async (): Promise<any[]> => sim('GET', '/_sim/orders');
const orderOf = async (id: number) => (await simOrders()).find((o) => o.thirdPartyReference === String(id));

afterEach(async () => {
  // Every request the bridge sent conformed to the published spec, and the bridge took every webhook the
  // simulator built from the spec's webhook schemas (its URL, credentials and body).
  expect(await sim('GET', '/_sim/invalid-requests')).toEqual([]);
  const refused = h.rt.lightspeedKPos.webhooks.sent
    .filter((w) => w.httpStatuses.some((status) => status < 200 || status >= 300))
    .map((w) => `${w.kind} ${w.url}: ${w.httpStatuses.join(',')}`);
  expect(refused).toEqual([]);
});

async function placeOrder(type: 'collection' | 'delivery' = 'collection') {
  const id = h.nextId();
  const order = demoLightspeedKOrder(id, { type });
  expect((await h.sendEvent(envelope('order.created', order, RESTAURANT))).status).toBe(202);
  await waitFor(`K-Series order for ${id}`, () => orderOf(id));
  return id;
}

test('an order goes to the POS and through its statuses to its final one in Sinqro (F1, F2, F4)', async () => {
  const id = await placeOrder();
  // The POS takes it on its own (SUCCESS): accepted.
  await h.waitForSinqroStatus(id, 'accepted');
  for (const [status, code] of [
    ['READY_FOR_PICKUP', 'ready'],
    ['CLOSED', 'collected'],
  ] as const) {
    await sim('POST', `/_sim/orders/${id}/status`, { status });
    await h.waitForSinqroStatus(id, code);
  }
  expect(h.sinqroStatuses(id).slice(-3)).toEqual(['accepted', 'ready', 'collected']);
});

test('a reservation is pushed, then seated and finished by the POS (reservations F1, F2, F4)', async () => {
  const id = h.nextId();
  expect((await h.sendEvent(envelope('reservation.created', demoReservation(id, RESTAURANT), RESTAURANT))).status).toBe(
    202,
  );
  const pushed = await waitFor(`K-Series reservation ${id}`, async () =>
    (await sim('GET', '/_sim/reservations')).find(
      (r: { platformReservationId: string }) => r.platformReservationId === String(id),
    ),
  );
  expect(pushed).toMatchObject({ platformRestaurantId: LOCATION });
  for (const [status, code] of [
    ['SCHEDULED', 'confirmed'],
    ['SEATED', 'seated'],
    ['DEPARTED', 'finished'],
  ] as const) {
    await sim('POST', `/_sim/reservations/${id}/status`, { status });
    await h.waitForSinqroStatus(id, code);
  }
});

test('the location stops taking online orders: one temporary closure in Sinqro (F7)', async () => {
  const closures = () => h.rt.sinqro.calls.filter((c) => c.kind === 'closure' && c.id === RESTAURANT);
  await sim('POST', '/_sim/readiness', { businessLocationId: Number(LOCATION), acceptingOnlineOrders: false });
  await waitFor('the closure in Sinqro', () => h.rt.sinqro.closures.get(RESTAURANT));
  await h.settle(500);
  expect(closures()).toHaveLength(1);
  await sim('POST', '/_sim/readiness', { businessLocationId: Number(LOCATION), acceptingOnlineOrders: true });
  await waitFor('the closure removed', () => !h.rt.sinqro.closures.has(RESTAURANT));
});

test('an item becoming unavailable is one catalog update in Sinqro (F6)', async () => {
  const syncId = await sync.requestCatalogSync(RESTAURANT, 'lightspeedk', 'full', 'operator');
  const full = await waitFor(
    'the full sync settled',
    async () => {
      const r = await sync.getSyncReport(RESTAURANT, syncId);
      return r?.settled ? r : undefined;
    },
    30_000,
  );
  expect(full.failure).toBeUndefined();
  const before = h.rt.sinqro.catalogCalls().length;
  await sim('POST', '/_sim/items/LSK-TIRAMISU/availability', {
    businessLocationId: Number(LOCATION),
    available: false,
  });
  const tiramisu = () =>
    Object.values(h.rt.sinqro.catalogView(RESTAURANT))
      .flat()
      .find((i) => i.externalId === 'LSK-TIRAMISU');
  expect(tiramisu()?.isAvailable).not.toBe(false);
  await waitFor('the item unavailable in Sinqro', () => tiramisu()?.isAvailable === false);
  await h.settle(500);
  expect(h.rt.sinqro.catalogCalls().slice(before)).toHaveLength(1);
});

test('a consumer cancels a takeaway order: staff get a print message, the audit says the POS could not cancel (F5)', async () => {
  const id = await placeOrder();
  await h.waitForSinqroStatus(id, 'accepted');
  expect((await h.sendEvent(envelope('order.cancelled', { id, comment: 'changed my mind' }, RESTAURANT))).status).toBe(
    202,
  );
  const audit = await waitFor('the cancellation in the audit trail', async () =>
    (await auditStore.listAudit(`ORDER#${id}`)).find((a) => a.what === 'cancel'),
  );
  expect(audit).toMatchObject({ outcome: 'not cancelled in POS: staff notified', detail: 'POST /o/op/1/printMsg' });
  const messages: { message: string }[] = await sim('GET', '/_sim/messages');
  expect(messages.filter((m) => m.message.includes(`order ${id}`))).toHaveLength(1);
});
