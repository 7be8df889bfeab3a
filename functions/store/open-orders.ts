/**
 * Open-order markers: `OPEN#<restaurantId>` / `ORDER#<orderId>` (or `RESV#<id>` for a reservation), written when an order is recorded and
 * removed when it reaches a final status. Polling and the stuck-order sweep walk them per restaurant
 * instead of scanning the table. Each write is a single idempotent item write; a marker left behind by
 * a crash is removed the next time the sweep finds its order final.
 */
import { DeleteCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Kind } from '../core/statuses';
import { conditionHeld, ddb, tableName as table } from '../infra/ddb';
import { keys } from './table';

export type OpenOrder = { orderId: number; kind: Kind; openedAt: string; stuckSince?: string };

export async function markOpen(restaurantId: number, orderId: number, kind: Kind): Promise<void> {
  // if_not_exists keeps the first openedAt when a retried injection writes the marker again.
  await ddb.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.openOrder(restaurantId, kind, orderId),
      UpdateExpression: 'SET orderId = :id, kind = :kind, openedAt = if_not_exists(openedAt, :now)',
      ExpressionAttributeValues: { ':id': orderId, ':kind': kind, ':now': new Date().toISOString() },
    }),
  );
}

export async function markClosed(restaurantId: number, kind: Kind, orderId: number): Promise<void> {
  await ddb.send(new DeleteCommand({ TableName: table(), Key: keys.openOrder(restaurantId, kind, orderId) }));
}

/** Flags a marker as stuck; returns true only the first time (so one stuck order raises one alarm datum). */
export async function markStuck(restaurantId: number, kind: Kind, orderId: number): Promise<boolean> {
  return conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: table(),
        Key: keys.openOrder(restaurantId, kind, orderId),
        UpdateExpression: 'SET stuckSince = :now',
        ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(stuckSince)',
        ExpressionAttributeValues: { ':now': new Date().toISOString() },
      }),
    ),
  );
}

export async function listOpen(restaurantId: number): Promise<OpenOrder[]> {
  const out: OpenOrder[] = [];
  const pages = paginateQuery(
    { client: ddb },
    {
      TableName: table(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.openOrdersPK(restaurantId) },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      const marker: OpenOrder = {
        orderId: item.orderId,
        kind: item.kind,
        openedAt: item.openedAt,
        stuckSince: item.stuckSince,
      };
      if (item.SK !== keys.openOrder(restaurantId, marker.kind, marker.orderId).SK)
        await moveLegacyMarker(restaurantId, marker, item.SK);
      out.push(marker);
    }
  }
  return out;
}

/** A reservation's marker written before reservations had their own key (`ORDER#<id>`) moves to `RESV#<id>`. */
async function moveLegacyMarker(restaurantId: number, marker: OpenOrder, oldSK: string): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: table(),
      Key: keys.openOrder(restaurantId, marker.kind, marker.orderId),
      UpdateExpression: `SET orderId = :id, kind = :kind, openedAt = if_not_exists(openedAt, :at)${
        marker.stuckSince ? ', stuckSince = if_not_exists(stuckSince, :stuck)' : ''
      }`,
      ExpressionAttributeValues: {
        ':id': marker.orderId,
        ':kind': marker.kind,
        ':at': marker.openedAt,
        ...(marker.stuckSince ? { ':stuck': marker.stuckSince } : {}),
      },
    }),
  );
  await ddb.send(new DeleteCommand({ TableName: table(), Key: { PK: keys.openOrdersPK(restaurantId), SK: oldSK } }));
}
