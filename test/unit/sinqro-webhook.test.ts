import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { HttpResult } from '../../functions/infra/http';
import { MAX_MESSAGE_BYTES } from '../../functions/infra/queue';
import { signPayload } from '../../functions/infra/signature';
import { handler, SIGNATURE_HEADER } from '../../functions/sinqro-webhook';
import {
  alreadySeen,
  bridgeSecrets,
  linkRestaurant,
  SINQRO_SECRET_NAME,
  SINQRO_SIGNING_SECRET,
  SINQRO_WEBHOOK_SECRET_NAME,
  WORK_QUEUE_URL,
  writeBridgeSecrets,
} from './support/bridge-env';
import { envelope, httpEvent, lambdaContext, setPath } from './support/fixtures';
import { useIngressEnv } from './support/ingress-env';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const env = useIngressEnv(ddb, sqs);

const now = () => Math.floor(Date.now() / 1000);

function signedRequest(
  body: string,
  opts: { signer?: string; at?: number; base64?: boolean } = {},
): APIGatewayProxyEventV2 {
  const signature = signPayload(opts.signer ?? SINQRO_SIGNING_SECRET, body, opts.at ?? now());
  return httpEvent({
    body: opts.base64 ? Buffer.from(body, 'utf8').toString('base64') : body,
    isBase64Encoded: opts.base64,
    headers: { [SIGNATURE_HEADER]: signature },
  });
}

const invoke = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, lambdaContext())) as HttpResult & { statusCode: number };
const bodyOf = (result: HttpResult) => JSON.parse(result.body as string);
const dedupePuts = () =>
  ddb.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.PK).startsWith('DEDUPE#'));

describe('sinqro-webhook handler', () => {
  it('accepts a validly signed order.created with 202 and enqueues it once for the restaurant’s POS', async () => {
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.created'))));
    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ id: 'evt-order.created-1', outcome: 'enqueued' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('puts the whole envelope in a work message for the reference worker’s queue', async () => {
    await invoke(signedRequest(JSON.stringify(envelope('order.created'))));
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(WORK_QUEUE_URL);
    expect(JSON.parse(input?.MessageBody ?? '')).toMatchObject({
      v: 1,
      type: 'sinqro-event',
      restaurantId: 5120,
      posCode: 'reference',
      event: { id: 'evt-order.created-1', data: { id: 900001, isAcceptable: true } },
    });
  });

  it('records the event id once it is enqueued, so a redelivery is recognised', async () => {
    await invoke(signedRequest(JSON.stringify(envelope('order.cancelled'))));
    expect(dedupePuts()[0]?.args[0].input.Item).toMatchObject({ PK: 'DEDUPE#sinqro#evt-order.cancelled-1' });
  });

  it('refuses a bad signature with 401 before reading the database or the queue', async () => {
    const result = await invoke(signedRequest(JSON.stringify(envelope()), { signer: 'not-the-secret' }));
    expect(result.statusCode).toBe(401);
    expect(bodyOf(result)).toMatchObject({ code: 'INVALID_SIGNATURE', httpResponseCode: '401' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('refuses a request without a signature header with 401', async () => {
    const result = await invoke(httpEvent({ body: JSON.stringify(envelope()) }));
    expect(result.statusCode).toBe(401);
  });

  it('refuses a replayed delivery signed more than 5 minutes ago with 401', async () => {
    const result = await invoke(signedRequest(JSON.stringify(envelope()), { at: now() - 301 }));
    expect(result.statusCode).toBe(401);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers a signed body that is not JSON with a 400 in Sinqro’s error shape', async () => {
    const result = await invoke(signedRequest('{"id": "evt-1", '));
    expect(result.statusCode).toBe(400);
    expect(bodyOf(result)).toEqual({
      errors: [{ code: 'INVALID_JSON', message: 'event body is not valid JSON' }],
      code: 'INVALID_REQUEST',
      message: 'event body is not valid JSON',
      httpResponseCode: '400',
    });
  });

  it('answers an invalid event with a 400 whose errors name the failing field', async () => {
    const body = JSON.stringify(setPath(envelope('order.created'), 'data.orderLines.0.quantity', -2));
    const result = await invoke(signedRequest(body));
    expect(result.statusCode).toBe(400);
    const answer = bodyOf(result);
    expect(answer).toMatchObject({ code: 'INVALID_REQUEST', httpResponseCode: '400' });
    expect(answer.errors[0]).toMatchObject({ code: 'INVALID_FIELD', field: 'data.orderLines.0.quantity' });
    expect(answer.message).toContain('data.orderLines.0.quantity');
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('says which field is wrong and what it expects, never the value it received, in the 400 and the logs', async () => {
    const body = JSON.stringify(setPath(envelope('order.created'), 'data.consumer.phone', 34611222333));
    const result = await invoke(signedRequest(body));
    expect(result.statusCode).toBe(400);
    const answer = bodyOf(result);
    expect(answer.errors[0]).toMatchObject({ code: 'INVALID_FIELD', field: 'data.consumer.phone' });
    expect(answer.message).toMatch(/data\.consumer\.phone: expected /);
    const written = [result.body as string, ...env.logs].join('\n');
    // Any six digits in a row of the value would give part of it away.
    for (let i = 0; i + 6 <= '34611222333'.length; i++) expect(written).not.toContain('34611222333'.slice(i, i + 6));
  });

  it('answers 404 for a restaurant that is not linked to a POS, and enqueues nothing', async () => {
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.cancelled', { sellingPointId: 777 }))));
    expect(result.statusCode).toBe(404);
    expect(bodyOf(result)).toMatchObject({ code: 'RESTAURANT_NOT_LINKED', httpResponseCode: '404' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(dedupePuts()).toHaveLength(0);
  });

  it('records the refusal of an unlinked restaurant in a partition of its own, not in the restaurant’s', async () => {
    await invoke(signedRequest(JSON.stringify(envelope('order.cancelled', { sellingPointId: 777 }))));
    const refusals = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(refusals).toEqual([expect.objectContaining({ PK: 'REFUSED#REST#777', outcome: 'refused' })]);
  });

  it('answers 404 for a restaurant whose link is disabled', async () => {
    ddb.reset();
    linkRestaurant(ddb, { enabled: false });
    ddb.on(PutCommand).resolves({});
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.cancelled'))));
    expect(result.statusCode).toBe(404);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('acknowledges a duplicate delivery with 200 and does not enqueue it again', async () => {
    alreadySeen(ddb, 'DEDUPE#sinqro#evt-order.created-1');
    const result = await invoke(signedRequest(JSON.stringify(envelope())));
    expect(result.statusCode).toBe(200);
    expect(bodyOf(result)).toEqual({ id: 'evt-order.created-1', outcome: 'duplicate' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('verifies a body that API Gateway delivered base64-encoded against the decoded bytes', async () => {
    const body = JSON.stringify(setPath(envelope('order.created'), 'data.comment', 'Sin cebolla, ¡gracias! 🧅'));
    const result = await invoke(signedRequest(body, { base64: true }));
    expect(result.statusCode).toBe(202);
  });

  it('refuses a body over the queue message limit with 413 before touching the database', async () => {
    const body = JSON.stringify(envelope('order.created', { padding: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    const result = await invoke(signedRequest(body));
    expect(result.statusCode).toBe(413);
    expect(bodyOf(result)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', httpResponseCode: '413' });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('refuses an event that fits the body limit but not a queue message (with its wrapper) with 413, before any write', async () => {
    const event = envelope('order.created', { padding: '' });
    const size = Buffer.byteLength(JSON.stringify(event));
    event.padding = 'x'.repeat(MAX_MESSAGE_BYTES - size - 10);
    const result = await invoke(signedRequest(JSON.stringify(event)));
    expect(result.statusCode).toBe(413);
    expect(dedupePuts()).toHaveLength(0);
  });

  it('answers 500 when the queue fails, and records no event id, so Sinqro’s retry is processed', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('SQS is down'));
    const result = await invoke(signedRequest(JSON.stringify(envelope())));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: 'INTERNAL_ERROR', httpResponseCode: '500' });
    expect(dedupePuts()).toHaveLength(0);
  });

  it('answers enqueued when a copy delivered at the same moment recorded the id first (both are in the queue)', async () => {
    ddb
      .on(PutCommand, { ConditionExpression: 'attribute_not_exists(PK)' })
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    const result = await invoke(signedRequest(JSON.stringify(envelope())));
    expect(result.statusCode).toBe(202);
    expect(bodyOf(result)).toEqual({ id: 'evt-order.created-1', outcome: 'enqueued' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });

  it('does not leak the SQS error text to the sender', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('arn:aws:sqs:secret-internal-detail'));
    const result = await invoke(signedRequest(JSON.stringify(envelope())));
    expect(result.body).not.toContain('secret-internal-detail');
  });

  it('accepts a delivery signed with either secret during a rotation', async () => {
    const OLD = 'old-secret-0123456789abcdef012345';
    const NEW = 'new-secret-0123456789abcdef012345';
    writeBridgeSecrets(env.secrets, {
      [SINQRO_WEBHOOK_SECRET_NAME]: { webhookSigningSecrets: [OLD, NEW] },
    });
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.cancelled')), { signer: OLD }));
    expect(result.statusCode).toBe(202);
  });

  it('answers 500 and enqueues nothing when a signing secret is empty, though the request is signed with that empty key', async () => {
    writeBridgeSecrets(env.secrets, {
      [SINQRO_WEBHOOK_SECRET_NAME]: { webhookSigningSecrets: [SINQRO_SIGNING_SECRET, ''] },
    });
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.created')), { signer: '' }));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: 'SECRET_MALFORMED', httpResponseCode: '500' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ddb.calls()).toHaveLength(0);
    const errors = env.logs.filter((l) => l.includes('"level":"error"'));
    expect(errors.join('\n')).toContain('SECRET_MALFORMED');
    expect(env.logs.join('\n')).not.toContain(SINQRO_SIGNING_SECRET);
    expect(env.logs.some((l) => l.includes('"SecretMalformed":1'))).toBe(true);
  });

  it('answers 500 when a signing secret is shorter than 32 bytes, whoever signed the request', async () => {
    writeBridgeSecrets(env.secrets, {
      [SINQRO_WEBHOOK_SECRET_NAME]: { webhookSigningSecrets: ['short-secret'] },
    });
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.created')), { signer: 'short-secret' }));
    expect(result.statusCode).toBe(500);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('verifies with Sinqro’s webhook secret alone: it needs no API credential (here the server token’s secret is absent)', async () => {
    const { [SINQRO_SECRET_NAME]: _serverToken, ...others } = bridgeSecrets();
    env.secrets.write(others);
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.created'))));
    expect(result.statusCode).toBe(202);
  });

  it('answers 500 SECRET_MISSING, naming the secret, when its webhook secret does not exist, and counts it', async () => {
    const { [SINQRO_WEBHOOK_SECRET_NAME]: _signing, ...others } = bridgeSecrets();
    env.secrets.write(others);
    const result = await invoke(signedRequest(JSON.stringify(envelope('order.created'))));
    expect(result.statusCode).toBe(500);
    expect(bodyOf(result)).toMatchObject({ code: 'SECRET_MISSING', httpResponseCode: '500' });
    expect(bodyOf(result).message).toContain(SINQRO_WEBHOOK_SECRET_NAME);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(env.logs.some((l) => l.includes('"SecretMalformed":1'))).toBe(true);
  });

  it('never logs the consumer’s personal data', async () => {
    await invoke(signedRequest(JSON.stringify(envelope('order.created'))));
    await invoke(signedRequest(JSON.stringify(setPath(envelope('order.created'), 'data.totalAmount', -1))));
    expect(env.logs.length).toBeGreaterThan(0);
    expect(env.logs.join('\n')).not.toMatch(/Laura|Gómez|\+34611222333|laura@example\.org/);
  });
});
