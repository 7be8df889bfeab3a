/**
 * Input hygiene through the running local runtime: bodies that are not valid UTF-8 and bodies with a
 * duplicate JSON key are refused on every ingress route, even correctly signed; a URL the gateway or a
 * simulator cannot decode is answered 4xx, and the runtime keeps serving.
 */
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { signPayload } from '../../functions/infra/signature';
import { demoOrder } from '../../local/demo/data';
import secrets from '../../local/runtime/secrets.json';
import { envelope, REF_SECRET, SINQRO_SECRET, useHarness } from './harness';

jest.setTimeout(40_000);
const h = useHarness();

const SQUARE_KEY = secrets['sinqro-pos-bridge/local/webhooks/pos/square'].webhookSigningSecrets[0] as string;
const squareSign = (body: Buffer) =>
  createHmac('sha256', SQUARE_KEY)
    .update(h.rt.adapterSettings.square?.webhookNotificationUrl as string)
    .update(body)
    .digest('base64');
const sendRaw = (raw: string) =>
  h.postRaw('/sinqro/events', raw, { 'x-sinqro-signature': signPayload(SINQRO_SECRET, raw) });
const workDepth = () =>
  h.rt.queues.reduce((sum, q) => {
    const d = h.rt.sqs.depth(q.name);
    return sum + d.visible + d.inFlight;
  }, 0);
const fieldsOf = (body: { errors?: { field?: string }[] }) => body.errors?.map((e) => e.field);
/** A reply's status, or what stood in for it (the server never answered: a hung or dead runtime). */
async function statusOf(url: string, init: RequestInit = {}): Promise<number | string> {
  try {
    const res = await fetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch (error) {
    return `no answer: ${(error as Error).name}`;
  }
}
/** The status line's code of a request written byte for byte (fetch cannot send a target that is no path). */
function rawStatusOf(url: string, requestLine: string, headers: Record<string, string>, body: string) {
  const { hostname, port } = new URL(url);
  const head = Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  return new Promise<number | string>((resolve) => {
    let reply = '';
    const socket = connect(Number(port), hostname, () =>
      socket.end(`${requestLine}\r\nhost: ${hostname}\r\n${head}\r\n${body}`),
    );
    socket.setTimeout(2000, () => socket.destroy());
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1]) || 'no answer'));
  });
}
const not4xx = (answers: Record<string, number | string>) =>
  Object.entries(answers).filter(([, status]) => !(typeof status === 'number' && status >= 400 && status < 500));
/** `text` as UTF-8 with its `\uFFFF` marker replaced by two bytes that are not UTF-8 (0xC3 then 0x28). */
const withBadUtf8 = (text: string) => {
  const [before, after] = text.split('\uFFFF') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28]), Buffer.from(after)]);
};
const referenceWebhook = (status: string) =>
  JSON.stringify({
    eventId: `evt-hyg-${h.nextId()}`,
    type: 'order.status_changed',
    occurredAt: new Date().toISOString(),
    locationId: 'loc-trattoria',
    data: { id: 'ord-hyg', externalReference: String(h.nextId()), status },
  });
const squareWebhook = () =>
  JSON.stringify({
    merchant_id: 'MLSIMSINQRO01',
    type: 'order.updated',
    event_id: `evt-hyg-${h.nextId()}`,
    created_at: new Date().toISOString(),
    data: {
      id: 'SQORDHYG',
      type: 'order_updated',
      object: {
        order_updated: { order_id: 'SQORDHYG', location_id: 'LSIMTRATTORIA01', state: 'OPEN', version: 2 },
      },
    },
  });

describe('a correctly signed body that is not valid UTF-8 is answered 400 INVALID_JSON, and nothing is enqueued', () => {
  test('POST /sinqro/events', async () => {
    const id = h.nextId();
    const order = { ...demoOrder(id), comment: 'Ring the bell \uFFFF twice' };
    const raw = withBadUtf8(JSON.stringify(envelope('order.created', order)));
    const res = await h.postRaw('/sinqro/events', raw, { 'x-sinqro-signature': signPayload(SINQRO_SECRET, raw) });
    expect({ status: res.status, errors: res.body.errors }).toEqual({
      status: 400,
      errors: [expect.objectContaining({ code: 'INVALID_JSON' })],
    });
    await h.settle(300);
    expect(workDepth()).toBe(0);
    expect(h.posOrderOf(id)).toBeUndefined();
  });

  test('POST /reference/webhooks/orders', async () => {
    const raw = withBadUtf8(referenceWebhook('accepted\uFFFF'));
    const res = await h.postRaw('/reference/webhooks/orders', raw, {
      'x-refpos-signature': signPayload(REF_SECRET, raw),
    });
    expect({ status: res.status, errors: res.body.errors }).toEqual({
      status: 400,
      errors: [expect.objectContaining({ code: 'INVALID_JSON' })],
    });
    expect(workDepth()).toBe(0);
  });

  test('POST /square/webhooks/events', async () => {
    const raw = withBadUtf8(squareWebhook().replace('SQORDHYG"', 'SQORDHYG\uFFFF"'));
    const res = await h.postRaw('/square/webhooks/events', raw, { 'x-square-hmacsha256-signature': squareSign(raw) });
    expect({ status: res.status, errors: res.body.errors }).toEqual({
      status: 400,
      errors: [expect.objectContaining({ code: 'INVALID_JSON' })],
    });
    expect(workDepth()).toBe(0);
  });
});

test('a correctly signed UTF-8 body reaches the POS byte for byte, whatever content type it is sent with', async () => {
  for (const type of ['application/json', 'application/octet-stream']) {
    const id = h.nextId();
    const order = { ...demoOrder(id), comment: 'Café, 2º B 😀 — sin cebolla' };
    const raw = Buffer.from(JSON.stringify(envelope('order.created', order)));
    const res = await h.postRaw('/sinqro/events', raw, {
      'content-type': type,
      'x-sinqro-signature': signPayload(SINQRO_SECRET, raw),
    });
    expect(res.status).toBe(202);
    expect((await h.waitForPosOrder(id)).request).toMatchObject({ note: 'Café, 2º B 😀 — sin cebolla' });
  }
});

test('a text with a character SQS refuses in a message (U+FFFF, U+FFFE) still reaches the POS as sent', async () => {
  const id = h.nextId();
  const order = { ...demoOrder(id), comment: 'Ring \uFFFF twice \uFFFE' };
  expect((await h.sendEvent(envelope('order.created', order))).status).toBe(202);
  expect((await h.waitForPosOrder(id)).request).toMatchObject({ note: 'Ring \uFFFF twice \uFFFE' });
});

describe('a correctly signed body with a duplicate key is answered 400 naming the key, and nothing is enqueued', () => {
  test('POST /sinqro/events: a second "type" (read as another event by a parser that keeps the first)', async () => {
    const id = h.nextId();
    const raw = JSON.stringify(envelope('order.created', demoOrder(id))).replace(
      '"type":"order.created"',
      '"type":"order.cancelled","type":"order.created"',
    );
    const res = await sendRaw(raw);
    expect({ status: res.status, fields: fieldsOf(res.body) }).toEqual({ status: 400, fields: ['type'] });
    await h.settle(300);
    expect(workDepth()).toBe(0);
    expect(h.posOrderOf(id)).toBeUndefined();
  });

  test('POST /sinqro/events: a nested one is named by its path', async () => {
    const id = h.nextId();
    const raw = JSON.stringify(envelope('order.created', demoOrder(id))).replace(`"id":${id}`, `"id":1,"id":${id}`);
    const res = await sendRaw(raw);
    expect({ status: res.status, fields: fieldsOf(res.body) }).toEqual({ status: 400, fields: ['data.id'] });
    expect(workDepth()).toBe(0);
  });

  test('POST /reference/webhooks/orders', async () => {
    const raw = Buffer.from(referenceWebhook('accepted').replace('"status":', '"status":"cancelled","status":'));
    const res = await h.postRaw('/reference/webhooks/orders', raw, {
      'x-refpos-signature': signPayload(REF_SECRET, raw),
    });
    expect({ status: res.status, fields: fieldsOf(res.body) }).toEqual({ status: 400, fields: ['data.status'] });
    expect(workDepth()).toBe(0);
  });

  test('POST /square/webhooks/events', async () => {
    const raw = Buffer.from(squareWebhook().replace('"state":"OPEN"', '"state":"CANCELED","state":"OPEN"'));
    const res = await h.postRaw('/square/webhooks/events', raw, { 'x-square-hmacsha256-signature': squareSign(raw) });
    expect({ status: res.status, fields: fieldsOf(res.body) }).toEqual({
      status: 400,
      fields: ['data.object.order_updated.state'],
    });
    expect(workDepth()).toBe(0);
  });
});

describe('a URL that cannot be decoded is answered 4xx and every local server keeps serving', () => {
  test('the gateway, on each of its routes', async () => {
    const answers: Record<string, number | string> = {};
    for (const bad of ['%E0%A4%A', '%ZZ', '%', '%FF']) {
      for (const path of [`/reference/webhooks/${bad}`, `/${bad}/webhooks/orders`, `/_local/schedule/${bad}`])
        answers[path] = await statusOf(`${h.rt.urls.gateway}${path}`, { body: '{}' });
    }
    expect(not4xx(answers)).toEqual([]);
    // Still up: an order goes through.
    const id = h.nextId();
    expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
    await h.waitForPosOrder(id);
  });

  test('the simulators and the local SQS', async () => {
    // A route of each simulator that decodes a path parameter, and the local SQS (its path is a queue's URL).
    const targets: [string, string][] = [
      ['POST', `${h.rt.urls.referencePos}/_sim/orders/%E0%A4%A/status`],
      ['POST', `${h.rt.urls.referencePos}/orders/%E0%A4%A/status`],
      ['DELETE', `${h.rt.urls.sinqro}/pos-app/v1/sellingPoints/5120/catalog/products/%E0%A4%A`],
      ['PUT', `${h.rt.urls.squarePos}/v2/orders/%E0%A4%A`],
      ['POST', `${h.rt.urls.squarePos}/_sim/orders/%E0%A4%A/fulfillment`],
      ['POST', `${h.rt.sqs.endpoint}/000000000000/%E0%A4%A`],
    ];
    const answers: Record<string, number | string> = {};
    for (const [method, url] of targets) {
      for (const body of [Buffer.from('{"a":1,"a":2}'), Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from('{')]) {
        const headers = { 'x-amz-target': 'AmazonSQS.GetQueueUrl' };
        answers[`${method} ${url} ${body.toString('hex')}`] = await statusOf(url, { method, body, headers });
      }
    }
    expect(not4xx(answers)).toEqual([]);
    // Still up: each answers its own read, and an order goes through the queues to the POS and Sinqro.
    for (const url of [
      `${h.rt.urls.referencePos}/_sim/orders`,
      `${h.rt.urls.sinqro}/_sim/calls`,
      `${h.rt.urls.squarePos}/_sim/requests`,
    ])
      expect((await fetch(url)).status).toBe(200);
    const id = h.nextId();
    expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
    await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  });

  test('the DynamoDB endpoint (dynalite), for a request target that is no URL', async () => {
    const answers: Record<string, number | string> = {};
    for (const target of ['http://[::1/', 'http://a:99999/', '//[', '/%']) {
      answers[target] = await rawStatusOf(
        h.rt.urls.dynamodb,
        `POST ${target} HTTP/1.1`,
        { 'x-amz-target': 'DynamoDB_20120810.ListTables', 'content-type': 'application/x-amz-json-1.0' },
        '{}',
      );
    }
    expect(not4xx(answers)).toEqual([]);
    // Still up: an order goes through the table to the POS and Sinqro.
    const id = h.nextId();
    expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
    await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  });
});
