/** The catalog map and sync reports in the table: the conditional writes and how a report is read. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as catalogStore from '../../functions/store/catalog-map';
import { evaluateCondition } from './support/condition-eval';

const ddb = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  process.env.TABLE_NAME = 'bridge-test-table';
});
afterEach(() => {
  ddb.reset();
  delete process.env.TABLE_NAME;
});

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('markCatalogEntitySeen', () => {
  it('answers undefined for an entity the map does not have (a new one)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(
      catalogStore.markCatalogEntitySeen(5120, { type: 'product', posId: 'P1' }, 'sync-1'),
    ).resolves.toBeUndefined();
  });

  it('answers the entry as it was before, typed by its entity type', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: { PK: 'CAT#5120', SK: 'product#P1', entityType: 'product', posId: 'P1', hash: 'h1' },
    });
    await expect(catalogStore.markCatalogEntitySeen(5120, { type: 'product', posId: 'P1' }, 'sync-1')).resolves.toEqual(
      {
        type: 'product',
        posId: 'P1',
        hash: 'h1',
      },
    );
  });

  it('never creates an entry: only Sinqro’s acceptance does', async () => {
    ddb.on(UpdateCommand).resolves({});
    await catalogStore.markCatalogEntitySeen(5120, { type: 'product', posId: 'P1' }, 'sync-1');
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(evaluateCondition(input?.ConditionExpression as string, { item: undefined, names: {}, values: {} })).toBe(
      false,
    );
  });
});

describe('putCatalogEntry', () => {
  it('keys the entry by restaurant and entity, and stores the type as entityType', async () => {
    ddb.on(PutCommand).resolves({});
    await catalogStore.putCatalogEntry(5120, {
      type: 'productOption',
      posId: 'O1',
      hash: 'h',
      sinqroId: 88004,
      seenSyncId: 's',
    });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      PK: 'CAT#5120',
      SK: 'productOption#O1',
      entityType: 'productOption',
      sinqroId: 88004,
    });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).not.toHaveProperty('type');
  });
});

describe('recordSyncPage', () => {
  const page = (): catalogStore.PageRecord => {
    const tally = catalogStore.emptyTally();
    tally.product.seen = 3;
    tally.product.changed = 1;
    return { pageKey: 'product#', tally, errors: [], errorsHeld: 0 };
  };

  it('answers false for a page the report already counted', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(catalogStore.recordSyncPage(5120, 'sync-1', page())).resolves.toBe(false);
  });

  it('adds only the counters that moved', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { syncId: 'sync-1', done: false } });
    await catalogStore.recordSyncPage(5120, 'sync-1', page());
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(Object.values(input?.ExpressionAttributeNames ?? {}).sort()).toEqual([
      'n_product_changed',
      'n_product_seen',
    ]);
  });
});

describe('getSyncReport', () => {
  const item = (overrides: Record<string, unknown> = {}) => ({
    PK: 'REST#5120',
    SK: 'CATSYNC#sync-1',
    syncId: 'sync-1',
    restaurantId: 5120,
    mode: 'full',
    trigger: 'operator',
    startedAt: '2025-03-14T19:00:00.000Z',
    done: true,
    n_product_seen: 3,
    n_product_changed: 2,
    n_productOption_deleted: 1,
    upsertsAccepted: 2,
    deletesAccepted: 1,
    pagesDone: new Set(['menu#']),
    ...overrides,
  });

  it('gives counts per entity type and in total', async () => {
    ddb.on(GetCommand).resolves({ Item: item() });
    const report = await catalogStore.getSyncReport(5120, 'sync-1');
    expect(report?.counts.product).toEqual({ seen: 3, changed: 2, unchanged: 0, deleted: 0, rejected: 0 });
    expect(report?.totals).toEqual({ seen: 3, changed: 2, unchanged: 0, deleted: 1, rejected: 0 });
    expect(report).not.toHaveProperty('pagesDone');
  });

  it('is settled once done and Sinqro accepted every change it queued', async () => {
    ddb.on(GetCommand).resolves({ Item: item() });
    expect((await catalogStore.getSyncReport(5120, 'sync-1'))?.settled).toBe(true);
  });

  it('is not settled while Sinqro has not accepted every upsert yet', async () => {
    ddb.on(GetCommand).resolves({ Item: item({ upsertsAccepted: 1 }) });
    expect((await catalogStore.getSyncReport(5120, 'sync-1'))?.settled).toBe(false);
  });

  it('is not settled while pages are still being read', async () => {
    ddb.on(GetCommand).resolves({ Item: item({ done: false }) });
    expect((await catalogStore.getSyncReport(5120, 'sync-1'))?.settled).toBe(false);
  });
});

describe('reading the whole map', () => {
  const sentQueries = (pages: { Items: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> }[]) => {
    const sent: Record<string, unknown>[] = [];
    // Each request as it was sent (the paginator reuses one input object between pages).
    ddb.on(QueryCommand).callsFake((input) => {
      sent.push({ ...input });
      return pages[sent.length - 1];
    });
    return sent;
  };
  const entry = (posId: string) => ({
    PK: 'CAT#5120',
    SK: `product#${posId}`,
    entityType: 'product',
    posId,
    hash: 'h',
  });

  it('lists every entry, page after page, each page from where the last one stopped', async () => {
    const sent = sentQueries([
      { Items: [entry('P1')], LastEvaluatedKey: { PK: 'CAT#5120', SK: 'product#P1' } },
      { Items: [entry('P2')] },
    ]);
    expect((await catalogStore.listCatalogEntries(5120)).map((e) => [e.type, e.posId])).toEqual([
      ['product', 'P1'],
      ['product', 'P2'],
    ]);
    expect(sent.map((s) => [s.ExclusiveStartKey, s.Limit])).toEqual([
      [undefined, undefined],
      [{ PK: 'CAT#5120', SK: 'product#P1' }, undefined],
    ]);
  });

  it('finds the entries not seen since a time across pages, a page the filter emptied included', async () => {
    const sent = sentQueries([
      { Items: [], LastEvaluatedKey: { PK: 'CAT#5120', SK: 'product#P1' } },
      { Items: [{ entityType: 'product', posId: 'P2' }] },
    ]);
    expect(await catalogStore.listCatalogEntriesNotSeenSince(5120, '2026-11-27T12:00:00.000Z')).toEqual([
      { type: 'product', posId: 'P2' },
    ]);
    expect(sent).toHaveLength(2);
    expect(sent[1]).toEqual(
      expect.objectContaining({
        ExclusiveStartKey: { PK: 'CAT#5120', SK: 'product#P1' },
        FilterExpression: 'attribute_not_exists(seenAt) OR seenAt < :since',
        ProjectionExpression: 'entityType, posId',
      }),
    );
  });
});
