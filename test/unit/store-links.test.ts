/** Links and the restaurants list beside them (functions/store/links.ts). */
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RestaurantLink } from '../../functions/core/records';
import { deleteLink, findLinksByPosAccount, listLinks, putLink } from '../../functions/store/links';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  process.env.TABLE_NAME = 'bridge-test-table';
});
afterEach(() => {
  ddb.reset();
  delete process.env.TABLE_NAME;
});

const link = (restaurantId: number, overrides: Partial<RestaurantLink> = {}): RestaurantLink => ({
  restaurantId,
  posCode: 'reference',
  posLocationId: `loc-${restaurantId}`,
  sinqroTokenSecret: `sinqro-pos-bridge/test/restaurants/${restaurantId}`,
  enabled: true,
  createdAt: '2026-03-01T00:00:00.000Z',
  ...overrides,
});

test('putLink writes the link first, then its entry in the restaurants list', async () => {
  ddb.on(PutCommand).resolves({});
  await putLink(link(6001));
  const items = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
  expect(items.map((i) => [i?.PK, i?.SK])).toEqual([
    ['REST#6001', 'LINK'],
    ['RESTAURANTS', 'REST#6001'],
  ]);
});

test("the list entry holds the link's fields, so listing needs no read per restaurant", async () => {
  ddb.on(PutCommand).resolves({});
  await putLink(link(6001, { posSecret: 'sinqro-pos-bridge/test/pos/reference/6001' }));
  expect(ddb.commandCalls(PutCommand)[1]?.args[0].input.Item).toEqual({
    PK: 'RESTAURANTS',
    SK: 'REST#6001',
    ...link(6001, { posSecret: 'sinqro-pos-bridge/test/pos/reference/6001' }),
  });
});

test('the list entry of a link without a POS account carries no index keys (a POS location resolves to the link only)', async () => {
  ddb.on(PutCommand).resolves({});
  await putLink(link(6001));
  expect(ddb.commandCalls(PutCommand)[1]?.args[0].input.Item).not.toHaveProperty('GSI1PK');
});

test('a link with a POS account has its list entry indexed under the account (GSI1), never under the location', async () => {
  ddb.on(PutCommand).resolves({});
  await putLink(link(6001, { posCode: 'square', posLocationId: 'LOC1', posAccountId: 'MERCHANT1' }));
  const [linkItem, entry] = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
  expect(entry).toMatchObject({ PK: 'RESTAURANTS', GSI1PK: 'POSACCT#square#MERCHANT1', GSI1SK: 'REST#6001' });
  expect(linkItem).toMatchObject({ PK: 'REST#6001', GSI1PK: 'POSLOC#square#LOC1' });
});

test("an account's index entry that lags a relink is read and dropped: only the entry's own account counts", async () => {
  ddb
    .on(QueryCommand, { IndexName: 'GSI1', ExpressionAttributeValues: { ':pk': 'POSACCT#square#MERCHANT1' } })
    .resolves({
      Items: [
        { PK: 'RESTAURANTS', SK: 'REST#6001' },
        { PK: 'RESTAURANTS', SK: 'REST#6002' },
      ],
    });
  const entry = (id: number, posAccountId: string) => ({
    PK: 'RESTAURANTS',
    SK: `REST#${id}`,
    ...link(id, { posCode: 'square', posLocationId: `LOC${id}`, posAccountId }),
  });
  ddb.on(GetCommand, { Key: { PK: 'RESTAURANTS', SK: 'REST#6001' } }).resolves({ Item: entry(6001, 'MERCHANT1') });
  ddb.on(GetCommand, { Key: { PK: 'RESTAURANTS', SK: 'REST#6002' } }).resolves({ Item: entry(6002, 'MERCHANT2') });
  expect(await findLinksByPosAccount('square', 'MERCHANT1')).toEqual([
    link(6001, { posCode: 'square', posLocationId: 'LOC6001', posAccountId: 'MERCHANT1' }),
  ]);
});

test('a failed link write leaves the list untouched (the list never names an unlinked restaurant)', async () => {
  ddb.on(PutCommand).rejects(new Error('throttled'));
  await expect(putLink(link(6001))).rejects.toThrow('throttled');
  expect(ddb.commandCalls(PutCommand)).toHaveLength(1);
});

test('deleteLink removes the list entry first, then the link', async () => {
  ddb.on(DeleteCommand).resolves({});
  await deleteLink(6001);
  expect(ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key)).toEqual([
    { PK: 'RESTAURANTS', SK: 'REST#6001' },
    { PK: 'REST#6001', SK: 'LINK' },
  ]);
});

test('deleteLink writes without conditions, so repeating it after a failure completes it', async () => {
  ddb.on(DeleteCommand).resolves({});
  await deleteLink(6001);
  for (const call of ddb.commandCalls(DeleteCommand)) expect(call.args[0].input.ConditionExpression).toBeUndefined();
});

test('listLinks queries the restaurants partition of the table, not an index', async () => {
  ddb.on(QueryCommand).resolves({ Items: [] });
  await listLinks();
  expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': 'RESTAURANTS' },
  });
  expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.IndexName).toBeUndefined();
});

test('listLinks follows every page', async () => {
  ddb
    .on(QueryCommand)
    .resolvesOnce({
      Items: [{ PK: 'RESTAURANTS', SK: 'REST#1', ...link(1) }],
      LastEvaluatedKey: { PK: 'RESTAURANTS', SK: 'REST#1' },
    })
    .resolvesOnce({ Items: [{ PK: 'RESTAURANTS', SK: 'REST#2', ...link(2) }] });
  expect((await listLinks()).map((l) => l.restaurantId)).toEqual([1, 2]);
  expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({
    PK: 'RESTAURANTS',
    SK: 'REST#1',
  });
});

test('listLinks answers links without table keys, sorted by restaurant id', async () => {
  ddb.on(QueryCommand).resolves({
    Items: [
      { PK: 'RESTAURANTS', SK: 'REST#900', ...link(900) },
      { PK: 'RESTAURANTS', SK: 'REST#1000', ...link(1000) },
      { PK: 'RESTAURANTS', SK: 'REST#5', ...link(5) },
    ],
  });
  const links = await listLinks();
  expect(links.map((l) => l.restaurantId)).toEqual([5, 900, 1000]);
  expect(links[0]).toEqual(link(5));
});
