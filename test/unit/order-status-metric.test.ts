/**
 * The OrdersByStatus metric (functions/infra/metrics.ts): one EMF line each time the store records a
 * status — an order created RECEIVED, a transition applied — with Stage, PosCode, Kind and Status as
 * dimensions and no id anywhere in it; nothing for a refused transition or an existing order.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { setLogSink } from '../../functions/infra/logger';
import { METRICS, metricLine } from '../../functions/infra/metrics';
import { createOrder, transition } from '../../functions/store/orders';

const ddb = mockClient(DynamoDBDocumentClient);
let lines: string[] = [];

beforeEach(() => {
  process.env.TABLE_NAME = 'bridge-test-table';
  process.env.STAGE_NAME = 'sandbox';
  delete process.env.LOG_FORMAT;
  lines = [];
  setLogSink((line) => lines.push(line));
});
afterEach(() => {
  ddb.reset();
  delete process.env.TABLE_NAME;
  delete process.env.STAGE_NAME;
});

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
} & Record<string, unknown>;
const statusMetrics = () =>
  lines
    .map((l) => JSON.parse(l) as Emf)
    .filter((l) => l._aws?.CloudWatchMetrics[0]?.Metrics[0]?.Name === METRICS.ordersByStatus);

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const state = (status: string) => ({
  PK: 'ORDER#900001',
  SK: 'STATE',
  orderId: 900001,
  kind: 'order',
  orderType: 'delivery',
  restaurantId: 5120,
  posCode: 'reference',
  posOrderId: 'ord_00001',
  status,
  statusRank: 2,
  isFinal: false,
  sourceTs: '2026-11-27T12:00:00.000Z',
  source: 'reference',
  version: 2,
  attempts: 0,
  updatedAt: '2026-11-27T12:00:01.000Z',
});

test('an applied transition emits OrdersByStatus with its POS, kind and status, and no id', async () => {
  ddb.on(UpdateCommand).resolves({ Attributes: state('ACCEPTED') });
  await transition({
    orderId: 900001,
    kind: 'order',
    status: 'ACCEPTED',
    sourceTs: '2026-11-27T12:00:00.000Z',
    source: 'reference',
    owner: { restaurantId: 5120 },
  });
  const [line, ...more] = statusMetrics();
  expect(more).toEqual([]);
  expect(line?._aws.CloudWatchMetrics).toEqual([
    {
      Namespace: 'SinqroPosBridge',
      Dimensions: [['Stage', 'PosCode', 'Kind', 'Status']],
      Metrics: [{ Name: 'OrdersByStatus', Unit: 'Count' }],
    },
  ]);
  expect(line).toMatchObject({ Stage: 'sandbox', PosCode: 'reference', Kind: 'order', Status: 'ACCEPTED' });
  expect(line?.OrdersByStatus).toBe(1);
  const text = JSON.stringify(line);
  for (const id of ['900001', '5120', 'ord_00001']) expect(text).not.toContain(id);
});

test('a new order is counted as RECEIVED once; an order that already exists is not counted again', async () => {
  ddb.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
  ddb.on(GetCommand).resolves({ Item: state('RECEIVED') });
  const order = { orderId: 900001, kind: 'reservation' as const, orderType: 'table', restaurantId: 5120, posCode: 'x' };
  await createOrder(order, '2026-11-27T12:00:00.000Z');
  await createOrder(order, '2026-11-27T12:00:00.000Z');
  expect(statusMetrics().map((l) => [l.PosCode, l.Kind, l.Status])).toEqual([['x', 'reservation', 'RECEIVED']]);
});

test('a transition the state machine refuses emits nothing', async () => {
  ddb.on(UpdateCommand).rejects(conditionFailed());
  ddb.on(GetCommand).resolves({ Item: { ...state('COMPLETED'), isFinal: true, statusRank: 100 } });
  const result = await transition({
    orderId: 900001,
    kind: 'order',
    status: 'ACCEPTED',
    sourceTs: '2026-11-27T12:00:00.000Z',
    source: 'reference',
    owner: { restaurantId: 5120 },
  });
  expect(result.applied).toBe(false);
  expect(statusMetrics()).toEqual([]);
});

test('a metric without extra dimensions keeps the Stage-only dimension set (StuckOrders)', () => {
  const line = JSON.parse(metricLine(METRICS.stuckOrders, 3)) as Emf;
  expect(line._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Stage']]);
  expect(line).toMatchObject({ Stage: 'sandbox', StuckOrders: 3 });
});
