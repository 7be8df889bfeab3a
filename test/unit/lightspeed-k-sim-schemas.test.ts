/**
 * The transcribed K-Series schemas (local/sims/lightspeed-k/schemas.json): they compile, they name the
 * operations the simulator doc cites, and they read the spec's own examples as the spec means them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LskSpec, SPEC } from '../../local/sims/lightspeed-k/validator';

const spec = new LskSpec();

/** `| `operationId` | `METHOD` | `path` |` rows of the doc's operation table. */
function citedOperations(): Record<string, { method: string; path: string }> {
  const doc = readFileSync(resolve(__dirname, '../../docs/lightspeed-k-simulator.md'), 'utf8');
  const rows = [...doc.matchAll(/^\| `([A-Za-z0-9-]+)` \| `([A-Z]+)` \| `([^`]+)` \|/gm)];
  return Object.fromEntries(rows.map((m) => [m[1], { method: m[2] as string, path: m[3] as string }]));
}

/** `| `operationId` | webhook |` rows of the doc's webhook table. */
function citedWebhooks(): string[] {
  const doc = readFileSync(resolve(__dirname, '../../docs/lightspeed-k-simulator.md'), 'utf8');
  return [...doc.matchAll(/^\| `([A-Za-z]+)` \| webhook \|/gm)].map((m) => m[1] as string);
}

test('every transcribed schema compiles under ajv (JSON Schema 2020-12, strict)', () => {
  const compiled = spec.compileAll();
  const expected = Object.values(SPEC.operations).reduce(
    (n, op) => n + 2 + (op.requestBody ? 1 : 0) + Object.keys(op.responses).length,
    Object.keys(SPEC.webhooks).length + 1, // + the order notification with DELIVERED
  );
  expect(compiled).toBe(expected);
});

test('the transcribed operations are exactly the ones the doc cites, with the spec paths and methods', () => {
  const transcribed = Object.fromEntries(
    Object.entries(SPEC.operations).map(([id, op]) => [id, { method: op.method, path: op.path }]),
  );
  expect(citedOperations()).toEqual(transcribed);
  expect(citedWebhooks().sort()).toEqual(Object.keys(SPEC.webhooks).sort());
});

test('each entry names the spec file it was transcribed from, in the cited repository', () => {
  expect(SPEC.source).toMatchObject({
    repo: 'api-evangelist/lightspeed',
    original: 'openapi/_original/lightspeed-k-series-openapi.json',
    openapi: '3.1.0',
  });
  const sources = [...Object.values(SPEC.operations), ...Object.values(SPEC.webhooks)].map((x) => x.source);
  for (const source of sources) expect(source).toMatch(/^openapi\/lightspeed-[a-z-]+-openapi\.yml$/);
});

test('no transcribed request body forbids extra properties: the spec says additionalProperties: false nowhere', () => {
  const forbids = (node: unknown): boolean =>
    Array.isArray(node)
      ? node.some(forbids)
      : typeof node === 'object' && node !== null
        ? Object.entries(node).some(([k, v]) => (k === 'additionalProperties' && v === false) || forbids(v))
        : false;
  expect(forbids(SPEC)).toBe(false);
});

describe("the spec's own examples", () => {
  test('item availability and readiness examples conform to their webhook schemas', () => {
    const restricted = {
      sku: 'UGG-BB-PUR-06',
      businessLocationId: 247158188015618,
      count: 5,
      countUpdatedAt: '2024-04-04T09:42:00.000+00:00',
      status: 'RESTRICTED',
      type: 'ITEM',
    };
    expect(spec.checkWebhook('salesRestrictionUpdatedNotification', restricted)).toBeUndefined();
    expect(
      spec.checkWebhook('salesRestrictionUpdatedNotification', {
        ...restricted,
        count: null,
        status: 'NOT_RESTRICTED',
      }),
    ).toBeUndefined();
    const notReady = {
      businessLocationId: 247158188015618,
      lastUpdatedAt: '2025-10-04T09:40:00.000+00:00',
      status: 'NOT_READY',
      type: 'ORDER_API',
      onlineOrderingApiConfiguration: { enabled: false, orderProfileId: null, staffId: null },
      posStatus: { salesPeriod: 'CLOSED', acceptingOnlineOrders: false, availableDevices: false },
    };
    expect(spec.checkWebhook('onlineOrderingReadinessUpdatedNotification', notReady)).toBeUndefined();
    expect(
      spec.checkWebhook('onlineOrderingReadinessUpdatedNotification', { ...notReady, status: 'CLOSED' }),
    ).toBeDefined();
  });

  test('the order FAILURE example conforms; a status outside the enum does not, DELIVERED excepted', () => {
    const failure = {
      status: 'FAILURE',
      reason: 'A consumer already exists for this email address with a different external reference.',
      thirdPartyReference: 'REF12212',
    };
    expect(spec.checkWebhook('onlineOrderNotification', failure)).toBeUndefined();
    expect(spec.checkWebhook('onlineOrderNotification', { ...failure, status: 'ACCEPTED' })).toBeDefined();
    expect(spec.checkWebhook('onlineOrderNotification', { ...failure, status: 'DELIVERED' })).toBeUndefined();
  });

  test('the account examples write amounts as strings ("4.00"), which the schema (number) refuses', () => {
    const readyForPickUp = {
      thirdPartyReference: 'order-wFUBVgHNGPAJsryIrSaE',
      businessLocationId: 247158188015618,
      status: 'READY_FOR_PICKUP',
      account: { paidAmount: '4.00', currentAmount: '4.00', ikaccountId: 'A17700.3', tableNumber: 3, posId: 17700 },
      type: 'ORDER',
    };
    const errors = spec.checkWebhook('onlineOrderNotification', readyForPickUp) ?? [];
    expect(errors.map((e) => e.instancePath).sort()).toEqual(['/account/currentAmount', '/account/paidAmount']);
  });

  test('reservation times follow the Jackson pattern the spec annotates them with, not RFC 3339', () => {
    const push = {
      utcUpdatedAt: '2024-01-01T20:10:00',
      utcScheduledAt: '2024-01-01T20:00:00',
      partySize: 2,
      status: 'SCHEDULED',
      guest: { platformGuestId: 'ABC-123', firstName: 'John' },
    };
    const check = (body: unknown) =>
      spec.checkRequest('reservation-servicePushPlatformReservation', {
        pathParams: { 'platform-code': 'SINQRO', 'platform-restaurant-id': 'R-1', 'platform-reservation-id': 'X-1' },
        query: new URLSearchParams(),
        body,
      });
    expect(check(push)).toBeUndefined();
    expect(check({ ...push, utcScheduledAt: '2024-01-01T20:00:00Z' })?.errors[0]?.instancePath).toBe('/utcScheduledAt');
    expect(check({ ...push, utcScheduledAt: '2024-02-30T20:00:00' })?.errors[0]?.instancePath).toBe('/utcScheduledAt');
  });
});
