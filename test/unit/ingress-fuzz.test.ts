/**
 * Property-based tests of every ingress route (fast-check): random and malformed bodies, garbage or
 * missing signature headers, odd content types, deep nesting, odd Unicode, numbers as strings,
 * negative quantities and amounts. Each request gets a 4xx with Sinqro's error body — never a 5xx —
 * and nothing is enqueued or written.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { SIGNATURE_HEADER as POS_SIGNATURE_HEADER } from '../../adapters/reference/contract';
import { handler as posWebhook } from '../../functions/pos-webhook';
import type { HttpResult } from '../../functions/shared/http';
import { signPayload } from '../../functions/shared/signature';
import { handler as sinqroEvents } from '../../functions/sinqro-events';
import { SIGNATURE_HEADER, handler as sinqroWebhook } from '../../functions/sinqro-webhook';
import {
  captureLogs,
  clearBridgeEnv,
  linkRestaurant,
  POS_SIGNING_SECRET,
  SINQRO_SIGNING_SECRET,
  setBridgeEnv,
  writeBridgeSecrets,
} from './support/bridge-env';
import { envelope, httpEvent, lambdaContext } from './support/fixtures';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
const RUNS = { numRuns: 150 };

beforeAll(() => {
  setBridgeEnv();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets);
  captureLogs();
});
afterAll(() => {
  secrets.remove();
  clearBridgeEnv();
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
  linkRestaurant(ddb);
  ddb.on(PutCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

const writes = () =>
  sqs.commandCalls(SendMessageCommand).length +
  ddb.commandCalls(PutCommand).length +
  ddb.commandCalls(DeleteCommand).length +
  ddb.commandCalls(UpdateCommand).length;

/** A refusal as the contract promises it: 4xx, Sinqro's error body, nothing enqueued or written. */
function expectRefused(result: HttpResult & { statusCode: number }) {
  expect(result.statusCode).toBeGreaterThanOrEqual(400);
  expect(result.statusCode).toBeLessThan(500);
  const body = JSON.parse(result.body as string);
  expect(body).toMatchObject({
    code: expect.any(String),
    message: expect.any(String),
    httpResponseCode: String(result.statusCode),
  });
  expect(Array.isArray(body.errors) && body.errors.length > 0).toBe(true);
  expect(writes()).toBe(0);
}

const now = () => Math.floor(Date.now() / 1000);
const call = async (h: typeof sinqroWebhook, event: APIGatewayProxyEventV2) =>
  (await h(event, lambdaContext())) as HttpResult & { statusCode: number };

/** JSON text of every shape, odd Unicode included, plus text that is not JSON at all. */
const anyBody = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.nat(40).map((n) => `${'['.repeat(n + 33)}${']'.repeat(n + 33)}`),
  fc.nat(40).map((n) => `${'{"a":'.repeat(n + 33)}1${'}'.repeat(n + 33)}`),
);

// biome-ignore lint/suspicious/noExplicitAny: the mutations below reach into the envelope freely, on purpose.
type Envelope = Record<string, any>;

/** A valid order envelope with one field broken the way careless senders break them. */
const brokenEnvelope = fc
  .tuple(
    fc.constantFrom(
      (e: Envelope) => {
        e.data.totalAmount = String(e.data.totalAmount);
      },
      (e: Envelope) => {
        e.data.id = String(e.data.id);
      },
      (e: Envelope) => {
        e.sellingPointId = `${e.sellingPointId}`;
      },
      (e: Envelope) => {
        e.data.orderLines[0].quantity = -1;
      },
      (e: Envelope) => {
        e.data.orderLines[0].unitPrice = -0.01;
      },
      (e: Envelope) => {
        e.data.totalAmount = -5;
      },
      (e: Envelope) => {
        e.data.payments = [{ amount: -1, prepaid: true }];
      },
      (e: Envelope) => {
        e.data.type = 'teleport';
      },
      (e: Envelope) => {
        e.data.executionTime = 'tomorrow-ish';
      },
      (e: Envelope) => {
        e.data.orderLines = [];
      },
      (e: Envelope) => {
        delete e.id;
      },
      (e: Envelope) => {
        e.data.sellingPoint = null;
      },
      (e: Envelope) => {
        e.data.orderLines[0].quantity = Number.NaN;
      },
    ),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  )
  .map(([breakIt, comment]) => {
    const e = envelope('order.created') as Envelope;
    e.data.comment = comment;
    breakIt(e);
    return JSON.stringify(e);
  });

describe('POST /sinqro/events', () => {
  test('any signed body that is not a valid envelope is a 4xx with the error body, and nothing is written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyBody, brokenEnvelope), fc.boolean(), async (body, base64) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const event = httpEvent({
          body: base64 ? Buffer.from(body).toString('base64') : body,
          isBase64Encoded: base64,
          headers: { [SIGNATURE_HEADER]: signPayload(SINQRO_SIGNING_SECRET, body, now()) },
        });
        expectRefused(await call(sinqroWebhook, event));
      }),
      RUNS,
    );
  });

  test('a missing, duplicated, garbage or oversized signature header is a 401, whatever the body', async () => {
    const valid = JSON.stringify(envelope('order.created'));
    const good = signPayload(SINQRO_SIGNING_SECRET, valid, now());
    const header = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }).map((s) => `t=${s},v1=${s}`),
      fc.constant(`${good},${good.replace(/^t=\d+/, 't=1')}`),
      fc.constant(`t=${now()},v1=${'a'.repeat(64)}`),
      fc.constant(`t=${now() - 301},v1=${'0'.repeat(64)}`),
      fc.constant('x'.repeat(5000)),
      fc.constant(good.toUpperCase()),
    );
    await fc.assert(
      fc.asyncProperty(
        header,
        fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', ''),
        async (sig, type) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const headers: Record<string, string> = { 'content-type': type };
          if (sig !== undefined) headers[SIGNATURE_HEADER] = sig;
          const result = await call(sinqroWebhook, httpEvent({ body: valid, headers }));
          expect(result.statusCode).toBe(401);
          expectRefused(result);
        },
      ),
      RUNS,
    );
  });
});

describe('POST /{posCode}/webhooks/{any+}', () => {
  test('any signed body the reference adapter cannot read is a 4xx with the error body, and nothing is written', async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, async (body) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const event = httpEvent({
          body,
          rawPath: '/reference/webhooks/orders',
          pathParameters: { posCode: 'reference', any: 'orders' },
          headers: { [POS_SIGNATURE_HEADER]: signPayload(POS_SIGNING_SECRET, body, now()) },
        });
        expectRefused(await call(posWebhook, event));
      }),
      RUNS,
    );
  });

  test('any unknown POS code is a 404 and any bad signature a 401', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.string({ maxLength: 120 }),
        async (posCode, sig) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const unknown = posCode !== 'reference';
          const event = httpEvent({
            body: '{}',
            rawPath: `/${encodeURIComponent(posCode)}/webhooks/orders`,
            pathParameters: { posCode, any: 'orders' },
            headers: { [POS_SIGNATURE_HEADER]: sig },
          });
          const result = await call(posWebhook, event);
          expect(result.statusCode).toBe(unknown ? 404 : 401);
          expectRefused(result);
        },
      ),
      RUNS,
    );
  });
});

describe('EventBridge (sinqro-events)', () => {
  test('any detail that is not a valid envelope is refused and nothing is written', async () => {
    const detail = fc.oneof(
      fc.anything(),
      brokenEnvelope.map((s) => JSON.parse(s)),
    );
    await fc.assert(
      fc.asyncProperty(detail, async (d) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const event = { id: 'eb-1', source: 'sinqro.pos-bridge', 'detail-type': 'x', detail: d } as EventBridgeEvent<
          string,
          unknown
        >;
        expect(await sinqroEvents(event)).toEqual({ outcome: 'refused' });
        expect(writes()).toBe(0);
      }),
      RUNS,
    );
  });
});
