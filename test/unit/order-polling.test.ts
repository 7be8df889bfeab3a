/**
 * The polling fallback (functions/orders/polling.ts): a status is fed on only when it is news, or when a
 * retried poll finds its status applied by an earlier attempt whose news never reached the queue.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { referenceAdapter } from '../../adapters/reference';
import type { StatusNews } from '../../functions/core/messages';
import { type CanonicalStatus, rankOf } from '../../functions/core/statuses';
import { Logger } from '../../functions/infra/logger';
import { pollOrders } from '../../functions/orders/polling';
import {
  captureLogs,
  clearBridgeEnv,
  linkItem,
  setBridgeEnv,
  TO_SINQRO_QUEUE_URL,
  writeBridgeSecrets,
} from './support/bridge-env';
import { startServer, type TestServer } from './support/http-server';
import { ORDER_KEY, stateItem as orderState } from './support/order-state';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
let pos: TestServer;
/** As the poll finds it: in the POS, its status last set at 19:10. */
const stateItem = (status: CanonicalStatus, overrides: Record<string, unknown> = {}) =>
  orderState(status, { posOrderId: 'pos-123', sourceTs: '2025-03-14T19:10:00.000Z', version: 3, ...overrides });

beforeEach(async () => {
  setBridgeEnv();
  captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets);
  // The POS still says what the bridge already recorded: accepted, at the same time.
  pos = await startServer({
    status: 200,
    body: { id: 'pos-123', status: 'accepted', updatedAt: '2025-03-14T19:10:00.000Z' },
  });
  process.env.POS_BASE_URL_REFERENCE = `${pos.url}/api`;
  ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem() });
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'OPEN#5120' } }).resolves({
    Items: [
      { PK: 'OPEN#5120', SK: 'ORDER#900001', orderId: 900001, kind: 'order', openedAt: new Date().toISOString() },
    ],
  });
  ddb.on(PutCommand).resolves({});
  // The status write finds ACCEPTED already there (same time): a duplicate.
  ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(async () => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
  await pos.close();
});

/** The restaurant's open-order markers, as the poll lists them. */
const openMarkers = (...orderIds: number[]) =>
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'OPEN#5120' } }).resolves({
    Items: orderIds.map((orderId) => ({
      PK: 'OPEN#5120',
      SK: `ORDER#${orderId}`,
      orderId,
      kind: 'order',
      openedAt: new Date().toISOString(),
    })),
  });
const ctx = (redelivered = false) => ({
  adapter: referenceAdapter,
  budget: { deadline: Date.now() + 10_000 },
  logger: new Logger('test-worker'),
  redelivered,
});
const published = (): StatusNews[] =>
  sqs
    .commandCalls(SendMessageCommand)
    .filter((c) => c.args[0].input.QueueUrl === TO_SINQRO_QUEUE_URL)
    .map((c) => JSON.parse(c.args[0].input.MessageBody ?? '') as StatusNews);

test('an unchanged status is not fed on: no status write, nothing for Sinqro', async () => {
  ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('ACCEPTED') });
  await pollOrders(5120, 'schedule', ctx());
  expect(pos.requests.map((r) => r.url)).toEqual(['/api/orders/pos-123/status']);
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(published()).toEqual([]);
});

test('a retried poll sends again the news of a status an earlier attempt applied but never queued', async () => {
  ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('ACCEPTED') });
  await pollOrders(5120, 'schedule', ctx(true));
  expect(published()).toEqual([
    expect.objectContaining({
      status: 'ACCEPTED',
      audit: expect.objectContaining({ outcome: 'applied earlier; news sent again' }),
    }),
  ]);
});

test('a retried poll leaves alone a status that was published', async () => {
  ddb
    .on(GetCommand, { Key: ORDER_KEY })
    .resolves({ Item: stateItem('ACCEPTED', { publishedRank: rankOf('order', 'ACCEPTED') }) });
  await pollOrders(5120, 'schedule', ctx(true));
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(published()).toEqual([]);
});

test('a POS refusing the credential: reported once, the other orders not asked, nothing failed or published', async () => {
  const logs = captureLogs();
  openMarkers(900001, 900002);
  ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('ACCEPTED') });
  ddb
    .on(GetCommand, { Key: { PK: 'ORDER#900002', SK: 'STATE' } })
    .resolves({ Item: stateItem('ACCEPTED', { PK: 'ORDER#900002', orderId: 900002, posOrderId: 'pos-456' }) });
  pos.reply({ status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'wrong API key' } } });
  await pollOrders(5120, 'sweep', ctx());
  expect(pos.requests).toHaveLength(1);
  expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  expect(published()).toEqual([]);
  const metrics = logs.filter((l) => l.includes('"PosAuthFailures"'));
  expect(metrics).toHaveLength(1);
  expect(JSON.parse(metrics[0] as string)).toMatchObject({ PosAuthFailures: 1, PosCode: 'reference' });
  expect(logs.some((l) => l.includes('POS refused the credential') && l.includes('"restaurantId":5120'))).toBe(true);
});

const markerDeletes = () =>
  ddb.commandCalls(DeleteCommand).filter((c) => String(c.args[0].input.Key?.PK).startsWith('OPEN#'));

test('a final order whose news is still due keeps its marker: the message that applied the status sends it', async () => {
  ddb.on(DeleteCommand).resolves({});
  ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('COMPLETED', { appliedBy: 'msg-webhook' }) });
  await pollOrders(5120, 'sweep', { ...ctx(), messageId: 'msg-poll' });
  expect(markerDeletes()).toHaveLength(0);
  expect(published()).toEqual([]);
});

test('a retried poll that applied a final status and died before its news sends it', async () => {
  ddb.on(DeleteCommand).resolves({});
  ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('COMPLETED', { appliedBy: 'msg-poll' }) });
  await pollOrders(5120, 'schedule', { ...ctx(true), messageId: 'msg-poll' });
  expect(published().map((n) => n.status)).toEqual(['COMPLETED']);
  // Outside a batch the news is sent at once, and then the marker goes.
  expect(markerDeletes()).toHaveLength(1);
});

test('a final order Sinqro was told of (or that Sinqro cancelled) loses its marker', async () => {
  ddb.on(DeleteCommand).resolves({});
  ddb
    .on(GetCommand, { Key: ORDER_KEY })
    .resolves({ Item: stateItem('CANCELLED', { source: 'sinqro', appliedBy: 'msg-cancel' }) });
  await pollOrders(5120, 'sweep', ctx());
  expect(markerDeletes()).toHaveLength(1);
  expect(published()).toEqual([]);
});

test('a polled status that could not be applied fails the job after the other orders were polled', async () => {
  openMarkers(900001, 900002);
  // Both are ACCEPTED in the bridge; the POS says completed: news for both.
  pos.reply({ status: 200, body: { id: 'pos-123', status: 'completed', updatedAt: '2025-03-14T19:20:00.000Z' } });
  ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('ACCEPTED') });
  ddb
    .on(GetCommand, { Key: { PK: 'ORDER#900002', SK: 'STATE' } })
    .resolves({ Item: stateItem('ACCEPTED', { PK: 'ORDER#900002', orderId: 900002, posOrderId: 'pos-456' }) });
  ddb.on(UpdateCommand).rejects(new Error('DynamoDB request timed out'));
  await expect(pollOrders(5120, 'schedule', ctx())).rejects.toThrow('timed out');
  expect(pos.requests).toHaveLength(2);
});
