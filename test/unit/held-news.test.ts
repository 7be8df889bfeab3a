/**
 * A final status's news and its open-order marker inside an SQS batch (status-news.ts, to-sinqro.ts): the
 * marker goes only once the news is in the queue, so a poll retried after a failed send still finds the order.
 */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { Logger } from '../../functions/infra/logger';
import { queueStatusNews } from '../../functions/orders/status-news';
import type { OrderState } from '../../functions/store/orders';
import { processBatch } from '../../functions/worker/sqs-batch';
import { captureLogs, clearBridgeEnv, setBridgeEnv } from './support/bridge-env';
import { sqsEvent, sqsRecord } from './support/fixtures';
import { stateItem } from './support/order-state';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const order = stateItem('COMPLETED', { posOrderId: 'pos-123' }) as unknown as OrderState;
const logger = new Logger('test');
const markerDeletes = () =>
  ddb.commandCalls(DeleteCommand).filter((c) => String(c.args[0].input.Key?.PK).startsWith('OPEN#'));

beforeEach(() => {
  setBridgeEnv();
  captureLogs();
  ddb.on(DeleteCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sqs.reset();
  clearBridgeEnv();
});

const work = () =>
  processBatch(sqsEvent([sqsRecord({}, 'm-1')]), logger, () => queueStatusNews(order, 'COMPLETED', undefined, logger));

test('a final status: its marker goes after its news is in the queue', async () => {
  const order: string[] = [];
  sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => {
    order.push('send');
    return { Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: '' })), Failed: [] };
  });
  ddb.on(DeleteCommand).callsFake(async () => {
    order.push('close marker');
    return {};
  });
  expect(await work()).toEqual({ batchItemFailures: [] });
  expect(order).toEqual(['send', 'close marker']);
});

test('a final status whose news could not be queued keeps its marker, and the record is retried', async () => {
  sqs.on(SendMessageBatchCommand).rejects(new Error('SQS unreachable'));
  expect(await work()).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  expect(markerDeletes()).toHaveLength(0);
});

test('a marker that could not be removed after the send fails the record (it is retried)', async () => {
  sqs.on(SendMessageBatchCommand).callsFake(async (input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'x', MD5OfMessageBody: '' })),
    Failed: [],
  }));
  ddb.on(DeleteCommand).rejects(new Error('throttled'));
  expect(await work()).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
});
