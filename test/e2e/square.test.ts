/**
 * The Square adapter end to end: Sinqro events and the Square simulator's signed webhooks go through
 * the local runtime's real handlers, queues and table; the Square simulator records every API call
 * the bridge made, and the Sinqro simulator what the bridge told Sinqro.
 */
import { createHmac } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DEMO_SQUARE_RESTAURANT, demoSquareOrder } from '../../local/demo/data';
import secrets from '../../local/runtime/secrets.json';
import type { RecordedSquareRequest } from '../../local/sims/square/server';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);

const RESTAURANT = DEMO_SQUARE_RESTAURANT;
const LOCATION = 'LSIMTRATTORIA01';
const SIGNATURE_KEY = secrets['sinqro-pos-bridge/local/webhooks/pos/square'].webhookSigningSecrets[0] as string;
let h: Harness;
let sync: typeof import('../../functions/catalog/sync');
let orderStore: typeof import('../../functions/store/orders');

beforeAll(async () => {
  h = await startHarness(12);
  sync = await import('../../functions/catalog/sync');
  orderStore = await import('../../functions/store/orders');
});
afterAll(async () => {
  await h.rt.stop();
});

const square = () => h.rt.squarePos;
const requests = (method: string, path: string): RecordedSquareRequest[] =>
  square().requests.filter((r) => r.method === method && r.path.startsWith(path));
// biome-ignore lint/suspicious/noExplicitAny: recorded request bodies are read ad hoc.
const bodyOf = (r: RecordedSquareRequest | undefined): any => r?.body;
const squareOrderOf = (sinqroId: number) =>
  [...square().orders.orders.values()].find((o) => o.reference_id === String(sinqroId));
const notificationUrl = () => h.rt.adapterSettings.square?.webhookNotificationUrl as string;
const sign = (body: string, url = notificationUrl(), key = SIGNATURE_KEY) =>
  createHmac('sha256', key)
    .update(url + body, 'utf8')
    .digest('base64');

async function staff(orderId: string, state: string) {
  const res = await fetch(`${h.rt.urls.squarePos}/_sim/orders/${orderId}/fulfillment`, {
    method: 'POST',
    body: JSON.stringify({ state }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

async function placeOrder(opts: { type?: 'delivery' | 'collection' } = {}) {
  const id = h.nextId();
  expect((await h.sendEvent(envelope('order.created', demoSquareOrder(id, opts), RESTAURANT))).status).toBe(202);
  const order = await waitFor(`Square order for ${id}`, () => squareOrderOf(id));
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  return { id, order };
}

test('an order reaches Square as a paid PICKUP order, and RESERVED → PREPARED → COMPLETED reach Sinqro', async () => {
  const { id, order } = await placeOrder();
  const create = requests('POST', '/v2/orders').find((r) => bodyOf(r).order.reference_id === String(id));
  expect(create?.squareVersion).toBe('2025-08-20');
  expect(create?.idempotencyKey).toBe(`sinqro-order-${id}`);
  const sent = bodyOf(create).order;
  expect(sent.location_id).toBe(LOCATION);
  expect(sent.fulfillments[0]).toMatchObject({ type: 'PICKUP', state: 'PROPOSED' });
  expect(sent.line_items.map((l: { catalog_object_id: string }) => l.catalog_object_id)).toEqual([
    'DEMOVARMARGHERITALRG',
    'DEMOVARDIAVOLAREG', // the item named by Sinqro has one variation: the order names it
    'DEMOVARCOLA33',
  ]);
  expect(sent.line_items[0]).toMatchObject({
    quantity: '2',
    base_price_money: { amount: 1350, currency: 'EUR' },
    modifiers: [{ catalog_object_id: 'DEMOMODMOZZARELLA', base_price_money: { amount: 150, currency: 'EUR' } }],
  });
  expect(order.total_money).toEqual({ amount: 4350, currency: 'EUR' });
  const payment = await waitFor('EXTERNAL payment', () =>
    requests('POST', '/v2/payments').find((r) => bodyOf(r).order_id === order.id),
  );
  expect(bodyOf(payment)).toMatchObject({
    source_id: 'EXTERNAL',
    amount_money: { amount: 4350, currency: 'EUR' },
    external_details: { type: 'OTHER', source: 'Sinqro', source_id: String(id) },
  });

  await staff(order.id, 'RESERVED');
  await h.waitForSinqroStatus(id, 'accepted');
  await staff(order.id, 'PREPARED');
  await h.waitForSinqroStatus(id, 'ready');
  await staff(order.id, 'COMPLETED');
  await h.waitForSinqroStatus(id, 'collected');
  await h.settle(500);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'accepted', 'ready', 'collected']);
});

test("a consumer's cancellation cancels the fulfillment in Square and is not echoed back to Sinqro", async () => {
  const { id, order } = await placeOrder({ type: 'delivery' });
  expect((await h.sendEvent(envelope('order.cancelled', { id, comment: 'changed my mind' }, RESTAURANT))).status).toBe(
    202,
  );
  const update = await waitFor('UpdateOrder', () => requests('PUT', `/v2/orders/${order.id}`)[0]);
  expect(bodyOf(update).order).toMatchObject({
    version: expect.any(Number),
    fulfillments: [{ state: 'CANCELED' }],
  });
  expect(bodyOf(update).idempotency_key).not.toBe(`sinqro-order-${id}`);
  await waitFor('fulfillment CANCELED in Square', () => squareOrderOf(id)?.fulfillments?.[0]?.state === 'CANCELED');
  await h.settle(800);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
});

test('a webhook with a forged signature is refused with 401 and changes nothing', async () => {
  const { id, order } = await placeOrder();
  const body = JSON.stringify({
    merchant_id: 'MLSIMSINQRO01',
    type: 'order.fulfillment.updated',
    event_id: `forged-${id}`,
    created_at: new Date().toISOString(),
    data: {
      type: 'order_fulfillment_updated',
      id: order.id,
      object: {
        order_fulfillment_updated: {
          order_id: order.id,
          version: 99,
          location_id: LOCATION,
          state: 'OPEN',
          fulfillment_update: [{ fulfillment_uid: 'x', old_state: 'PROPOSED', new_state: 'CANCELED' }],
        },
      },
    },
  });
  const wrongKey = await h.postRaw('/square/webhooks/events', body, {
    'x-square-hmacsha256-signature': sign(body, notificationUrl(), 'not-the-key'),
  });
  // Signed over the address the request reached, not the URL Square was given: refused too.
  const rebuiltUrl = await h.postRaw('/square/webhooks/events', body, {
    'x-square-hmacsha256-signature': sign(body, `${h.rt.urls.gateway}/square/webhooks/events`),
  });
  const missing = await h.postRaw('/square/webhooks/events', body);
  expect([wrongKey.status, rebuiltUrl.status, missing.status]).toEqual([401, 401, 401]);
  await h.settle(800);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
  // The same body correctly signed is accepted: the refusals were about the signature only.
  expect(
    (await h.postRaw('/square/webhooks/events', body, { 'x-square-hmacsha256-signature': sign(body) })).status,
  ).toBe(200);
  await h.waitForSinqroStatus(id, 'cancelled');
});

test('a replayed webhook has no second effect, and an older order version is dropped', async () => {
  const { id, order } = await placeOrder();
  await staff(order.id, 'RESERVED');
  await h.waitForSinqroStatus(id, 'accepted');
  const accepted = square().webhooks.sent.find(
    (w) => w.type === 'order.fulfillment.updated' && w.id === order.id && w.body.includes('"RESERVED"'),
  );
  expect(accepted).toBeDefined();
  const body = accepted?.body as string;
  const replay = await h.postRaw('/square/webhooks/events', body, { 'x-square-hmacsha256-signature': sign(body) });
  expect(replay).toMatchObject({ status: 200, body: { received: 1, duplicates: 1 } });

  await staff(order.id, 'PREPARED');
  await h.waitForSinqroStatus(id, 'ready');
  // The RESERVED change again, under a new event id (Square sends several events per change): older version.
  const stale = body.replace(accepted?.event_id as string, `${accepted?.event_id}-again`);
  expect(
    (await h.postRaw('/square/webhooks/events', stale, { 'x-square-hmacsha256-signature': sign(stale) })).status,
  ).toBe(200);
  await h.settle(800);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'accepted', 'ready']);
});

test('a replay after its dedupe record expired passes the receiver but changes nothing: Square signs no time', async () => {
  const { id, order } = await placeOrder();
  await staff(order.id, 'RESERVED');
  await h.waitForSinqroStatus(id, 'accepted');
  await staff(order.id, 'PREPARED');
  await h.waitForSinqroStatus(id, 'ready');
  const captured = square().webhooks.sent.find(
    (w) => w.type === 'order.fulfillment.updated' && w.id === order.id && w.body.includes('"RESERVED"'),
  );
  const body = captured?.body as string;
  await h.settle(800);
  const before = h.sinqroStatuses(id);
  expect(before.at(-1)).toBe('ready');
  // The table's TTL removes an event id's dedupe record after 7 days (dynalite never expires it: done here).
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const prefix = `DEDUPE#square#${captured?.event_id}`;
  const items = (await ddb.send(new ScanCommand({ TableName: h.rt.tableName }))).Items ?? [];
  const claims = items.filter((i) => String(i.PK).startsWith(prefix));
  expect(claims.length).toBeGreaterThan(0);
  for (const c of claims) await ddb.send(new DeleteCommand({ TableName: h.rt.tableName, Key: { PK: c.PK, SK: c.SK } }));

  // The captured request, byte for byte with its signature: authentic, and no longer a known event id.
  const replay = await h.postRaw('/square/webhooks/events', body, { 'x-square-hmacsha256-signature': sign(body) });
  expect(replay).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
  await h.settle(800);
  // The order's version drops it (audited as such), and Sinqro hears nothing more, not even `accepted`.
  const audits = (await ddb.send(new ScanCommand({ TableName: h.rt.tableName }))).Items ?? [];
  const outcomes = audits
    .filter((i) => String(i.SK).startsWith('EVT#') && i.code === captured?.event_id)
    .map((i) => i.outcome)
    .sort();
  // Its first delivery applied RESERVED, or found it applied by Square's other event of the same change.
  expect(outcomes).toHaveLength(2);
  expect(outcomes).toContain('ignored (older POS version)');
  expect(['applied', 'ignored (duplicate)']).toContain(outcomes.find((o) => o !== 'ignored (older POS version)'));
  expect(h.sinqroStatuses(id)).toEqual(before);
});

test('catalog: a full sync maps Square objects, then catalog.version.updated reads only what changed', async () => {
  const syncId = await sync.requestCatalogSync(RESTAURANT, 'square', 'full', 'operator');
  const full = await waitFor(
    'full sync settled',
    async () => {
      const r = await sync.getSyncReport(RESTAURANT, syncId);
      return r?.settled ? r : undefined;
    },
    30_000,
  );
  expect(full.failure).toBeUndefined();
  const catalog = h.rt.sinqro.catalogView(RESTAURANT);
  const ids = (c: string) => (catalog[c] ?? []).map((i) => i.externalId).sort();
  expect(ids('menus')).toEqual([`location:${LOCATION}`]);
  expect(ids('menuSections')).toEqual(['DEMOCATDESSERTS', 'DEMOCATDRINKS', 'DEMOCATPIZZAS']);
  expect(ids('products')).toEqual(['DEMOITEMCOLA', 'DEMOITEMDIAVOLA', 'DEMOITEMMARGHERITA', 'DEMOITEMTIRAMISU']);
  expect(ids('productVariants')).toContain('DEMOVARMARGHERITALRG');
  expect(ids('productOptions')).toContain('DEMOMODMOZZARELLA');

  const callsBefore = h.rt.sinqro.catalogCalls().length;
  const searchesBefore = requests('POST', '/v2/catalog/search').length;
  const since = new Date().toISOString();
  const soldOut = await fetch(`${h.rt.urls.squarePos}/_sim/catalog/DEMOVARCOLA33/sold-out`, {
    method: 'POST',
    body: JSON.stringify({ sold_out: true, location_id: LOCATION }),
  });
  expect(soldOut.status).toBe(200);
  const incremental = await waitFor(
    'webhook sync settled',
    async () => {
      const latest = (await sync.listSyncReports(RESTAURANT, 1))[0];
      return latest && latest.trigger === 'webhook' && latest.startedAt >= since && latest.settled ? latest : undefined;
    },
    30_000,
  );
  expect(incremental.mode).toBe('incremental');
  const searches = requests('POST', '/v2/catalog/search').slice(searchesBefore);
  expect(searches.length).toBeGreaterThan(0);
  for (const s of searches) expect(bodyOf(s).begin_time).toEqual(expect.any(String));
  const pushed = h.rt.sinqro.catalogCalls().slice(callsBefore);
  expect(pushed.map((c) => c.collection).sort()).toEqual(['productVariants', 'products']);
  const cola = h.rt.sinqro.catalogView(RESTAURANT).productVariants?.find((i) => i.externalId === 'DEMOVARCOLA33');
  expect(cola?.isAvailable).toBe(false);
});

test('hours: location.updated brings the new business hours to Sinqro as its schedule', async () => {
  const res = await fetch(`${h.rt.urls.squarePos}/_sim/locations/${LOCATION}`, {
    method: 'PATCH',
    body: JSON.stringify({
      business_hours: {
        periods: [
          { day_of_week: 'MON', start_local_time: '12:00:00', end_local_time: '15:30:00' },
          { day_of_week: 'MON', start_local_time: '19:00:00', end_local_time: '23:00:00' },
          { day_of_week: 'SAT', start_local_time: '20:00:00', end_local_time: '02:00:00' },
        ],
      },
    }),
  });
  expect(res.status).toBe(200);
  const schedule = await waitFor('schedule in Sinqro', async () => {
    const r = await fetch(`${h.rt.urls.sinqro}/_sim/schedule/${RESTAURANT}`);
    const ranges = ((await r.json()) as { ranges?: unknown[] }).ranges;
    return ranges?.length === 3 ? ranges : undefined;
  });
  expect(schedule).toEqual([
    { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '12:00', endTime: '15:30', timezone: 'Europe/Madrid' },
    { startDay: { id: 1 }, endDay: { id: 1 }, startTime: '19:00', endTime: '23:00', timezone: 'Europe/Madrid' },
    { startDay: { id: 6 }, endDay: { id: 7 }, startTime: '20:00', endTime: '02:00', timezone: 'Europe/Madrid' },
  ]);
});

test('an order whose lines do not add up to its total to the cent fails with the reason and never reaches Square', async () => {
  const id = h.nextId();
  const order = { ...demoSquareOrder(id), totalAmount: 43.51 };
  expect((await h.sendEvent(envelope('order.created', order, RESTAURANT))).status).toBe(202);
  await h.waitForSinqroStatus(id, 'pos_integration_failed');
  const state = await orderStore.getOrder('order', id);
  expect(state).toMatchObject({
    status: 'FAILED',
    lastError: expect.stringContaining('do not add up to the order total'),
  });
  await h.settle(300);
  expect(squareOrderOf(id)).toBeUndefined();
  expect(requests('POST', '/v2/orders').some((r) => bodyOf(r).order.reference_id === String(id))).toBe(false);
});

test("Square's rate limit (429 with Retry-After) delays the order; it reaches Square once, then Sinqro", async () => {
  square().faults.set({ rateLimitRate: 1, retryAfterSeconds: 1 });
  const id = h.nextId();
  const before = requests('POST', '/v2/orders').length;
  expect((await h.sendEvent(envelope('order.created', demoSquareOrder(id), RESTAURANT))).status).toBe(202);
  await waitFor('a rate-limited call', () => square().requests.some((r) => r.status === 429));
  square().faults.set({});
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 30_000);
  expect([...square().orders.orders.values()].filter((o) => o.reference_id === String(id))).toHaveLength(1);
  expect(requests('POST', '/v2/orders').length).toBeGreaterThan(before);
});
