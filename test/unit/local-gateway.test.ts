/**
 * The local gateway (fast-check) on each kind of route it serves, with a recording function behind it:
 * any path (malformed percent-encoding included) is answered, a path it cannot decode with a 400, and
 * the function reads exactly the bytes that were sent, whatever they are and whatever the content type.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import fc from 'fast-check';
import { rawBody } from '../../functions/infra/http';
import { httpRoutes, routeKey } from '../../functions/routes';
import { LocalGateway } from '../../local/runtime/gateway';

jest.setTimeout(30_000);
const CODES = ['reference', 'square'];
let gateway: LocalGateway;
let base = '';
const seen: APIGatewayProxyEventV2[] = [];
const scheduled: string[] = [];
const bridged: unknown[] = [];

beforeAll(async () => {
  const record = async (event: APIGatewayProxyEventV2) => {
    seen.push(event);
    return { statusCode: 200, body: '{}' };
  };
  // The runtime's routes, as local/runtime/runtime.ts builds them: Sinqro's and one per (here two) POS codes.
  gateway = new LocalGateway({
    routes: httpRoutes(CODES).map((r) => ({
      routeKey: routeKey(r),
      method: 'POST',
      path: r.path,
      functionName: r.functionName,
      handler: record,
      timeoutMs: 2000,
    })),
    eventBridge: {
      functionName: 'events',
      source: 'sinqro',
      handler: async (event) => {
        bridged.push(event.detail);
        return { outcome: 'enqueued' };
      },
    },
    schedule: {
      jobs: ['poll'],
      run: async (job) => {
        scheduled.push(job);
        return { ran: job };
      },
    },
  });
  base = `http://127.0.0.1:${await gateway.start(0)}`;
});
afterAll(async () => {
  await gateway.stop();
});

async function post(path: string, body: Uint8Array, type: string): Promise<number | string> {
  try {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': type },
      signal: AbortSignal.timeout(2000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    return `no answer: ${(error as Error).name}`;
  }
}

/** One path segment: plain text, percent-encoded text, or broken percent-encoding. */
const segment = fc
  .oneof(
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }).map(encodeURIComponent),
    fc.constantFrom('%', '%Z', '%ZZ', '%E0%A4%A', '%FF', '%C3%28', '%ED%A0%80', 'a%2', '%%41'),
  )
  .filter((s) => s !== '.' && s !== '..'); // URL resolves dot segments before the request is sent
const malformed = (s: string) => {
  try {
    decodeURIComponent(s);
    return false;
  } catch {
    return true;
  }
};
const TYPES = ['application/json', 'text/plain', 'application/octet-stream', ''];

test('any path on a POS route is answered: 404 for an unregistered code and 400 for a path it cannot decode, neither invoking anything; else the route gets the decoded rest of the path', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(segment, fc.constantFrom(...CODES)), segment, async (posCode, any) => {
      seen.length = 0;
      const status = await post(`/${posCode}/webhooks/${any}`, new Uint8Array(), 'application/json');
      if (!CODES.includes(posCode)) {
        // No route matches: nothing is decoded or invoked.
        expect({ status, invoked: seen.length }).toEqual({ status: 404, invoked: 0 });
      } else if (malformed(any)) {
        expect({ status, invoked: seen.length }).toEqual({ status: 400, invoked: 0 });
      } else {
        expect(status).toBe(200);
        expect(seen[0]?.routeKey).toBe(`POST /${posCode}/webhooks/{any+}`);
        expect(seen[0]?.pathParameters).toEqual({ any: decodeURIComponent(any) });
      }
    }),
    { numRuns: 100 },
  );
});

test('any job name on the schedule route is answered 4xx or run, never left hanging', async () => {
  await fc.assert(
    fc.asyncProperty(segment, async (job) => {
      const status = await post(`/_local/schedule/${job}`, new Uint8Array(), 'application/json');
      expect(status).toBe(malformed(job) ? 400 : decodeURIComponent(job) === 'poll' ? 200 : 404);
    }),
    { numRuns: 60 },
  );
});

test('the function reads exactly the bytes sent, UTF-8 or not, whatever the content type says', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 200 }),
        fc.string({ unit: 'grapheme', minLength: 1 }).map((s) => new TextEncoder().encode(s)),
      ),
      fc.constantFrom(...TYPES),
      fc.constantFrom('/sinqro/events', '/reference/webhooks/orders'),
      async (bytes, type, path) => {
        seen.length = 0;
        expect(await post(path, bytes, type)).toBe(200);
        expect(rawBody(seen[0] as APIGatewayProxyEventV2).equals(Buffer.from(bytes))).toBe(true);
      },
    ),
    { numRuns: 150 },
  );
});

test('the EventBridge stand-in refuses a detail that is not UTF-8 JSON with a 400, and takes one that is', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 60 }), async (bytes) => {
      bridged.length = 0;
      let readable = true;
      try {
        JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch {
        readable = false;
      }
      expect(await post('/_local/eventbridge', bytes, 'application/json')).toBe(readable ? 200 : 400);
      expect(bridged).toHaveLength(readable ? 1 : 0);
    }),
    { numRuns: 100 },
  );
  expect(
    await post('/_local/eventbridge', new TextEncoder().encode('{"type":"order.created"}'), 'application/json'),
  ).toBe(200);
});
