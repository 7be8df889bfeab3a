/**
 * Lookups through GSI1, the keys-only index (table.ts): a POS location's link (`POSLOC#…`), a POS
 * account's restaurants-list entries (`POSACCT#…`), an order by its POS id (`POSORDER#…`). The index
 * gives each item's own key; the caller reads the item by it and checks it again, as the index lags.
 */
import { paginateQuery, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../infra/ddb';
import { TABLE } from './table';

export type ItemKey = { PK: string; SK: string };

/** The key of the first item GSI1 holds under `gsi1pk` (one Query of one item), or undefined. */
export async function findKeyByGsi1(gsi1pk: string): Promise<ItemKey | undefined> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
      Limit: 1,
    }),
  );
  const item = out.Items?.[0];
  return item ? { PK: String(item.PK), SK: String(item.SK) } : undefined;
}

/** Every item's key GSI1 holds under `gsi1pk` (page by page): a POS's order id may be used by several locations. */
export async function findKeysByGsi1(gsi1pk: string): Promise<ItemKey[]> {
  const found: ItemKey[] = [];
  const pages = paginateQuery(
    { client: ddb },
    {
      TableName: tableName(),
      IndexName: TABLE.gsi1.indexName,
      KeyConditionExpression: 'GSI1PK = :pk',
      ExpressionAttributeValues: { ':pk': gsi1pk },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) found.push({ PK: String(item.PK), SK: String(item.SK) });
  }
  return found;
}
