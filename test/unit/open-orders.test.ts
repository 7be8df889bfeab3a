import { DeleteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { listOpen, markClosed, markOpen } from '../../functions/store/open-orders';

const ddb = mockClient(DynamoDBDocumentClient);
const TABLE = 'bridge-test-table';
const OPENED = '2026-11-27T12:00:00.000Z';

beforeEach(() => {
  process.env.TABLE_NAME = TABLE;
});
afterEach(() => {
  ddb.reset();
  delete process.env.TABLE_NAME;
});

test('an order and a reservation with the same id have one marker each', async () => {
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  await markOpen(5120, 900001, 'order');
  await markOpen(5120, 900001, 'reservation');
  await markClosed(5120, 'reservation', 900001);
  expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key)).toEqual([
    { PK: 'OPEN#5120', SK: 'ORDER#900001' },
    { PK: 'OPEN#5120', SK: 'RESV#900001' },
  ]);
  expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input.Key).toEqual({ PK: 'OPEN#5120', SK: 'RESV#900001' });
});

test('a reservation marker under the old key is moved to its own, keeping when it was opened', async () => {
  ddb.on(QueryCommand).resolves({
    Items: [
      { PK: 'OPEN#5120', SK: 'ORDER#900001', orderId: 900001, kind: 'order', openedAt: OPENED },
      { PK: 'OPEN#5120', SK: 'ORDER#900002', orderId: 900002, kind: 'reservation', openedAt: OPENED },
    ],
  });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  const open = await listOpen(5120);
  expect(open.map((o) => [o.kind, o.orderId])).toEqual([
    ['order', 900001],
    ['reservation', 900002],
  ]);
  expect(ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input)).toEqual([
    expect.objectContaining({
      Key: { PK: 'OPEN#5120', SK: 'RESV#900002' },
      ExpressionAttributeValues: { ':id': 900002, ':kind': 'reservation', ':at': OPENED },
    }),
  ]);
  expect(ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key)).toEqual([
    { PK: 'OPEN#5120', SK: 'ORDER#900002' },
  ]);
});

test('markers are read page by page, each page from where the last one stopped, at DynamoDB’s own page size', async () => {
  const sent: Record<string, unknown>[] = [];
  const pages = [
    {
      Items: [{ PK: 'OPEN#5120', SK: 'ORDER#1', orderId: 1, kind: 'order', openedAt: OPENED }],
      LastEvaluatedKey: { PK: 'OPEN#5120', SK: 'ORDER#1' },
    },
    { Items: [{ PK: 'OPEN#5120', SK: 'ORDER#2', orderId: 2, kind: 'order', openedAt: OPENED }] },
  ];
  // Each request as it was sent (the paginator reuses one input object between pages).
  ddb.on(QueryCommand).callsFake((input) => {
    sent.push({ ...input });
    return pages[sent.length - 1];
  });
  expect((await listOpen(5120)).map((o) => o.orderId)).toEqual([1, 2]);
  expect(sent.map((s) => [s.ExclusiveStartKey, s.Limit, s.ExpressionAttributeValues])).toEqual([
    [undefined, undefined, { ':pk': 'OPEN#5120' }],
    [{ PK: 'OPEN#5120', SK: 'ORDER#1' }, undefined, { ':pk': 'OPEN#5120' }],
  ]);
});
