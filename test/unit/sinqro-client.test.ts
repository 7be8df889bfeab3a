import { PermanentError, RetryableError } from '../../functions/core/errors';
import {
  parseSinqroError,
  ROUTES,
  SinqroClient,
  type StatusUpdate,
  sinqroStatusCode,
} from '../../functions/sinqro/client';
import { startServer, type TestServer } from './support/http-server';

let server: TestServer;

beforeEach(async () => {
  server = await startServer({ status: 204 });
});

afterEach(async () => {
  await server.close();
});

const client = () => new SinqroClient(`${server.url}/pos-app/v1`, 'server-token', 'user-token');
const budget = () => ({ deadline: Date.now() + 10_000 });
const update = (overrides: Partial<StatusUpdate> = {}): StatusUpdate => ({
  kind: 'order',
  orderType: 'collection',
  id: 900001,
  status: 'ACCEPTED',
  ...overrides,
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('SinqroClient.postStatus', () => {
  it('sends the module’s server token and the restaurant’s user token', async () => {
    await client().postStatus(update(), budget());
    expect(server.requests[0]?.headers).toMatchObject({
      'x-api-server-access-token': 'server-token',
      'x-api-user-access-token': 'user-token',
    });
  });

  it('posts an order status to the order route of the route table', async () => {
    await client().postStatus(update(), budget());
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: `/pos-app/v1/${ROUTES.orderStatus(900001)}` });
  });

  it('posts a reservation status to the reservation route of the route table', async () => {
    await client().postStatus(
      update({ kind: 'reservation', orderType: 'reservation', id: 900002, status: 'CONFIRMED' }),
      budget(),
    );
    expect(server.requests[0]?.url).toBe(`/pos-app/v1/${ROUTES.reservationStatus(900002)}`);
  });

  it('keeps the paths the route table promises (orders/{id}/status, reservations/{id}/status)', () => {
    expect([ROUTES.orderStatus(1), ROUTES.reservationStatus(2)]).toEqual(['orders/1/status', 'reservations/2/status']);
  });

  it('sends the Sinqro status code, the POS order id and the comment', async () => {
    await client().postStatus(
      update({ status: 'REJECTED', posOrderId: 'pos-123', comment: 'kitchen closed' }),
      budget(),
    );
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      statusCode: 'rejected',
      posOrderId: 'pos-123',
      comment: 'kitchen closed',
    });
  });

  it('turns Sinqro’s error body into a PermanentError with Sinqro’s code', async () => {
    server.reply({
      status: 400,
      body: {
        errors: [{ code: 'ORDER_NOT_ACCEPTABLE', message: 'order is no longer acceptable' }],
        code: 'ORDER_NOT_ACCEPTABLE',
        message: 'order is no longer acceptable',
        httpResponseCode: '400',
      },
    });
    const error = await rejection(client().postStatus(update(), budget()));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'ORDER_NOT_ACCEPTABLE',
      message: expect.stringContaining('order is no longer acceptable'),
    });
  });

  it('names the status as the code when a 404 carries no Sinqro error body', async () => {
    server.reply({ status: 404, body: '' });
    await expect(client().postStatus(update(), budget())).rejects.toMatchObject({ code: 'HTTP_404' });
  });

  it('turns a 503 into a RetryableError', async () => {
    server.reply({
      status: 503,
      body: { code: 'MAINTENANCE', message: 'try later', errors: [], httpResponseCode: '503' },
    });
    await expect(client().postStatus(update(), budget())).rejects.toBeInstanceOf(RetryableError);
  });

  it('turns a 409 into a PermanentError (a conflict answers the same way next time)', async () => {
    server.reply({ status: 409, body: {} });
    await expect(client().postStatus(update(), budget())).rejects.toBeInstanceOf(PermanentError);
  });

  it('keeps what Sinqro answered on the error, typed', async () => {
    server.reply({
      status: 404,
      body: {
        errors: [{ code: 'ORDER_NOT_FOUND', message: 'no such order' }],
        code: 'ORDER_NOT_FOUND',
        message: 'no such order',
        httpResponseCode: '404',
      },
    });
    await expect(client().postStatus(update(), budget())).rejects.toMatchObject({
      remote: { service: 'sinqro', status: 404, code: 'ORDER_NOT_FOUND', message: 'no such order' },
    });
  });

  it('turns a refused connection into a RetryableError', async () => {
    const url = server.url;
    await server.close();
    server = await startServer();
    await expect(new SinqroClient(url, 's', 'u').postStatus(update(), budget())).rejects.toBeInstanceOf(RetryableError);
  });

  it('cuts a slow call off at the time budget left, as a RetryableError rather than a hung worker', async () => {
    server.reply({ status: 204, delayMs: 2000 });
    const started = Date.now();
    await expect(client().postStatus(update(), { deadline: Date.now() + 150 })).rejects.toThrow(/timed out/);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('throws a RetryableError without calling Sinqro when the time budget is exhausted', async () => {
    await expect(client().postStatus(update(), { deadline: Date.now() - 1 })).rejects.toBeInstanceOf(RetryableError);
    expect(server.requests).toHaveLength(0);
  });
});

describe('sinqroStatusCode', () => {
  it.each([
    ['delivery', 'delivered'],
    ['collection', 'collected'],
    ['insitu', 'served'],
    ['inside', 'served'],
  ])('tells Sinqro a COMPLETED %s order was %s', (orderType, code) => {
    expect(sinqroStatusCode('order', orderType, 'COMPLETED')).toBe(code);
  });

  it('tells Sinqro a COMPLETED reservation is finished', () => {
    expect(sinqroStatusCode('reservation', 'reservation', 'COMPLETED')).toBe('finished');
  });

  it.each([
    ['order', 'INJECTED', 'waiting_sp_validation'],
    ['order', 'ACCEPTED', 'accepted'],
    ['order', 'PREPARING', 'preparing'],
    ['order', 'READY', 'ready'],
    ['order', 'OUT_FOR_DELIVERY', 'dispatched'],
    ['order', 'REJECTED', 'rejected'],
    ['order', 'CANCELLED', 'cancelled'],
    ['order', 'FAILED', 'pos_integration_failed'],
    ['reservation', 'CONFIRMED', 'confirmed'],
    ['reservation', 'SEATED', 'seated'],
    ['reservation', 'NO_SHOW', 'no_show'],
  ] as const)('maps the %s status %s to the Sinqro code %s', (kind, status, code) => {
    expect(sinqroStatusCode(kind, 'delivery', status)).toBe(code);
  });
});

describe('parseSinqroError', () => {
  it('reads code and message from Sinqro’s error body', () => {
    expect(parseSinqroError(400, { errors: [], code: 'X', message: 'y', httpResponseCode: '400' })).toEqual({
      code: 'X',
      message: 'y',
    });
  });

  it('ignores a body whose code is not a string', () => {
    expect(parseSinqroError(400, { code: 400, message: 'y' })).toBeUndefined();
  });

  it('ignores a missing body', () => {
    expect(parseSinqroError(500, undefined)).toBeUndefined();
  });
});
