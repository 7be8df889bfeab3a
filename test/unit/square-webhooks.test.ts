/**
 * Square webhooks: the signature (HMAC-SHA256 over notification URL + raw body, base64) and the
 * events, with bodies shaped like the examples of Square's OpenAPI (`OrderFulfillmentUpdatedEvent`,
 * `OrderUpdatedEvent`, `CatalogVersionUpdatedEvent`, `LocationUpdatedEvent`).
 */
import { createHmac } from 'node:crypto';
import { squareAdapter } from '../../adapters/square';
import { parseSquareWebhook, verifySquareSignature } from '../../adapters/square/webhooks';
import { AuthenticationError, ValidationError } from '../../functions/core/errors';
import { adapterSettings } from '../../functions/infra/env';

const URL = 'https://webhooks.example.com/square/webhooks/events';
const KEY = 'asdf1234-signature-key';

const fulfillmentUpdated = () => ({
  merchant_id: '5S9MXCS9Y99KK',
  type: 'order.fulfillment.updated',
  event_id: 'b3adf364-4937-436e-a833-49c72b4baee8',
  created_at: '2020-04-16T23:16:30.789Z',
  data: {
    type: 'order_fulfillment_updated',
    id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
    object: {
      order_fulfillment_updated: {
        created_at: '2020-04-16T23:14:26.129Z',
        fulfillment_update: [
          { fulfillment_uid: 'VWJ1N9leLqjSDLvF2hvYjD', new_state: 'RESERVED', old_state: 'PROPOSED' },
        ],
        location_id: 'FPYCBCHYMXFK1',
        order_id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
        state: 'OPEN',
        updated_at: '2020-04-16T23:16:30.789Z',
        version: 6,
      },
    },
  },
});

const orderUpdated = (state = 'OPEN') => ({
  merchant_id: '5S9MXCS9Y99KK',
  type: 'order.updated',
  event_id: '4b8e5c91-9f17-4cf1-900a-4a0629f81add',
  created_at: '2020-04-16T23:14:26.359Z',
  data: {
    type: 'order_updated',
    id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
    object: {
      order_updated: {
        created_at: '2020-04-16T23:14:26.129Z',
        location_id: 'FPYCBCHYMXFK1',
        order_id: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
        state,
        updated_at: '2020-04-16T23:14:26.359Z',
        version: 2,
      },
    },
  },
});

const raw = (body: unknown) => Buffer.from(JSON.stringify(body));
const sign = (body: Buffer, url = URL, key = KEY) =>
  createHmac('sha256', key)
    .update(`${url}${body.toString('utf8')}`)
    .digest('base64');

describe('signature', () => {
  const body = raw(fulfillmentUpdated());

  test('a body signed over the registered notification URL with the signature key is authentic', () => {
    expect(() => verifySquareSignature(body, sign(body), URL, [KEY])).not.toThrow();
  });

  test('during a key rotation, either key is accepted', () => {
    expect(() => verifySquareSignature(body, sign(body, URL, 'new-key'), URL, [KEY, 'new-key'])).not.toThrow();
  });

  test.each([
    ['another key', () => sign(body, URL, 'other-key')],
    [
      'another URL (as a proxy rewriting the host would give)',
      () => sign(body, 'http://10.0.0.1/square/webhooks/events'),
    ],
    ['a changed body', () => sign(Buffer.from(`${body.toString()} `))],
    ['a truncated signature', () => sign(body).slice(0, 20)],
    ['no signature', () => undefined],
    // Buffer's base64 decoder stops at the first padding: these would decode to the valid digest.
    ['a duplicated header (joined with a comma)', () => `${sign(body)},${sign(body)}`],
    ['a valid signature followed by garbage', () => `${sign(body)}!!`],
    [
      'the digest in hex',
      () =>
        createHmac('sha256', KEY)
          .update(`${URL}${body.toString('utf8')}`)
          .digest('hex'),
    ],
  ])('%s is refused', (_what, signature) => {
    expect(() => verifySquareSignature(body, signature(), URL, [KEY])).toThrow(AuthenticationError);
  });

  test('without a configured notification URL or key nothing is authentic', () => {
    expect(() => verifySquareSignature(body, sign(body), undefined, [KEY])).toThrow(AuthenticationError);
    expect(() => verifySquareSignature(body, sign(body), URL, [])).toThrow(AuthenticationError);
  });

  test("the adapter verifies with the stage's notification URL and the x-square-hmacsha256-signature header", () => {
    const request = {
      path: '/square/webhooks/events',
      rawBody: body,
      headers: { 'x-square-hmacsha256-signature': sign(body) },
    };
    const secret = { webhookSigningSecrets: [KEY] };
    expect(() => squareAdapter.verifyWebhook(request, secret, { webhookNotificationUrl: URL })).not.toThrow();
    expect(() => squareAdapter.verifyWebhook(request, secret, {})).toThrow(AuthenticationError);
  });

  test('the notification URL comes from the stage settings and must be a URL', () => {
    process.env.POS_SETTINGS_SQUARE = JSON.stringify({ webhookNotificationUrl: URL });
    expect(adapterSettings('square')).toEqual({ webhookNotificationUrl: URL });
    process.env.POS_SETTINGS_SQUARE = JSON.stringify({ webhookNotificationUrl: 42 });
    expect(() => adapterSettings('square')).toThrow(/webhookNotificationUrl/);
    delete process.env.POS_SETTINGS_SQUARE;
  });
});

describe('events', () => {
  test('order.fulfillment.updated → the new fulfillment state, with the order version', () => {
    expect(parseSquareWebhook(raw(fulfillmentUpdated()))).toEqual([
      {
        type: 'order.status',
        eventId: 'b3adf364-4937-436e-a833-49c72b4baee8',
        posLocationId: 'FPYCBCHYMXFK1',
        posOrderId: 'eA3vssLHKJrv9H0IdJCM3gNqfdcZY',
        kind: 'order',
        posStatus: 'RESERVED',
        posVersion: 6,
        refresh: false,
        occurredAt: '2020-04-16T23:16:30.789Z',
      },
    ]);
  });

  test('a fulfillment update without a new state asks the worker to read the order', () => {
    const body = fulfillmentUpdated();
    body.data.object.order_fulfillment_updated.fulfillment_update = [];
    expect(parseSquareWebhook(raw(body))[0]).toMatchObject({ posStatus: 'OPEN', refresh: true });
  });

  test('order.updated of an OPEN order asks for a read; of a COMPLETED or CANCELED one it is the status', () => {
    expect(parseSquareWebhook(raw(orderUpdated('OPEN')))[0]).toMatchObject({
      posStatus: 'OPEN',
      refresh: true,
      posVersion: 2,
    });
    expect(parseSquareWebhook(raw(orderUpdated('CANCELED')))[0]).toMatchObject({
      posStatus: 'CANCELED',
      refresh: false,
    });
  });

  test('catalog.version.updated names no object: a catalog change of the whole merchant', () => {
    const event = {
      created_at: '2019-10-29T17:26:16.808603647Z',
      data: {
        id: '732b6677-1acb-4d81-b09c-5a3a49399d8f',
        object: { catalog_version: { updated_at: '2019-10-29T17:26:16.53Z' } },
        type: 'catalog_version',
      },
      event_id: 'aeaaa5f6-c4fd-4e93-b688-71b50706266f',
      merchant_id: '6SSW7HV8K2ST5',
      type: 'catalog.version.updated',
    };
    expect(parseSquareWebhook(raw(event))).toEqual([
      {
        type: 'catalog.changed',
        eventId: 'aeaaa5f6-c4fd-4e93-b688-71b50706266f',
        posLocationId: '',
        posAccountId: '6SSW7HV8K2ST5',
        occurredAt: '2019-10-29T17:26:16.530Z',
      },
    ]);
  });

  test('location.updated → the location hours changed', () => {
    const event = {
      created_at: '2020-02-06T21:27:34.308Z',
      data: { id: 'S8GWD5DBJ3HF3', type: 'Location' },
      event_id: 'de45d351-8ad2-400a-97af-e9f89da3d19d',
      location_id: 'S8GWD5DBJ3HF3',
      merchant_id: '6SSW7HV8K2ST5',
      type: 'location.updated',
    };
    expect(parseSquareWebhook(raw(event))).toEqual([
      {
        type: 'hours.changed',
        eventId: 'de45d351-8ad2-400a-97af-e9f89da3d19d',
        posLocationId: 'S8GWD5DBJ3HF3',
        occurredAt: '2020-02-06T21:27:34.308Z',
      },
    ]);
  });

  test('order.created and event types the bridge does not use give no event', () => {
    const created = { ...orderUpdated(), type: 'order.created' };
    expect(parseSquareWebhook(raw(created))).toEqual([]);
    expect(parseSquareWebhook(raw({ ...orderUpdated(), type: 'payment.updated' }))).toEqual([]);
  });

  test.each([0, -1, 2.5])('an order version of %s is a validation error (Square versions start at 1)', (version) => {
    const w = orderUpdated('COMPLETED');
    w.data.object.order_updated.version = version;
    expect(() => parseSquareWebhook(raw(w))).toThrow(ValidationError);
  });

  test('unreadable bodies are a validation error', () => {
    expect(() => parseSquareWebhook(Buffer.from('not json'))).toThrow(ValidationError);
    expect(() => parseSquareWebhook(raw([1, 2]))).toThrow(ValidationError);
    const noOrder = fulfillmentUpdated() as { data: { object: Record<string, unknown> } };
    noOrder.data.object = {};
    expect(() => parseSquareWebhook(raw(noOrder))).toThrow(ValidationError);
    const badState = fulfillmentUpdated();
    (badState.data.object.order_fulfillment_updated.fulfillment_update[0] as { new_state: string }).new_state = 'EATEN';
    expect(() => parseSquareWebhook(raw(badState))).toThrow(ValidationError);
  });
});

describe('statuses and capabilities', () => {
  test.each([
    ['PROPOSED', 'INJECTED'],
    ['RESERVED', 'ACCEPTED'],
    ['PREPARED', 'READY'],
    ['COMPLETED', 'COMPLETED'],
    ['CANCELED', 'CANCELLED'],
    ['FAILED', 'CANCELLED'],
    ['OPEN', undefined],
    ['toString', undefined],
  ])('Square %s → %s', (posStatus, canonical) => {
    expect(squareAdapter.mapStatus('order', posStatus)).toBe(canonical);
  });

  test('F7 is declared unsupported with the reason, and reservations are not offered', () => {
    expect(squareAdapter.capabilities.orders.F7).toEqual({
      mechanism: 'unsupported',
      reason: 'Square has no API to pause a location',
    });
    for (const support of Object.values(squareAdapter.capabilities.reservations))
      expect(support.mechanism).toBe('unsupported');
  });
});
