/** The worker side of a catalog sync: paging, hashing against the map, what is queued, deletions, the report. */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { PosAdapter, PosClient } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import { toSinqroCatalogItem } from '../../functions/catalog/sinqro-catalog';
import {
  batchUpserts,
  onCatalogChanged,
  requestCatalogSync,
  runCatalogSyncPage,
  UPSERT_MAX_ITEMS,
} from '../../functions/catalog/sync';
import type { CatalogEntity, CatalogPage } from '../../functions/core/catalog-model';
import { contentHash } from '../../functions/core/content-hash';
import { NotFoundError, PermanentError, RetryableError, ValidationError } from '../../functions/core/errors';
import { MAX_MESSAGE_BYTES } from '../../functions/core/limits';
import type { CatalogNews, WorkMessage } from '../../functions/core/messages';
import { Logger } from '../../functions/infra/logger';
import {
  captureLogs,
  clearBridgeEnv,
  linkItem,
  setBridgeEnv,
  TO_SINQRO_QUEUE_URL,
  WORK_QUEUE_URL,
  writeBridgeSecrets,
} from './support/bridge-env';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;

const SYNC = 'sync-1';
const STARTED = '2025-03-14T19:00:00.000Z';
const REPORT_KEY = { PK: 'REST#5120', SK: `CATSYNC#${SYNC}` };

/** The catalog map, by sort key; UpdateItem on a missing entry fails its condition, as in DynamoDB. */
let map: Map<string, Record<string, unknown>>;
let report: Record<string, unknown>;
let pages: CatalogPage[];
let fetched: unknown[][];

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function fakeClient(): PosClient {
  return {
    injectOrder: jest.fn(),
    injectReservation: jest.fn(),
    cancel: jest.fn(),
    fetchCatalogPage: async (type, cursor) => {
      fetched.push([type, cursor]);
      const page = pages.shift();
      if (!page) throw new Error('no more pages in this test');
      return page;
    },
    fetchCatalogEntities: async (refs) => {
      fetched.push(refs);
      return pages.shift() ?? { entities: [], rejected: [] };
    },
  };
}
const adapter: PosAdapter = { ...referenceAdapter, createClient: () => fakeClient() };
const ctx = () => ({ adapter, budget: { deadline: Date.now() + 10_000 }, logger: new Logger('test-worker') });

beforeEach(() => {
  setBridgeEnv();
  captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets);
  map = new Map();
  pages = [];
  fetched = [];
  report = { ...REPORT_KEY, syncId: SYNC, restaurantId: 5120, startedAt: STARTED, done: false, errors: [] };
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem() });
  ddb.on(GetCommand, { Key: REPORT_KEY }).callsFake(() => ({ Item: report }));
  ddb.on(GetCommand, { Key: { PK: 'CAT#5120' } }).callsFake((input) => ({ Item: map.get(input.Key.SK) }));
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).callsFake((input) => {
    if (input.Key.PK === 'CAT#5120') {
      const old = map.get(input.Key.SK);
      if (!old) throw conditionFailed();
      return { Attributes: old };
    }
    return { Attributes: { ...report, pagesDone: new Set(['part#0']) } };
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
});

const product = (posId: string, overrides: Record<string, unknown> = {}): CatalogEntity =>
  ({
    type: 'product',
    posId,
    sectionPosIds: ['S1'],
    name: `Product ${posId}`,
    price: 10,
    isAvailable: true,
    optionCategoryPosIds: [],
    ...overrides,
  }) as CatalogEntity;
const hashOf = (entity: CatalogEntity) => contentHash(toSinqroCatalogItem(entity));
const inMap = (entity: { type: string; posId: string }, hash: string) =>
  map.set(`${entity.type}#${entity.posId}`, {
    PK: 'CAT#5120',
    SK: `${entity.type}#${entity.posId}`,
    entityType: entity.type,
    posId: entity.posId,
    hash,
  });

type SyncMessage = Extract<WorkMessage, { type: 'catalog-sync' }>;
const message = (overrides: Partial<SyncMessage> = {}): SyncMessage => ({
  type: 'catalog-sync',
  restaurantId: 5120,
  posCode: 'reference',
  syncId: SYNC,
  mode: 'full',
  trigger: 'operator',
  entityType: 'product',
  ...overrides,
});

/** The bodies sent to a queue, each checked to carry the current version, without it. */
const sent = (queue: string) =>
  sqs
    .commandCalls(SendMessageCommand)
    .filter((c) => c.args[0].input.QueueUrl === queue)
    .map((c) => {
      const { v, ...message } = JSON.parse(c.args[0].input.MessageBody as string);
      expect(v).toBe(1);
      return message;
    });
const published = () => sent(TO_SINQRO_QUEUE_URL) as CatalogNews[];
const nextPages = () => sent(WORK_QUEUE_URL) as SyncMessage[];
const reportUpdates = () =>
  ddb
    .commandCalls(UpdateCommand)
    .map((c) => c.args[0].input)
    .filter((i) => i.Key?.SK === REPORT_KEY.SK);

describe('runCatalogSyncPage: a full sync page', () => {
  it('reads the page of its entity type at its cursor', async () => {
    pages = [{ entities: [], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message({ cursor: 'c1' }), ctx());
    expect(fetched).toEqual([['product', 'c1']]);
  });

  it('queues a new entity for Sinqro with its content hash', async () => {
    const p = product('P1');
    pages = [{ entities: [p], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message(), ctx());
    expect(published()).toEqual([
      {
        type: 'catalog-upsert',
        restaurantId: 5120,
        syncId: SYNC,
        entityType: 'product',
        items: [{ posId: 'P1', hash: hashOf(p), body: toSinqroCatalogItem(p) }],
      },
    ]);
  });

  it('queues nothing for an entity whose hash the map already has', async () => {
    const p = product('P1');
    inMap(p, hashOf(p));
    pages = [{ entities: [p], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message(), ctx());
    expect(published()).toEqual([]);
    expect(reportUpdates()[0]?.ExpressionAttributeValues).toMatchObject({
      ':n_product_unchanged': 1,
      ':n_product_seen': 1,
    });
  });

  it('queues an entity whose content changed since Sinqro took it', async () => {
    const p = product('P1');
    inMap(p, hashOf(product('P1', { price: 9 })));
    pages = [{ entities: [p], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message(), ctx());
    expect(published()[0]).toMatchObject({ type: 'catalog-upsert', items: [{ posId: 'P1', hash: hashOf(p) }] });
  });

  it('marks every entity it read as seen by this sync', async () => {
    inMap(product('P1'), 'old');
    pages = [{ entities: [product('P1')], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message(), ctx());
    const mark = ddb.commandCalls(UpdateCommand).find((c) => c.args[0].input.Key?.PK === 'CAT#5120')?.args[0].input;
    expect(mark).toMatchObject({
      Key: { PK: 'CAT#5120', SK: 'product#P1' },
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':sync': SYNC },
      ReturnValues: 'ALL_OLD',
    });
  });

  it('enqueues the next page of the same type on its own work queue', async () => {
    pages = [{ entities: [], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message({ cursor: 'c1' }), ctx());
    expect(nextPages()).toEqual([{ ...message(), cursor: 'c2' }]);
  });

  it('moves on to the next entity type after the last page of a type', async () => {
    pages = [{ entities: [], rejected: [] }];
    await runCatalogSyncPage(message({ entityType: 'product', cursor: 'c9' }), ctx());
    expect(nextPages()).toEqual([{ ...message(), entityType: 'productVariant' }]);
  });

  it('records the page in the report once, so a redelivery does not count twice', async () => {
    pages = [{ entities: [], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message({ cursor: 'c1' }), ctx());
    expect(reportUpdates()[0]).toMatchObject({
      ConditionExpression: 'attribute_exists(PK) AND NOT contains(pagesDone, :pageKey)',
      ExpressionAttributeValues: { ':pageKey': 'product#c1' },
    });
  });

  it('skips a page the report already has (a redelivered message)', async () => {
    report.pagesDone = new Set(['product#c1']);
    await runCatalogSyncPage(message({ cursor: 'c1' }), ctx());
    expect(fetched).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('drops a later page of a sync whose report is gone (it could not tell stale entries from seen ones)', async () => {
    ddb.on(GetCommand, { Key: REPORT_KEY }).resolves({});
    pages = [{ entities: [], rejected: [] }];
    await runCatalogSyncPage(message({ entityType: 'productOption' }), ctx());
    expect(fetched).toEqual([]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('starts the report itself when the first page arrives without one (a sync enqueued directly)', async () => {
    ddb
      .on(GetCommand, { Key: REPORT_KEY })
      .resolvesOnce({})
      .callsFake(() => ({ Item: report }));
    pages = [{ entities: [], rejected: [], nextCursor: 'c2' }];
    await runCatalogSyncPage(message({ entityType: 'menu' }), ctx());
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ SK: REPORT_KEY.SK, mode: 'full' });
    expect(fetched).toEqual([['menu', undefined]]);
  });

  it('skips any page of a sync that is already done', async () => {
    report.done = true;
    await runCatalogSyncPage(message(), ctx());
    expect(fetched).toEqual([]);
  });

  it('counts a rejected entity and keeps its error for the report, while the rest is queued', async () => {
    pages = [
      {
        entities: [product('P1')],
        rejected: [{ ref: { type: 'product', posId: 'BAD' }, error: 'priceMinor: Invalid value' }],
        nextCursor: 'c2',
      },
    ];
    await runCatalogSyncPage(message(), ctx());
    expect(published()).toHaveLength(1);
    expect(reportUpdates()[0]?.ExpressionAttributeValues).toMatchObject({
      ':n_product_rejected': 1,
      ':errors': [{ type: 'product', posId: 'BAD', error: 'priceMinor: Invalid value' }],
    });
  });

  it('marks a rejected entity the map has as seen, so the full sync does not delete its last good version', async () => {
    inMap({ type: 'product', posId: 'BAD' }, 'good');
    pages = [{ entities: [], rejected: [{ ref: { type: 'product', posId: 'BAD' }, error: 'x' }], nextCursor: 'c2' }];
    await runCatalogSyncPage(message(), ctx());
    expect(ddb.commandCalls(UpdateCommand).some((c) => c.args[0].input.Key?.SK === 'product#BAD')).toBe(true);
  });

  it('keeps at most 100 errors in the report', async () => {
    report.errors = Array.from({ length: 99 }, () => ({ error: 'old' }));
    pages = [
      {
        entities: [],
        rejected: [
          { ref: { type: 'product', posId: 'B1' }, error: 'x' },
          { ref: { type: 'product', posId: 'B2' }, error: 'y' },
        ],
        nextCursor: 'c2',
      },
    ];
    await runCatalogSyncPage(message(), ctx());
    expect(reportUpdates()[0]?.ExpressionAttributeValues).toMatchObject({
      ':errors': [{ type: 'product', posId: 'B1', error: 'x' }],
      ':errorCount': 2,
    });
  });

  it('stops the sync with the reason in its report when the POS fails permanently', async () => {
    adapter.createClient = () => ({
      ...fakeClient(),
      fetchCatalogPage: async () => {
        throw new PermanentError('reference-pos answered 400 INVALID_CURSOR', 'INVALID_CURSOR');
      },
    });
    try {
      await expect(runCatalogSyncPage(message(), ctx())).resolves.toBeUndefined();
    } finally {
      adapter.createClient = () => fakeClient();
    }
    expect(reportUpdates()[0]).toMatchObject({
      ExpressionAttributeValues: { ':true': true, ':failure': 'reference-pos answered 400 INVALID_CURSOR' },
    });
  });

  it('leaves a page to be retried when the POS is temporarily unavailable', async () => {
    adapter.createClient = () => ({
      ...fakeClient(),
      fetchCatalogPage: async () => {
        throw new RetryableError('reference-pos answered 503');
      },
    });
    try {
      await expect(runCatalogSyncPage(message(), ctx())).rejects.toBeInstanceOf(RetryableError);
    } finally {
      adapter.createClient = () => fakeClient();
    }
    expect(reportUpdates()).toEqual([]);
  });

  it('refuses a POS that answers a page with the cursor it was asked for (it would never end)', async () => {
    pages = [{ entities: [], rejected: [], nextCursor: 'c1' }];
    await runCatalogSyncPage(message({ cursor: 'c1' }), ctx());
    expect(nextPages()).toEqual([]);
    expect(reportUpdates()[0]?.ExpressionAttributeValues?.[':failure']).toContain('same cursor');
  });
});

describe('runCatalogSyncPage: the end of a full sync', () => {
  const lastPage = () => message({ entityType: 'productOption' });
  const stale = (items: { type: string; posId: string }[]) =>
    ddb
      .on(QueryCommand, { FilterExpression: 'attribute_not_exists(seenAt) OR seenAt < :since' })
      .resolves({ Items: items.map((i) => ({ entityType: i.type, posId: i.posId })) });

  it('asks the map for what no sync has seen since this one started', async () => {
    pages = [{ entities: [product('P1')], rejected: [] }];
    await runCatalogSyncPage(lastPage(), ctx());
    const query = ddb.commandCalls(QueryCommand).find((c) => c.args[0].input.FilterExpression)?.args[0].input;
    expect(query?.ExpressionAttributeValues).toEqual({ ':pk': 'CAT#5120', ':since': STARTED });
  });

  it('deletes in Sinqro what the POS no longer has, children before parents', async () => {
    stale([
      { type: 'product', posId: 'P9' },
      { type: 'productOption', posId: 'O9' },
    ]);
    pages = [{ entities: [product('P1')], rejected: [] }];
    await runCatalogSyncPage(lastPage(), ctx());
    expect(published().filter((n) => n.type === 'catalog-delete')).toEqual([
      { type: 'catalog-delete', restaurantId: 5120, syncId: SYNC, entityType: 'productOption', posIds: ['O9'] },
      { type: 'catalog-delete', restaurantId: 5120, syncId: SYNC, entityType: 'product', posIds: ['P9'] },
    ]);
  });

  it('marks the sync done with its last page, and enqueues no further page', async () => {
    pages = [{ entities: [], rejected: [] }];
    report.n_product_seen = 3;
    await runCatalogSyncPage(lastPage(), ctx());
    expect(nextPages()).toEqual([]);
    expect(reportUpdates()[0]?.UpdateExpression).toContain('done = :true');
  });

  it('withholds deletions when the POS answered with no entity at all (an outage, not an empty restaurant)', async () => {
    stale([{ type: 'product', posId: 'P9' }]);
    pages = [{ entities: [], rejected: [] }];
    await runCatalogSyncPage(lastPage(), ctx());
    expect(published()).toEqual([]);
    expect(reportUpdates()[0]?.ExpressionAttributeValues?.[':errors']).toEqual([
      { error: 'the POS returned an empty catalog; 1 deletions withheld' },
    ]);
  });
});

describe('runCatalogSyncPage: an incremental part', () => {
  const part = (refs: { type: 'product'; posId: string }[]) =>
    message({ mode: 'incremental', trigger: 'webhook', entityType: undefined, entities: refs, part: 0 });

  it('reads just the named entities', async () => {
    await runCatalogSyncPage(part([{ type: 'product', posId: 'P1' }]), ctx());
    expect(fetched).toEqual([[{ type: 'product', posId: 'P1' }]]);
  });

  it('queues a changed named entity for Sinqro', async () => {
    pages = [{ entities: [product('P1')], rejected: [] }];
    await runCatalogSyncPage(part([{ type: 'product', posId: 'P1' }]), ctx());
    expect(published()).toMatchObject([{ type: 'catalog-upsert', items: [{ posId: 'P1' }] }]);
  });

  it('deletes in Sinqro a named entity the POS no longer has, if Sinqro has it', async () => {
    inMap({ type: 'product', posId: 'P1' }, 'h');
    await runCatalogSyncPage(part([{ type: 'product', posId: 'P1' }]), ctx());
    expect(published()).toEqual([
      { type: 'catalog-delete', restaurantId: 5120, syncId: SYNC, entityType: 'product', posIds: ['P1'] },
    ]);
  });

  it('deletes nothing for a named entity neither the POS nor Sinqro has', async () => {
    await runCatalogSyncPage(part([{ type: 'product', posId: 'P1' }]), ctx());
    expect(published()).toEqual([]);
  });

  it('does not delete a named entity the POS answered with an invalid version of', async () => {
    inMap({ type: 'product', posId: 'P1' }, 'h');
    pages = [{ entities: [], rejected: [{ ref: { type: 'product', posId: 'P1' }, error: 'name: Invalid length' }] }];
    await runCatalogSyncPage(part([{ type: 'product', posId: 'P1' }]), ctx());
    expect(published()).toEqual([]);
  });

  it('finishes the sync when its last part is in', async () => {
    report.parts = 1;
    await runCatalogSyncPage(part([{ type: 'product', posId: 'P1' }]), ctx());
    expect(reportUpdates().map((u) => u.UpdateExpression)).toContain(
      'SET done = :true, finishedAt = :now, updatedAt = :now',
    );
  });
});

describe('batchUpserts', () => {
  const header = { restaurantId: 5120, syncId: SYNC, entityType: 'product' as const };
  const item = (i: number, descriptionLength = 10) => {
    const entity = product(`P${i}`, { description: 'd'.repeat(descriptionLength) });
    return { posId: entity.posId, hash: hashOf(entity), body: toSinqroCatalogItem(entity) };
  };

  it('puts at most one Sinqro call’s worth of items in a message', () => {
    const { batches } = batchUpserts(
      header,
      Array.from({ length: 250 }, (_, i) => item(i)),
    );
    expect(batches.map((b) => b.length)).toEqual([UPSERT_MAX_ITEMS, UPSERT_MAX_ITEMS, 50]);
  });

  it('splits big items so that every message fits the queue, losing none', () => {
    const items = Array.from({ length: 100 }, (_, i) => item(i, 4000));
    const { batches, tooLarge } = batchUpserts(header, items);
    expect(batches.length).toBeGreaterThan(1);
    expect(tooLarge).toEqual([]);
    expect(batches.flat().map((i) => i.posId)).toEqual(items.map((i) => i.posId));
    for (const batch of batches)
      expect(Buffer.byteLength(JSON.stringify({ type: 'catalog-upsert', ...header, items: batch }))).toBeLessThan(
        MAX_MESSAGE_BYTES,
      );
  });

  it('sets apart an item too big for a message on its own, so it is reported instead', () => {
    const { batches, tooLarge } = batchUpserts(header, [item(1), item(2)], { maxItems: 100, maxBytes: 300 });
    expect(batches).toEqual([]);
    expect(tooLarge.map((i) => i.posId)).toEqual(['P1', 'P2']);
  });
});

describe('requestCatalogSync', () => {
  const started = () => sent(WORK_QUEUE_URL) as SyncMessage[];
  const reportPut = () => ddb.commandCalls(PutCommand)[0]?.args[0].input;

  it('writes the sync’s report and enqueues the first page of a full sync', async () => {
    const syncId = await requestCatalogSync(5120, 'reference', 'full', 'operator');
    expect(reportPut()).toMatchObject({
      Item: { PK: 'REST#5120', SK: `CATSYNC#${syncId}`, mode: 'full', trigger: 'operator', done: false },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(started()).toEqual([
      {
        type: 'catalog-sync',
        restaurantId: 5120,
        posCode: 'reference',
        syncId,
        trigger: 'operator',
        mode: 'full',
        entityType: 'menu',
      },
    ]);
  });

  it('gives sync ids that sort by start time', async () => {
    const first = await requestCatalogSync(5120, 'reference', 'full', 'schedule');
    await new Promise((r) => setTimeout(r, 5));
    const second = await requestCatalogSync(5120, 'reference', 'full', 'schedule');
    expect([second, first].sort()).toEqual([first, second]);
  });

  it('splits an incremental sync of many entities into parts of 100', async () => {
    const refs = Array.from({ length: 250 }, (_, i) => ({ type: 'product' as const, posId: `P${i}` }));
    await requestCatalogSync(5120, 'reference', 'incremental', 'webhook', refs);
    expect(started().map((m) => [m.part, m.entities?.length])).toEqual([
      [0, 100],
      [1, 100],
      [2, 50],
    ]);
    expect(reportPut()?.Item).toMatchObject({ mode: 'incremental', parts: 3 });
  });

  it('runs an incremental sync that names no entity as a full one', async () => {
    await requestCatalogSync(5120, 'reference', 'incremental', 'operator', []);
    expect(started()[0]).toMatchObject({ mode: 'full', entityType: 'menu' });
  });

  it('refuses an unknown restaurant with a clear error', async () => {
    await expect(requestCatalogSync(999, 'reference', 'full', 'operator')).rejects.toThrow(
      new NotFoundError('restaurant 999 is not linked to a POS'),
    );
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('refuses a POS the restaurant is not linked to', async () => {
    await expect(requestCatalogSync(5120, 'square', 'full', 'operator')).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('onCatalogChanged', () => {
  const event = (entities?: { type: 'product'; posId: string }[]) => ({
    type: 'catalog.changed' as const,
    eventId: 'evt-1',
    posLocationId: 'loc-9',
    occurredAt: STARTED,
    entities,
  });

  it('starts an incremental sync of the entities the webhook names', async () => {
    await onCatalogChanged(event([{ type: 'product', posId: 'P1' }]), 5120, ctx());
    expect(sent(WORK_QUEUE_URL)).toMatchObject([
      { mode: 'incremental', trigger: 'webhook', entities: [{ type: 'product', posId: 'P1' }] },
    ]);
  });

  it('starts a full re-read when the webhook names nothing', async () => {
    await onCatalogChanged(event(), 5120, ctx());
    expect(sent(WORK_QUEUE_URL)).toMatchObject([{ mode: 'full', trigger: 'webhook', entityType: 'menu' }]);
  });
});
