import * as v from 'valibot';
import type { PosCallContext } from '../../adapters/port';
import { ReferencePosClient } from '../../adapters/reference/client';
import { PermanentError, RetryableError } from '../../functions/core/errors';
import type { RestaurantLink } from '../../functions/core/records';
import { SinqroOrderSchema, SinqroReservationSchema } from '../../functions/core/sinqro-schemas';
import { sampleOrder, sampleReservation } from './support/fixtures';
import { startServer, type TestServer } from './support/http-server';

let server: TestServer;

beforeEach(async () => {
  server = await startServer({ status: 201, body: { id: 'pos-123', status: 'new' } });
});

afterEach(async () => {
  await server.close();
});

const link = (): RestaurantLink => ({
  restaurantId: 5120,
  posCode: 'reference',
  posLocationId: 'loc 9/á',
  sinqroTokenSecret: 'sinqro/rest/5120',
  enabled: true,
  createdAt: '2025-03-01T00:00:00.000Z',
});

const context = (overrides: Partial<PosCallContext> = {}): PosCallContext => ({
  link: link(),
  secret: { apiKey: 'refpos-api-key' },
  baseUrl: `${server.url}/api`,
  budget: { deadline: Date.now() + 10_000 },
  ...overrides,
});

const order = () => v.parse(SinqroOrderSchema, sampleOrder());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('ReferencePosClient.injectOrder', () => {
  it('returns the POS order id and status from the reply', async () => {
    await expect(new ReferencePosClient(context()).injectOrder(order(), 'sinqro-order-900001')).resolves.toEqual({
      posOrderId: 'pos-123',
      posStatus: 'new',
    });
  });

  it('posts to the location’s orders path, with the location id URL-encoded', async () => {
    await new ReferencePosClient(context()).injectOrder(order(), 'k');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/api/locations/loc%209%2F%C3%A1/orders' });
  });

  it('sends the idempotency key so a retry finds the same POS order', async () => {
    await new ReferencePosClient(context()).injectOrder(order(), 'sinqro-order-900001');
    expect(server.requests[0]?.headers['idempotency-key']).toBe('sinqro-order-900001');
  });

  it('authenticates with the API key as a bearer token', async () => {
    await new ReferencePosClient(context()).injectOrder(order(), 'k');
    expect(server.requests[0]?.headers.authorization).toBe('Bearer refpos-api-key');
  });

  it('sends the mapped order as JSON', async () => {
    await new ReferencePosClient(context()).injectOrder(order(), 'k');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({
      externalReference: '900001',
      totalMinor: 2300,
      type: 'pickup',
    });
  });

  it('turns a 5xx into a RetryableError (the queue tries again later)', async () => {
    server.reply({ status: 503, body: { error: { code: 'MAINTENANCE', message: 'down' } } });
    await expect(new ReferencePosClient(context()).injectOrder(order(), 'k')).rejects.toBeInstanceOf(RetryableError);
  });

  it('turns a 429 into a RetryableError and keeps the Retry-After delay', async () => {
    server.reply({ status: 429, body: {}, headers: { 'retry-after': '7' } });
    const error = await rejection(new ReferencePosClient(context()).injectOrder(order(), 'k'));
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).retryAfterMs).toBe(7000);
  });

  it('turns a 4xx into a PermanentError carrying the POS’s error code', async () => {
    server.reply({ status: 422, body: { error: { code: 'UNKNOWN_SKU', message: 'sku POS-ART-12 not found' } } });
    const error = await rejection(new ReferencePosClient(context()).injectOrder(order(), 'k'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SKU', message: expect.stringContaining('sku POS-ART-12 not found') });
  });

  it('names the HTTP status as the code when a 4xx has no readable error body', async () => {
    server.reply({ status: 400, body: 'bad request' });
    await expect(new ReferencePosClient(context()).injectOrder(order(), 'k')).rejects.toMatchObject({
      code: 'HTTP_400',
    });
  });

  it('treats a 2xx reply without an order id as a permanent UNMAPPABLE_POS_REPLY', async () => {
    server.reply({ status: 201, body: { status: 'new' } });
    const error = await rejection(new ReferencePosClient(context()).injectOrder(order(), 'k'));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'UNMAPPABLE_POS_REPLY' });
  });

  it('treats an empty 2xx reply as a permanent UNMAPPABLE_POS_REPLY', async () => {
    server.reply({ status: 200 });
    await expect(new ReferencePosClient(context()).injectOrder(order(), 'k')).rejects.toMatchObject({
      code: 'UNMAPPABLE_POS_REPLY',
    });
  });

  it('treats a 2xx reply that is not JSON as a permanent failure, not a retry', async () => {
    server.reply({ status: 200, body: '<html>ok</html>' });
    await expect(new ReferencePosClient(context()).injectOrder(order(), 'k')).rejects.toBeInstanceOf(PermanentError);
  });

  it('does not call the POS when the time budget is already spent', async () => {
    const client = new ReferencePosClient(context({ budget: { deadline: Date.now() - 1 } }));
    await expect(client.injectOrder(order(), 'k')).rejects.toBeInstanceOf(RetryableError);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses to build a client without an API key', () => {
    expect(() => new ReferencePosClient(context({ secret: {} }))).toThrow(
      expect.objectContaining({ code: 'MISSING_CREDENTIALS' }),
    );
  });
});

describe('ReferencePosClient.injectReservation', () => {
  it('posts the mapped reservation to the location’s reservations path', async () => {
    const reservation = v.parse(SinqroReservationSchema, sampleReservation());
    await new ReferencePosClient(context()).injectReservation(reservation, 'sinqro-reservation-900002');
    expect(server.requests[0]).toMatchObject({ url: '/api/locations/loc%209%2F%C3%A1/reservations' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toMatchObject({ externalReference: '900002', partySize: 4 });
  });
});

describe('ReferencePosClient.cancel', () => {
  it('posts a cancelled status with Sinqro’s reason to the order’s status path', async () => {
    server.reply({ status: 204 });
    await new ReferencePosClient(context()).cancel('order', 'pos-123', 'consumer changed their mind');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/api/orders/pos-123/status' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      status: 'cancelled',
      reason: 'consumer changed their mind',
    });
  });

  it('uses the reservations path for a reservation and a default reason when Sinqro gave none', async () => {
    server.reply({ status: 204 });
    await new ReferencePosClient(context()).cancel('reservation', 'r-9', undefined);
    expect(server.requests[0]?.url).toBe('/api/reservations/r-9/status');
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ status: 'cancelled', reason: 'cancelled in Sinqro' });
  });
});
