/**
 * Property-based tests of every ingress route (fast-check): random and malformed bodies, garbage or
 * missing signature headers, odd content types, deep nesting, odd Unicode, numbers as strings,
 * negative quantities and amounts. Each request gets a 4xx with Sinqro's error body — never a 5xx —
 * and nothing is enqueued or written.
 */
import { createHmac } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { SIGNATURE_HEADER as POS_SIGNATURE_HEADER } from '../../adapters/reference/contract';
import { ADAPTERS } from '../../adapters/registry';
import { SQUARE_SIGNATURE_HEADER } from '../../adapters/square/api';
import { MAX_MESSAGE_BYTES } from '../../functions/core/limits';
import type { HttpResult } from '../../functions/infra/http';
import { signPayload } from '../../functions/infra/signature';
import { handler as posWebhook } from '../../functions/pos-webhook';
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
import { envelope, httpEvent, lambdaContext, posRoute } from './support/fixtures';
import {
  fixture,
  LSK_APP_SECRET_NAME,
  LSK_LOCATION,
  LSK_PASSWORD,
  LSK_PATH_TOKEN,
  LSK_PLATFORM_BEARER,
  LSK_RESTAURANT,
  LSK_WEBHOOK_SECRET_NAME,
  lskLinkItem,
  lskSecrets,
} from './support/lightspeedk';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
const RUNS = { numRuns: 150 };

beforeAll(() => {
  setBridgeEnv();
  Object.assign(process.env, SQUARE_ENV);
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets, {
    [SQUARE_SECRET_NAME]: { webhookSigningSecrets: [SQUARE_KEY] },
    ...lskSecrets(),
  });
  captureLogs();
});
afterAll(() => {
  secrets.remove();
  clearBridgeEnv();
  for (const name of Object.keys(SQUARE_ENV)) delete process.env[name];
});
beforeEach(() => {
  ddb.reset();
  sqs.reset();
  linkRestaurant(ddb);
  // The K-Series account is linked too: its webhooks are verified with its link's own secret.
  ddb.on(GetCommand, { Key: { PK: `REST#${LSK_RESTAURANT}`, SK: 'LINK' } }).resolves({ Item: lskLinkItem() });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `POSLOC#lightspeedk#${LSK_LOCATION}` } })
    .resolves({ Items: [lskLinkItem()] });
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

/**
 * What the fuzzing needs to know about one POS adapter's webhook route: how a sender signs, and the
 * malformed bodies of that POS's own envelope shape (signed correctly, so validation is exercised, not
 * only the signature). Every adapter in the registry must have one (see the first test below).
 */
type PosRouteKit = {
  any: string;
  signatureHeader: string;
  /** A valid signature of `body`, as the POS would send it. */
  sign: (body: string) => string;
  /** Signatures a forger, a broken proxy or a replaying client might send for `body`. */
  forged: (body: string) => fc.Arbitrary<string | undefined>;
  /** The POS's own envelopes, each broken in one way the adapter must refuse. */
  brokenEnvelopes: fc.Arbitrary<string>;
  /** Bodies the adapter reads and ignores by design (answered 200, nothing written), if any. */
  ignoredByDesign?: (body: string) => boolean;
};

const SQUARE_URL = 'https://webhooks.example.com/square/webhooks/events';
const SQUARE_KEY = 'square-fuzz-signature-key-0123456789';
const SQUARE_SECRET_NAME = 'bridge/test/webhooks/pos/square';
const SQUARE_ENV = {
  POS_WEBHOOK_SECRET_NAME_SQUARE: SQUARE_SECRET_NAME,
  POS_SETTINGS_SQUARE: JSON.stringify({ webhookNotificationUrl: SQUARE_URL }),
  WORK_QUEUE_URL_SQUARE: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-work-square',
  POS_SECRET_NAME_LIGHTSPEEDK: LSK_APP_SECRET_NAME,
  POS_WEBHOOK_SECRET_NAME_LIGHTSPEEDK: LSK_WEBHOOK_SECRET_NAME,
  WORK_QUEUE_URL_LIGHTSPEEDK: 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-work-lightspeedk',
};
const squareSign = (body: string, url = SQUARE_URL, key = SQUARE_KEY) =>
  createHmac('sha256', key)
    .update(url + body)
    .digest('base64');

/** The event types the Square adapter acts on; any other well-formed type is acknowledged and dropped. */
const SQUARE_TYPES = ['order.fulfillment.updated', 'order.updated', 'catalog.version.updated', 'location.updated'];
const squareEnvelope = (type: string): Envelope => {
  const base = { merchant_id: 'MERCHANT1', type, event_id: 'b3adf364-4937', created_at: '2026-11-27T12:00:00.000Z' };
  const change = {
    order_id: 'ORDER1',
    location_id: 'LOC1',
    state: 'OPEN',
    version: 3,
    updated_at: '2026-11-27T12:00:00.000Z',
  };
  switch (type) {
    case 'order.fulfillment.updated':
      return {
        ...base,
        data: {
          id: 'ORDER1',
          type: 'order_fulfillment_updated',
          object: {
            order_fulfillment_updated: {
              ...change,
              fulfillment_update: [{ fulfillment_uid: 'F1', old_state: 'PROPOSED', new_state: 'RESERVED' }],
            },
          },
        },
      };
    case 'order.updated':
      return { ...base, data: { id: 'ORDER1', type: 'order_updated', object: { order_updated: change } } };
    case 'catalog.version.updated':
      return { ...base, data: { object: { catalog_version: { updated_at: '2026-11-27T12:00:00.000Z' } } } };
    default:
      return { ...base, location_id: 'LOC1', data: { id: 'LOC1', type: 'location' } };
  }
};

const ORDER_TYPES = ['order.fulfillment.updated', 'order.updated'];
const change = (e: Envelope): Envelope => e.data.object.order_fulfillment_updated ?? e.data.object.order_updated;
/** [what breaks, the types it applies to (all when absent), the mutation]. */
const SQUARE_BREAKS: [string, string[] | undefined, (e: Envelope) => void][] = [
  ['type as a number', undefined, (e) => Object.assign(e, { type: 42 })],
  ['type too long', undefined, (e) => Object.assign(e, { type: `order.updated${'x'.repeat(100)}` })],
  ['no type', undefined, (e) => delete e.type],
  ['no event id', undefined, (e) => delete e.event_id],
  ['empty event id', undefined, (e) => Object.assign(e, { event_id: '' })],
  ['event id as a number', undefined, (e) => Object.assign(e, { event_id: 12345 })],
  ['merchant id null', undefined, (e) => Object.assign(e, { merchant_id: null })],
  ['created_at as a number', undefined, (e) => Object.assign(e, { created_at: 1764244800 })],
  ['huge created_at', undefined, (e) => Object.assign(e, { created_at: 'x'.repeat(5000) })],
  ['version as a string', ORDER_TYPES, (e) => Object.assign(change(e), { version: '3' })],
  ['negative version', ORDER_TYPES, (e) => Object.assign(change(e), { version: -1 })],
  ['version zero', ORDER_TYPES, (e) => Object.assign(change(e), { version: 0 })],
  ['fractional version', ORDER_TYPES, (e) => Object.assign(change(e), { version: 2.5 })],
  ['empty order id', ORDER_TYPES, (e) => Object.assign(change(e), { order_id: '' })],
  ['order id as a number', ORDER_TYPES, (e) => Object.assign(change(e), { order_id: 7 })],
  ['order id too long', ORDER_TYPES, (e) => Object.assign(change(e), { order_id: 'o'.repeat(256) })],
  ['no location', ORDER_TYPES, (e) => delete change(e).location_id],
  ['unknown order state', ORDER_TYPES, (e) => Object.assign(change(e), { state: 'SHIPPED' })],
  ['no change object', ORDER_TYPES, (e) => Object.assign(e.data, { object: {} })],
  [
    'unknown fulfillment state',
    ['order.fulfillment.updated'],
    (e) => Object.assign(change(e).fulfillment_update[0], { new_state: 'TELEPORTED' }),
  ],
  [
    'fulfillment updates not a list',
    ['order.fulfillment.updated'],
    (e) => Object.assign(change(e), { fulfillment_update: { new_state: 'RESERVED' } }),
  ],
  ['data a string', [...ORDER_TYPES, 'location.updated'], (e) => Object.assign(e, { data: 'ORDER1' })],
  ['no data', [...ORDER_TYPES, 'location.updated'], (e) => delete e.data],
  ['location data without id', ['location.updated'], (e) => delete e.data.id],
  ['catalog data a string', ['catalog.version.updated'], (e) => Object.assign(e, { data: 'v42' })],
];

const squareBroken = fc
  .tuple(
    fc
      .constantFrom(...SQUARE_TYPES)
      .chain((type) =>
        fc.tuple(
          fc.constant(type),
          fc.constantFrom(...SQUARE_BREAKS.filter(([, types]) => !types || types.includes(type))),
        ),
      ),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  )
  .map(([[type, [, , breakIt]], note]) => {
    const e = squareEnvelope(type);
    e.note = note; // odd Unicode next to the broken field
    breakIt(e);
    return JSON.stringify(e);
  });

/** K-Series: an account's path (`o/{location}/{token}`) and Basic password are its "signature". */
const LSK_ANY = `o/${LSK_LOCATION}/${LSK_PATH_TOKEN}`;
const lskBasic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
const LSK_AUTH = lskBasic('sinqro', LSK_PASSWORD);

/** The Order and Pay bodies the account's path carries, from the spec's examples, the bridge's own reference set. */
const LSK_BODIES: Record<string, () => Envelope> = {
  order: () => fixture('webhook-order-ready-for-pickup.json', { thirdPartyReference: '900001' }),
  item: () => fixture('webhook-item-restricted.json'),
  readiness: () => fixture('webhook-readiness-not-ready.json'),
};
/** [what breaks, the bodies it applies to (all when absent), the mutation]. */
const LSK_BREAKS: [string, string[] | undefined, (e: Envelope) => void][] = [
  ['status as a number', ['order', 'item', 'readiness'], (e) => Object.assign(e, { status: 7 })],
  ['status too long', ['order'], (e) => Object.assign(e, { status: 'S'.repeat(65) })],
  ['no status', ['order', 'item', 'readiness'], (e) => delete e.status],
  ['reference too long', ['order'], (e) => Object.assign(e, { thirdPartyReference: '9'.repeat(49) })],
  ['reference as a number', ['order'], (e) => Object.assign(e, { thirdPartyReference: 900001 })],
  ['location as text', undefined, (e) => Object.assign(e, { businessLocationId: 'loc-1' })],
  ['negative location', undefined, (e) => Object.assign(e, { businessLocationId: -5 })],
  ['fractional location', undefined, (e) => Object.assign(e, { businessLocationId: 2.5 })],
  ['location of 20 digits', undefined, (e) => Object.assign(e, { businessLocationId: '9'.repeat(20) })],
  ['empty account identifier', ['order'], (e) => Object.assign(e, { ikentooAccountIdentifier: '' })],
  ['account a string', ['order'], (e) => Object.assign(e, { account: 'A17700.3' })],
  ['no SKU', ['item'], (e) => delete e.sku],
  ['empty SKU', ['item'], (e) => Object.assign(e, { sku: '' })],
  ['unknown restriction', ['item'], (e) => Object.assign(e, { status: 'SOLD_OUT' })],
  ['count as text', ['item'], (e) => Object.assign(e, { count: 'five' })],
  ['no time', ['item'], (e) => delete e.countUpdatedAt],
  ['unknown readiness', ['readiness'], (e) => Object.assign(e, { status: 'MAYBE' })],
  ['no POS status', ['readiness'], (e) => delete e.posStatus],
  ['sales period unknown', ['readiness'], (e) => Object.assign(e.posStatus, { salesPeriod: 'LUNCH' })],
  ['configuration null', ['readiness'], (e) => Object.assign(e, { onlineOrderingApiConfiguration: null })],
  ['type as a number', ['item', 'readiness'], (e) => Object.assign(e, { type: 3 })],
];
const lskBroken = fc
  .tuple(
    fc
      .constantFrom(...Object.keys(LSK_BODIES))
      .chain((kind) =>
        fc.tuple(
          fc.constant(kind),
          fc.constantFrom(...LSK_BREAKS.filter(([, kinds]) => !kinds || kinds.includes(kind))),
        ),
      ),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
  )
  .map(([[kind, [, , breakIt]], note]) => {
    const e = (LSK_BODIES[kind] as () => Envelope)();
    e.note = note;
    breakIt(e);
    return JSON.stringify(e);
  });

const KITS: Record<string, PosRouteKit> = {
  lightspeedk: {
    any: LSK_ANY,
    signatureHeader: 'authorization',
    sign: () => LSK_AUTH,
    forged: () =>
      fc.oneof(
        fc.constant(undefined),
        fc.constant(''),
        fc.string({ maxLength: 200 }),
        fc.string({ maxLength: 60 }).map((p) => lskBasic('sinqro', p)),
        fc.constant(lskBasic('someone', LSK_PASSWORD)),
        fc.constant(lskBasic('sinqro', `${LSK_PASSWORD} `)),
        fc.constant(LSK_AUTH.toLowerCase()),
        fc.constant(`${LSK_AUTH},${LSK_AUTH}`), // two headers, as API Gateway joins them
        fc.constant(`Bearer ${LSK_PLATFORM_BEARER}`), // the platform's credential on an account's path
        fc.constant(`Bearer ${LSK_PASSWORD}`),
        fc.constant(LSK_PASSWORD),
        fc.constant('x'.repeat(5000)),
      ),
    brokenEnvelopes: lskBroken,
    // Payment notifications, and order notifications about no order of the bridge's (a reference that is
    // not a Sinqro id) or about no status (CHECK_WAS_UPDATED), are acknowledged and dropped.
    ignoredByDesign: (body) => {
      try {
        const json = JSON.parse(body);
        if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
        if (json.type === 'PAYMENT') return true;
        if (json.type !== undefined && typeof json.type !== 'string') return false;
        if (json.type === 'ITEM' || json.type === 'ORDER_API') return false;
        const ref = json.thirdPartyReference;
        return (
          typeof json.status === 'string' &&
          json.status.length <= 64 &&
          (ref === undefined || (typeof ref === 'string' && ref.length <= 48 && !/^\d{1,16}$/.test(ref)))
        );
      } catch {
        return false;
      }
    },
  },
  reference: {
    any: 'orders',
    signatureHeader: POS_SIGNATURE_HEADER,
    sign: (body) => signPayload(POS_SIGNING_SECRET, body, now()),
    forged: (body) => {
      const good = signPayload(POS_SIGNING_SECRET, body, now());
      return fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 200 }),
        fc.string({ unit: 'grapheme', maxLength: 50 }).map((s) => `t=${s},v1=${s}`),
        fc.constant(`${good},${good}`),
        fc.constant(signPayload(POS_SIGNING_SECRET, body, now() - 301)),
        fc.constant(signPayload('another-secret', body, now())),
        fc.constant('x'.repeat(5000)),
        fc.constant(good.toUpperCase()),
      );
    },
    // The reference contract's bodies are covered by the random ones; its envelope has no broken cases of its own yet.
    brokenEnvelopes: anyBody,
  },
  square: {
    any: 'events',
    signatureHeader: SQUARE_SIGNATURE_HEADER,
    sign: (body) => squareSign(body),
    forged: (body) => {
      const good = squareSign(body);
      return fc.oneof(
        fc.constant(undefined),
        fc.constant(''),
        fc.string({ maxLength: 200 }),
        fc.base64String({ minLength: 44, maxLength: 44 }),
        // Two headers, as API Gateway joins them; each one alone would be valid.
        fc.constant(`${good},${good}`),
        fc.constant(`${good}, ${squareSign(body, SQUARE_URL, 'old-key')}`),
        // Computed over the URL the request arrived at (a proxy's), not the one registered with Square.
        fc.constant(squareSign(body, 'https://10.0.0.7/square/webhooks/events')),
        fc.constant(squareSign(body, `${SQUARE_URL}/`)),
        fc.constant(squareSign(body, SQUARE_URL, 'another-key')),
        fc.constant(createHmac('sha256', SQUARE_KEY).update(body).digest('base64')), // the body alone
        fc.constant(
          createHmac('sha256', SQUARE_KEY)
            .update(SQUARE_URL + body)
            .digest('hex'),
        ),
        fc.constant(good.slice(0, -4)),
        fc.constant('x'.repeat(5000)),
      );
    },
    brokenEnvelopes: squareBroken,
    ignoredByDesign: (body) => {
      try {
        const json = JSON.parse(body);
        const type = json !== null && typeof json === 'object' && !Array.isArray(json) ? json.type : undefined;
        return (
          typeof type === 'string' && type.length <= 100 && !SQUARE_TYPES.includes(type) && type !== 'location.created'
        );
      } catch {
        return false;
      }
    },
  },
};

const posRequest = (code: string, kit: PosRouteKit, body: string, headers: Record<string, string>, base64 = false) =>
  httpEvent({
    body: base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: base64,
    ...posRoute(code, kit.any),
    headers,
  });
const CONTENT_TYPES = ['application/json', 'text/plain', 'application/octet-stream', 'application/xml', ''];

/**
 * Inputs tried per POS route, per property: signed random bodies (POS_RUNS), signed broken envelopes
 * (POS_RUNS), forged signatures (POS_RUNS), bodies over the size limit (HUGE_RUNS) — 470 per adapter —
 * plus 150 unknown POS codes for the route as a whole.
 */
const POS_RUNS = RUNS.numRuns;
const HUGE_RUNS = 20;

test('every adapter in the registry has a fuzzing kit, so its webhook route is fuzzed below', () => {
  expect(Object.keys(KITS).sort()).toEqual(ADAPTERS.map((a) => a.code).sort());
});

describe.each(ADAPTERS.map((a) => a.code))('POST /%s/webhooks/{any+}', (code) => {
  const kit = KITS[code] as PosRouteKit;
  const expectPosRefused = (body: string, result: HttpResult & { statusCode: number }) => {
    if (kit.ignoredByDesign?.(body)) {
      expect({ status: result.statusCode, body: JSON.parse(result.body as string) }).toEqual({
        status: 200,
        body: { received: 0, duplicates: 0 },
      });
      expect(writes()).toBe(0);
    } else {
      // Signed correctly: refused by validation, not by the signature check.
      expect(result.statusCode).toBe(400);
      expectRefused(result);
    }
  };

  test(`any signed body the adapter cannot read is a 4xx with the error body, and nothing is written (${POS_RUNS} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(anyBody, fc.constantFrom(...CONTENT_TYPES), fc.boolean(), async (body, type, base64) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const headers = { 'content-type': type, [kit.signatureHeader]: kit.sign(body) };
        expectPosRefused(body, await call(posWebhook, posRequest(code, kit, body, headers, base64)));
      }),
      { numRuns: POS_RUNS },
    );
  });

  test(`a correctly signed but malformed envelope is a 4xx with the error body, and nothing is written (${POS_RUNS} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(kit.brokenEnvelopes, async (body) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const headers = { [kit.signatureHeader]: kit.sign(body) };
        expectPosRefused(body, await call(posWebhook, posRequest(code, kit, body, headers)));
      }),
      { numRuns: POS_RUNS },
    );
  });

  test(`a missing, duplicated, garbage or misdirected signature is a 401, whatever the body (${POS_RUNS} inputs)`, async () => {
    const body = fc.oneof(anyBody, kit.brokenEnvelopes);
    await fc.assert(
      fc.asyncProperty(
        body.chain((b) => fc.tuple(fc.constant(b), kit.forged(b))),
        fc.constantFrom(...CONTENT_TYPES),
        async ([b, sig], type) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const headers: Record<string, string> = { 'content-type': type };
          if (sig !== undefined) headers[kit.signatureHeader] = sig;
          const result = await call(posWebhook, posRequest(code, kit, b, headers));
          expect(result.statusCode).toBe(401);
          expectRefused(result);
        },
      ),
      { numRuns: POS_RUNS },
    );
  });

  test(`a body over the size limit is a 413, signed or not, before anything is read (${HUGE_RUNS} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(64 * 1024), fc.boolean(), fc.boolean(), async (extra, signed, base64) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const body = JSON.stringify({ type: 'order.updated', pad: 'x'.repeat(MAX_MESSAGE_BYTES + extra) });
        const headers: Record<string, string> = signed ? { [kit.signatureHeader]: kit.sign(body) } : {};
        const result = await call(posWebhook, posRequest(code, kit, body, headers, base64));
        expect(result.statusCode).toBe(413);
        expectRefused(result);
      }),
      { numRuns: HUGE_RUNS },
    );
  });
});

// API Gateway has a route for registered codes only; the handler still refuses any other it is given.
describe('POST /<code>/webhooks/{any+}', () => {
  test(`any unknown POS code is a 404 and any bad signature a 401 (${RUNS.numRuns} inputs)`, async () => {
    const codes = ADAPTERS.map((a) => a.code);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.constantFrom(...codes)),
        fc.string({ maxLength: 120 }),
        async (posCode, sig) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const known = Object.hasOwn(KITS, posCode) ? KITS[posCode] : undefined;
          const event = httpEvent({
            body: '{}',
            ...posRoute(encodeURIComponent(posCode), 'orders'),
            headers: { [known?.signatureHeader ?? POS_SIGNATURE_HEADER]: sig },
          });
          const result = await call(posWebhook, event);
          expect(result.statusCode).toBe(codes.includes(posCode) ? 401 : 404);
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

/**
 * Input hygiene on every HTTP route, signed correctly over the exact bytes: a body that is not valid
 * UTF-8 (sent base64-encoded, as API Gateway passes bytes it cannot read as text) is a 400 INVALID_JSON,
 * and a body with one key twice in any object is a 400 DUPLICATE_KEY naming the key's dot path.
 */
type HygieneRoute = {
  route: string;
  /** A body the route would accept, with `\uFFFF` in one string where the fuzz puts its bytes. */
  valid: () => Record<string, unknown>;
  request: (bytes: Buffer, base64: boolean) => APIGatewayProxyEventV2;
  handler: typeof sinqroWebhook;
};
const bytesEvent = (bytes: Buffer, base64: boolean, headers: Record<string, string>, path?: string) =>
  httpEvent({
    body: base64 ? bytes.toString('base64') : bytes.toString('utf8'),
    isBase64Encoded: base64,
    headers,
    ...(path ? posRoute(path.split('/')[1] as string, path.split('/').slice(3).join('/')) : {}),
  });
const HYGIENE_ROUTES: HygieneRoute[] = [
  {
    route: 'POST /sinqro/events',
    valid: () => {
      const e = envelope('order.created') as Envelope;
      e.data.comment = 'ring \uFFFF twice';
      return e;
    },
    request: (bytes, base64) =>
      bytesEvent(bytes, base64, { [SIGNATURE_HEADER]: signPayload(SINQRO_SIGNING_SECRET, bytes, now()) }),
    handler: sinqroWebhook,
  },
  {
    route: 'POST /reference/webhooks/orders',
    valid: () => ({
      eventId: 'evt-hyg-1',
      type: 'order.status_changed',
      occurredAt: '2026-11-27T12:00:00.000Z',
      locationId: 'loc-9',
      data: { id: 'ord-1', externalReference: '900001', status: 'accepted', reason: 'busy \uFFFF kitchen' },
    }),
    request: (bytes, base64) =>
      bytesEvent(
        bytes,
        base64,
        { [POS_SIGNATURE_HEADER]: signPayload(POS_SIGNING_SECRET, bytes, now()) },
        '/reference/webhooks/orders',
      ),
    handler: posWebhook,
  },
  ...ORDER_TYPES.map(
    (type): HygieneRoute => ({
      route: `POST /square/webhooks/events (${type})`,
      valid: () => ({ ...squareEnvelope(type), note: 'a \uFFFF b' }),
      request: (bytes, base64) =>
        bytesEvent(
          bytes,
          base64,
          {
            [SQUARE_SIGNATURE_HEADER]: createHmac('sha256', SQUARE_KEY)
              .update(SQUARE_URL)
              .update(bytes)
              .digest('base64'),
          },
          '/square/webhooks/events',
        ),
      handler: posWebhook,
    }),
  ),
  {
    route: 'POST /lightspeedk/webhooks/o/{location}/{token} (order notification)',
    valid: () => ({ ...LSK_BODIES.order?.(), status: 'FAILURE', reason: 'the \uFFFF item' }),
    request: (bytes, base64) =>
      bytesEvent(bytes, base64, { authorization: LSK_AUTH }, `/lightspeedk/webhooks/${LSK_ANY}`),
    handler: posWebhook,
  },
];

/** Byte sequences that are not UTF-8: a lone continuation, a truncated sequence, an overlong form, an encoded surrogate, 0xFF. */
const notUtf8 = fc.constantFrom(
  [0x80],
  [0xc3, 0x28],
  [0xe2, 0x82],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xff],
  [0xf8, 0x88],
);

/** `value` serialized with the first key of its `pick`-th non-empty object written twice (last); and that key's dot path. */
function withDuplicateKey(value: unknown, pick: number): { text: string; path: string } {
  const objects: string[][] = [];
  const walk = (v: unknown, path: string[]) => {
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...path, String(i)]);
    } else if (v !== null && typeof v === 'object') {
      if (Object.keys(v).length > 0) objects.push(path);
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(value, []);
  const target = (objects[pick % objects.length] as string[]).join('\u0000');
  let path = '';
  const write = (v: unknown, at: string[]): string => {
    if (Array.isArray(v)) return `[${v.map((x, i) => write(x, [...at, String(i)])).join(',')}]`;
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const entries = Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${write(x, [...at, k])}`);
    if (at.join('\u0000') === target) {
      // The same key with the same value again: harmless to JSON.parse, refused all the same.
      const first = Object.keys(v)[0] as string;
      path = [...at, first].join('.');
      entries.push(`${JSON.stringify(first)}:${write((v as Record<string, unknown>)[first], [...at, first])}`);
    }
    return `{${entries.join(',')}}`;
  };
  return { text: write(value, []), path };
}

describe.each(HYGIENE_ROUTES)('$route: input hygiene', ({ valid, request, handler }) => {
  test(`a signed body with bytes that are not UTF-8 is a 400 INVALID_JSON, and nothing is written (${RUNS.numRuns} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        notUtf8,
        fc.string({ unit: 'grapheme', maxLength: 10 }),
        fc.constantFrom('application/json', 'application/octet-stream'),
        async (bad, around, type) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const [before, after] = JSON.stringify(valid()).split('\uFFFF') as [string, string];
          const bytes = Buffer.concat([Buffer.from(before + around), Buffer.from(bad), Buffer.from(around + after)]);
          const event = request(bytes, true);
          (event.headers as Record<string, string>)['content-type'] = type;
          const result = await call(handler, event);
          expect(result.statusCode).toBe(400);
          expect(JSON.parse(result.body as string).errors[0].code).toBe('INVALID_JSON');
          expectRefused(result);
        },
      ),
      RUNS,
    );
  });

  test(`a signed body with half a surrogate pair written as a \\u escape is a 400 INVALID_JSON, and nothing is written (${RUNS.numRuns} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string({ unit: 'grapheme', maxLength: 10 }),
        fc.boolean(),
        async (half, around, base64) => {
          ddb.resetHistory();
          sqs.resetHistory();
          const escaped = `\\u${half.toString(16)}`;
          const text = JSON.stringify(valid()).replace('\uFFFF', `${around}${escaped}${around}`);
          const result = await call(handler, request(Buffer.from(text), base64));
          expect(result.statusCode).toBe(400);
          expect(JSON.parse(result.body as string).errors[0].code).toBe('INVALID_JSON');
          expectRefused(result);
        },
      ),
      RUNS,
    );
  });

  test(`a signed body with a key twice in any one object is a 400 naming the key's path, and nothing is written (${RUNS.numRuns} inputs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.boolean(), async (pick, base64) => {
        ddb.resetHistory();
        sqs.resetHistory();
        const body = JSON.parse(JSON.stringify(valid()).replace('\uFFFF', '-'));
        const { text, path } = withDuplicateKey(body, pick);
        const result = await call(handler, request(Buffer.from(text), base64));
        expect({ status: result.statusCode, errors: JSON.parse(result.body as string).errors }).toEqual({
          status: 400,
          errors: [expect.objectContaining({ code: 'DUPLICATE_KEY', field: path })],
        });
        expectRefused(result);
      }),
      RUNS,
    );
  });
});
