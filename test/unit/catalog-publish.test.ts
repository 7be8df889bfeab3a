/** The publisher side of a catalog sync: Sinqro first, then the catalog map — never the other way round. */
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CatalogNews } from '../../functions/core/messages';
import { ROUTES } from '../../functions/sinqro/client';
import { handler } from '../../functions/sinqro-publisher';
import { lambdaContext, sqsEvent, sqsRecord } from './support/fixtures';
import { usePublisherEnv } from './support/publisher-env';

const ddb = mockClient(DynamoDBDocumentClient);
const env = usePublisherEnv(ddb, { status: 200, body: { items: [{ externalId: 'P1', id: 77001 }] } });

beforeEach(() => {
  ddb.on(UpdateCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});

const upsert = (): CatalogNews => ({
  type: 'catalog-upsert',
  restaurantId: 5120,
  syncId: 'sync-1',
  entityType: 'product',
  items: [{ posId: 'P1', hash: 'a'.repeat(64), body: { externalId: 'P1', name: 'Margherita', price: 10.5 } }],
});
const deletion = (posIds = ['P1', 'P2']): CatalogNews => ({
  type: 'catalog-delete',
  restaurantId: 5120,
  syncId: 'sync-1',
  entityType: 'productOptionCategory',
  posIds,
});
const run = (news: CatalogNews) => handler(sqsEvent([sqsRecord(news, 'm-1')]), lambdaContext());
const mapPuts = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item)
    .filter((i) => i?.PK === 'CAT#5120');

describe('catalog upserts', () => {
  it('PUTs the items to the restaurant’s Sinqro collection with both tokens', async () => {
    await expect(run(upsert())).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests[0]).toMatchObject({
      method: 'PUT',
      url: `/pos-app/v1/${ROUTES.catalog(5120, 'products')}`,
      headers: { 'x-api-server-access-token': 'server-token', 'x-api-user-access-token': 'user-token-5120' },
    });
    expect(JSON.parse(env.sinqro.requests[0]?.body ?? '')).toEqual({
      items: [{ externalId: 'P1', name: 'Margherita', price: 10.5 }],
    });
  });

  it('records each accepted entity in the map with its hash and the id Sinqro gave it', async () => {
    await run(upsert());
    expect(mapPuts()).toEqual([
      expect.objectContaining({
        PK: 'CAT#5120',
        SK: 'product#P1',
        entityType: 'product',
        posId: 'P1',
        hash: 'a'.repeat(64),
        sinqroId: 77001,
        seenSyncId: 'sync-1',
        syncedAt: expect.any(String),
      }),
    ]);
  });

  it('counts what Sinqro accepted in the sync’s report', async () => {
    await run(upsert());
    const count = ddb.commandCalls(UpdateCommand).map((c) => c.args[0].input)[0];
    expect(count).toMatchObject({
      Key: { PK: 'REST#5120', SK: 'CATSYNC#sync-1' },
      ExpressionAttributeNames: { '#what': 'upsertsAccepted' },
      ExpressionAttributeValues: { ':n': 1 },
    });
  });

  it('writes nothing to the map when Sinqro refuses, and leaves the message to be retried', async () => {
    env.sinqro.reply({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'down' } });
    await expect(run(upsert())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(mapPuts()).toEqual([]);
  });

  it('still records the entity when Sinqro’s reply carries no ids (it accepted it)', async () => {
    env.sinqro.reply({ status: 200, body: { ok: true } });
    await run(upsert());
    expect(mapPuts()).toEqual([expect.objectContaining({ SK: 'product#P1', hash: 'a'.repeat(64) })]);
    expect(mapPuts()[0]?.sinqroId).toBeUndefined();
  });
});

describe('catalog deletions', () => {
  it('DELETEs each entity from its Sinqro collection by external id', async () => {
    env.sinqro.reply({ status: 204 });
    await run(deletion());
    expect(env.sinqro.requests.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      `DELETE /pos-app/v1/${ROUTES.catalogItem(5120, 'productOptionsCategories', 'P1')}`,
      `DELETE /pos-app/v1/${ROUTES.catalogItem(5120, 'productOptionsCategories', 'P2')}`,
    ]);
  });

  it('removes the map entries once Sinqro deleted them', async () => {
    env.sinqro.reply({ status: 204 });
    await run(deletion());
    expect(
      ddb
        .commandCalls(DeleteCommand)
        .map((c) => c.args[0].input.Key?.SK)
        .sort(),
    ).toEqual(['productOptionCategory#P1', 'productOptionCategory#P2']);
  });

  it('takes a 404 from Sinqro as already deleted, and removes the map entry', async () => {
    env.sinqro.reply({ status: 404, body: { code: 'NOT_FOUND', message: 'gone' } });
    await expect(run(deletion(['P1']))).resolves.toEqual({ batchItemFailures: [] });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(1);
  });

  it('keeps the map entry when Sinqro fails, and leaves the message to be retried', async () => {
    env.sinqro.reply({ status: 500, body: { code: 'INTERNAL', message: 'oops' } });
    await expect(run(deletion(['P1']))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});
