/**
 * The Lightspeed K-Series simulator over real HTTP: requests held to the transcribed spec (valid ones
 * served, each class of invalid one answered 400 in the spec's shape and recorded), the reference reuse 409,
 * single-use refresh tokens, and webhooks (to a local receiver) that conform to the spec's webhook schemas
 * and carry the auth each target was configured with.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ALL_SUBSCRIPTIONS, type LightspeedKSim, startLightspeedKSim } from '../../local/sims/lightspeed-k/server';
import { lskSpec, type WebhookId } from '../../local/sims/lightspeed-k/validator';

const BUSINESS = 454335871;
const OTHER_BUSINESS = 454335872;
const BL = 45454565682155;
const OTHER_BL = 7700000001;
const spec = lskSpec();

// biome-ignore lint/suspicious/noExplicitAny: webhook bodies are read ad hoc.
type Received = { path: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: Record<string, any> };

/** A stand-in for the bridge's webhook route: records every delivery, answers 200. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://local');
      received.push({
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

let sim: LightspeedKSim;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  receiver = await startReceiver();
  const hook = (path: string) => `${receiver.url}/lightspeed-k/webhooks/${path}`;
  sim = await startLightspeedKSim({
    clientId: 'sinqro-client',
    clientSecret: 'sinqro-client-secret',
    deliveryDelayMs: 5,
    businesses: [
      {
        businessId: BUSINESS,
        name: 'Trattoria Lightspeed',
        accessToken: 'at-1',
        refreshToken: 'rt-1',
        authorizationCode: 'code-1',
        locations: [{ id: BL, name: 'Centre', tables: ['1', '2', '12'] }],
      },
      {
        businessId: OTHER_BUSINESS,
        name: 'Other',
        accessToken: 'at-2',
        refreshToken: 'rt-2',
        scopes: ['orders-api'],
        locations: [{ id: OTHER_BL, name: 'Other' }],
      },
    ],
    webhookEndpoints: [
      {
        businessId: BUSINESS,
        endpointId: 'SINQRO-1',
        url: hook('acct-secret-1/orders'),
        withBasicAuth: true,
        username: 'lsk-user',
        password: 'lsk-pass',
        provideAccount: true,
        expandTransactions: true,
        expandPayments: true,
        subscribeTo: ALL_SUBSCRIPTIONS,
        businessLocationIds: [BL],
      },
      { businessId: OTHER_BUSINESS, endpointId: 'SINQRO-2', url: hook('acct-secret-2/orders') },
    ],
    platform: {
      code: 'SINQRO',
      profile: {
        displayName: 'Sinqro',
        webhookAuthType: 'BEARER_TOKEN',
        webhookAuthDetails: { bearer: { token: 'reservation-webhook-token' } },
        notificationTypes: ['ORDER_OPENED', 'ORDER_CLOSED', 'POS_RESERVATION_UPDATED', 'ERROR'],
        orderWebhookUrl: hook('reservations/orders'),
        errorsWebhookUrl: hook('reservations/errors'),
        posReservationUpdateWebhookUrl: hook('reservations/updates'),
      },
      integrations: [{ businessLocationId: BL, platformRestaurantId: String(BL) }],
    },
  });
});

afterAll(async () => {
  await sim.close();
  await new Promise((r) => receiver.server.close(r));
});

beforeEach(() => {
  sim.reset();
  receiver.received.length = 0;
});

// biome-ignore lint/suspicious/noExplicitAny: replies are read ad hoc.
type Json = any;
async function call(
  method: string,
  path: string,
  body?: unknown,
  token = 'at-1',
): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
const control = (path: string, body: unknown = {}) => call('POST', path, body, '');

async function until<T>(what: string, probe: () => T | undefined, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
const webhooksTo = (path: string) => receiver.received.filter((r) => r.path.endsWith(path));
const orderWebhook = (reference: string, status: string) =>
  until(`${status} for ${reference}`, () =>
    webhooksTo('/orders').find((r) => r.body.thirdPartyReference === reference && r.body.status === status),
  );

/** Each delivery's body against the spec's schema of its kind, by where it was sent. */
function expectAllConform(): void {
  const kindOf = (r: Received): WebhookId =>
    r.path.endsWith('/reservations/orders')
      ? 'reservationOrderNotification'
      : r.path.endsWith('/reservations/errors')
        ? 'reservationErrorNotification'
        : r.path.endsWith('/reservations/updates')
          ? 'posReservationUpdatedNotification'
          : r.body.type === 'ITEM'
            ? 'salesRestrictionUpdatedNotification'
            : r.body.type === 'ORDER_API'
              ? 'onlineOrderingReadinessUpdatedNotification'
              : 'onlineOrderNotification';
  expect(receiver.received.length).toBeGreaterThan(0);
  for (const r of receiver.received)
    expect([kindOf(r), spec.checkWebhook(kindOf(r), r.body)]).toEqual([kindOf(r), undefined]);
}

const toGo = (reference: string, extra: Record<string, unknown> = {}) => ({
  businessLocationId: BL,
  thirdPartyReference: reference,
  endpointId: 'SINQRO-1',
  customerInfo: {
    firstName: 'Laura',
    lastName: 'Gómez-Demo',
    email: 'laura.demo@example.org',
    contactNumberAsE164: '+34611222333',
  },
  maxTimeToAttemptOrderDeliverToPos: 600000,
  orderCollectionTimeAsIso8601: new Date(Date.now() + 45 * 60_000).toISOString(),
  payment: { paymentMethod: 'OOPAYMENT', paymentAmount: 27, tipAmount: 0 },
  items: [
    {
      quantity: 2,
      sku: 'LSK-MARGHERITA',
      subItems: [{ quantity: 1, sku: 'LSK-MOD-MOZZA' }],
      modifiers: [{ modifierId: '236025632784488' }],
    },
    { quantity: 1, sku: 'LSK-WATER' },
  ],
  ...extra,
});

describe('requests held to the spec', () => {
  test('a conforming takeaway order is accepted, taken by the POS and notified SUCCESS with its account', async () => {
    const res = await call('POST', '/o/op/1/order/toGo', toGo('910001'));
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    const success = await orderWebhook('910001', 'SUCCESS');
    expect(success.body).toMatchObject({ businessLocationId: BL, ikentooAccountIdentifier: 'A17700.1', type: 'ORDER' });
    expect(success.body.account).toMatchObject({ currentAmount: 27, paidAmount: 27, ikaccountId: 'A17700.1' });
    expect(success.body.account.salesEntries[0].subLineItems[0]).toMatchObject({
      itemSku: 'LSK-MOD-MOZZA',
      quantity: 2,
    });
    const account = await call('GET', `/o/op/1/order/accounts/A17700.1?businessLocationId=${BL}`);
    expect(account.status).toBe(200);
    expect(spec.checkResponse('apeCheckLookupWithaccountIdentifier', 200, account.body)).toBeUndefined();
    expect(sim.invalidRequests()).toEqual([]);
    expectAllConform();
  });

  test('a missing required field is answered 400 with the spec validation body and recorded', async () => {
    const res = await call('POST', '/o/op/1/order/toGo', toGo('910002', { customerInfo: { lastName: 'X' } }));
    expect(res.status).toBe(400);
    expect(spec.checkResponse('apePlaceToGoOrder', 400, res.body)).toBeUndefined();
    expect(res.body).toMatchObject({
      status: 400,
      error: 'Bad Request',
      message: "Validation failed for object='toGoOrder'. Error count: 1",
      path: '/o/op/1/order/toGo',
      errors: [
        {
          field: 'customerInfo.firstName',
          code: 'NotNull',
          objectName: 'toGoOrder',
          defaultMessage: 'must not be null',
        },
      ],
    });
    expect(sim.invalidRequests()).toMatchObject([{ operationId: 'apePlaceToGoOrder', valid: false, status: 400 }]);
    expect(sim.ordersFor('910002')).toEqual([]);
  });

  test('a wrong type is answered 400 (not bindable: a JSON parse error) and recorded', async () => {
    const items = [{ quantity: '2', sku: 'LSK-WATER' }];
    const res = await call('POST', '/o/op/1/order/toGo', toGo('910003', { items }));
    expect(res.status).toBe(400);
    expect(spec.checkResponse('apePlaceToGoOrder', 400, res.body)).toBeUndefined();
    expect(res.body.message).toMatch(/^JSON parse error: items\[0\]\.quantity must be integer/);
    expect(sim.invalidRequests()[0]?.violations).toEqual(['body/items/0/quantity must be integer']);
  });

  test('a value outside an enum is answered 400 and recorded', async () => {
    const customerInfo = { firstName: 'Laura', emailNotification: 'ALWAYS' };
    const res = await call('POST', '/o/op/1/order/local', { ...toGo('910004', { customerInfo }), tableNumber: '12' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/customerInfo\.emailNotification must be equal to one of the allowed values/);
    expect(sim.invalidRequests()).toHaveLength(1);
  });

  test('lengths and formats hold: a 49-character reference, an RFC 3339 time without offset', async () => {
    const long = await call('POST', '/o/op/1/order/toGo', toGo('x'.repeat(49)));
    expect(long.body.errors).toMatchObject([{ field: 'thirdPartyReference', code: 'Size' }]);
    const noOffset = await call(
      'POST',
      '/o/op/1/order/toGo',
      toGo('910005', { orderCollectionTimeAsIso8601: '2030-04-04T09:42:00' }),
    );
    expect(noOffset.status).toBe(400);
    expect(sim.invalidRequests()).toHaveLength(2);
  });

  test('an extra property is accepted where the spec allows it (everywhere in the order bodies)', async () => {
    const res = await call('POST', '/o/op/1/order/toGo', toGo('910006', { sinqroOrderId: 910006 }));
    expect(res.status).toBe(200);
    expect(sim.invalidRequests()).toEqual([]);
  });

  test('an extra property the spec constrains (a non-string API-key header of the platform profile) is answered 400', async () => {
    const profile = {
      displayName: 'Sinqro',
      webhookAuthType: 'API_KEYS',
      webhookAuthDetails: { apiKeys: { headers: { 'X-Api-Key': 42 } } },
    };
    const res = await call('POST', '/reservation/api/1/platform/SINQRO/profile', profile);
    expect(res.status).toBe(400);
    expect(sim.invalidRequests()[0]?.violations).toEqual([
      'body/webhookAuthDetails/apiKeys/headers/X-Api-Key must be string',
    ]);
  });

  test('the rules the spec states in words: a delivery window under 60000 ms, a collection time in the past', async () => {
    const res = await call(
      'POST',
      '/o/op/1/order/toGo',
      toGo('910007', { maxTimeToAttemptOrderDeliverToPos: 1000, orderCollectionTimeAsIso8601: '2020-01-01T10:00:00Z' }),
    );
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: Json) => [e.field, e.code])).toEqual([
      ['maxTimeToAttemptOrderDeliverToPos', 'Min'],
      ['orderCollectionTimeAsIso8601', 'Future'],
    ]);
    expect(sim.invalidRequests()).toHaveLength(1);
  });

  test('query parameters are bound and checked: a missing location, too many SKUs, a page size over 50', async () => {
    const missing = await call('GET', '/o/op/1/onlineOrderReadiness');
    expect(missing.status).toBe(400);
    expect(spec.checkResponse('apeGetOnlineOrderReadiness', 400, missing.body)).toBeUndefined();
    expect(missing.body.message).toBe("Required request parameter 'businessLocationId' is not present");
    const skus = Array.from({ length: 51 }, (_, i) => `S${i}`).join(',');
    expect((await call('GET', `/o/op/1/itemAvailability?businessLocationId=${BL}&skus=${skus}`)).status).toBe(400);
    expect((await call('GET', `/o/op/1/itemAvailability?businessLocationId=${BL}&skus=A&size=51`)).status).toBe(400);
    expect((await call('GET', `/o/op/1/itemAvailability?businessLocationId=${BL}&skus=A&skus=B&size=50`)).status).toBe(
      200,
    );
    expect(sim.invalidRequests()).toHaveLength(3);
  });

  test('a body that is not JSON is answered 400 and recorded', async () => {
    const res = await call('POST', `/o/op/1/printMsg?businessLocationId=${BL}`, '{"message":');
    expect(res.status).toBe(400);
    expect(sim.invalidRequests()).toHaveLength(1);
  });
});

describe('order references and tokens', () => {
  test('a thirdPartyReference used again by the business is answered 409 as the spec shows; another business may use it', async () => {
    expect((await call('POST', '/o/op/1/order/toGo', toGo('910010'))).status).toBe(200);
    const again = await call('POST', '/o/op/1/order/toGo', toGo('910010'));
    expect(again).toMatchObject({
      status: 409,
      body: { status: 'fail', msg: 'reference has already been used 910010' },
    });
    expect(spec.checkResponse('apePlaceToGoOrder', 409, again.body)).toBeUndefined();
    const other = { ...toGo('910010'), businessLocationId: OTHER_BL, endpointId: 'SINQRO-2' };
    expect((await call('POST', '/o/op/1/order/toGo', other, 'at-2')).status).toBe(200);
    expect(sim.ordersFor('910010')).toHaveLength(2);
  });

  test("a token cannot reach another business's location (403)", async () => {
    const res = await call('POST', '/o/op/1/order/toGo', { ...toGo('910011'), businessLocationId: OTHER_BL });
    expect(res.status).toBe(403);
  });

  test('refresh tokens are single-use: the new pair works, the spent refresh token is refused invalid_grant', async () => {
    const basic = `Basic ${Buffer.from('sinqro-client:sinqro-client-secret').toString('base64')}`;
    const refresh = (token: string) =>
      fetch(`${sim.url}/oauth/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }),
      });
    const first = await refresh('rt-1');
    expect(first.status).toBe(200);
    const pair = (await first.json()) as { access_token: string; refresh_token: string; expires_in: number };
    expect(pair).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'orders-api reservation-SINQRO' });
    expect(pair.refresh_token).not.toBe('rt-1');
    const reused = await refresh('rt-1');
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sim.oauth.reusedRefreshTokens).toBe(1);
    expect((await call('GET', '/o/op/data/businesses', undefined, pair.access_token)).body).toEqual([
      { name: 'Trattoria Lightspeed', id: BUSINESS, businessLocations: [{ id: BL, name: 'Centre' }] },
    ]);
    expect((await refresh(pair.refresh_token)).status).toBe(200);
  });

  test('the authorization code is exchanged once; bad client credentials are invalid_client', async () => {
    const exchange = (secret: string) =>
      fetch(`${sim.url}/oauth/token?grant_type=authorization_code&code=code-1&redirect_uri=https://bridge.example/cb`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`sinqro-client:${secret}`).toString('base64')}` },
      });
    expect((await exchange('wrong')).status).toBe(401);
    expect((await exchange('sinqro-client-secret')).status).toBe(200);
    expect((await exchange('sinqro-client-secret')).status).toBe(400);
  });

  test('an expired access token is answered 401 invalid_token until it is refreshed', async () => {
    await control('/_sim/oauth/expire');
    const res = await call('GET', `/o/op/1/onlineOrderReadiness?businessLocationId=${BL}`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
  });
});

describe('webhooks built from the spec and sent with the configured auth', () => {
  test('an order through every status: each notification conforms, with Basic auth and an idempotency key', async () => {
    await call('POST', '/o/op/1/order/toGo', toGo('910020'));
    await orderWebhook('910020', 'SUCCESS');
    for (const status of ['READY_FOR_PICKUP', 'IN_DELIVERY', 'DELIVERED', 'CLOSED']) {
      expect((await control('/_sim/orders/910020/status', { status })).status).toBe(200);
      await orderWebhook('910020', status);
    }
    expect((await control('/_sim/orders/910020/status', { status: 'CANCELLED' })).status).toBe(409);
    const first = webhooksTo('/orders')[0] as Received;
    expect(first.path).toBe('/lightspeed-k/webhooks/acct-secret-1/orders');
    expect(first.headers.authorization).toBe(`Basic ${Buffer.from('lsk-user:lsk-pass').toString('base64')}`);
    expect(first.headers['x-lightspeed-idempotency-key']).toMatch(/^LS1_[0-9a-f-]{36}$/);
    expect(
      (await call('GET', `/o/op/1/order/accounts/A17700.1?businessLocationId=${BL}`)).body.closeDate,
    ).toBeDefined();
    expectAllConform();
  });

  test('FAILURE carries a reason; a cancelled order; a waiting order abandoned', async () => {
    await call('POST', '/o/op/1/order/toGo', toGo('910021', { items: [{ quantity: 1, sku: 'NOT-ON-MENU' }] }));
    expect((await orderWebhook('910021', 'FAILURE')).body.reason).toBe('Item with SKU NOT-ON-MENU was not found');
    await call('POST', '/o/op/1/order/toGo', toGo('910022'));
    await orderWebhook('910022', 'SUCCESS');
    await control('/_sim/orders/910022/status', { status: 'CANCELLED' });
    await orderWebhook('910022', 'CANCELLED');
    await control('/_sim/readiness', { availableDevices: false });
    await call('POST', '/o/op/1/order/toGo', toGo('910023'));
    await new Promise((r) => setTimeout(r, 50));
    expect(sim.ordersFor('910023')[0]?.status).toBe('PENDING');
    await control('/_sim/orders/910023/status', { status: 'ABANDONED' });
    await orderWebhook('910023', 'ABANDONED');
    expectAllConform();
  });

  test('an item made unavailable and available again: SALES_RESTRICTION_UPDATED, and the GET agrees', async () => {
    await control('/_sim/items/LSK-DIAVOLA/availability', { available: false });
    const restricted = await until('the restriction', () => receiver.received.find((r) => r.body.type === 'ITEM'));
    expect(restricted.body).toMatchObject({
      sku: 'LSK-DIAVOLA',
      businessLocationId: BL,
      count: 0,
      status: 'RESTRICTED',
    });
    const get = await call('GET', `/o/op/1/itemAvailability?businessLocationId=${BL}&skus=LSK-DIAVOLA,LSK-WATER`);
    expect(spec.checkResponse('apeGetRestrictedItems', 200, get.body)).toBeUndefined();
    expect(get.body.data).toMatchObject([{ sku: 'LSK-DIAVOLA', count: 0 }]);
    await control('/_sim/items/LSK-DIAVOLA/availability', { available: true });
    await until('the lift', () => receiver.received.find((r) => r.body.status === 'NOT_RESTRICTED'));
    const post = await call('POST', `/o/op/1/itemAvailability?businessLocationId=${BL}`, { skus: ['LSK-DIAVOLA'] });
    expect(post.body.data).toEqual([]);
    expectAllConform();
  });

  test('readiness toggled: NOT_READY then READY notifications, and the GET agrees', async () => {
    await control('/_sim/readiness', { salesPeriod: 'CLOSED' });
    const closed = await call('GET', `/o/op/1/onlineOrderReadiness?businessLocationId=${BL}`);
    expect(spec.checkResponse('apeGetOnlineOrderReadiness', 200, closed.body)).toBeUndefined();
    expect(closed.body).toMatchObject({ status: 'NOT_READY', posStatus: { salesPeriod: 'CLOSED' } });
    await control('/_sim/readiness', { salesPeriod: 'OPENED' });
    expect(receiver.received.map((r) => r.body.status)).toEqual(['NOT_READY', 'READY']);
    expectAllConform();
  });

  test('a switched-off kind of webhook is recorded, not sent', async () => {
    await control('/_sim/webhooks', { orders: false });
    await call('POST', '/o/op/1/order/toGo', toGo('910024'));
    await until('the order taken', () => (sim.ordersFor('910024')[0]?.status === 'SUCCESS' ? true : undefined));
    expect(sim.webhooks.sent).toMatchObject([{ kind: 'onlineOrderNotification', withheld: true, httpStatuses: [] }]);
    expect(receiver.received).toEqual([]);
  });
});

describe('reservations', () => {
  const path = (id: string) => `/reservation/api/1/platform/SINQRO/restaurant/${BL}/reservation/${id}/push`;
  const push = (extra: Record<string, unknown> = {}) => ({
    utcScheduledAt: '2030-06-01T19:30:00',
    utcUpdatedAt: '2030-05-20T10:00:00',
    partySize: 4,
    status: 'SCHEDULED',
    sequenceId: 1,
    tableNumbers: ['12'],
    guest: { platformGuestId: 'C-4412', firstName: 'Jordi', lastName: 'Puig-Demo', email: 'jordi.demo@example.org' },
    ...extra,
  });

  test('a push is accepted (202), staff seat the guests and the POS order opens and closes; bearer auth', async () => {
    const res = await call('PUT', path('R-930001'), push());
    expect(res.status).toBe(202);
    expect(spec.checkResponse('reservation-servicePushPlatformReservation', 202, res.body)).toBeUndefined();
    expect(res.body).toEqual({
      platformCode: 'SINQRO',
      platformRestaurantId: String(BL),
      platformReservationId: 'R-930001',
      accepted: true,
    });
    await control('/_sim/reservations/R-930001/status', { status: 'SEATED' });
    await control('/_sim/reservations/R-930001/status', { status: 'DEPARTED' });
    expect(webhooksTo('/reservations/updates').map((r) => r.body.status)).toEqual(['SEATED', 'DEPARTED']);
    expect(webhooksTo('/reservations/orders').map((r) => r.body.notificationType)).toEqual(['OPEN', 'CLOSE']);
    expect(receiver.received[0]?.headers.authorization).toBe('Bearer reservation-webhook-token');
    expectAllConform();
  });

  test('a stale sequenceId is not applied: 202, and RESERVATION_SEQUENCE_ID_ERROR to the errors webhook', async () => {
    await call('PUT', path('R-930002'), push({ sequenceId: 5 }));
    const stale = await call('PUT', path('R-930002'), push({ sequenceId: 4, status: 'CANCELLED' }));
    expect(stale.status).toBe(202);
    const error = await until('the error notification', () => webhooksTo('/reservations/errors')[0]);
    expect(error.body).toMatchObject({ errorCode: 'RESERVATION_SEQUENCE_ID_ERROR', platformReservationId: 'R-930002' });
    expect(sim.reservations.reservations.get('R-930002')).toMatchObject({ status: 'SCHEDULED', sequenceId: 5 });
    await call('PUT', path('R-930002'), push({ sequenceId: 6, status: 'CANCELLED' }));
    expect(sim.reservations.reservations.get('R-930002')?.status).toBe('CANCELLED');
    expectAllConform();
  });

  test('without a valid table no POS order opens; an unknown table is reported', async () => {
    await call('PUT', path('R-930003'), push({ tableNumbers: ['99'] }));
    await until('the table error', () => webhooksTo('/reservations/errors')[0]);
    await control('/_sim/reservations/R-930003/status', { status: 'SEATED' });
    expect(webhooksTo('/reservations/orders')).toEqual([]);
    expect(webhooksTo('/reservations/errors')[0]?.body.errorCode).toBe('REQUESTED_TABLE_IS_UNAVAILABLE');
  });

  test('no integration: 404; no reservation scope: 403; a time with an offset: 400', async () => {
    expect(
      (await call('PUT', '/reservation/api/1/platform/SINQRO/restaurant/UNKNOWN/reservation/R-1/push', push())).status,
    ).toBe(404);
    expect((await call('PUT', path('R-930004'), push(), 'at-2')).status).toBe(403);
    expect((await call('PUT', path('R-930004'), push({ utcUpdatedAt: '2030-05-20T10:00:00Z' }))).status).toBe(400);
    expect(sim.invalidRequests()).toHaveLength(1);
  });

  test('API-key webhook auth sends the static headers and query parameters of the profile', async () => {
    const profile = {
      displayName: 'Sinqro',
      webhookAuthType: 'API_KEYS',
      webhookAuthDetails: { apiKeys: { headers: { 'X-Api-Key': 'k-1' }, parameters: { account: 'acct-secret-1' } } },
      notificationTypes: ['POS_RESERVATION_UPDATED'],
      posReservationUpdateWebhookUrl: `${receiver.url}/lightspeed-k/webhooks/reservations/updates`,
    };
    expect((await call('POST', '/reservation/api/1/platform/SINQRO/profile', profile)).status).toBe(200);
    await call('PUT', path('R-930005'), push());
    await control('/_sim/reservations/R-930005/status', { status: 'ARRIVED' });
    const update = webhooksTo('/reservations/updates')[0] as Received;
    expect(update.headers['x-api-key']).toBe('k-1');
    expect(update.query.get('account')).toBe('acct-secret-1');
    expect(update.headers.authorization).toBeUndefined();
  });
});

describe('responses in the spec shapes, faults', () => {
  test('a path with malformed percent-encoding is answered 400, and the simulator goes on serving', async () => {
    expect((await call('GET', '/o/wh/1/webhook/%E0%A4%A')).status).toBe(400);
    expect((await call('GET', `/o/op/1/onlineOrderReadiness?businessLocationId=${BL}`)).status).toBe(200);
  });

  test('under the webhook faults a notification arrives 1–3 times, every copy with the same idempotency key', async () => {
    await control('/_sim/faults', { webhookCopiesMax: 3, webhookHoldMaxMs: 20 });
    for (const salesPeriod of ['CLOSED', 'OPENED', 'CLOSED', 'OPENED'])
      await control('/_sim/readiness', { salesPeriod });
    await until('the held copies', () => (sim.pendingWebhooks === 0 ? true : undefined));
    const copies = new Map<string, string[]>();
    for (const r of receiver.received) {
      const key = r.headers['x-lightspeed-idempotency-key'] as string;
      copies.set(key, [...(copies.get(key) ?? []), JSON.stringify(r.body)]);
    }
    expect(copies.size).toBe(4);
    for (const bodies of copies.values()) {
      expect(bodies.length).toBeGreaterThanOrEqual(1);
      expect(bodies.length).toBeLessThanOrEqual(3);
      expect(new Set(bodies).size).toBe(1);
    }
    expectAllConform();
  });

  test('menus, modifiers and businesses conform to their response schemas', async () => {
    const list = await call('GET', `/o/op/1/menu/list?businessLocationId=${BL}`);
    expect(spec.checkResponse('apeLoadMenus', 200, list.body)).toBeUndefined();
    const menu = await call('GET', `/o/op/2/menu/load/${list.body[0].ikentooMenuId}?businessLocationId=${BL}`);
    expect(spec.checkResponse('apeGetMenuByIdV2', 200, menu.body)).toBeUndefined();
    expect(menu.body.menuEntryGroups[0].menuEntry[0].menuModifierGroups[0].productModifiers[0]).toMatchObject({
      '@type': 'menuProductModifier',
      sku: 'LSK-MOD-MOZZA',
    });
    const modifiers = await call('GET', `/o/op/1/menu/modifiers?businessLocationId=${BL}`);
    expect(spec.checkResponse('apeLoadAllModifiers', 200, modifiers.body)).toBeUndefined();
    expect(
      spec.checkResponse('apeLookupBusinesses', 200, (await call('GET', '/o/op/data/businesses')).body),
    ).toBeUndefined();
    expect(sim.invalidRequests()).toEqual([]);
  });

  test('the print message is kept for staff', async () => {
    const res = await call('POST', `/o/op/1/printMsg?businessLocationId=${BL}`, {
      message: 'Order 910030 was cancelled',
      alsoToPrinter: true,
    });
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(sim.messages).toMatchObject([
      { businessLocationId: BL, message: 'Order 910030 was cancelled', alsoToPrinter: true },
    ]);
  });

  test('injected faults: an error rate answers 503 in the Spring shape; a credential fault 401', async () => {
    await control('/_sim/faults', { errorRate: 1, errorStatus: 503 });
    const down = await call('GET', `/o/op/1/onlineOrderReadiness?businessLocationId=${BL}`);
    expect(down).toMatchObject({ status: 503, body: { status: 503, error: 'Service Unavailable' } });
    await control('/_sim/faults', { credentialsRejectedUntil: Date.now() + 60_000 });
    expect((await call('GET', `/o/op/1/onlineOrderReadiness?businessLocationId=${BL}`)).status).toBe(401);
    expect(sim.faults.counts).toMatchObject({ 'error-503': 1, 'credential-rejected-401': 1 });
  });
});
