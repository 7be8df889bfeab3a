/**
 * The Square client against a small local HTTP server answering with Square's documented reply and
 * error shapes: headers, the order → payment sequence, the total check, cancellation with the order
 * version, error classification and 429 back-off, catalog pages and changes, hours.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import type { PosCallContext } from '../../adapters/port';
import { SQUARE_VERSION } from '../../adapters/square/api';
import { backoffMs, CATALOG_OVERLAP_MS, parseSquareError, SquareClient } from '../../adapters/square/client';
import { type BridgeError, PermanentError, PosAuthError, RetryableError } from '../../functions/core/errors';
import { type SinqroOrder, SinqroOrderSchema } from '../../functions/core/sinqro-schemas';

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
type Seen = { method: string; path: string; headers: IncomingHttpHeaders; body: unknown };
let server: Server;
let base = '';
let seen: Seen[] = [];
let routes: Record<string, (body: unknown) => Answer | Answer[]> = {};
const queues = new Map<string, Answer[]>();

beforeEach(async () => {
  seen = [];
  routes = {};
  queues.clear();
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      const path = (req.url ?? '').split('?')[0] as string;
      const key = `${req.method} ${path}`;
      seen.push({ method: req.method ?? '', path, headers: req.headers, body });
      const route = routes[key];
      let answer: Answer = {
        status: 404,
        body: { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'NOT_FOUND' }] },
      };
      if (route) {
        const queued = queues.get(key);
        if (queued?.length) answer = queued.shift() as Answer;
        else {
          const made = route(body);
          if (Array.isArray(made)) {
            answer = made[0] as Answer;
            queues.set(key, made.slice(1));
          } else answer = made;
        }
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

const LOCATION = '057P5VYJ4A5X1';
const context = (secret: Record<string, unknown> = { accessToken: 'EAAAl-merchant-token' }): PosCallContext => ({
  link: {
    restaurantId: 5121,
    posCode: 'square',
    posLocationId: LOCATION,
    sinqroTokenSecret: 's',
    enabled: true,
    createdAt: '2026-01-01T00:00:00.000Z',
  },
  secret: { ...secret },
  baseUrl: base,
  budget: { deadline: Date.now() + 20_000 },
});

const sinqroOrder = (prepaid = true): SinqroOrder =>
  v.parse(SinqroOrderSchema, {
    id: 910002,
    type: 'collection',
    executionTime: '2026-11-27T13:00:00+0000',
    sellingPoint: { id: 5121 },
    currency: { isoCode: 'USD' },
    orderLines: [
      {
        type: 'PRODUCT',
        label: 'New York Steak (Larger)',
        quantity: 2,
        unitPrice: 22.5,
        totalAmount: 45,
        product: { id: 1, externalId: 'BEMYCSMIJL46OCDV4KYIKXIB' },
        childrenOrderLines: [
          {
            type: 'PRODUCT_OPTION',
            label: 'Well',
            quantity: 1,
            unitPrice: 0.5,
            totalAmount: 0.5,
            productOption: { id: 2, externalId: 'CHQX7Y4KY6N5KINJKZCFURPZ' },
          },
        ],
      },
    ],
    payments: [{ amount: 45, prepaid }],
    totalAmount: 45,
  });

/** RetrieveCatalogObjectResponse of an ITEM_VARIATION (the order names a variation). */
const variationReply = (id: string) => ({
  status: 200,
  body: {
    object: {
      id,
      type: 'ITEM_VARIATION',
      present_at_all_locations: true,
      item_variation_data: { item_id: 'ITEMX', name: 'Larger', price_money: { amount: 2200, currency: 'USD' } },
    },
  },
});

/** CreateOrderResponse / RetrieveOrderResponse shaped like Square's examples. */
const orderReply = (total: number, extra: Record<string, unknown> = {}) => ({
  status: 200,
  body: {
    order: {
      id: 'CAISENgvlJ6jLWAzERDzjyHVybY',
      location_id: LOCATION,
      reference_id: '910002',
      state: 'OPEN',
      version: 1,
      created_at: '2020-01-17T20:47:53.293Z',
      updated_at: '2020-01-17T20:47:53.293Z',
      total_money: { amount: total, currency: 'USD' },
      fulfillments: [{ uid: 'FULF1', type: 'PICKUP', state: 'PROPOSED' }],
      ...extra,
    },
  },
});

const squareError = (status: number, category: string, code: string, headers?: Record<string, string>): Answer => ({
  status,
  body: { errors: [{ category, code, detail: `${code} happened`, field: 'order' }] },
  headers,
});

async function failure(promise: Promise<unknown>): Promise<BridgeError> {
  try {
    await promise;
  } catch (error) {
    return error as BridgeError;
  }
  throw new Error('expected a failure');
}

test('without an access token the client cannot be made (a permanent failure)', () => {
  expect(() => new SquareClient(context({}))).toThrow(PermanentError);
});

test('an injected order: CreateOrder then an EXTERNAL payment, with the token and the pinned Square-Version', async () => {
  routes['GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB'] = () => variationReply('BEMYCSMIJL46OCDV4KYIKXIB');
  routes['POST /v2/orders'] = () => orderReply(4500);
  routes['POST /v2/payments'] = () => ({
    status: 200,
    body: { payment: { id: 'R2B3Z8WMVt3EAmzYWLZvz7Y69EbZY', status: 'COMPLETED' } },
  });
  const result = await new SquareClient(context()).injectOrder(sinqroOrder(), 'sinqro-order-910002');
  expect(result).toEqual({ posOrderId: 'CAISENgvlJ6jLWAzERDzjyHVybY', posStatus: 'PROPOSED' });
  expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB',
    'POST /v2/orders',
    'POST /v2/payments',
  ]);
  for (const r of seen) {
    expect(r.headers.authorization).toBe('Bearer EAAAl-merchant-token');
    expect(r.headers['square-version']).toBe(SQUARE_VERSION);
  }
  expect(seen[1]?.body).toMatchObject({ idempotency_key: 'sinqro-order-910002', order: { reference_id: '910002' } });
  expect(seen[2]?.body).toMatchObject({
    source_id: 'EXTERNAL',
    order_id: 'CAISENgvlJ6jLWAzERDzjyHVybY',
    amount_money: { amount: 4500, currency: 'USD' },
  });
});

test('a variation the catalog map knows is not read from Square; one it does not know is', async () => {
  const asked: unknown[] = [];
  const inCatalog = async (ref: { type: string; posId: string }) => {
    asked.push(ref);
    return ref.posId === 'BEMYCSMIJL46OCDV4KYIKXIB';
  };
  routes['POST /v2/orders'] = () => orderReply(4500);
  await new SquareClient({ ...context(), inCatalog }).injectOrder(sinqroOrder(false), 'k');
  expect(asked).toEqual([{ type: 'productVariant', posId: 'BEMYCSMIJL46OCDV4KYIKXIB' }]);
  expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v2/orders']);

  seen = [];
  routes['GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB'] = () => variationReply('BEMYCSMIJL46OCDV4KYIKXIB');
  await new SquareClient({ ...context(), inCatalog: async () => false }).injectOrder(sinqroOrder(false), 'k');
  expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
    'GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB',
    'POST /v2/orders',
  ]);
});

test('an item with one variation at the location stands for it; one with several fails the order', async () => {
  const item = (variations: string[]) => ({
    status: 200,
    body: {
      object: {
        id: 'BEMYCSMIJL46OCDV4KYIKXIB',
        type: 'ITEM',
        item_data: {
          name: 'Steak',
          variations: variations.map((id) => ({ id, type: 'ITEM_VARIATION', item_variation_data: { item_id: 'X' } })),
        },
      },
    },
  });
  routes['GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB'] = () => item(['ONLYVAR']);
  routes['POST /v2/orders'] = () => orderReply(4500);
  await new SquareClient(context()).injectOrder(sinqroOrder(false), 'k');
  expect(seen.map((r) => r.path)).toEqual(['/v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB', '/v2/orders']);
  expect(
    (seen[1]?.body as { order: { line_items: { catalog_object_id: string }[] } } | undefined)?.order.line_items[0],
  ).toMatchObject({ catalog_object_id: 'ONLYVAR' });

  routes['GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB'] = () => item(['V1', 'V2']);
  const error = await failure(new SquareClient(context()).injectOrder(sinqroOrder(false), 'k'));
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.code).toBe('AMBIGUOUS_PRODUCT');
});

test("a total Square computes differently from Sinqro's fails the order, and nothing is paid", async () => {
  routes['GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB'] = () => variationReply('BEMYCSMIJL46OCDV4KYIKXIB');
  routes['POST /v2/orders'] = () => orderReply(4725); // e.g. a tax Square added
  const error = await failure(new SquareClient(context()).injectOrder(sinqroOrder(), 'k'));
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.code).toBe('TOTAL_MISMATCH');
  expect(error.message).toContain('4725');
  expect(seen.some((r) => r.path === '/v2/payments')).toBe(false);
});

test('Square error bodies: 4xx categories are permanent with their code, 5xx retryable, 401 a refused credential', async () => {
  routes['GET /v2/catalog/object/BEMYCSMIJL46OCDV4KYIKXIB'] = () => variationReply('BEMYCSMIJL46OCDV4KYIKXIB');
  routes['POST /v2/orders'] = () => squareError(400, 'INVALID_REQUEST_ERROR', 'INVALID_VALUE');
  const invalid = await failure(new SquareClient(context()).injectOrder(sinqroOrder(), 'k'));
  expect(invalid).toBeInstanceOf(PermanentError);
  expect(invalid.code).toBe('INVALID_VALUE');
  expect(invalid.message).toContain('INVALID_REQUEST_ERROR INVALID_VALUE: INVALID_VALUE happened (field order)');

  // A refused credential is retried (with an alarm), never a failed order (pos-auth.test.ts).
  routes['POST /v2/orders'] = () => squareError(401, 'AUTHENTICATION_ERROR', 'UNAUTHORIZED');
  const refused = await failure(new SquareClient(context()).injectOrder(sinqroOrder(), 'k'));
  expect(refused).toBeInstanceOf(PosAuthError);
  expect(refused.remote?.code).toBe('UNAUTHORIZED');

  routes['POST /v2/orders'] = () => squareError(503, 'API_ERROR', 'SERVICE_UNAVAILABLE');
  expect(await failure(new SquareClient(context()).injectOrder(sinqroOrder(), 'k'))).toBeInstanceOf(RetryableError);
});

test('a 429 is tried again after a back-off; a lasting one goes back to SQS with a delay', async () => {
  routes['GET /v2/locations/057P5VYJ4A5X1'] = () => [
    squareError(429, 'RATE_LIMIT_ERROR', 'RATE_LIMITED'),
    { status: 200, body: { location: { id: LOCATION, timezone: 'America/Los_Angeles' } } },
  ];
  await new SquareClient(context()).getOpeningHours();
  expect(seen).toHaveLength(2);

  seen = [];
  routes['GET /v2/locations/057P5VYJ4A5X1'] = () =>
    squareError(429, 'RATE_LIMIT_ERROR', 'RATE_LIMITED', { 'retry-after': '0' });
  const error = await failure(new SquareClient(context()).getOpeningHours());
  expect(error).toBeInstanceOf(RetryableError);
  expect((error as RetryableError).retryAfterMs).toBeGreaterThanOrEqual(1000);
  expect(seen).toHaveLength(3);
});

test('full-jitter back-off stays within base·2^attempt', () => {
  expect(backoffMs(3, 250, () => 1)).toBe(2000);
  expect(backoffMs(3, 250, () => 0)).toBe(0);
  expect(backoffMs(0, 250, () => 0.5)).toBe(125);
});

test('cancel: UpdateOrder with the current version cancels the open fulfillment and, unpaid, the order', async () => {
  routes['GET /v2/orders/ORD1'] = () => orderReply(4500, { id: 'ORD1', version: 4 });
  routes['PUT /v2/orders/ORD1'] = () => orderReply(4500, { id: 'ORD1', version: 5, state: 'CANCELED' });
  await new SquareClient(context()).cancel('order', 'ORD1', 'consumer changed their mind');
  expect(seen[1]?.body).toEqual({
    idempotency_key: 'ORD1-cancel-v4',
    order: {
      location_id: LOCATION,
      version: 4,
      state: 'CANCELED',
      fulfillments: [
        { uid: 'FULF1', state: 'CANCELED', pickup_details: { cancel_reason: 'consumer changed their mind' } },
      ],
    },
  });
});

test('cancel: a DELIVERY fulfillment gets its reason in delivery_details', async () => {
  routes['GET /v2/orders/ORD5'] = () =>
    orderReply(4500, { id: 'ORD5', version: 2, fulfillments: [{ uid: 'FULF5', type: 'DELIVERY', state: 'RESERVED' }] });
  routes['PUT /v2/orders/ORD5'] = () => orderReply(4500, { id: 'ORD5', version: 3, state: 'CANCELED' });
  await new SquareClient(context()).cancel('order', 'ORD5', 'no courier');
  expect(seen[1]?.body).toMatchObject({
    order: { fulfillments: [{ uid: 'FULF5', state: 'CANCELED', delivery_details: { cancel_reason: 'no courier' } }] },
  });
});

test('cancel: a reason over Square’s 100 characters is cut before an emoji, never through it', async () => {
  routes['GET /v2/orders/ORD6'] = () => orderReply(4500, { id: 'ORD6', version: 1 });
  routes['PUT /v2/orders/ORD6'] = () => orderReply(4500, { id: 'ORD6', version: 2, state: 'CANCELED' });
  await new SquareClient(context()).cancel('order', 'ORD6', `${'r'.repeat(99)}😀 and more`);
  const sent = seen[1]?.body as { order: { fulfillments: { pickup_details: { cancel_reason: string } }[] } };
  const reason = sent.order.fulfillments[0]?.pickup_details.cancel_reason;
  expect(reason).toBe('r'.repeat(99));
});

test('cancel: a paid order keeps its state (only the fulfillment is canceled); a lost version race is retried', async () => {
  routes['GET /v2/orders/ORD2'] = () => [
    orderReply(4500, { id: 'ORD2', version: 4, tenders: [{ id: 't1', type: 'OTHER' }] }),
    orderReply(4500, { id: 'ORD2', version: 5, tenders: [{ id: 't1', type: 'OTHER' }] }),
  ];
  routes['PUT /v2/orders/ORD2'] = () => [
    squareError(400, 'INVALID_REQUEST_ERROR', 'VERSION_MISMATCH'),
    orderReply(4500, { id: 'ORD2', version: 6 }),
  ];
  await new SquareClient(context()).cancel('order', 'ORD2', undefined);
  const puts = seen.filter((r) => r.method === 'PUT');
  expect(puts.map((r) => (r.body as { idempotency_key: string }).idempotency_key)).toEqual([
    'ORD2-cancel-v4',
    'ORD2-cancel-v5',
  ]);
  expect(puts[1]?.body).toMatchObject({ order: { version: 5 } });
  expect((puts[1]?.body as { order: Record<string, unknown> } | undefined)?.order.state).toBeUndefined();
});

test('cancel: an already canceled order needs nothing; a completed one is refused for good', async () => {
  routes['GET /v2/orders/ORD3'] = () => orderReply(4500, { id: 'ORD3', state: 'CANCELED' });
  await new SquareClient(context()).cancel('order', 'ORD3', undefined);
  expect(seen.filter((r) => r.method === 'PUT')).toHaveLength(0);
  routes['GET /v2/orders/ORD4'] = () => orderReply(4500, { id: 'ORD4', state: 'COMPLETED' });
  expect((await failure(new SquareClient(context()).cancel('order', 'ORD4', undefined))).code).toBe(
    'ALREADY_COMPLETED',
  );
});

test("getStatus: an open order's fulfillment state, a closed order's state, with the version", async () => {
  routes['GET /v2/orders/ORD5'] = () =>
    orderReply(4500, { id: 'ORD5', version: 7, fulfillments: [{ uid: 'F', state: 'PREPARED' }] });
  expect(await new SquareClient(context()).getStatus('order', 'ORD5')).toEqual({
    posStatus: 'PREPARED',
    occurredAt: '2020-01-17T20:47:53.293Z',
    posVersion: 7,
  });
  routes['GET /v2/orders/ORD6'] = () => orderReply(4500, { id: 'ORD6', state: 'COMPLETED' });
  expect((await new SquareClient(context()).getStatus('order', 'ORD6')).posStatus).toBe('COMPLETED');
});

test('a catalog page is one SearchCatalogObjects of one object type; the menu is the location', async () => {
  routes['POST /v2/catalog/search'] = () => ({
    status: 200,
    body: {
      objects: [{ id: 'CAT1', type: 'CATEGORY', category_data: { name: 'Beverages' } }],
      cursor: 'NEXTPAGE',
      latest_time: '2026-11-27T10:00:00.000Z',
    },
  });
  routes['GET /v2/locations/057P5VYJ4A5X1'] = () => ({
    status: 200,
    body: { location: { id: LOCATION, name: 'Grant Park' } },
  });
  const client = new SquareClient(context());
  const page = await client.fetchCatalogPage('menuSection', 'CURSOR1');
  expect(page).toMatchObject({ nextCursor: 'NEXTPAGE', entities: [{ type: 'menuSection', posId: 'CAT1' }] });
  expect(seen[0]?.body).toEqual({
    object_types: ['CATEGORY'],
    include_deleted_objects: false,
    limit: 200,
    cursor: 'CURSOR1',
  });
  const menu = await client.fetchCatalogPage('menu', undefined);
  expect(menu.entities).toEqual([
    { type: 'menu', posId: `location:${LOCATION}`, name: 'Grant Park', isAvailable: true },
  ]);
});

test('catalog changes: every menu type since the last read (less an overlap), deletions included', async () => {
  routes['POST /v2/catalog/search'] = () => ({
    status: 200,
    body: {
      objects: [
        { id: 'CAT1', type: 'CATEGORY', category_data: { name: 'Beverages' } },
        { id: 'GONE1', type: 'ITEM', is_deleted: true },
      ],
      latest_time: '2026-11-27T10:00:00.5Z',
    },
  });
  const since = '2026-11-27T09:00:00.000Z';
  const page = await new SquareClient(context()).fetchCatalogChanges(since, undefined);
  expect(seen[0]?.body).toEqual({
    object_types: ['CATEGORY', 'ITEM', 'ITEM_VARIATION', 'MODIFIER_LIST', 'MODIFIER'],
    begin_time: new Date(Date.parse(since) - CATALOG_OVERLAP_MS).toISOString(),
    include_deleted_objects: true,
    limit: 200,
  });
  expect(page).toMatchObject({
    entities: [{ posId: 'CAT1' }],
    gone: [{ type: 'product', posId: 'GONE1' }],
    catalogTime: '2026-11-27T10:00:00.5Z',
  });
  expect(page.nextCursor).toBeUndefined();
});

test("a reply that is not Square's shape is a permanent failure", async () => {
  routes['GET /v2/locations/057P5VYJ4A5X1'] = () => ({ status: 200, body: { location: { name: 'no id' } } });
  expect((await failure(new SquareClient(context()).getOpeningHours())).code).toBe('UNMAPPABLE_POS_REPLY');
});

test('parseSquareError cuts a long detail at a whole character, never leaving half an emoji in the audit trail', () => {
  // 'INVALID_REQUEST_ERROR BAD_REQUEST: xy' is 37 units: the emoji then sit at 37–38, …, 299–300.
  const detail = `xy${'😀'.repeat(200)}`;
  const parsed = parseSquareError(400, {
    errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'BAD_REQUEST', detail }],
  });
  expect(parsed?.message).toBe(`INVALID_REQUEST_ERROR BAD_REQUEST: xy${'😀'.repeat(131)}`);
});

test('parseSquareError reads errors[0]; anything else is not a Square error body', () => {
  expect(parseSquareError(400, { errors: [{ category: 'INVALID_REQUEST_ERROR', code: 'VERSION_MISMATCH' }] })).toEqual({
    code: 'VERSION_MISMATCH',
    message: 'INVALID_REQUEST_ERROR VERSION_MISMATCH',
  });
  expect(parseSquareError(500, { message: 'oops' })).toBeUndefined();
  expect(parseSquareError(500, { errors: [] })).toBeUndefined();
});
