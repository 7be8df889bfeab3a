import type { PosCallContext, RawWebhook } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import { ReferencePosClient } from '../../adapters/reference/client';
import { SIGNATURE_HEADER } from '../../adapters/reference/contract';
import { PermanentError, RetryableError, ValidationError } from '../../functions/core/errors';
import { signPayload } from '../../functions/infra/signature';
import { startServer, type TestServer } from './support/http-server';

function webhook(body: unknown, path = '/reference/webhooks/availability'): RawWebhook {
  const rawBody = Buffer.from(JSON.stringify(body), 'utf8');
  return { path, rawBody, headers: { [SIGNATURE_HEADER]: signPayload('s', rawBody) } };
}
const availabilityWebhook = (data: unknown, overrides: Record<string, unknown> = {}) => ({
  eventId: 'evt-a1',
  type: 'availability.changed',
  occurredAt: '2025-03-14T19:00:00+01:00',
  locationId: 'loc-9',
  data,
  ...overrides,
});
const hoursWebhook = (overrides: Record<string, unknown> = {}) => ({
  eventId: 'evt-h1',
  type: 'hours.changed',
  occurredAt: '2025-03-14T11:00:00+01:00',
  locationId: 'loc-9',
  data: {},
  ...overrides,
});

describe('referenceAdapter.parseWebhook: availability and hours', () => {
  it('turns “closed until a time” into an availability event with UTC times', () => {
    const body = availabilityWebhook({
      closed: true,
      from: '2025-03-14T19:00:00+01:00',
      until: '2025-03-14T22:00:00+01:00',
      reason: 'staff training',
    });
    expect(referenceAdapter.parseWebhook(webhook(body))).toEqual([
      {
        type: 'availability.changed',
        eventId: 'evt-a1',
        posLocationId: 'loc-9',
        occurredAt: '2025-03-14T18:00:00.000Z',
        availability: {
          closed: true,
          from: '2025-03-14T18:00:00.000Z',
          until: '2025-03-14T21:00:00.000Z',
          reason: 'staff training',
        },
      },
    ]);
  });

  it('reads a closure without `until` (or with null) as closed until further notice', () => {
    const [event] = referenceAdapter.parseWebhook(
      webhook(availabilityWebhook({ closed: true, from: '2025-03-14T18:00:00Z', until: null })),
    );
    expect(event).toMatchObject({ availability: { closed: true, from: '2025-03-14T18:00:00.000Z' } });
    expect(event).not.toHaveProperty('availability.until');
  });

  it('reads “open again”', () => {
    const [event] = referenceAdapter.parseWebhook(webhook(availabilityWebhook({ closed: false })));
    expect(event).toMatchObject({ type: 'availability.changed', availability: { closed: false } });
  });

  it('refuses a closed availability without its start', () => {
    expect(() => referenceAdapter.parseWebhook(webhook(availabilityWebhook({ closed: true })))).toThrow(
      ValidationError,
    );
  });

  it('refuses an availability whose end is not a date-time', () => {
    const body = availabilityWebhook({ closed: true, from: '2025-03-14T18:00:00Z', until: 'tonight' });
    expect(() => referenceAdapter.parseWebhook(webhook(body))).toThrow(ValidationError);
  });

  it('turns an hours webhook into an hours event (the hours themselves are read back)', () => {
    expect(referenceAdapter.parseWebhook(webhook(hoursWebhook(), '/reference/webhooks/hours'))).toEqual([
      { type: 'hours.changed', eventId: 'evt-h1', posLocationId: 'loc-9', occurredAt: '2025-03-14T10:00:00.000Z' },
    ]);
  });

  it('accepts an hours webhook without data', () => {
    const { data: _data, ...body } = hoursWebhook();
    expect(referenceAdapter.parseWebhook(webhook(body))).toHaveLength(1);
  });

  it('refuses an hours webhook without a location', () => {
    expect(() => referenceAdapter.parseWebhook(webhook(hoursWebhook({ locationId: '' })))).toThrow(ValidationError);
  });

  it('still refuses a webhook of a type it does not know', () => {
    expect(() => referenceAdapter.parseWebhook(webhook(hoursWebhook({ type: 'menu.changed' })))).toThrow(
      ValidationError,
    );
  });
});

describe('referenceAdapter.capabilities: F7 and F8', () => {
  it.each(['orders', 'reservations'] as const)('declares temporary close and schedules by webhook for %s', (kind) => {
    expect([
      referenceAdapter.capabilities[kind].F7.mechanism,
      referenceAdapter.capabilities[kind].F8.mechanism,
    ]).toEqual(['webhook', 'webhook']);
  });
});

describe('ReferencePosClient: availability and opening hours', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ status: 200, body: { closed: false } });
  });
  afterEach(async () => {
    await server.close();
  });

  const client = () =>
    new ReferencePosClient({
      link: {
        restaurantId: 5120,
        posCode: 'reference',
        posLocationId: 'loc 9/á',
        sinqroTokenSecret: 'sinqro/rest/5120',
        enabled: true,
        createdAt: '2025-03-01T00:00:00.000Z',
      },
      secret: { apiKey: 'refpos-api-key' },
      baseUrl: `${server.url}/api`,
      budget: { deadline: Date.now() + 10_000 },
    } satisfies PosCallContext);

  it('reads the availability of the linked location with the API key', async () => {
    await client().getAvailability();
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: '/api/locations/loc%209%2F%C3%A1/availability',
      headers: { authorization: 'Bearer refpos-api-key' },
    });
  });

  it('gives a closure in the bridge’s terms', async () => {
    server.reply({ status: 200, body: { closed: true, from: '2025-03-14T19:00:00+01:00', until: null } });
    await expect(client().getAvailability()).resolves.toEqual({ closed: true, from: '2025-03-14T18:00:00.000Z' });
  });

  it('reads the opening hours of the linked location', async () => {
    server.reply({ status: 200, body: { timezone: 'Europe/Madrid', days: [] } });
    await client().getOpeningHours();
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/api/locations/loc%209%2F%C3%A1/opening-hours' });
  });

  it('flattens the days into ranges with ISO weekdays, keeping the times as the POS wrote them', async () => {
    server.reply({
      status: 200,
      body: {
        timezone: 'Europe/Madrid',
        days: [
          {
            day: 'monday',
            ranges: [
              { open: '12:00', close: '16:00' },
              { open: '20:00', close: '23:30' },
            ],
          },
          { day: 'sunday', ranges: [{ open: '20:00', close: '25:00' }] },
        ],
      },
    });
    await expect(client().getOpeningHours()).resolves.toEqual({
      timezone: 'Europe/Madrid',
      ranges: [
        { day: 1, open: '12:00', close: '16:00' },
        { day: 1, open: '20:00', close: '23:30' },
        { day: 7, open: '20:00', close: '25:00' },
      ],
    });
  });

  it('treats a reply it cannot read as permanent (it would read the same next time)', async () => {
    server.reply({ status: 200, body: { timezone: 'Europe/Madrid', days: [{ day: 'someday', ranges: [] }] } });
    await expect(client().getOpeningHours()).rejects.toMatchObject({
      constructor: PermanentError,
      code: 'UNMAPPABLE_POS_REPLY',
    });
  });

  it('lets a 503 be retried', async () => {
    server.reply({ status: 503, body: { error: { code: 'UNAVAILABLE', message: 'later' } } });
    await expect(client().getAvailability()).rejects.toBeInstanceOf(RetryableError);
  });
});
