import { PermanentError, RetryableError } from '../../functions/core/errors';
import { ROUTES, SinqroClient } from '../../functions/sinqro/client';
import { startServer, type TestServer } from './support/http-server';

let server: TestServer;

beforeEach(async () => {
  server = await startServer({ status: 200, body: {} });
});

afterEach(async () => {
  await server.close();
});

const client = () => new SinqroClient(`${server.url}/pos-app/v1`, 'server-token', 'user-token');
const budget = () => ({ deadline: Date.now() + 10_000 });
const sinqroError = (status: number, code: string) => ({
  status,
  body: { errors: [{ code, message: 'x' }], code, message: 'x', httpResponseCode: String(status) },
});
const RANGE = {
  startDay: { id: 7 },
  endDay: { id: 1 },
  startTime: '20:00',
  endTime: '01:00',
  timezone: 'Europe/Madrid',
};

describe('SinqroClient: closure and schedule', () => {
  it('puts a closure on the selling point’s closure route with both tokens', async () => {
    await client().putClosure(5120, { startsAt: '2025-03-14T18:00:00.000Z', expiresAt: null }, budget());
    expect(server.requests[0]).toMatchObject({
      method: 'PUT',
      url: `/pos-app/v1/${ROUTES.closure(5120)}`,
      headers: { 'x-api-server-access-token': 'server-token', 'x-api-user-access-token': 'user-token' },
    });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      startsAt: '2025-03-14T18:00:00.000Z',
      expiresAt: null,
    });
  });

  it('deletes the closure with a bodiless DELETE', async () => {
    await client().deleteClosure(5120, budget());
    expect(server.requests[0]).toMatchObject({
      method: 'DELETE',
      url: `/pos-app/v1/${ROUTES.closure(5120)}`,
      body: '',
    });
  });

  it('counts deleting a closure Sinqro does not have (404) as done', async () => {
    server.reply(sinqroError(404, 'CLOSURE_NOT_FOUND'));
    await expect(client().deleteClosure(5120, budget())).resolves.toBeUndefined();
  });

  it('does not hide other refusals of a deletion', async () => {
    server.reply(sinqroError(403, 'FORBIDDEN'));
    await expect(client().deleteClosure(5120, budget())).rejects.toBeInstanceOf(PermanentError);
  });

  it('puts the schedule as { ranges }', async () => {
    await client().putSchedule(5120, [RANGE], budget());
    expect(server.requests[0]).toMatchObject({ method: 'PUT', url: `/pos-app/v1/${ROUTES.schedule(5120)}` });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ ranges: [RANGE] });
  });

  it('lets a schedule refused for now (429) be retried', async () => {
    server.reply(sinqroError(429, 'TOO_MANY_REQUESTS'));
    await expect(client().putSchedule(5120, [RANGE], budget())).rejects.toBeInstanceOf(RetryableError);
  });
});
