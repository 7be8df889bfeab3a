/**
 * The linked locations of one POS account (Square's catalog webhook names the merchant, not a location),
 * against dynalite: found through the index, so a lookup reads the account's own entries however many
 * restaurants are linked, and kept right when a restaurant is linked, relinked, disabled or unlinked.
 */
import { createTable, startDynalite } from '../../local/runtime/dynamo';

const TABLE = 'account-links-test';
const ENV = ['AWS_ENDPOINT_URL_DYNAMODB', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'TABLE_NAME'];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

let linkStore: typeof import('../../functions/store/links');
let stopDynalite: () => Promise<void>;
/** Items DynamoDB returned to the store (Query pages and Gets), since the last reset. */
let itemsRead = 0;

beforeAll(async () => {
  const dynamo = await startDynalite(0);
  stopDynalite = dynamo.stop;
  await createTable(dynamo.endpoint, TABLE);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    TABLE_NAME: TABLE,
  });
  // The store's client is made at import: only now, against dynalite.
  linkStore = await import('../../functions/store/links');
  const { ddb } = await import('../../functions/infra/ddb');
  ddb.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const output = result.output as { Items?: unknown[]; Item?: unknown };
      itemsRead += (output.Items?.length ?? 0) + (output.Item ? 1 : 0);
      return result;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );
  // Many restaurants on another POS, and a few on Square: two merchants.
  for (let id = 7001; id <= 7150; id++) await linkStore.putLink(link(id, 'reference', `loc-${id}`));
  await linkStore.putLink(link(6001, 'square', 'LOC1', 'MERCHANT1'));
  await linkStore.putLink(link(6002, 'square', 'LOC2', 'MERCHANT1'));
  await linkStore.putLink(link(6003, 'square', 'LOC3', 'MERCHANT2'));
}, 60_000);

afterAll(async () => {
  await stopDynalite();
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

function link(restaurantId: number, posCode: string, posLocationId: string, posAccountId?: string) {
  return {
    restaurantId,
    posCode,
    posLocationId,
    sinqroTokenSecret: `sinqro-pos-bridge/test/restaurants/${restaurantId}`,
    ...(posAccountId ? { posAccountId } : {}),
    enabled: true,
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

const idsOf = async (posAccountId: string, posCode = 'square') =>
  (await linkStore.findLinksByPosAccount(posCode, posAccountId)).map((l) => l.restaurantId).sort();

test("an account's lookup finds its linked locations, with their links, and no other account's", async () => {
  expect(await idsOf('MERCHANT1')).toEqual([6001, 6002]);
  expect(await idsOf('MERCHANT2')).toEqual([6003]);
  expect(await idsOf('NOBODY')).toEqual([]);
  expect(await idsOf('MERCHANT1', 'reference')).toEqual([]);
  const [first] = await linkStore.findLinksByPosAccount('square', 'MERCHANT1');
  expect(first).toEqual(link(6001, 'square', 'LOC1', 'MERCHANT1'));
});

test("a lookup reads only the account's own entries, not the list of every linked restaurant", async () => {
  itemsRead = 0;
  await linkStore.findLinksByPosAccount('square', 'MERCHANT1');
  // Two locations: at most an index entry and an item each (153 restaurants are linked).
  expect(itemsRead).toBeLessThanOrEqual(4);
});

test('a restaurant relinked to another account moves with it, and one relinked without an account leaves', async () => {
  await linkStore.putLink(link(6002, 'square', 'LOC2', 'MERCHANT2'));
  expect(await idsOf('MERCHANT1')).toEqual([6001]);
  expect(await idsOf('MERCHANT2')).toEqual([6002, 6003]);

  await linkStore.putLink(link(6002, 'square', 'LOC2'));
  expect(await idsOf('MERCHANT2')).toEqual([6003]);

  await linkStore.putLink(link(6002, 'square', 'LOC9', 'MERCHANT1'));
  const links = await linkStore.findLinksByPosAccount('square', 'MERCHANT1');
  expect(links.map((l) => [l.restaurantId, l.posLocationId])).toEqual([
    [6001, 'LOC1'],
    [6002, 'LOC9'],
  ]);
});

test('an unlinked or disabled restaurant is not found', async () => {
  await linkStore.putLink(link(6004, 'square', 'LOC4', 'MERCHANT3'));
  await linkStore.putLink({ ...link(6005, 'square', 'LOC5', 'MERCHANT3'), enabled: false });
  expect(await idsOf('MERCHANT3')).toEqual([6004]);
  await linkStore.deleteLink(6004);
  expect(await idsOf('MERCHANT3')).toEqual([]);
});
