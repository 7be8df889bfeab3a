/**
 * The order of the ingress's two writes: the event goes to the queue first and its id is recorded after,
 * so an ingress that dies in between (a queue that never answers, a function timeout) leaves nothing
 * that would make the sender's retry look like a duplicate. The table's dedupe records are kept in a
 * Map here, so a conditional put and a read behave as DynamoDB's would.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { HttpResult } from '../../functions/infra/http';
import { signPayload } from '../../functions/infra/signature';
import { handler, SIGNATURE_HEADER } from '../../functions/sinqro-webhook';
import { linkItem, SINQRO_SIGNING_SECRET } from './support/bridge-env';
import { envelope, httpEvent, lambdaContext } from './support/fixtures';
import { useIngressEnv } from './support/ingress-env';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
useIngressEnv(ddb, sqs);

let dedupe: Map<string, unknown>;
let steps: string[];

beforeEach(() => {
  dedupe = new Map();
  steps = [];
  ddb.on(GetCommand, { Key: { PK: 'DEDUPE#sinqro#evt-order.created-1', SK: '-' } }).callsFake((input) => {
    steps.push('read id');
    return { Item: dedupe.get(input.Key.PK) };
  });
  ddb.on(PutCommand).callsFake((input) => {
    const pk = String(input.Item?.PK);
    if (!pk.startsWith('DEDUPE#')) return {};
    steps.push('record id');
    if (input.ConditionExpression === 'attribute_not_exists(PK)' && dedupe.has(pk))
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    dedupe.set(pk, input.Item);
    return {};
  });
  sqs.on(SendMessageCommand).callsFake(() => {
    steps.push('enqueue');
    return { MessageId: `m-${steps.length}` };
  });
});

const request = (): APIGatewayProxyEventV2 => {
  const body = JSON.stringify(envelope('order.created'));
  return httpEvent({ body, headers: { [SIGNATURE_HEADER]: signPayload(SINQRO_SIGNING_SECRET, body) } });
};
const invoke = async (event: APIGatewayProxyEventV2) =>
  (await handler(event, lambdaContext())) as HttpResult & { statusCode: number };
const flush = () => new Promise((r) => setImmediate(r));

describe('ingress dedupe order', () => {
  it('enqueues before it records the event id', async () => {
    expect((await invoke(request())).statusCode).toBe(202);
    expect(steps.filter((s) => s !== 'read id')).toEqual(['enqueue', 'record id']);
  });

  it('takes the retry of a delivery whose queue call never answered (the function timed out), instead of calling it a duplicate', async () => {
    sqs.on(SendMessageCommand).callsFake(() => {
      steps.push('enqueue (never answers)');
      return new Promise(() => undefined);
    });
    void invoke(request()); // Lambda stops it at its timeout: no catch, no finally runs
    for (let i = 0; i < 20; i++) await flush();
    expect(steps).toContain('enqueue (never answers)');

    sqs.on(SendMessageCommand).callsFake(() => {
      steps.push('enqueue');
      return { MessageId: 'm-retry' };
    });
    const retry = await invoke(request());
    expect(JSON.parse(retry.body as string)).toEqual({ id: 'evt-order.created-1', outcome: 'enqueued' });
    expect(retry.statusCode).toBe(202);
    expect(steps).toContain('enqueue');
  });

  it('answers a delivery whose id is already recorded as a duplicate, without enqueueing it', async () => {
    await invoke(request());
    const again = await invoke(request());
    expect(again.statusCode).toBe(200);
    expect(steps.filter((s) => s === 'enqueue')).toHaveLength(1);
  });

  it('still answers enqueued when a concurrent copy recorded the id between the read and the write', async () => {
    sqs.on(SendMessageCommand).callsFake(() => {
      steps.push('enqueue');
      // The concurrent copy records the id while this one is enqueueing.
      dedupe.set('DEDUPE#sinqro#evt-order.created-1', { PK: 'DEDUPE#sinqro#evt-order.created-1' });
      return { MessageId: 'm-1' };
    });
    const result = await invoke(request());
    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body as string)).toMatchObject({ outcome: 'enqueued' });
  });
});

describe('ingress reads', () => {
  it('reads the dedupe record while it reads the restaurant link: one round trip, not two, when the link is not cached', async () => {
    const order: string[] = [];
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).callsFake(async () => {
      order.push('link: sent');
      await new Promise((r) => setTimeout(r, 5));
      order.push('link: read');
      return { Item: linkItem() };
    });
    ddb.on(GetCommand, { Key: { PK: 'DEDUPE#sinqro#evt-order.created-1', SK: '-' } }).callsFake(async () => {
      order.push('dedupe: sent');
      return {};
    });
    expect((await invoke(request())).statusCode).toBe(202);
    expect(order.slice(0, 2).sort()).toEqual(['dedupe: sent', 'link: sent']);
  });

  it('still refuses an event for a restaurant that is not linked, and enqueues nothing', async () => {
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({});
    expect((await invoke(request())).statusCode).toBe(404);
    expect(steps).not.toContain('enqueue');
  });
});
