import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { EventBridgeEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../functions/sinqro-events';
import {
  alreadySeen,
  captureLogs,
  clearBridgeEnv,
  linkRestaurant,
  setBridgeEnv,
  WORK_QUEUE_URL,
} from './support/bridge-env';
import { envelope, setPath } from './support/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);

beforeEach(() => {
  setBridgeEnv();
  captureLogs();
  linkRestaurant(ddb);
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  ddb.reset();
  sqs.reset();
  clearBridgeEnv();
});

function busEvent(detail: unknown): EventBridgeEvent<string, unknown> {
  return {
    version: '0',
    id: 'eb-1',
    'detail-type': 'order.created',
    source: 'com.sinqro',
    account: '123456789012',
    time: '2025-03-14T19:01:02Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

/** The SinqroEventsRefused values the handler emitted (EMF lines among the captured logs). */
const refusedMetrics = (logs: string[]) =>
  logs
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => 'SinqroEventsRefused' in l)
    .map((l) => l.SinqroEventsRefused);

const dedupePuts = () =>
  ddb.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.PK).startsWith('DEDUPE#'));

describe('sinqro-events handler (EventBridge)', () => {
  it('enqueues a valid envelope from detail for the restaurant’s POS worker', async () => {
    await expect(handler(busEvent(envelope('order.created')))).resolves.toEqual({ outcome: 'enqueued' });
    const sent = sqs.commandCalls(SendMessageCommand);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.args[0].input.QueueUrl).toBe(WORK_QUEUE_URL);
  });

  it('reports a redelivered event as a duplicate and enqueues nothing', async () => {
    alreadySeen(ddb, 'DEDUPE#sinqro#evt-order.cancelled-1');
    await expect(handler(busEvent(envelope('order.cancelled')))).resolves.toEqual({ outcome: 'duplicate' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses an invalid detail without retrying, sending or recording it as seen', async () => {
    await expect(handler(busEvent(setPath(envelope('order.created'), 'data.totalAmount', '23.0')))).resolves.toEqual({
      outcome: 'refused',
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('refuses a detail holding half a surrogate pair, as the HTTP route does, rather than pass it to a POS', async () => {
    const detail = setPath(envelope('order.created'), 'data.comment', 'ring twice \ud83d');
    await expect(handler(busEvent(detail))).resolves.toEqual({ outcome: 'refused' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('logs why an invalid detail was refused without the value it received', async () => {
    const logs = captureLogs();
    await handler(busEvent(setPath(envelope('order.created'), 'data.consumer.phone', 34611222333)));
    const written = logs.join('\n');
    expect(written).toContain('data.consumer.phone');
    for (let i = 0; i + 6 <= '34611222333'.length; i++) expect(written).not.toContain('34611222333'.slice(i, i + 6));
  });

  it('counts an invalid event in the SinqroEventsRefused metric (its alarm is how anyone learns of it)', async () => {
    const logs = captureLogs();
    await handler(busEvent(setPath(envelope('order.created'), 'data.totalAmount', '23.0')));
    expect(refusedMetrics(logs)).toEqual([1]);
  });

  it('counts an event for a restaurant that is not linked in the SinqroEventsRefused metric', async () => {
    const logs = captureLogs();
    await handler(busEvent(envelope('order.cancelled', { sellingPointId: 777 })));
    expect(refusedMetrics(logs)).toEqual([1]);
  });

  it('emits no refusal metric for an event it enqueues', async () => {
    const logs = captureLogs();
    await handler(busEvent(envelope('order.created')));
    expect(refusedMetrics(logs)).toEqual([]);
  });

  it('refuses an event for a restaurant that is not linked without retrying', async () => {
    await expect(handler(busEvent(envelope('order.cancelled', { sellingPointId: 777 })))).resolves.toEqual({
      outcome: 'refused',
    });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('throws when the queue fails, so EventBridge retries, and records no event id that would drop that retry', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('SQS is down'));
    await expect(handler(busEvent(envelope('order.created')))).rejects.toThrow('SQS is down');
    expect(dedupePuts()).toHaveLength(0);
  });

  it('throws when the database fails before the claim, so EventBridge retries', async () => {
    ddb.reset();
    ddb.rejects(new Error('DynamoDB is down'));
    await expect(handler(busEvent(envelope('order.created')))).rejects.toThrow('DynamoDB is down');
    expect(dedupePuts()).toHaveLength(0);
  });
});
