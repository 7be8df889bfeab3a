/** The CLI's commands against a mocked table and queues (bin/cli/commands.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Capabilities, PosAdapter } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import { CliError, type Invocation, parseCommandLine, UsageError } from '../../bin/cli/args';
import { type Io, runCommand } from '../../bin/cli/commands';
import type { Target } from '../../bin/cli/target';
import { getSyncReport, requestCatalogSync } from '../../functions/catalog/sync';
import { SYNC_METRICS, type SyncReport } from '../../functions/store/catalog-map';
import { fakeCapabilities } from './support/fake-adapter';
import { sampleOrder } from './support/fixtures';

const mockAdapters: PosAdapter[] = [];
jest.mock('../../adapters/registry', () => ({
  get ADAPTERS() {
    return mockAdapters;
  },
  findAdapter: (code: string) => mockAdapters.find((a) => a.code === code),
}));
// The catalog sync is someone else's module: the CLI is tested against its declared signature only.
jest.mock('../../functions/catalog/sync', () => ({
  requestCatalogSync: jest.fn(async () => 'sync-42'),
  getSyncReport: jest.fn(),
}));

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const DLQ = (name: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/${name}-dlq`;

function noCatalog(): Capabilities {
  const caps = fakeCapabilities();
  caps.orders.F6 = { mechanism: 'unsupported', reason: 'the POS has no menu API' };
  return caps;
}

const target = (overrides: Partial<Target> = {}): Target => ({
  label: 'test',
  stageName: 'sandbox',
  queues: [
    { name: 'reference', description: 'reference work queue', dlqUrl: DLQ('reference'), redrivable: true },
    { name: 'to-sinqro', description: 'to-sinqro queue', dlqUrl: DLQ('to-sinqro'), redrivable: true },
    { name: 'sinqro-events', description: "Sinqro's EventBridge deliveries", dlqUrl: DLQ('events'), redrivable: false },
  ],
  env: {},
  ...overrides,
});

let io: Io & { lines: string[]; errors: string[] };
beforeEach(() => {
  mockAdapters.splice(
    0,
    mockAdapters.length,
    { ...referenceAdapter, capabilities: fakeCapabilities() },
    {
      ...referenceAdapter,
      code: 'nocat',
      capabilities: noCatalog(),
      // A POS that signs every location's webhooks with one key (as Square does).
      webhookLocationOf: undefined,
    },
  );
  const lines: string[] = [];
  const errors: string[] = [];
  io = { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
  process.env.TABLE_NAME = 'bridge-test-table';
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sqs.reset();
  jest.mocked(requestCatalogSync).mockClear();
  jest.mocked(getSyncReport).mockReset();
  delete process.env.TABLE_NAME;
});

const run = (line: string, t: Target = target(), pollMs = 1) =>
  runCommand(parseCommandLine([...line.split(' '), '--stage', 'sandbox']) as Invocation, t, io, { pollMs });
const output = () => io.lines.join('\n');
const linkItem = (restaurantId: number, overrides: Record<string, unknown> = {}) => ({
  PK: `REST#${restaurantId}`,
  SK: 'LINK',
  restaurantId,
  posCode: 'reference',
  posLocationId: 'loc-trattoria',
  sinqroTokenSecret: `sinqro-pos-bridge/sandbox/restaurants/${restaurantId}`,
  enabled: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
const putItems = () => ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item as Record<string, unknown>);

describe('link', () => {
  test('writes the link and its list entry, with the default token secret of the stage', async () => {
    await expect(run('link 6001 reference loc-1')).resolves.toBe(0);
    const [linkWrite, entry] = putItems();
    expect(linkWrite).toMatchObject({
      PK: 'REST#6001',
      SK: 'LINK',
      GSI1PK: 'POSLOC#reference#loc-1',
      posCode: 'reference',
      posLocationId: 'loc-1',
      sinqroTokenSecret: 'sinqro-pos-bridge/sandbox/restaurants/6001',
      enabled: true,
    });
    expect(entry).toMatchObject({ PK: 'RESTAURANTS', SK: 'REST#6001' });
  });

  test('says what it linked', async () => {
    await run('link 6001 reference loc-1');
    expect(output()).toBe(
      'linked: restaurant 6001 → reference location loc-1 (Sinqro token secret sinqro-pos-bridge/sandbox/restaurants/6001)',
    );
  });

  test('records who linked what in the restaurant’s audit trail', async () => {
    await run('link 6001 reference loc-1');
    expect(putItems()[2]).toMatchObject({ PK: 'REST#6001', what: 'link', source: 'operator', code: 'reference/loc-1' });
  });

  test('relinking a restaurant keeps its first link date and says it updated', async () => {
    ddb.on(GetCommand, { Key: { PK: 'REST#6001', SK: 'LINK' } }).resolves({ Item: linkItem(6001) });
    await run('link 6001 reference loc-2');
    expect(putItems()[0]).toMatchObject({ posLocationId: 'loc-2', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(output()).toMatch(/^updated: restaurant 6001/);
  });

  test('a POS location linked to another restaurant is refused, and nothing is written', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ PK: 'REST#5120', SK: 'LINK' }] });
    ddb
      .on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } })
      .resolves({ Item: linkItem(5120, { posLocationId: 'loc-1' }) });
    await expect(run('link 6001 reference loc-1')).rejects.toThrow(
      new CliError('POS location reference/loc-1 is already linked to restaurant 5120: unlink it first'),
    );
    expect(putItems()).toEqual([]);
  });

  test('a token secret outside the prefix the functions may read is refused', async () => {
    await expect(run('link 6001 reference loc-1 --token-secret other/6001')).rejects.toThrow(UsageError);
    expect(putItems()).toEqual([]);
  });

  test("a restaurant's own POS secret must sit under its adapter's prefix, and is stored by name", async () => {
    await expect(
      run('link 6001 reference loc-1 --pos-secret sinqro-pos-bridge/sandbox/pos/other/6001'),
    ).rejects.toThrow(/--pos-secret must be a secret name under sinqro-pos-bridge\/sandbox\/pos\/reference\//);
    await run('link 6001 reference loc-1 --pos-secret sinqro-pos-bridge/sandbox/pos/reference/6001');
    expect(putItems()[0]).toMatchObject({ posSecret: 'sinqro-pos-bridge/sandbox/pos/reference/6001' });
  });

  test("a location's own webhook secret must sit under its adapter's webhook secrets, and is stored by name", async () => {
    await expect(
      run('link 6001 reference loc-1 --pos-webhook-secret sinqro-pos-bridge/sandbox/pos/reference/loc-1'),
    ).rejects.toThrow(
      /--pos-webhook-secret must be a secret name under sinqro-pos-bridge\/sandbox\/webhooks\/pos\/reference\//,
    );
    await run('link 6001 reference loc-1 --pos-webhook-secret sinqro-pos-bridge/sandbox/webhooks/pos/reference/loc-1');
    expect(putItems()[0]).toMatchObject({ posWebhookSecret: 'sinqro-pos-bridge/sandbox/webhooks/pos/reference/loc-1' });
  });

  test('a webhook secret per location is refused for an adapter whose POS signs for every location at once', async () => {
    await expect(
      run('link 6001 nocat L1 --pos-webhook-secret sinqro-pos-bridge/sandbox/webhooks/pos/nocat/L1'),
    ).rejects.toThrow(/nocat verifies every location's webhooks with its adapter-wide secret/);
    expect(putItems()).toEqual([]);
  });

  test('a location is linked with its POS account (--pos-account, e.g. the Square merchant) when given', async () => {
    await run('link 6001 reference LSIM01 --pos-account MLSIM01');
    expect(putItems()[0]).toMatchObject({ posLocationId: 'LSIM01', posAccountId: 'MLSIM01' });
    await expect(run('link 6002 reference LSIM02 --pos-account bad.id!')).rejects.toThrow(/--pos-account/);
  });

  describe('with a local secrets file', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'cli-secrets-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    test('warns when the token secret is not in the file', async () => {
      const file = join(dir, 'secrets.json');
      writeFileSync(file, JSON.stringify({}));
      await run('link 6001 reference loc-1', target({ stageName: 'local', secretsFile: file }));
      expect(io.errors).toEqual([
        `warning: secret sinqro-pos-bridge/local/restaurants/6001 is not in ${file}: add it before this restaurant's first order`,
      ]);
    });

    test('names the secret but never prints its value', async () => {
      const file = join(dir, 'secrets.json');
      writeFileSync(
        file,
        JSON.stringify({ 'sinqro-pos-bridge/local/restaurants/6001': { userAccessToken: 'tok-SECRET-123' } }),
      );
      await run('link 6001 reference loc-1', target({ stageName: 'local', secretsFile: file }));
      expect(io.errors).toEqual([]);
      expect([...io.lines, ...io.errors].join('\n')).not.toContain('tok-SECRET-123');
    });
  });
});

describe('unlink', () => {
  test('an unknown restaurant is a clear error and nothing is deleted', async () => {
    await expect(run('unlink 999')).rejects.toThrow(new CliError('restaurant 999 is not linked'));
    expect(ddb.commandCalls(DeleteCommand)).toEqual([]);
  });

  test('removes the list entry and the link, and says what it was', async () => {
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem(5120) });
    await expect(run('unlink 5120')).resolves.toBe(0);
    expect(ddb.commandCalls(DeleteCommand).map((c) => c.args[0].input.Key)).toEqual([
      { PK: 'RESTAURANTS', SK: 'REST#5120' },
      { PK: 'REST#5120', SK: 'LINK' },
    ]);
    expect(output()).toBe('unlinked: restaurant 5120 (was reference location loc-trattoria)');
  });
});

describe('restaurants', () => {
  const entries = [
    { ...linkItem(5120), PK: 'RESTAURANTS', SK: 'REST#5120' },
    { ...linkItem(6001, { posLocationId: 'loc-9', enabled: false }), PK: 'RESTAURANTS', SK: 'REST#6001' },
  ];

  test('lists every linked restaurant in a table', async () => {
    ddb.on(QueryCommand).resolves({ Items: entries });
    await run('restaurants');
    expect(io.lines[0]).toMatch(/^RESTAURANT\s+POS\s+LOCATION\s+ENABLED/);
    expect(io.lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4))).toEqual([
      ['5120', 'reference', 'loc-trattoria', 'yes'],
      ['6001', 'reference', 'loc-9', 'no'],
    ]);
  });

  test("names each link's secrets, a location's own webhook secret included (never their values)", async () => {
    const own = 'sinqro-pos-bridge/sandbox/webhooks/pos/reference/loc-9';
    ddb.on(QueryCommand).resolves({
      Items: [
        { ...linkItem(6001, { posLocationId: 'loc-9', posWebhookSecret: own }), PK: 'RESTAURANTS', SK: 'REST#6001' },
      ],
    });
    await run('restaurants');
    expect(io.lines[0]).toMatch(/POS SECRET\s+POS WEBHOOK SECRET/);
    expect(io.lines[1]).toContain(own);
  });

  test('--json prints the links without table keys', async () => {
    ddb.on(QueryCommand).resolves({ Items: entries });
    await run('restaurants --json');
    const links = JSON.parse(output());
    expect(links.map((l: { restaurantId: number }) => l.restaurantId)).toEqual([5120, 6001]);
    expect(links[0]).not.toHaveProperty('PK');
  });

  test('says so when nothing is linked', async () => {
    await run('restaurants');
    expect(output()).toBe('no restaurant is linked');
  });
});

describe('reindex-links', () => {
  const square = { posCode: 'square', posLocationId: 'LOC1', posAccountId: 'MERCHANT1' };
  // Entries written before the account index: copies of the link without GSI1 keys.
  const entries = [
    { ...linkItem(5120), PK: 'RESTAURANTS', SK: 'REST#5120' },
    { ...linkItem(6001, square), PK: 'RESTAURANTS', SK: 'REST#6001' },
  ];

  test("writes each listed restaurant's link and list entry again from its link item: a Square one under its merchant", async () => {
    ddb.on(QueryCommand).resolves({ Items: entries });
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem(5120) });
    ddb.on(GetCommand, { Key: { PK: 'REST#6001', SK: 'LINK' } }).resolves({ Item: linkItem(6001, square) });
    await expect(run('reindex-links')).resolves.toBe(0);
    const written = putItems().map((i) => [i.PK, i.SK, i.GSI1PK]);
    expect(written).toEqual([
      ['REST#5120', 'LINK', 'POSLOC#reference#loc-trattoria'],
      ['RESTAURANTS', 'REST#5120', undefined],
      ['REST#6001', 'LINK', 'POSLOC#square#LOC1'],
      ['RESTAURANTS', 'REST#6001', 'POSACCT#square#MERCHANT1'],
    ]);
    expect(output()).toBe('reindexed 2 links');
  });

  test('a list entry without a link item is named, not linked again', async () => {
    ddb.on(QueryCommand).resolves({ Items: entries });
    ddb.on(GetCommand, { Key: { PK: 'REST#6001', SK: 'LINK' } }).resolves({ Item: linkItem(6001, square) });
    await expect(run('reindex-links')).resolves.toBe(0);
    expect(putItems().map((i) => i.PK)).toEqual(['REST#6001', 'RESTAURANTS']);
    expect(io.errors).toEqual(['restaurant 5120 is in the restaurants list but has no link item: left as it is']);
  });
});

describe('order', () => {
  const state = (overrides: Record<string, unknown> = {}) => ({
    PK: 'ORDER#900001',
    SK: 'STATE',
    orderId: 900001,
    kind: 'order',
    orderType: 'collection',
    restaurantId: 5120,
    posCode: 'reference',
    posOrderId: 'ord_1',
    status: 'ACCEPTED',
    statusRank: 2,
    isFinal: false,
    sourceTs: '2026-03-01T10:02:00.000Z',
    source: 'reference',
    version: 3,
    attempts: 1,
    updatedAt: '2026-03-01T10:02:00.100Z',
    ...overrides,
  });
  const audit = [
    {
      PK: 'ORDER#900001',
      SK: 'EVT#2',
      at: '2026-03-01T10:02:00.000Z',
      what: 'pos-status',
      source: 'reference',
      status: 'ACCEPTED',
      outcome: 'applied',
    },
    {
      PK: 'ORDER#900001',
      SK: 'EVT#1',
      at: '2026-03-01T10:00:00.000Z',
      what: 'order.created',
      source: 'sinqro',
      status: 'RECEIVED',
      outcome: 'recorded',
    },
  ];
  beforeEach(() => {
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'ORDER#900001', ':evt': 'EVT#' } })
      .resolves({ Items: audit });
  });

  test('an unknown order is a clear error', async () => {
    await expect(run('order 1')).rejects.toThrow(new CliError('order 1 is not known to the bridge'));
  });

  test('shows the state and the timeline, oldest first', async () => {
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({ Item: state() });
    await run('order 900001');
    expect(io.lines[0]).toBe('order 900001 (collection) of restaurant 5120 via reference');
    expect(output()).toMatch(/status\s+ACCEPTED/);
    expect(output()).toMatch(/pos order\s+ord_1/);
    const timeline = io.lines.slice(io.lines.indexOf('timeline:') + 2).map((l) => l.trim().split(/\s+/)[1]);
    expect(timeline).toEqual(['order.created', 'pos-status']);
  });

  test("a cancelled order's reason is not shown: it may be text a consumer typed", async () => {
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({
      Item: state({ status: 'CANCELLED', isFinal: true, lastError: 'Laura Gómez called, +34611222333' }),
    });
    await run('order 900001');
    await run('order 900001 --json');
    expect(output()).not.toContain('Laura');
    expect(output()).not.toContain('+34611222333');
  });

  test("a FAILED order's reason is the bridge's own and is shown", async () => {
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({
      Item: state({ status: 'FAILED', isFinal: true, lastError: 'product POS-ART-99 is not in the POS catalog' }),
    });
    await run('order 900001');
    expect(output()).toMatch(/reason\s+product POS-ART-99 is not in the POS catalog/);
    expect(output()).toMatch(/status\s+FAILED \(final\)/);
  });

  test('--reservation reads the reservation with that id, apart from an order with the same id', async () => {
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({ Item: state() });
    ddb.on(GetCommand, { Key: { PK: 'RESV#900001', SK: 'STATE' } }).resolves({
      Item: state({ PK: 'RESV#900001', kind: 'reservation', orderType: 'table', status: 'SEATED', statusRank: 3 }),
    });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'RESV#900001', ':evt': 'EVT#' } })
      .resolves({ Items: [{ ...audit[1], PK: 'RESV#900001', what: 'reservation.created' }] });
    await run('order 900001 --reservation');
    expect(io.lines[0]).toBe('reservation 900001 (table) of restaurant 5120 via reference');
    expect(output()).toMatch(/status\s+SEATED/);
    expect(output()).toContain('reservation.created');
    expect(output()).not.toContain('pos-status');
  });

  test('--json prints the state and the timeline', async () => {
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({ Item: state() });
    await run('order 900001 --json');
    const parsed = JSON.parse(output());
    expect(parsed.state).toMatchObject({ orderId: 900001, status: 'ACCEPTED' });
    expect(parsed.timeline.map((e: { what: string }) => e.what)).toEqual(['order.created', 'pos-status']);
  });
});

describe('dlq', () => {
  const depth = (url: string, visible: number, inFlight = 0) =>
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url }).resolves({
      Attributes: {
        ApproximateNumberOfMessages: String(visible),
        ApproximateNumberOfMessagesNotVisible: String(inFlight),
        QueueArn: `arn:aws:sqs:eu-west-1:123456789012:${url.split('/').pop()}`,
      },
    });
  const personalBody = JSON.stringify({
    type: 'sinqro-event',
    restaurantId: 5120,
    posCode: 'reference',
    event: { id: 'evt-1', type: 'order.created', data: sampleOrder() },
  });
  beforeEach(() => {
    depth(DLQ('reference'), 0);
    depth(DLQ('to-sinqro'), 0);
    depth(DLQ('events'), 0);
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
  });

  test('lists every dead-letter queue with its depth', async () => {
    depth(DLQ('to-sinqro'), 3, 1);
    await run('dlq');
    expect(io.lines.filter((l) => !l.startsWith(' '))).toEqual([
      'reference (reference work queue) — DLQ reference-dlq: 0 messages',
      'to-sinqro (to-sinqro queue) — DLQ to-sinqro-dlq: 4 messages (1 being read)',
      "sinqro-events (Sinqro's EventBridge deliveries) — DLQ events-dlq: 0 messages — replay by hand, see docs/operations.md",
    ]);
  });

  test('peeks at a non-empty queue without hiding its messages', async () => {
    depth(DLQ('reference'), 1);
    await run('dlq');
    const peeks = sqs.commandCalls(ReceiveMessageCommand).map((c) => c.args[0].input);
    expect(peeks).toEqual([expect.objectContaining({ QueueUrl: DLQ('reference'), VisibilityTimeout: 0 })]);
  });

  test("shows a message's type and ids, never its body", async () => {
    depth(DLQ('reference'), 1);
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: [{ MessageId: 'm-1', Body: personalBody, Attributes: { SentTimestamp: '1772359200000' } }],
    });
    await run('dlq');
    expect(output()).toMatch(
      /m-1\s+2026-03-01T10:00:00.000Z\s+type=sinqro-event restaurantId=5120 posCode=reference event=order.created eventId=evt-1 sinqroId=900001/,
    );
    for (const value of ['Laura', '+34611222333', 'laura@example.org', 'Margherita'])
      expect(output()).not.toContain(value);
  });

  test('says how many more there are than it peeked at', async () => {
    depth(DLQ('reference'), 12);
    sqs.on(ReceiveMessageCommand).resolves({
      Messages: Array.from({ length: 10 }, (_, i) => ({ MessageId: `m-${i}`, Body: '{"type":"status"}' })),
    });
    await run('dlq');
    expect(output()).toContain('… and 2 more');
  });
});

describe('redrive', () => {
  const depth = (url: string, visible: number) =>
    sqs.on(GetQueueAttributesCommand, { QueueUrl: url }).resolves({
      Attributes: { ApproximateNumberOfMessages: String(visible), QueueArn: `arn:${url.split('/').pop()}` },
    });
  beforeEach(() => {
    depth(DLQ('reference'), 0);
    depth(DLQ('to-sinqro'), 0);
    depth(DLQ('events'), 5);
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
  });
  const moved = () => sqs.commandCalls(StartMessageMoveTaskCommand).map((c) => c.args[0].input.SourceArn);

  test('moves every non-empty dead-letter queue back, and only those', async () => {
    depth(DLQ('reference'), 2);
    await run('redrive');
    expect(moved()).toEqual(['arn:reference-dlq']);
    expect(output()).toBe('reference: moving 2 messages back to the reference work queue (task task-1)');
  });

  test("never moves the event bus's dead-letter queue (SQS cannot send those back)", async () => {
    await run('redrive');
    expect(moved()).toEqual([]);
  });

  test('says so when there is nothing to redrive', async () => {
    await run('redrive');
    expect(output()).toBe('every dead-letter queue is empty, nothing to redrive');
  });

  test('redrives only the named queue', async () => {
    depth(DLQ('reference'), 2);
    depth(DLQ('to-sinqro'), 1);
    await run('redrive to-sinqro');
    expect(moved()).toEqual(['arn:to-sinqro-dlq']);
  });

  test('an unknown queue name is refused with the known ones', async () => {
    await expect(run('redrive nope')).rejects.toThrow(
      new UsageError('unknown queue "nope": one of reference, to-sinqro'),
    );
  });

  test("asking to redrive the event bus's queue explains why it cannot", async () => {
    await expect(run('redrive sinqro-events')).rejects.toThrow(/replay them by hand/);
    expect(moved()).toEqual([]);
  });
});

describe('sync-catalog', () => {
  const counts = (seen: number, changed: number, rejected = 0) => ({
    seen,
    changed,
    unchanged: seen - changed - rejected,
    deleted: 0,
    rejected,
  });
  const zero = () => counts(0, 0);
  const report = (
    done: boolean,
    products: ReturnType<typeof counts>,
    errors: SyncReport['errors'] = [],
  ): SyncReport => {
    const byType = {
      menu: counts(1, 1),
      menuSection: zero(),
      product: products,
      productVariant: zero(),
      productOptionCategory: zero(),
      productOption: zero(),
    };
    const totals = zero();
    for (const c of Object.values(byType)) for (const k of SYNC_METRICS) totals[k] += c[k];
    return {
      syncId: 'sync-42',
      restaurantId: 5120,
      posCode: 'reference',
      mode: 'full',
      trigger: 'operator',
      startedAt: '2026-11-27T10:00:00.000Z',
      updatedAt: '2026-11-27T10:00:01.000Z',
      done,
      pages: 1,
      counts: byType,
      totals,
      sinqro: { upsertsAccepted: done ? totals.changed : 0, deletesAccepted: 0 },
      settled: done,
      errors,
      errorCount: errors.length,
    };
  };
  beforeEach(() => {
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem(5120) });
  });

  test('an unknown restaurant is a clear error and no sync is requested', async () => {
    await expect(run('sync-catalog 999')).rejects.toThrow(new CliError('restaurant 999 is not linked'));
    expect(requestCatalogSync).not.toHaveBeenCalled();
  });

  test('asks for an incremental sync by the operator, or a full one with --full', async () => {
    jest.mocked(getSyncReport).mockResolvedValue(report(true, counts(1, 0)));
    await run('sync-catalog 5120');
    await run('sync-catalog 5120 --full');
    expect(jest.mocked(requestCatalogSync).mock.calls).toEqual([
      [5120, 'reference', 'incremental', 'operator'],
      [5120, 'reference', 'full', 'operator'],
    ]);
  });

  test('prints a line whenever the counts change, until the sync is done', async () => {
    jest
      .mocked(getSyncReport)
      .mockResolvedValueOnce(undefined)
      .mockResolvedValueOnce(report(false, counts(100, 10)))
      .mockResolvedValueOnce(report(false, counts(100, 10)))
      .mockResolvedValueOnce(report(false, counts(250, 12)))
      .mockResolvedValueOnce(report(true, counts(300, 12)));
    await expect(run('sync-catalog 5120 --full')).resolves.toBe(0);
    const progress = io.lines.filter((l) => /^\s+\d+ s\s/.test(l)).map((l) => l.replace(/^\s+\d+ s\s+/, ''));
    expect(progress).toEqual([
      'seen 101, changed 11, unchanged 90, deleted 0, rejected 0; Sinqro accepted 0 upserts, 0 deletes',
      'seen 251, changed 13, unchanged 238, deleted 0, rejected 0; Sinqro accepted 0 upserts, 0 deletes',
      'seen 301, changed 13, unchanged 288, deleted 0, rejected 0; Sinqro accepted 13 upserts, 0 deletes',
    ]);
    expect(io.lines[0]).toBe('full catalog sync sync-42 of restaurant 5120 (reference) requested');
    expect(output()).toContain('waiting for the worker to start it…');
  });

  test('ends with the counts per entity type', async () => {
    jest.mocked(getSyncReport).mockResolvedValue(report(true, counts(300, 12)));
    await run('sync-catalog 5120');
    expect(output()).toMatch(/ENTITY TYPE\s+SEEN\s+CHANGED\s+UNCHANGED\s+DELETED\s+REJECTED/);
    expect(output()).toMatch(/product\s+300\s+12\s+288\s+0\s+0/);
  });

  test('lists each rejected entity with its error', async () => {
    jest
      .mocked(getSyncReport)
      .mockResolvedValue(
        report(true, counts(3, 2, 1), [{ type: 'product', posId: 'P-9', error: 'price is negative' }]),
      );
    await run('sync-catalog 5120');
    expect(output()).toContain('1 entity was rejected:');
    expect(output()).toContain('product P-9: price is negative');
  });

  test('stops waiting when the sync stopped on a failure, says why, and exits 1', async () => {
    jest
      .mocked(getSyncReport)
      .mockResolvedValue({ ...report(false, counts(1, 0)), failure: 'reference-pos answered 401' });
    await expect(run('sync-catalog 5120')).resolves.toBe(1);
    expect(output()).toContain('stopped: reference-pos answered 401');
  });

  test('gives up waiting after --timeout, saying the sync goes on', async () => {
    jest.mocked(getSyncReport).mockResolvedValue(report(false, counts(1, 0)));
    await expect(run('sync-catalog 5120 --timeout 1', target(), 300)).rejects.toThrow(
      new CliError('sync sync-42 is not done after 1 s: it goes on in the background'),
    );
  });

  test('a POS without catalog sync is refused with the reason', async () => {
    ddb
      .on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } })
      .resolves({ Item: linkItem(5120, { posCode: 'nocat' }) });
    await expect(run('sync-catalog 5120')).rejects.toThrow(
      new CliError('nocat does not send its catalog to Sinqro (F6): the POS has no menu API'),
    );
    expect(requestCatalogSync).not.toHaveBeenCalled();
  });
});
