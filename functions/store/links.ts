/**
 * Restaurant links: a Sinqro restaurant linked to a POS location. Each link is stored twice: the link
 * itself (`REST#<restaurantId>` / `LINK`, in GSI1 under `POSLOC#<posCode>#<locationId>`) and its entry in
 * the restaurants list (`RESTAURANTS` / `REST#<restaurantId>`, in GSI1 under
 * `POSACCT#<posCode>#<accountId>` when the link names a POS account).
 */
import { DeleteCommand, GetCommand, PutCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import type { RestaurantLink } from '../core/records';
import { ddb, tableName } from '../infra/ddb';
import { findKeyByGsi1, findKeysByGsi1 } from './gsi1';
import { keys, stripKeys } from './table';

/**
 * Writes the link, then its entry in the restaurants list (a copy, so listing needs no read per
 * link). Two single-item writes, in this order and reversed on delete, so the list never names a
 * restaurant that is not linked; repeating a call after a failure completes it. The entry of a link
 * with a POS account is in GSI1 under that account: the entry is written whole, so a relink to another
 * account (or to none) moves it in the index (or out of it) with the same write.
 */
export async function putLink(link: RestaurantLink): Promise<void> {
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.link(link.restaurantId),
        GSI1PK: keys.posLocation(link.posCode, link.posLocationId),
        GSI1SK: `REST#${link.restaurantId}`,
        ...link,
      },
    }),
  );
  const byAccount = link.posAccountId
    ? { GSI1PK: keys.posAccount(link.posCode, link.posAccountId), GSI1SK: `REST#${link.restaurantId}` }
    : {};
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.restaurantEntry(link.restaurantId), ...byAccount, ...link },
    }),
  );
}

/** Removes the restaurant from the list, then its link. Idempotent: deleting what is gone is no error. */
export async function deleteLink(restaurantId: number): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: tableName(), Key: keys.restaurantEntry(restaurantId) }));
  await ddb.send(new DeleteCommand({ TableName: tableName(), Key: keys.link(restaurantId) }));
}

/** Every linked restaurant, by id (one Query over the restaurants list, page by page). */
export async function listLinks(): Promise<RestaurantLink[]> {
  const links: RestaurantLink[] = [];
  const pages = paginateQuery(
    { client: ddb },
    {
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.restaurantsPK },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) links.push(stripKeys<RestaurantLink>(item) as RestaurantLink);
  }
  return links.sort((a, b) => a.restaurantId - b.restaurantId);
}

export async function getLink(restaurantId: number): Promise<RestaurantLink | undefined> {
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: keys.link(restaurantId) }));
  return stripKeys<RestaurantLink>(out.Item);
}

/** The link of a POS location: its key from the index, then the link itself (re-checked: the index lags). */
export async function findLinkByPosLocation(
  posCode: string,
  posLocationId: string,
): Promise<RestaurantLink | undefined> {
  const key = await findKeyByGsi1(keys.posLocation(posCode, posLocationId));
  if (!key) return undefined;
  const out = await ddb.send(new GetCommand({ TableName: tableName(), Key: key }));
  const link = stripKeys<RestaurantLink>(out.Item);
  return link && link.posCode === posCode && link.posLocationId === posLocationId ? link : undefined;
}

/**
 * The enabled links of one POS account's locations: their restaurants-list entries found through GSI1
 * (keys only), then each entry read by its key and checked again, as the index lags a relink.
 */
export async function findLinksByPosAccount(posCode: string, posAccountId: string): Promise<RestaurantLink[]> {
  const entries = await Promise.all(
    (await findKeysByGsi1(keys.posAccount(posCode, posAccountId))).map(
      async (key) => (await ddb.send(new GetCommand({ TableName: tableName(), Key: key }))).Item,
    ),
  );
  return entries
    .map((item) => stripKeys<RestaurantLink>(item))
    .filter((l): l is RestaurantLink => l?.posCode === posCode && l.posAccountId === posAccountId && l.enabled)
    .sort((a, b) => a.restaurantId - b.restaurantId);
}
