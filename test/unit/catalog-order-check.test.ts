/** Orders against a synced catalog: an unknown product or option fails the order, naming it. */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as v from 'valibot';
import { PermanentError } from '../../functions/core/errors';
import { SinqroOrderSchema } from '../../functions/core/sinqro-schemas';
import { assertOrderInCatalog } from '../../functions/orders/catalog-check';
import { demoOrder } from '../../local/demo/data';

const ddb = mockClient(DynamoDBDocumentClient);
let known: Set<string>;

beforeEach(() => {
  process.env.TABLE_NAME = 'bridge-test-table';
  known = new Set(['product#POS-ART-12', 'product#POS-ART-40', 'productOption#POS-MOD-3']);
  ddb.on(QueryCommand).resolves({ Items: [{ SK: 'menu#M1' }] });
  ddb.on(GetCommand).callsFake((input) => ({ Item: known.has(input.Key.SK) ? { ...input.Key } : undefined }));
});

afterEach(() => {
  ddb.reset();
  delete process.env.TABLE_NAME;
});

/** The demo order: Margherita (77001, POS-ART-12) with Extra mozzarella (88004, POS-MOD-3), and water (POS-ART-40). */
function order(edit: (o: ReturnType<typeof demoOrder>) => void = () => undefined) {
  const o = demoOrder(900001);
  edit(o);
  return v.parse(SinqroOrderSchema, o);
}
const margherita = (o: ReturnType<typeof demoOrder>) =>
  o.orderLines[0] as {
    product: { externalId: string };
    childrenOrderLines: { productOption: { externalId: string } }[];
  };

async function failure(promise: Promise<unknown>): Promise<PermanentError> {
  try {
    await promise;
  } catch (error) {
    return error as PermanentError;
  }
  throw new Error('expected the order to be refused');
}

it('passes an order whose products and options are all in the map', async () => {
  await expect(assertOrderInCatalog(order(), 5120)).resolves.toBeUndefined();
});

it('checks nothing for a restaurant that never synced a catalog', async () => {
  ddb.on(QueryCommand).resolves({ Items: [] });
  known.clear();
  await expect(assertOrderInCatalog(order(), 5120)).resolves.toBeUndefined();
  expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
});

it('refuses an unknown product permanently, naming its Sinqro id, label and POS id', async () => {
  const error = await failure(
    assertOrderInCatalog(
      order((o) => {
        margherita(o).product.externalId = 'POS-ART-99';
      }),
      5120,
    ),
  );
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.code).toBe('UNKNOWN_PRODUCT');
  expect(error.message).toBe('product 77001 "Margherita" (POS POS-ART-99) is not in the synced catalog');
});

it('refuses an unknown option, naming it as an option', async () => {
  const error = await failure(
    assertOrderInCatalog(
      order((o) => {
        (margherita(o).childrenOrderLines[0] as { productOption: { externalId: string } }).productOption.externalId =
          'POS-MOD-77';
      }),
      5120,
    ),
  );
  expect(error.message).toBe('option 88004 "Extra mozzarella" (POS POS-MOD-77) is not in the synced catalog');
});

it('names every unknown product of the order, not just the first', async () => {
  known.clear();
  known.add('productOption#POS-MOD-3');
  const error = await failure(assertOrderInCatalog(order(), 5120));
  expect(error.message).toContain('"Margherita" (POS POS-ART-12)');
  expect(error.message).toContain('"Sparkling water" (POS POS-ART-40)');
});

it('accepts a product line that names a product variant', async () => {
  known.delete('product#POS-ART-12');
  known.add('productVariant#POS-ART-12');
  await expect(assertOrderInCatalog(order(), 5120)).resolves.toBeUndefined();
});

it('leaves a line without a POS id to the mapping (which fails it as unmapped)', async () => {
  await expect(
    assertOrderInCatalog(
      order((o) => {
        (margherita(o).product as { externalId: string | null }).externalId = null;
      }),
      5120,
    ),
  ).resolves.toBeUndefined();
});
