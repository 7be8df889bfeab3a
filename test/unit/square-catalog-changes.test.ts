/**
 * Incremental catalog sync for a POS whose catalog webhook names nothing (Square's
 * `catalog.version.updated`): read what changed since the last complete read, push only that,
 * delete what is gone, and move the read point forward — never a full re-read per event.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { CatalogChangesPage, PosAdapter, PosClient } from '../../adapters/port';
import { squareAdapter } from '../../adapters/square';
import { onCatalogChanged, runCatalogSyncPage } from '../../functions/catalog/sync';
import type { WorkMessage } from '../../functions/core/messages';
import { Logger } from '../../functions/infra/logger';
import { captureLogs, clearBridgeEnv, linkItem, setBridgeEnv, writeBridgeSecrets } from './support/bridge-env';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
let pages: CatalogChangesPage[];
let asked: [string, string | undefined][];
let watermark: string | undefined;
let watermarkWrites: string[];

const SYNC = 'sync-changes-1';
const STARTED = '2026-11-27T10:00:00.000Z';
const REPORT_KEY = { PK: 'REST#5120', SK: `CATSYNC#${SYNC}` };
const WORK_QUEUE_SQUARE = 'https://sqs.eu-west-1.amazonaws.com/123456789012/bridge-work-square';

const client = (): PosClient => ({
  injectOrder: jest.fn(),
  injectReservation: jest.fn(),
  cancel: jest.fn(),
  fetchCatalogChanges: async (since, cursor) => {
    asked.push([since, cursor]);
    return pages.shift() ?? { entities: [], rejected: [], gone: [] };
  },
});
const adapter: PosAdapter = { ...squareAdapter, createClient: () => client() };
const ctx = () => ({ adapter, budget: { deadline: Date.now() + 10_000 }, logger: new Logger('test-worker') });

beforeEach(() => {
  setBridgeEnv();
  process.env.WORK_QUEUE_URL_SQUARE = WORK_QUEUE_SQUARE;
  process.env.POS_SECRET_NAME_SQUARE = 'bridge/test/pos/square';
  process.env.POS_BASE_URL_SQUARE = 'https://connect.squareupsandbox.com';
  captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets, { 'bridge/test/pos/square': { accessToken: 't' } });
  pages = [];
  asked = [];
  watermark = undefined;
  watermarkWrites = [];
  const report = { ...REPORT_KEY, syncId: SYNC, restaurantId: 5120, startedAt: STARTED, done: false, errors: [] };
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem({ posCode: 'square' }) });
  ddb.on(GetCommand, { Key: REPORT_KEY }).resolves({ Item: report });
  ddb
    .on(GetCommand, { Key: { PK: 'REST#5120', SK: 'CATWATERMARK' } })
    .callsFake(() => ({ Item: watermark ? { readUpTo: watermark } : undefined }));
  // The map knows one product and one variant.
  ddb
    .on(GetCommand, { Key: { PK: 'CAT#5120', SK: 'productVariant#GONEVAR' } })
    .resolves({ Item: { entityType: 'productVariant', posId: 'GONEVAR', hash: 'h' } });
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(UpdateCommand).callsFake((input) => {
    if (input.Key.SK === 'CATWATERMARK') {
      watermarkWrites.push(input.ExpressionAttributeValues[':t']);
      return {};
    }
    if (input.Key.PK === 'CAT#5120') return { Attributes: undefined };
    return { Attributes: { ...report, pagesDone: new Set() } };
  });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(() => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
  delete process.env.WORK_QUEUE_URL_SQUARE;
  delete process.env.POS_SECRET_NAME_SQUARE;
  delete process.env.POS_BASE_URL_SQUARE;
});

const sent = () =>
  sqs.commandCalls(SendMessageCommand).map((c) => ({
    queue: c.args[0].input.QueueUrl,
    body: JSON.parse(c.args[0].input.MessageBody as string),
  }));
const catalogEvent = {
  type: 'catalog.changed' as const,
  eventId: 'evt-cat-1',
  posLocationId: 'loc-9',
  posAccountId: 'MERCHANT1',
  occurredAt: '2026-11-27T10:05:00.000Z',
};

test('a catalog webhook that names nothing reads the changes since the last complete read', async () => {
  watermark = '2026-11-27T09:00:00.000Z';
  await onCatalogChanged(catalogEvent, 5120, ctx());
  const work = sent().filter((m) => m.queue === WORK_QUEUE_SQUARE);
  expect(work.map((m) => [m.body.mode, m.body.since, m.body.entityType])).toEqual([
    ['incremental', '2026-11-27T09:00:00.000Z', undefined],
  ]);
});

test('before any complete read there is nothing to be incremental about: a full sync', async () => {
  await onCatalogChanged(catalogEvent, 5120, ctx());
  const work = sent().filter((m) => m.queue === WORK_QUEUE_SQUARE);
  expect(work.map((m) => [m.body.mode, m.body.entityType])).toEqual([['full', 'menu']]);
});

const changesMessage = (cursor?: string): Extract<WorkMessage, { type: 'catalog-sync' }> => ({
  type: 'catalog-sync',
  restaurantId: 5120,
  posCode: 'square',
  syncId: SYNC,
  mode: 'incremental',
  trigger: 'webhook',
  since: '2026-11-27T09:00:00.000Z',
  ...(cursor ? { cursor } : {}),
});

test('a changes page pushes what changed, deletes what is gone, and enqueues the next page', async () => {
  pages = [
    {
      entities: [
        {
          type: 'product',
          posId: 'ITEM1',
          sectionPosIds: [],
          name: 'Tea',
          price: 1.5,
          isAvailable: false,
          optionCategoryPosIds: [],
        },
      ],
      rejected: [],
      gone: [
        { type: 'productVariant', posId: 'GONEVAR' },
        { type: 'productVariant', posId: 'NEVERPUSHED' },
      ],
      nextCursor: 'C2',
      catalogTime: '2026-11-27T10:04:00.5Z',
    },
  ];
  await runCatalogSyncPage(changesMessage(), ctx());
  expect(asked).toEqual([['2026-11-27T09:00:00.000Z', undefined]]);
  const bodies = sent().map((m) => m.body);
  expect(
    bodies.filter((b) => b.type === 'catalog-upsert').map((b) => b.items.map((i: { posId: string }) => i.posId)),
  ).toEqual([['ITEM1']]);
  expect(bodies.filter((b) => b.type === 'catalog-delete').map((b) => [b.entityType, b.posIds])).toEqual([
    ['productVariant', ['GONEVAR']],
  ]);
  expect(bodies.filter((b) => b.type === 'catalog-sync').map((b) => [b.since, b.cursor])).toEqual([
    ['2026-11-27T09:00:00.000Z', 'C2'],
  ]);
  expect(watermarkWrites).toEqual([]); // not done yet
});

test("after the last page the read point moves to the POS's catalog time", async () => {
  pages = [{ entities: [], rejected: [], gone: [], catalogTime: '2026-11-27T10:04:00.5Z' }];
  await runCatalogSyncPage(changesMessage('C2'), ctx());
  expect(asked).toEqual([['2026-11-27T09:00:00.000Z', 'C2']]);
  expect(watermarkWrites).toEqual(['2026-11-27T10:04:00.500Z']);
  expect(sent().filter((m) => m.body.type === 'catalog-sync')).toEqual([]);
});

test("without the POS's catalog time the read point is the sync's start", async () => {
  pages = [{ entities: [], rejected: [], gone: [] }];
  await runCatalogSyncPage(changesMessage(), ctx());
  expect(watermarkWrites).toEqual([STARTED]);
});
