/**
 * K-Series webhooks against the spec's examples: the routes, the trust check (path token and credential,
 * compared in constant time), the events each notification gives, and the statuses they map to.
 */
import { lightspeedKAdapter } from '../../adapters/lightspeed-k';
import { parseLskWebhook, routeOf, verifyLskWebhook } from '../../adapters/lightspeed-k/webhooks';
import type { RawWebhook } from '../../adapters/port';
import { AuthenticationError, SecretMalformedError, ValidationError } from '../../functions/core/errors';
import type { PosEvent } from '../../functions/core/messages';
import {
  fixture,
  fixtureReplacing,
  fixtureText,
  LSK_LOCATION,
  LSK_PASSWORD,
  LSK_PATH_TOKEN,
  LSK_PLATFORM_BEARER,
  LSK_PLATFORM_PATH_TOKEN,
  lskAccountWebhookSecret,
  lskWebhookSecret,
} from './support/lightspeedk';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const ACCOUNT_PATH = `/lightspeedk/webhooks/o/${LSK_LOCATION}/${LSK_PATH_TOKEN}`;
const platformPath = (topic: string) => `/lightspeedk/webhooks/r/${LSK_PLATFORM_PATH_TOKEN}/${topic}`;
const basic = (password: string, user = 'sinqro') => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const raw = (path: string, body: unknown, headers: Record<string, string> = {}): RawWebhook => ({
  path,
  rawBody: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  headers,
});
const accountSecret = () => lskAccountWebhookSecret();
const parse = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  parseLskWebhook(raw(path, body, headers), NOW);
const only = (events: PosEvent[]) => {
  expect(events).toHaveLength(1);
  return events[0] as PosEvent;
};

describe('routes', () => {
  it('reads an account path and a platform path, and nothing else', () => {
    expect(routeOf(ACCOUNT_PATH)).toEqual({
      scope: 'location',
      businessLocationId: LSK_LOCATION,
      token: LSK_PATH_TOKEN,
    });
    expect(routeOf(platformPath('errors'))).toEqual({
      scope: 'adapter',
      token: LSK_PLATFORM_PATH_TOKEN,
      topic: 'errors',
    });
    for (const path of [
      `/lightspeedk/webhooks/o/${LSK_LOCATION}`,
      `/lightspeedk/webhooks/o/loc-1/${LSK_PATH_TOKEN}`,
      `/lightspeedk/webhooks/o/${LSK_LOCATION}/short`,
      `/lightspeedk/webhooks/o/${LSK_LOCATION}/${LSK_PATH_TOKEN}/more`,
      `/lightspeedk/webhooks/r/${LSK_PLATFORM_PATH_TOKEN}/nosuchtopic`,
      '/lightspeedk/orders',
    ])
      expect(routeOf(path)).toBeUndefined();
  });

  it('scopes an account path to its location’s credentials and the platform path to the adapter’s', () => {
    expect(lightspeedKAdapter.webhookCredentialScope?.(raw(ACCOUNT_PATH, {}))).toBe('location');
    expect(lightspeedKAdapter.webhookLocationOf?.(raw(ACCOUNT_PATH, {}))).toBe(LSK_LOCATION);
    expect(lightspeedKAdapter.webhookCredentialScope?.(raw(platformPath('order'), {}))).toBe('adapter');
    expect(lightspeedKAdapter.webhookCredentialScope?.(raw('/lightspeedk/webhooks/x', {}))).toBe('location');
  });
});

describe('trust', () => {
  const verify = (path: string, authorization: string | undefined, secret: Record<string, unknown>) => () =>
    verifyLskWebhook(
      raw(path, {}, authorization === undefined ? {} : { authorization }),
      secret as Parameters<typeof verifyLskWebhook>[1],
    );

  it('takes the account’s Basic password on its path, the old one too during a rotation', () => {
    expect(verify(ACCOUNT_PATH, basic(LSK_PASSWORD), accountSecret())).not.toThrow();
    const rotating = {
      ...accountSecret(),
      webhookSigningSecrets: ['the-new-basic-auth-password-of-the-account', LSK_PASSWORD],
    };
    expect(verify(ACCOUNT_PATH, basic(LSK_PASSWORD), rotating)).not.toThrow();
    const named = { ...accountSecret(), webhookUsername: 'kseries' };
    expect(verify(ACCOUNT_PATH, basic(LSK_PASSWORD, 'kseries'), named)).not.toThrow();
    expect(verify(ACCOUNT_PATH, basic(LSK_PASSWORD), named)).toThrow(AuthenticationError);
  });

  it.each([
    ['a wrong password', basic('wrong')],
    ['a wrong user', basic(LSK_PASSWORD, 'someone')],
    ['no header', undefined],
    ['the password as a bearer token', `Bearer ${LSK_PASSWORD}`],
    ['two headers joined', `${basic(LSK_PASSWORD)},${basic(LSK_PASSWORD)}`],
  ])('refuses %s', (_why, authorization) => {
    expect(verify(ACCOUNT_PATH, authorization, accountSecret())).toThrow(AuthenticationError);
  });

  it('refuses the right password on another account’s path token', () => {
    const otherPath = `/lightspeedk/webhooks/o/${LSK_LOCATION}/another-accounts-path-token-0123`;
    expect(verify(otherPath, basic(LSK_PASSWORD), accountSecret())).toThrow(AuthenticationError);
  });

  it('takes the platform’s bearer token on the platform path, and not Basic', () => {
    expect(verify(platformPath('order'), `Bearer ${LSK_PLATFORM_BEARER}`, lskWebhookSecret())).not.toThrow();
    expect(verify(platformPath('order'), basic(LSK_PLATFORM_BEARER), lskWebhookSecret())).toThrow(AuthenticationError);
  });

  it('is a configuration fault (500, retried by the sender) when the secret has no path token', () => {
    const { webhookPathToken: _, ...noToken } = accountSecret();
    expect(verify(ACCOUNT_PATH, basic(LSK_PASSWORD), noToken)).toThrow(SecretMalformedError);
    expect(verify(ACCOUNT_PATH, basic(LSK_PASSWORD), { ...accountSecret(), webhookPathToken: 'short' })).toThrow(
      SecretMalformedError,
    );
  });
});

describe('order notifications (onlineOrderNotification)', () => {
  it('SUCCESS without account info: the account it names becomes the order’s POS id; the path gives the location', () => {
    const event = only(
      parse(ACCOUNT_PATH, fixture('webhook-order-success-without-account.json', { thirdPartyReference: '900001' })),
    );
    expect(event).toEqual({
      type: 'order.status',
      eventId: expect.stringMatching(/^[0-9a-f]{64}$/),
      posLocationId: LSK_LOCATION,
      posOrderId: 'A123080.14',
      sinqroOrderId: 900001,
      kind: 'order',
      posStatus: 'SUCCESS',
      occurredAt: NOW.toISOString(),
    });
  });

  it('FAILURE: no account yet, so the bridge’s reference stays the POS id; the reason goes along', () => {
    const event = only(parse(ACCOUNT_PATH, fixture('webhook-order-failure.json', { thirdPartyReference: '900001' })));
    expect(event).toMatchObject({
      posOrderId: '900001',
      posStatus: 'FAILURE',
      reason: 'A consumer already exists for this email address with a different external reference.',
    });
  });

  it('cuts a long reason at a whole character, never in the middle of one', () => {
    const reason = `${'x'.repeat(299)}😀 and more`;
    const body = fixture('webhook-order-failure.json', { thirdPartyReference: '900001', reason });
    expect(only(parse(ACCOUNT_PATH, body))).toMatchObject({ reason: 'x'.repeat(299) });
  });

  it('READY_FOR_PICKUP with the account, for the location the body names', () => {
    const event = only(
      parse(ACCOUNT_PATH, fixture('webhook-order-ready-for-pickup.json', { thirdPartyReference: '900001' })),
    );
    expect(event).toMatchObject({ posLocationId: LSK_LOCATION, posOrderId: 'A17700.3', posStatus: 'READY_FOR_PICKUP' });
    expect(event).not.toHaveProperty('refresh');
  });

  it('CLOSED asks the worker to read the account back before the order is made final', () => {
    const event = only(parse(ACCOUNT_PATH, fixture('webhook-order-closed.json', { thirdPartyReference: '900001' })));
    expect(event).toMatchObject({ posStatus: 'CLOSED', posOrderId: 'A17700.3', refresh: true });
  });

  it('gives nothing for an account update, a payment, or an order that is not Sinqro’s', () => {
    expect(
      parse(ACCOUNT_PATH, fixture('webhook-order-check-was-updated.json', { thirdPartyReference: '900001' })),
    ).toEqual([]);
    expect(parse(ACCOUNT_PATH, fixture('webhook-payment-success.json'))).toEqual([]);
    // The spec's own examples carry references of other platforms.
    expect(parse(ACCOUNT_PATH, fixture('webhook-order-ready-for-pickup.json'))).toEqual([]);
  });

  it('dedupes on Lightspeed’s idempotency key when it sends one, else on what the body says', () => {
    const body = fixture('webhook-order-ready-for-pickup.json', { thirdPartyReference: '900001' });
    const keyed = only(parse(ACCOUNT_PATH, body, { 'x-lightspeed-idempotency-key': 'd3f1-77' }));
    expect(keyed.eventId).toBe('lsk:d3f1-77');
    expect(only(parse(ACCOUNT_PATH, body)).eventId).toBe(only(parse(ACCOUNT_PATH, body)).eventId);
    expect(only(parse(ACCOUNT_PATH, { ...body, status: 'CLOSED' })).eventId).not.toBe(
      only(parse(ACCOUNT_PATH, body)).eventId,
    );
  });

  it('keeps a location id past 2^53 exact (the reservation examples use 9765040300495493)', () => {
    const text = fixtureText('webhook-order-ready-for-pickup.json')
      .replace('order-wFUBVgHNGPAJsryIrSaE', '900001')
      .replace('247158188015618', '9765040300495493');
    const event = only(parseLskWebhook(raw(`/lightspeedk/webhooks/o/9765040300495493/${LSK_PATH_TOKEN}`, text), NOW));
    expect(event.posLocationId).toBe('9765040300495493');
    expect(Number('9765040300495493').toString()).not.toBe('9765040300495493'); // what JSON.parse alone would give
  });

  it('refuses a body it cannot read (400)', () => {
    expect(() => parse(ACCOUNT_PATH, '{"status":')).toThrow(ValidationError);
    expect(() => parse(ACCOUNT_PATH, { thirdPartyReference: '900001' })).toThrow(ValidationError);
  });
});

describe('item availability and readiness', () => {
  it('an item’s restriction is a catalog change naming its SKU (its availability is read back from the API)', () => {
    const event = only(parse(ACCOUNT_PATH, fixture('webhook-item-restricted.json')));
    expect(event).toMatchObject({
      type: 'catalog.changed',
      posLocationId: LSK_LOCATION,
      occurredAt: '2024-04-04T09:42:00.000Z',
      entities: [{ type: 'product', posId: 'UGG-BB-PUR-06' }],
    });
    expect(only(parse(ACCOUNT_PATH, fixture('webhook-item-not-restricted.json'))).eventId).not.toBe(event.eventId);
  });

  it('readiness is an availability change, the body’s view recorded only', () => {
    expect(only(parse(ACCOUNT_PATH, fixture('webhook-readiness-not-ready.json')))).toMatchObject({
      type: 'availability.changed',
      posLocationId: LSK_LOCATION,
      occurredAt: '2025-10-04T09:40:00.000Z',
      availability: { closed: true, from: '2025-10-04T09:40:00.000Z' },
    });
    expect(only(parse(ACCOUNT_PATH, fixture('webhook-readiness-ready.json')))).toMatchObject({
      availability: { closed: false },
    });
  });
});

describe('reservation notifications', () => {
  /** The bridge registers each restaurant under its K-Series location id, and Sinqro's reservation id. */
  const ours = { 'Restaurant-123': '9765040300495493', 'Reservation-123': '900002' };

  it('a POS reservation update is a status of the reservation, at the location both ids name', () => {
    const text = fixtureReplacing('webhook-pos-reservation-updated.json', ours);
    expect(only(parse(platformPath('pos-reservation'), text))).toMatchObject({
      kind: 'reservation',
      posLocationId: '9765040300495493',
      posOrderId: '900002',
      sinqroOrderId: 900002,
      posStatus: 'SEATED',
    });
  });

  it('refuses a body whose two location ids disagree', () => {
    const text = fixtureReplacing('webhook-pos-reservation-updated.json', {
      ...ours,
      'Restaurant-123': '141948669832802',
    });
    expect(() => parse(platformPath('pos-reservation'), text)).toThrow(ValidationError);
  });

  it('the reservation’s POS order: CLOSE and OPEN are statuses, UPDATE and CANCEL are not', () => {
    const order = (type: string) =>
      parse(
        platformPath('order'),
        fixtureReplacing('webhook-reservation-order.json', { ...ours, '"CLOSE"': `"${type}"` }),
      );
    expect(only(order('CLOSE'))).toMatchObject({ kind: 'reservation', posStatus: 'ORDER_CLOSE' });
    expect(only(order('OPEN'))).toMatchObject({ posStatus: 'ORDER_OPEN' });
    expect(order('UPDATE')).toEqual([]);
    expect(order('CANCEL')).toEqual([]);
  });

  it('an error refusing the push fails it with the code; a stale push or a table error is no refusal', () => {
    const error = (errorCode: string) =>
      parse(
        platformPath('errors'),
        fixtureReplacing('webhook-reservation-error.json', { ...ours, REQUESTED_TABLE_IS_UNAVAILABLE: errorCode }),
      );
    expect(only(error('RESERVATION_PARTY_SIZE_ERROR'))).toMatchObject({
      posStatus: 'PUSH_REFUSED',
      reason: 'RESERVATION_PARTY_SIZE_ERROR',
      posLocationId: '9765040300495493',
    });
    expect(error('RESERVATION_SEQUENCE_ID_ERROR')).toEqual([]);
    expect(error('REQUESTED_TABLE_IS_UNAVAILABLE')).toEqual([]); // the spec's example: the bridge sends no table
  });

  it('the spec’s examples name another platform’s reservation and restaurant: nothing for the bridge', () => {
    expect(parse(platformPath('pos-reservation'), fixtureText('webhook-pos-reservation-updated.json'))).toEqual([]);
    expect(parse(platformPath('errors'), fixtureText('webhook-reservation-error.json'))).toEqual([]);
    expect(parse(platformPath('integration'), { notificationType: 'ACTIVATED' })).toEqual([]);
  });
});

describe('statuses', () => {
  const order = (s: string) => lightspeedKAdapter.mapStatus('order', s);
  const reservation = (s: string) => lightspeedKAdapter.mapStatus('reservation', s);

  it('maps every order notification status the spec lists', () => {
    expect(
      ['SUCCESS', 'FAILURE', 'IN_DELIVERY', 'READY_FOR_PICKUP', 'CLOSED', 'ABANDONED', 'CANCELLED', 'DELIVERED'].map(
        order,
      ),
    ).toEqual(['ACCEPTED', 'FAILED', 'OUT_FOR_DELIVERY', 'READY', 'COMPLETED', 'FAILED', 'CANCELLED', 'COMPLETED']);
    expect(order('CHECK_WAS_UPDATED')).toBeUndefined();
    expect(order('toString')).toBeUndefined();
  });

  it('maps every reservation status the spec lists (reservation-serviceStatus)', () => {
    const statuses = [
      'ON_HOLD',
      'SCHEDULED',
      'PARTIALLY_ARRIVED',
      'ARRIVED',
      'PARTIALLY_SEATED',
      'SEATED',
      'DEPARTED',
      'CANCELLED',
      'NO_SHOW',
      'ERROR',
      'PAID',
    ];
    expect(statuses.map(reservation)).toEqual([
      'INJECTED',
      'CONFIRMED',
      'CONFIRMED',
      'CONFIRMED',
      'SEATED',
      'SEATED',
      'COMPLETED',
      'CANCELLED',
      'NO_SHOW',
      'FAILED',
      'COMPLETED',
    ]);
    expect(['ORDER_OPEN', 'ORDER_CLOSE', 'PUSH_REFUSED'].map(reservation)).toEqual([
      'CONFIRMED',
      'COMPLETED',
      'FAILED',
    ]);
  });
});
