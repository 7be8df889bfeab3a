/**
 * The Square simulator over real HTTP on ephemeral ports: orders (idempotency, versions, totals),
 * EXTERNAL payments, catalog search, locations, signed webhooks to a local receiver, faults.
 */
import { createHmac } from 'node:crypto';
import { type SquareSim, startSquareSim } from '../../local/sims/square/server';
import { type RecordedRequest, startServer, type TestServer } from './support/http-server';

const TOKEN = 'sim-access-token';
const KEY = 'sim-signature-key';
const LOCATION = 'LSIMTRATTORIA01';
/** The URL the subscription was registered with: not where the simulator posts (a proxy in between). */
const NOTIFICATION_URL = 'https://bridge.example.com/square/webhooks/events';

let receiver: TestServer;
let sim: SquareSim;

beforeEach(async () => {
  receiver = await startServer({ status: 200, body: {} });
  sim = await startSquareSim({
    accessToken: TOKEN,
    signatureKey: KEY,
    webhookUrl: `${receiver.url}/square/webhooks/events`,
    notificationUrl: NOTIFICATION_URL,
    catalogPageSize: 3,
  });
});

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the tests read Square's JSON replies freely, on purpose.
type Json = Record<string, any>;
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      'square-version': '2025-08-20',
      'content-type': 'application/json',
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

function orderRequest(key: string, overrides: Json = {}) {
  return {
    idempotency_key: key,
    order: {
      location_id: LOCATION,
      reference_id: 'sinqro-1001',
      line_items: [
        {
          catalog_object_id: 'DEMOVARMARGHERITALRG',
          quantity: '2',
          modifiers: [{ catalog_object_id: 'DEMOMODOLIVES' }],
        },
        { name: 'Packaging', quantity: '1', base_price_money: { amount: 50, currency: 'EUR' } },
      ],
      fulfillments: [
        {
          type: 'PICKUP',
          pickup_details: { recipient: { display_name: 'Courier' }, pickup_at: '2026-11-27T20:30:00Z' },
        },
      ],
      ...overrides,
    },
  };
}

async function createOrder(key = 'order-key-1', overrides: Json = {}) {
  const res = await call('POST', '/v2/orders', orderRequest(key, overrides));
  expect(res.status).toBe(200);
  return res.body.order as Json;
}

async function pay(order: Json, key = `pay-${order.id}`) {
  return call('POST', '/v2/payments', {
    idempotency_key: key,
    source_id: 'EXTERNAL',
    external_details: { type: 'OTHER', source: 'Sinqro' },
    amount_money: order.net_amount_due_money,
    order_id: order.id,
  });
}

const events = (requests: RecordedRequest[]) => requests.map((r) => JSON.parse(r.body) as Json);
const waitForEvents = async (n: number) => {
  for (let i = 0; i < 100 && receiver.requests.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  return events(receiver.requests);
};

describe('orders', () => {
  it('creates an OPEN order at version 1 priced from the catalog, with a PROPOSED fulfillment', async () => {
    const order = await createOrder();
    expect(order).toMatchObject({
      location_id: LOCATION,
      reference_id: 'sinqro-1001',
      state: 'OPEN',
      version: 1,
      // 2 × (1350 + 100 olives) + 50 packaging
      total_money: { amount: 2950, currency: 'EUR' },
      net_amount_due_money: { amount: 2950, currency: 'EUR' },
    });
    expect(order.line_items[0]).toMatchObject({
      name: 'Pizza Margherita',
      variation_name: 'Large',
      base_price_money: { amount: 1350, currency: 'EUR' },
      gross_sales_money: { amount: 2900, currency: 'EUR' },
    });
    expect(order.line_items[0].modifiers[0]).toMatchObject({ name: 'Olives', total_price_money: { amount: 200 } });
    expect(order.fulfillments[0]).toMatchObject({ type: 'PICKUP', state: 'PROPOSED' });
    expect(order.fulfillments[0].uid).toEqual(expect.any(String));
  });

  it('returns the same order for the same idempotency key and body, so the POS holds it once', async () => {
    const first = await createOrder('same-key');
    const again = await createOrder('same-key');
    expect(again.id).toBe(first.id);
    const all = (await (await fetch(`${sim.url}/_sim/orders`)).json()) as Json[];
    expect(all.map((o) => o.id)).toEqual([first.id]);
  });

  it("refuses the same idempotency key with another body with Square's IDEMPOTENCY_KEY_REUSED", async () => {
    await createOrder('reused-key');
    const res = await call('POST', '/v2/orders', orderRequest('reused-key', { reference_id: 'sinqro-other' }));
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(sim.orders.orders.size).toBe(1);
  });

  it("answers validation errors in Square's shape, naming the field", async () => {
    const noLocation = await call('POST', '/v2/orders', { idempotency_key: 'k', order: { line_items: [] } });
    expect(noLocation.status).toBe(400);
    expect(noLocation.body).toEqual({
      errors: [
        {
          category: 'INVALID_REQUEST_ERROR',
          code: 'MISSING_REQUIRED_PARAMETER',
          detail: expect.any(String),
          field: 'order.location_id',
        },
      ],
    });
    const badQuantity = await call(
      'POST',
      '/v2/orders',
      orderRequest('k2', { line_items: [{ catalog_object_id: 'DEMOVARCOLA33', quantity: 2 }] }),
    );
    expect(badQuantity.body.errors[0]).toMatchObject({ code: 'INVALID_VALUE', field: 'order.line_items[0].quantity' });
    const unknownVariation = await call(
      'POST',
      '/v2/orders',
      orderRequest('k3', { line_items: [{ catalog_object_id: 'NOPE', quantity: '1' }] }),
    );
    expect(unknownVariation.status).toBe(404);
    expect(unknownVariation.body.errors[0]).toMatchObject({ code: 'NOT_FOUND' });
    expect(sim.orders.orders.size).toBe(0);
  });

  it('refuses a call without the bearer token with 401 AUTHENTICATION_ERROR and records it without the token', async () => {
    const res = await call('GET', '/v2/locations', undefined, { authorization: '' });
    expect(res.status).toBe(401);
    expect(res.body.errors[0]).toMatchObject({ category: 'AUTHENTICATION_ERROR', code: 'UNAUTHORIZED' });
    const wrong = await call('GET', '/v2/locations', undefined, { authorization: 'Bearer nope' });
    expect(wrong.status).toBe(401);
    const recorded = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as Json[];
    expect(recorded.map((r) => r.status)).toEqual([401, 401]);
    expect(JSON.stringify(recorded)).not.toContain('nope');
  });

  it('updates with the current version and bumps it; a stale version gets VERSION_MISMATCH', async () => {
    const order = await createOrder();
    const uid = order.fulfillments[0].uid;
    const stale = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'u0',
      order: { version: 7, fulfillments: [{ uid, state: 'RESERVED' }] },
    });
    expect(stale.status).toBe(400);
    expect(stale.body.errors[0]).toMatchObject({
      category: 'INVALID_REQUEST_ERROR',
      code: 'VERSION_MISMATCH',
      field: 'order.version',
    });
    const ok = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'u1',
      order: { version: 1, fulfillments: [{ uid, state: 'RESERVED' }] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.order.version).toBe(2);
    expect(ok.body.order.fulfillments[0].state).toBe('RESERVED');
    expect(ok.body.order.fulfillments[0].pickup_details.accepted_at).toEqual(expect.any(String));
    const replay = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'u1',
      order: { version: 1, fulfillments: [{ uid, state: 'RESERVED' }] },
    });
    expect(replay.status).toBe(200);
    expect(replay.body.order.version).toBe(2); // a reused key changes nothing
  });

  it('recomputes the totals when an update changes a line item, and the payment must match the new amount', async () => {
    const order = await createOrder();
    const packaging = order.line_items[1].uid;
    const res = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'qty',
      order: {
        version: 1,
        line_items: [
          { uid: packaging, quantity: '3' },
          { catalog_object_id: 'DEMOVARCOLA33', quantity: '1' },
        ],
      },
    });
    expect(res.status).toBe(200);
    // 2 × 1450 + 3 × 50 + 250
    expect(res.body.order.total_money).toEqual({ amount: 3300, currency: 'EUR' });
    expect(res.body.order.line_items).toHaveLength(3);
    const stale = await pay(order);
    expect(stale.body.errors[0].code).toBe('PAYMENT_AMOUNT_MISMATCH');
    expect((await pay(res.body.order, 'pay-new')).status).toBe(200);
  });

  it('closes an order only once its fulfillment is final, and fields_to_clear removes a field', async () => {
    const order = await createOrder();
    const uid = order.fulfillments[0].uid;
    const early = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'c0',
      order: { version: 1, state: 'CANCELED' },
    });
    expect(early.status).toBe(400);
    expect(early.body.errors[0].field).toBe('order.state');
    const cancel = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'c1',
      order: { version: 1, state: 'CANCELED', fulfillments: [{ uid, state: 'CANCELED' }] },
      fields_to_clear: ['reference_id'],
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.order).toMatchObject({ state: 'CANCELED', version: 2 });
    expect(cancel.body.order.reference_id).toBeUndefined();
    expect(cancel.body.order.closed_at).toEqual(expect.any(String));
  });
});

describe('payments', () => {
  it('links an EXTERNAL payment to the order as a tender, so it owes nothing and stays OPEN with its fulfillment', async () => {
    const order = await createOrder();
    const res = await pay(order);
    expect(res.status).toBe(200);
    expect(res.body.payment).toMatchObject({
      status: 'COMPLETED',
      source_type: 'EXTERNAL',
      external_details: { type: 'OTHER', source: 'Sinqro' },
      order_id: order.id,
      amount_money: { amount: 2950, currency: 'EUR' },
    });
    const { body } = await call('GET', `/v2/orders/${order.id}`);
    expect(body.order).toMatchObject({ state: 'OPEN', version: 2, net_amount_due_money: { amount: 0 } });
    expect(body.order.tenders).toEqual([
      expect.objectContaining({
        id: res.body.payment.id,
        payment_id: res.body.payment.id,
        amount_money: order.total_money,
      }),
    ]);
    const again = await pay(order);
    expect(again.body.payment.id).toBe(res.body.payment.id);
    expect(sim.orders.payments.size).toBe(1);
  });

  it('refuses to cancel a paid order (canceled orders are not paid) but cancels its fulfillment', async () => {
    const order = await createOrder();
    await pay(order);
    const uid = order.fulfillments[0].uid;
    const refused = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'cancel-paid',
      order: { version: 2, state: 'CANCELED', fulfillments: [{ uid, state: 'CANCELED' }] },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe('order.state');
    expect((await call('GET', `/v2/orders/${order.id}`)).body.order.version).toBe(2);
    const ok = await call('PUT', `/v2/orders/${order.id}`, {
      idempotency_key: 'cancel-fulfillment',
      order: { version: 2, fulfillments: [{ uid, state: 'CANCELED' }] },
    });
    expect(ok.body.order).toMatchObject({ state: 'OPEN', version: 3, fulfillments: [{ state: 'CANCELED' }] });
  });

  it('cancels an unpaid order when staff cancel its fulfillment, but leaves a paid one OPEN', async () => {
    const unpaid = await createOrder('unpaid');
    const paid = await createOrder('paid');
    await pay(paid);
    const cancel = async (id: string) =>
      (
        (await (
          await fetch(`${sim.url}/_sim/orders/${id}/fulfillment`, { method: 'POST', body: '{"state":"CANCELED"}' })
        ).json()) as Json
      ).order;
    expect(await cancel(unpaid.id)).toMatchObject({ state: 'CANCELED', fulfillments: [{ state: 'CANCELED' }] });
    expect(await cancel(paid.id)).toMatchObject({ state: 'OPEN', fulfillments: [{ state: 'CANCELED' }] });
  });

  it('completes a paid order without fulfillment, and refuses an amount that does not match', async () => {
    const order = await createOrder('no-fulfillment', { fulfillments: [] });
    const wrong = await call('POST', '/v2/payments', {
      idempotency_key: 'p-wrong',
      source_id: 'EXTERNAL',
      external_details: { type: 'OTHER', source: 'Sinqro' },
      amount_money: { amount: 1, currency: 'EUR' },
      order_id: order.id,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].code).toBe('PAYMENT_AMOUNT_MISMATCH');
    await pay(order);
    const { body } = await call('GET', `/v2/orders/${order.id}`);
    expect(body.order.state).toBe('COMPLETED');
  });
});

describe('webhooks', () => {
  it('signs each webhook as Square does: base64 HMAC-SHA256 of the notification URL and the raw body', async () => {
    await createOrder();
    await waitForEvents(1);
    const [request] = receiver.requests as [RecordedRequest];
    expect(request.url).toBe('/square/webhooks/events');
    const expected = createHmac('sha256', KEY)
      .update(NOTIFICATION_URL + request.body)
      .digest('base64');
    expect(request.headers['x-square-hmacsha256-signature']).toBe(expected);
    // Signed with the URL the sim posted to instead, it would not verify: the notification URL is what counts.
    const withTarget = createHmac('sha256', KEY)
      .update(`${receiver.url}/square/webhooks/events${request.body}`)
      .digest('base64');
    expect(request.headers['x-square-hmacsha256-signature']).not.toBe(withTarget);
    expect(JSON.parse(request.body)).toMatchObject({
      merchant_id: expect.any(String),
      type: 'order.created',
      event_id: expect.any(String),
      created_at: expect.any(String),
      data: { type: 'order_created', id: expect.any(String), object: { order_created: { version: 1, state: 'OPEN' } } },
    });
  });

  it('fires order.fulfillment.updated and order.updated when staff move the fulfillment, completing a paid order', async () => {
    const order = await createOrder();
    await pay(order);
    await waitForEvents(2); // order.created, order.updated (payment)
    receiver.requests.length = 0;
    const move = await fetch(`${sim.url}/_sim/orders/${order.id}/fulfillment`, {
      method: 'POST',
      body: JSON.stringify({ state: 'RESERVED' }),
    });
    expect(move.status).toBe(200);
    const done = (await (
      await fetch(`${sim.url}/_sim/orders/${order.id}/fulfillment`, {
        method: 'POST',
        body: JSON.stringify({ state: 'COMPLETED' }),
      })
    ).json()) as Json;
    expect(done.order).toMatchObject({ state: 'COMPLETED', version: 4 });
    expect(done.webhooks.map((w: Json) => w.httpStatuses)).toEqual([[200], [200]]);
    const sent = events(receiver.requests);
    expect(sent.map((e) => e.type)).toEqual([
      'order.fulfillment.updated',
      'order.updated',
      'order.fulfillment.updated',
      'order.updated',
    ]);
    expect(sent[2]?.data.object.order_fulfillment_updated).toMatchObject({
      order_id: order.id,
      version: 4,
      location_id: LOCATION,
      state: 'COMPLETED',
      fulfillment_update: [
        { fulfillment_uid: order.fulfillments[0].uid, old_state: 'RESERVED', new_state: 'COMPLETED' },
      ],
    });
    expect(sent[3]?.data).toMatchObject({
      type: 'order_updated',
      id: order.id,
      object: { order_updated: { version: 4 } },
    });
    for (const r of receiver.requests)
      expect(r.headers['x-square-hmacsha256-signature']).toBe(
        createHmac('sha256', KEY)
          .update(NOTIFICATION_URL + r.body)
          .digest('base64'),
      );
  });

  it('sends each event several times with one event_id, or withholds a topic, as switched', async () => {
    await fetch(`${sim.url}/_sim/webhooks`, { method: 'POST', body: JSON.stringify({ copies: 2 }) });
    await createOrder();
    const sent = await waitForEvents(2);
    expect(sent.map((e) => e.event_id)).toEqual([sent[0]?.event_id, sent[0]?.event_id]);
    await fetch(`${sim.url}/_sim/webhooks`, { method: 'POST', body: JSON.stringify({ orders: false, copies: 1 }) });
    const order = await createOrder('another');
    const move = (await (
      await fetch(`${sim.url}/_sim/orders/${order.id}/fulfillment`, { method: 'POST', body: '{"state":"RESERVED"}' })
    ).json()) as Json;
    expect(move.webhooks.map((w: Json) => w.withheld)).toEqual([true, true]);
    expect(receiver.requests).toHaveLength(2);
  });
});

describe('late and duplicate deliveries', () => {
  it('holds webhooks and releases them newest first, so the older version arrives last', async () => {
    const order = await createOrder();
    await waitForEvents(1);
    receiver.requests.length = 0;
    await fetch(`${sim.url}/_sim/webhooks`, { method: 'POST', body: JSON.stringify({ hold: true }) });
    await fetch(`${sim.url}/_sim/orders/${order.id}/fulfillment`, { method: 'POST', body: '{"state":"RESERVED"}' });
    await fetch(`${sim.url}/_sim/orders/${order.id}/fulfillment`, { method: 'POST', body: '{"state":"PREPARED"}' });
    expect(receiver.requests).toHaveLength(0);
    const released = (await (
      await fetch(`${sim.url}/_sim/webhooks/release`, { method: 'POST', body: '{"reverse":true}' })
    ).json()) as Json;
    expect(released.released).toHaveLength(4);
    const versions = events(receiver.requests).map((e) => Object.values(e.data.object as Json)[0].version);
    expect(versions).toEqual([3, 3, 2, 2]);
  });

  it('under the webhook faults posts each event 1–3 times in the background, each copy held, and counts them', async () => {
    const order = await createOrder();
    await waitForEvents(1);
    receiver.requests.length = 0;
    sim.faults.set({ webhookCopiesMax: 3, webhookHoldMaxMs: 150 });
    for (const state of ['RESERVED', 'PREPARED', 'COMPLETED'])
      await fetch(`${sim.url}/_sim/orders/${order.id}/fulfillment`, { method: 'POST', body: `{"state":"${state}"}` });
    expect(sim.pendingWebhooks).toBeGreaterThan(0);
    for (let i = 0; i < 100 && sim.pendingWebhooks > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sim.pendingWebhooks).toBe(0);
    const perEvent = new Map<string, number>();
    for (const e of events(receiver.requests)) perEvent.set(e.event_id, (perEvent.get(e.event_id) ?? 0) + 1);
    expect(perEvent.size).toBe(6); // fulfillment.updated and order.updated per move
    for (const n of perEvent.values()) expect([1, 2, 3]).toContain(n);
    const delivered = receiver.requests.length;
    expect(sim.faults.counts['webhook-held']).toBe(delivered);
    expect(sim.faults.counts['webhook-copy'] ?? 0).toBe(delivered - perEvent.size);
  });

  it('resends an event already delivered, with the same event_id and a valid signature', async () => {
    await createOrder();
    const [created] = await waitForEvents(1);
    const res = await fetch(`${sim.url}/_sim/webhooks/${created?.event_id}/resend`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Json).httpStatuses).toEqual([200, 200]);
    const [, again] = receiver.requests as [RecordedRequest, RecordedRequest];
    expect(JSON.parse(again.body).event_id).toBe(created?.event_id);
    expect(again.headers['x-square-hmacsha256-signature']).toBe(
      createHmac('sha256', KEY)
        .update(NOTIFICATION_URL + again.body)
        .digest('base64'),
    );
  });
});

describe('other endpoints', () => {
  it('retrieves several orders at once, leaving unknown ids out', async () => {
    const a = await createOrder('a');
    const b = await createOrder('b');
    const res = await call('POST', '/v2/orders/batch-retrieve', { order_ids: [a.id, 'UNKNOWN', b.id] });
    expect(res.body.orders.map((o: Json) => o.id)).toEqual([a.id, b.id]);
  });

  it("answers an unknown /v2 path with Square's 404 and records it", async () => {
    const res = await call('GET', '/v2/orders/x/y');
    expect(res.status).toBe(404);
    expect(res.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' });
    expect(sim.requests.map((r) => [r.path, r.status])).toEqual([['/v2/orders/x/y', 404]]);
  });
});

describe('catalog', () => {
  async function searchAll(request: Json) {
    const pages: Json[] = [];
    let cursor: string | undefined;
    do {
      const res = await call('POST', '/v2/catalog/search', { ...request, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      pages.push(res.body);
      cursor = res.body.cursor;
    } while (cursor);
    return pages;
  }

  it('pages through every object with the cursor, nesting variations in items and modifiers in lists', async () => {
    const pages = await searchAll({});
    expect(pages.length).toBeGreaterThan(1);
    for (const p of pages) expect((p.objects ?? []).length).toBeLessThanOrEqual(3);
    const objects = pages.flatMap((p) => p.objects ?? []);
    expect(new Set(objects.map((o: Json) => o.id)).size).toBe(objects.length);
    expect(objects.filter((o: Json) => o.type === 'ITEM')).toHaveLength(4);
    const margherita = objects.find((o: Json) => o.id === 'DEMOITEMMARGHERITA');
    expect(margherita.item_data.variations.map((v: Json) => v.item_variation_data.price_money.amount)).toEqual([
      950, 1350,
    ]);
    expect(margherita).toMatchObject({
      version: expect.any(Number),
      updated_at: expect.any(String),
      is_deleted: false,
    });
    expect(objects.find((o: Json) => o.id === 'DEMOITEMTIRAMISU')).toMatchObject({
      present_at_all_locations: false,
      present_at_location_ids: [LOCATION],
    });
    const extras = objects.find((o: Json) => o.id === 'DEMOMLEXTRAS');
    expect(extras.modifier_list_data.modifiers).toHaveLength(2);
  });

  it('returns only what changed after begin_time, deletions only with include_deleted_objects, and fires the catalog webhook', async () => {
    const { body: first } = await call('POST', '/v2/catalog/search', { object_types: ['ITEM'] });
    const since = first.latest_time as string;
    const soldOut = await fetch(`${sim.url}/_sim/catalog/DEMOVARCOLA33/sold-out`, {
      method: 'POST',
      body: JSON.stringify({ location_id: LOCATION, sold_out: true }),
    });
    expect(soldOut.status).toBe(200);
    await fetch(`${sim.url}/_sim/catalog/DEMOITEMTIRAMISU`, { method: 'DELETE' });
    const changed = (await searchAll({ begin_time: since, object_types: ['ITEM', 'ITEM_VARIATION'] })).flatMap(
      (p) => p.objects ?? [],
    );
    expect(changed.map((o: Json) => o.id).sort()).toEqual(['DEMOITEMCOLA', 'DEMOVARCOLA33']);
    const cola = changed.find((o: Json) => o.id === 'DEMOVARCOLA33');
    expect(cola.item_variation_data.location_overrides).toEqual([{ location_id: LOCATION, sold_out: true }]);
    const withDeleted = (
      await searchAll({ begin_time: since, object_types: ['ITEM', 'ITEM_VARIATION'], include_deleted_objects: true })
    ).flatMap((p) => p.objects ?? []);
    expect(
      withDeleted
        .filter((o: Json) => o.is_deleted)
        .map((o: Json) => o.id)
        .sort(),
    ).toEqual(['DEMOITEMTIRAMISU', 'DEMOVARTIRAMISU']);
    const sent = await waitForEvents(2);
    expect(sent.map((e) => e.type)).toEqual(['catalog.version.updated', 'catalog.version.updated']);
    expect(sent[1]?.data).toEqual({
      type: 'catalog_version',
      object: { catalog_version: { updated_at: expect.any(String) } },
    });
  });

  it('adds the categories and modifier lists of the items as related objects when asked', async () => {
    const { body } = await call('POST', '/v2/catalog/search', {
      object_types: ['ITEM'],
      include_related_objects: true,
      limit: 1,
    });
    expect(body.objects).toHaveLength(1);
    const item = body.objects[0];
    const relatedIds = body.related_objects.map((o: Json) => o.id).sort();
    const expected = [
      ...item.item_data.categories.map((c: Json) => c.id),
      ...item.item_data.modifier_list_info.map((m: Json) => m.modifier_list_id),
    ].sort();
    expect(relatedIds).toEqual(expected);
  });

  it('refuses an unknown object type and a malformed begin_time', async () => {
    const type = await call('POST', '/v2/catalog/search', { object_types: ['PIZZA'] });
    expect(type.status).toBe(400);
    expect(type.body.errors[0]).toMatchObject({ code: 'INVALID_ENUM_VALUE', field: 'object_types' });
    const time = await call('POST', '/v2/catalog/search', { begin_time: 'yesterday' });
    expect(time.body.errors[0]).toMatchObject({ code: 'INVALID_TIME', field: 'begin_time' });
  });
});

describe('locations', () => {
  it('lists and retrieves locations with business hours, and signals an hours edit with location.updated', async () => {
    const list = await call('GET', '/v2/locations');
    expect(list.body.locations.map((l: Json) => l.id)).toEqual([LOCATION]);
    const one = await call('GET', `/v2/locations/${LOCATION}`);
    expect(one.body.location).toMatchObject({ timezone: 'Europe/Madrid', status: 'ACTIVE', currency: 'EUR' });
    expect(one.body.location.business_hours.periods[0]).toEqual({
      day_of_week: 'MON',
      start_local_time: '12:00:00',
      end_local_time: '16:00:00',
    });
    const periods = [{ day_of_week: 'TUE', start_local_time: '09:00:00', end_local_time: '14:00:00' }];
    const edit = await fetch(`${sim.url}/_sim/locations/${LOCATION}`, {
      method: 'PATCH',
      body: JSON.stringify({ business_hours: { periods } }),
    });
    expect(edit.status).toBe(200);
    expect((await call('GET', `/v2/locations/${LOCATION}`)).body.location.business_hours).toEqual({ periods });
    const [event] = await waitForEvents(1);
    expect(event).toMatchObject({
      type: 'location.updated',
      location_id: LOCATION,
      data: { type: 'location', id: LOCATION },
    });
    const missing = await call('GET', '/v2/locations/NOPE');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]).toMatchObject({ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' });
  });
});

describe('faults and the request log', () => {
  it('answers 429 RATE_LIMITED with Retry-After, and injected 503s, in Square error shape', async () => {
    await fetch(`${sim.url}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ rateLimitRate: 1, retryAfterSeconds: 7 }),
    });
    const limited = await call('GET', '/v2/locations');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.body.errors[0]).toMatchObject({ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED' });
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 1, errorStatus: 503 }) });
    const down = await call('GET', '/v2/locations');
    expect(down.status).toBe(503);
    expect(down.body.errors[0]).toMatchObject({ category: 'API_ERROR', code: 'SERVICE_UNAVAILABLE' });
  });

  it('creates the order but drops the reply, and the retry with the same key finds that one order', async () => {
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ dropReplyRate: 1 }) });
    await expect(
      fetch(`${sim.url}/v2/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(orderRequest('lost-reply')),
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    expect(sim.orders.orders.size).toBe(1);
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: '{}' });
    const retried = await createOrder('lost-reply');
    expect(retried.id).toBe([...sim.orders.orders.keys()][0]);
    expect(sim.orders.orders.size).toBe(1);
  });

  it('records every API call with Square-Version, idempotency key and body, filters it, and clears it', async () => {
    await createOrder('logged-key');
    await call('GET', '/v2/locations');
    const posts = (await (await fetch(`${sim.url}/_sim/requests?method=POST&path=/v2/orders`)).json()) as Json[];
    expect(posts).toEqual([
      expect.objectContaining({
        method: 'POST',
        path: '/v2/orders',
        squareVersion: '2025-08-20',
        idempotencyKey: 'logged-key',
        status: 200,
        body: expect.objectContaining({ order: expect.objectContaining({ reference_id: 'sinqro-1001' }) }),
      }),
    ]);
    await fetch(`${sim.url}/_sim/requests`, { method: 'DELETE' });
    expect(await (await fetch(`${sim.url}/_sim/requests`)).json()).toEqual([]);
  });

  it('forgets orders, catalog edits and faults on reset', async () => {
    await createOrder();
    await fetch(`${sim.url}/_sim/catalog/DEMOITEMCOLA`, { method: 'DELETE' });
    await fetch(`${sim.url}/_sim/faults`, { method: 'POST', body: JSON.stringify({ errorRate: 1 }) });
    await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
    expect(sim.orders.orders.size).toBe(0);
    expect(sim.catalog.get('DEMOITEMCOLA')?.is_deleted).toBe(false);
    expect((await call('GET', '/v2/locations')).status).toBe(200);
  });
});
