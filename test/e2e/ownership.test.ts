/**
 * Whose order is it: a Sinqro cancellation is applied only to its own restaurant's order, an order and a
 * reservation with the same Sinqro id live apart, and a POS order id used by two locations reaches the
 * right one. Three restaurants on the reference POS: the demo one, and two more with their own POS API keys.
 */
import { writeFileSync } from 'node:fs';
import { DEMO_RESTAURANT, demoOrder, demoReservation } from '../../local/demo/data';
import { type LoadSecrets, loadRestaurants } from '../../local/runtime/load';
import type { SimOrder } from '../../local/sims/reference-pos/server';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(60_000);
let h: Harness;
let load: LoadSecrets;
const OTHER = 6201;
const THIRD = 6202;
const keyOf = (restaurantId: number) => `ownership-location-key-${restaurantId}`;
const locations: Record<number, string> = {};

beforeAll(async () => {
  load = loadRestaurants(3, 'ownership', OTHER);
  for (const r of load.extra) {
    locations[r.restaurantId] = r.posLocationId;
    r.posSecret = `sinqro-pos-bridge/local/pos/reference/${r.restaurantId}`;
    load.secrets[r.posSecret] = { apiKey: keyOf(r.restaurantId) };
  }
  writeFileSync(load.secretsFile, JSON.stringify(load.secrets));
  h = await startHarness(6, { extraRestaurants: load.extra });
});
afterAll(async () => {
  await h.rt.stop();
  load.cleanup();
});

const orderStore = () => import('../../functions/store/orders');
const auditStore = () => import('../../functions/store/audit');
const posCopies = (kind: 'order' | 'reservation', id: number) => h.rt.referencePos.byReference(kind, String(id));

async function injectedOrder(restaurantId = DEMO_RESTAURANT): Promise<{ id: number; pos: SimOrder }> {
  const id = h.nextId();
  expect((await h.sendEvent(envelope('order.created', demoOrder(id, { restaurantId }), restaurantId))).status).toBe(
    202,
  );
  const pos = await waitFor(`POS order for ${id}`, () => posCopies('order', id)[0]);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  return { id, pos };
}

test("a signed order.cancelled naming another restaurant leaves the order alone and is recorded on the sender's restaurant", async () => {
  const { id, pos } = await injectedOrder();
  const cancel = envelope('order.cancelled', { id, comment: 'changed my mind' }, OTHER);
  expect((await h.sendEvent(cancel)).status).toBe(202);
  const { listAudit } = await auditStore();
  const refusal = await waitFor(
    'the refusal on the sending restaurant',
    async () => (await listAudit(`REST#${OTHER}`)).find((a) => a.what === 'order.cancelled'),
    10_000,
  ).catch(() => undefined);
  await h.settle();
  expect((await (await orderStore()).getOrder('order', id))?.status).toBe('INJECTED');
  expect(pos.status).toBe('new');
  expect(refusal).toMatchObject({
    source: 'sinqro',
    outcome: 'refused: not this restaurant’s order',
    code: `order ${id}`,
  });
  expect(JSON.stringify(refusal)).not.toContain('changed my mind');
});

test('a reservation with an order’s id lives apart from it, and its cancellation leaves the order alone', async () => {
  const { id, pos } = await injectedOrder();
  expect((await h.sendEvent(envelope('reservation.created', demoReservation(id)))).status).toBe(202);
  const booking = await waitFor(`POS booking for ${id}`, () => posCopies('reservation', id)[0], 10_000);
  expect(booking.kind).toBe('reservation');
  expect((await h.sendEvent(envelope('reservation.cancelled', { id, comment: 'plans changed' }))).status).toBe(202);
  await waitFor('the booking to be cancelled', () => booking.status === 'cancelled');
  await h.settle();
  const { getOrder } = await orderStore();
  expect((await getOrder('order', id))?.status).toBe('INJECTED');
  expect((await getOrder('reservation', id))?.status).toBe('CANCELLED');
  expect(pos.status).toBe('new');
  expect(posCopies('order', id)).toHaveLength(1);
});

test('two locations each with POS order T-1001: a webhook of the second reaches its order, the first stays', async () => {
  h.rt.referencePos.shareIdsAcrossLocations(
    Object.fromEntries([OTHER, THIRD].map((r) => [locations[r] as string, keyOf(r)])),
  );
  const first = await injectedOrder(OTHER);
  const second = await injectedOrder(THIRD);
  expect(first.pos.id).toBe('T-1001');
  expect(second.pos.id).toBe('T-1001');
  const res = await fetch(
    `${h.rt.urls.referencePos}/_sim/orders/T-1001/status?location=${encodeURIComponent(locations[THIRD] as string)}`,
    { method: 'POST', body: JSON.stringify({ status: 'accepted' }) },
  );
  expect(res.status).toBe(200);
  await res.text();
  await waitFor('Sinqro to learn the second order was accepted', () =>
    h.sinqroStatuses(second.id).includes('accepted'),
  ).catch(() => undefined);
  await h.settle();
  const { getOrder } = await orderStore();
  expect((await getOrder('order', second.id))?.status).toBe('ACCEPTED');
  expect((await getOrder('order', first.id))?.status).toBe('INJECTED');
  expect(h.sinqroStatuses(first.id)).toEqual(['waiting_sp_validation']);
  expect(first.pos.status).toBe('new');
});
