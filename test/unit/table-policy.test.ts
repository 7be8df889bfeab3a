/**
 * The stack's write grants applied on this machine (local/runtime/table-policy.ts), against a real dynalite:
 * inside an invocation a write lands only in the partitions its function declares
 * (functions/store/table-writes.ts); any other is refused as IAM refuses it and nothing is written.
 */
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { keys } from '../../functions/store/table';
import { TABLE_WRITES } from '../../functions/store/table-writes';
import { createTable, startDynalite } from '../../local/runtime/dynamo';
import { invokeWithTimeout } from '../../local/runtime/lambda-context';
import { TablePolicy } from '../../local/runtime/table-policy';

const TABLE = 'table-policy-test';
let dynamo: { endpoint: string; stop: () => Promise<void> };
let raw: DynamoDBClient;
let ddb: DynamoDBDocumentClient;
let policy: TablePolicy;

beforeAll(async () => {
  dynamo = await startDynalite(0);
  await createTable(dynamo.endpoint, TABLE);
  raw = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  ddb = DynamoDBDocumentClient.from(raw);
});
afterAll(async () => {
  raw.destroy();
  await dynamo.stop();
});
beforeEach(() => {
  policy = new TablePolicy({
    'sinqro-webhook': TABLE_WRITES.sinqroReceiver,
    'reference-worker': TABLE_WRITES.worker({}),
    'sinqro-publisher': TABLE_WRITES.publisher,
  });
  policy.install();
});
afterEach(() => policy.uninstall());

const as = <T>(functionName: string, run: () => Promise<T>) => invokeWithTimeout(functionName, 5000, run);
const put = (PK: string, SK = 'X') => new PutCommand({ TableName: TABLE, Item: { PK, SK } });
const stored = async (PK: string, SK = 'X') =>
  (await ddb.send(new GetCommand({ TableName: TABLE, Key: { PK, SK } }))).Item;

test('a receiver may record an event id in its dedupe partition', async () => {
  const pk = keys.dedupe('sinqro', 'evt-ok').PK;
  await as('sinqro-webhook', () => ddb.send(put(pk, '-')));
  expect(await stored(pk, '-')).toBeDefined();
  expect(policy.used.get('sinqro-webhook')).toEqual(new Set(['DEDUPE#sinqro#*']));
  expect(policy.denied).toEqual([]);
});

test("a receiver writing a restaurant's link is refused as IAM refuses it, and nothing is written", async () => {
  const link = keys.link(5120);
  const error = await as('sinqro-webhook', () => ddb.send(put(link.PK, link.SK))).catch((e) => e);
  expect(error).toMatchObject({ name: 'AccessDeniedException' });
  expect(String(error.message)).toContain(
    'sinqro-webhook is not authorized to perform dynamodb:PutItem on partition REST#5120',
  );
  expect(await stored(link.PK, link.SK)).toBeUndefined();
  expect(policy.denied).toEqual([{ functionName: 'sinqro-webhook', action: 'PutItem', partitionKeys: ['REST#5120'] }]);
});

test('the low-level client is checked too ({ S: … } keys)', async () => {
  const error = await as('sinqro-webhook', () =>
    raw.send(new PutItemCommand({ TableName: TABLE, Item: { PK: { S: 'ORDER#1' }, SK: { S: 'STATE' } } })),
  ).catch((e) => e);
  expect(error).toMatchObject({ name: 'AccessDeniedException' });
  expect(policy.denied).toEqual([{ functionName: 'sinqro-webhook', action: 'PutItem', partitionKeys: ['ORDER#1'] }]);
});

test('a batch write is refused whole when one of its items is outside the partitions', async () => {
  const ok = keys.order('order', 77).PK;
  const error = await as('sinqro-publisher', () =>
    ddb.send(
      new BatchWriteCommand({
        RequestItems: {
          [TABLE]: [
            { PutRequest: { Item: { PK: ok, SK: 'EVT#1' } } },
            { PutRequest: { Item: { PK: 'OPEN#5120', SK: 'ORDER#77' } } },
          ],
        },
      }),
    ),
  ).catch((e) => e);
  expect(error).toMatchObject({ name: 'AccessDeniedException' });
  expect(await stored(ok, 'EVT#1')).toBeUndefined();
});

test('a worker may update an order but delete only open-order markers', async () => {
  const order = keys.order('order', 78);
  await as('reference-worker', () =>
    ddb.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: order,
        UpdateExpression: 'SET #s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': 'RECEIVED' },
      }),
    ),
  );
  await as('reference-worker', () =>
    ddb.send(new DeleteCommand({ TableName: TABLE, Key: keys.openOrder(5120, 'order', 78) })),
  );
  const error = await as('reference-worker', () => ddb.send(new DeleteCommand({ TableName: TABLE, Key: order }))).catch(
    (e) => e,
  );
  expect(error).toMatchObject({ name: 'AccessDeniedException' });
  expect(await stored(order.PK, order.SK)).toBeDefined();
  expect(policy.denied).toEqual([
    { functionName: 'reference-worker', action: 'DeleteItem', partitionKeys: ['ORDER#78'] },
  ]);
});

test('a function the policy does not name may write nothing', async () => {
  const error = await as('scheduler', () => ddb.send(put(keys.order('order', 79).PK))).catch((e) => e);
  expect(error).toMatchObject({ name: 'AccessDeniedException' });
});

test('writes outside any invocation (the CLI, the runtime setting up, a test) are an operator’s and pass', async () => {
  const link = keys.link(6001);
  await ddb.send(put(link.PK, link.SK));
  expect(await stored(link.PK, link.SK)).toBeDefined();
  expect(policy.denied).toEqual([]);
});

test('once uninstalled, the policy no longer checks', async () => {
  policy.uninstall();
  await as('sinqro-webhook', () => ddb.send(put('REST#6002', 'LINK')));
  expect(await stored('REST#6002', 'LINK')).toBeDefined();
});
