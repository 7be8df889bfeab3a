/** The scheduler (functions/scheduler.ts): what each job enqueues, for which restaurants, and where. */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { Capabilities, PosAdapter } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import { ValidationError } from '../../functions/core/errors';
import { handler } from '../../functions/scheduler';
import { captureLogs } from './support/bridge-env';
import { fakeCapabilities } from './support/fake-adapter';

// The adapters are stand-ins: these tests are about the scheduler's decisions.
const mockRegistry: { adapters: PosAdapter[] } = { adapters: [] };
jest.mock('../../adapters/registry', () => ({
  get ADAPTERS() {
    return mockRegistry.adapters;
  },
  findAdapter: (code: string) => mockRegistry.adapters.find((a) => a.code === code),
}));

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const QUEUE = (code: string) => `https://sqs.eu-west-1.amazonaws.com/123456789012/work-${code}`;

/** Webhooks for every POS → bridge feature: nothing to poll unless a setting turns webhooks off. */
function webhookCapabilities(): Capabilities {
  const caps = fakeCapabilities();
  caps.reservations.F4 = { mechanism: 'webhook' };
  return caps;
}
const adapter = (code: string, capabilities: Capabilities = webhookCapabilities()): PosAdapter => ({
  ...referenceAdapter,
  code,
  capabilities,
});
const linkItem = (restaurantId: number, posCode = 'webpos', enabled = true) => ({
  PK: 'RESTAURANTS',
  SK: `REST#${restaurantId}`,
  restaurantId,
  posCode,
  posLocationId: `loc-${restaurantId}`,
  sinqroTokenSecret: `s/${restaurantId}`,
  enabled,
  createdAt: '2026-03-01T00:00:00.000Z',
});
/** A body as sent, checked to carry the current version, without it. */
const unversioned = (body: string) => {
  const { v, ...message } = JSON.parse(body);
  expect(v).toBe(1);
  return message;
};
/** Every message sent, in order, whether alone or in a batch (each with its version). */
const sent = () =>
  sqs.calls().flatMap((call) => {
    const input = call.args[0].input as {
      QueueUrl: string;
      MessageBody?: string;
      Entries?: { MessageBody?: string }[];
    };
    return (input.Entries ?? [input]).map((m) => ({
      queue: input.QueueUrl,
      body: unversioned(m.MessageBody as string),
    }));
  });
/** SQS takes every entry of a batch. */
const takeAll = () =>
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
    Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
    Failed: [],
  }));

beforeEach(() => {
  captureLogs();
  mockRegistry.adapters = [adapter('webpos'), adapter('otherpos')];
  process.env.TABLE_NAME = 'bridge-test-table';
  for (const code of ['webpos', 'otherpos']) process.env[`WORK_QUEUE_URL_${code.toUpperCase()}`] = QUEUE(code);
  ddb.on(QueryCommand).resolves({ Items: [linkItem(5120), linkItem(5121)] });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  takeAll();
});
afterEach(() => {
  ddb.reset();
  sqs.reset();
  for (const name of Object.keys(process.env))
    if (/^(WORK_QUEUE_URL|POS_SETTINGS)_/.test(name)) delete process.env[name];
  delete process.env.TABLE_NAME;
});

describe('input', () => {
  test('the job comes from the rule input', async () => {
    await expect(handler({ job: 'sweep' })).resolves.toMatchObject({ job: 'sweep' });
  });

  test('an event with the job in its detail works too', async () => {
    await expect(handler({ detail: { job: 'sweep' } })).resolves.toMatchObject({ job: 'sweep' });
  });

  test('an input naming no known job fails before reading anything', async () => {
    await expect(handler({ job: 'cleanup' })).rejects.toThrow(ValidationError);
    await expect(handler(null)).rejects.toThrow(/expected job = poll \| sweep \| nightly/);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
  });
});

describe('poll', () => {
  test('with every webhook on there is nothing to poll, and the restaurants are not even read', async () => {
    const result = await handler({ job: 'poll' });
    expect(sent()).toEqual([]);
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(result).toMatchObject({ restaurants: 0, enqueued: { 'poll-orders': 0, 'hours-sync': 0 } });
  });

  test("with the stage's status webhooks off, each restaurant of that POS gets a poll-orders", async () => {
    process.env.POS_SETTINGS_WEBPOS = JSON.stringify({ statusWebhooks: false });
    await handler({ job: 'poll' });
    expect(sent()).toEqual([
      {
        queue: QUEUE('webpos'),
        body: { type: 'poll-orders', restaurantId: 5120, posCode: 'webpos', trigger: 'schedule' },
      },
      {
        queue: QUEUE('webpos'),
        body: { type: 'poll-orders', restaurantId: 5121, posCode: 'webpos', trigger: 'schedule' },
      },
    ]);
  });

  test('an adapter that declares status polling itself is polled with webhooks on', async () => {
    mockRegistry.adapters = [adapter('webpos', fakeCapabilities())]; // reservations F4 by polling
    await handler({ job: 'poll' });
    expect(sent().map((s) => s.body.type)).toEqual(['poll-orders', 'poll-orders']);
  });

  test('with availability webhooks off, each restaurant gets an hours-sync', async () => {
    process.env.POS_SETTINGS_WEBPOS = JSON.stringify({ availabilityWebhooks: false });
    await handler({ job: 'poll' });
    expect(sent().map((s) => s.body)).toEqual([
      { type: 'hours-sync', restaurantId: 5120, posCode: 'webpos', trigger: 'schedule' },
      { type: 'hours-sync', restaurantId: 5121, posCode: 'webpos', trigger: 'schedule' },
    ]);
  });

  test("settings are per adapter: one POS's webhooks off does not poll another's restaurants", async () => {
    ddb.on(QueryCommand).resolves({ Items: [linkItem(5120, 'webpos'), linkItem(7000, 'otherpos')] });
    process.env.POS_SETTINGS_OTHERPOS = JSON.stringify({ statusWebhooks: false });
    await handler({ job: 'poll' });
    expect(sent()).toEqual([
      { queue: QUEUE('otherpos'), body: expect.objectContaining({ type: 'poll-orders', restaurantId: 7000 }) },
    ]);
  });
});

describe('sweep', () => {
  test('every restaurant gets a poll-orders with trigger sweep, webhooks or not', async () => {
    await handler({ job: 'sweep' });
    expect(sent().map((s) => s.body)).toEqual([
      { type: 'poll-orders', restaurantId: 5120, posCode: 'webpos', trigger: 'sweep' },
      { type: 'poll-orders', restaurantId: 5121, posCode: 'webpos', trigger: 'sweep' },
    ]);
  });

  test("each restaurant's work goes to its own POS's queue", async () => {
    ddb.on(QueryCommand).resolves({ Items: [linkItem(5120, 'webpos'), linkItem(7000, 'otherpos')] });
    await handler({ job: 'sweep' });
    expect(sent().map((s) => [s.queue, s.body.restaurantId])).toEqual([
      [QUEUE('webpos'), 5120],
      [QUEUE('otherpos'), 7000],
    ]);
  });

  test('the message type travels as a message attribute too (readable without the body)', async () => {
    await handler({ job: 'sweep' });
    const [first] = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(first?.MessageAttributes).toEqual({ type: { DataType: 'String', StringValue: 'poll-orders' } });
  });

  test('ten messages go in one request: 25 restaurants of one POS take 3 requests, not 25', async () => {
    ddb.on(QueryCommand).resolves({ Items: Array.from({ length: 25 }, (_, i) => linkItem(i + 1)) });
    await handler({ job: 'sweep' });
    const requests = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length);
    expect(requests).toEqual([10, 10, 5]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  test('a batch holds one POS queue only', async () => {
    ddb.on(QueryCommand).resolves({ Items: [linkItem(5120, 'webpos'), linkItem(7000, 'otherpos'), linkItem(5121)] });
    await handler({ job: 'sweep' });
    const batches = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(batches.map((b) => [b.QueueUrl, b.Entries?.length])).toEqual([
      [QUEUE('webpos'), 2],
      [QUEUE('otherpos'), 1],
    ]);
  });

  test('a disabled link is skipped', async () => {
    ddb.on(QueryCommand).resolves({ Items: [linkItem(5120), linkItem(5121, 'webpos', false)] });
    const result = await handler({ job: 'sweep' });
    expect(sent().map((s) => s.body.restaurantId)).toEqual([5120]);
    expect(result).toMatchObject({ restaurants: 1, skipped: 1 });
  });

  test('a link to an adapter this build does not have is skipped, not fatal', async () => {
    ddb.on(QueryCommand).resolves({ Items: [linkItem(5120), linkItem(8000, 'gonepos')] });
    const result = await handler({ job: 'sweep' });
    expect(sent().map((s) => s.body.restaurantId)).toEqual([5120]);
    expect(result).toMatchObject({ restaurants: 1, skipped: 1 });
  });

  test('a message SQS refuses does not stop the others, and the run fails so the failure is seen', async () => {
    ddb.on(QueryCommand).resolves({ Items: [linkItem(1), linkItem(2), linkItem(3)] });
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => ({
      Successful: input.Entries.filter((e) => JSON.parse(e.MessageBody).restaurantId !== 2).map((e) => ({
        Id: e.Id,
        MessageId: 'm',
      })),
      Failed: input.Entries.filter((e) => JSON.parse(e.MessageBody).restaurantId === 2).map((e) => ({
        Id: e.Id,
        Code: 'InternalError',
        SenderFault: false,
      })),
    }));
    const logs = captureLogs();
    await expect(handler({ job: 'sweep' })).rejects.toThrow('1 of 3 scheduled messages could not be enqueued');
    expect(
      logs.filter((l) => l.includes('could not enqueue scheduled work')).map((l) => JSON.parse(l).restaurantId),
    ).toEqual([2]);
  });

  test('a batch request that fails as a whole fails its messages only', async () => {
    ddb.on(QueryCommand).resolves({ Items: Array.from({ length: 12 }, (_, i) => linkItem(i + 1)) });
    sqs
      .on(SendMessageBatchCommand)
      .rejectsOnce(new Error('throttled'))
      .callsFake((input: { Entries: { Id: string }[] }) => ({
        Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'm' })),
        Failed: [],
      }));
    await expect(handler({ job: 'sweep' })).rejects.toThrow(/^(10|2) of 12 scheduled messages could not be enqueued$/);
  });

  test('many restaurants are all served', async () => {
    ddb.on(QueryCommand).resolves({ Items: Array.from({ length: 45 }, (_, i) => linkItem(i + 1)) });
    const result = await handler({ job: 'sweep' });
    expect(new Set(sent().map((s) => s.body.restaurantId)).size).toBe(45);
    expect(result.enqueued['poll-orders']).toBe(45);
  });
});

describe('nightly', () => {
  test('each restaurant gets the first page of a full catalog sync triggered by the schedule, and an hours-sync', async () => {
    await handler({ job: 'nightly' });
    const bodies = sent().map((s) => s.body);
    expect(bodies).toEqual([
      expect.objectContaining({
        type: 'catalog-sync',
        restaurantId: 5120,
        posCode: 'webpos',
        mode: 'full',
        trigger: 'schedule',
        entityType: 'menu',
      }),
      { type: 'hours-sync', restaurantId: 5120, posCode: 'webpos', trigger: 'schedule' },
      expect.objectContaining({
        type: 'catalog-sync',
        restaurantId: 5121,
        posCode: 'webpos',
        mode: 'full',
        trigger: 'schedule',
        entityType: 'menu',
      }),
      { type: 'hours-sync', restaurantId: 5121, posCode: 'webpos', trigger: 'schedule' },
    ]);
    const syncIds = bodies.filter((b) => b.type === 'catalog-sync').map((b) => b.syncId);
    expect(new Set(syncIds).size).toBe(2);
  });

  test('a POS without catalog (F6) gets no catalog sync', async () => {
    const caps = webhookCapabilities();
    caps.orders.F6 = { mechanism: 'unsupported', reason: 'no catalog API' };
    mockRegistry.adapters = [adapter('webpos', caps)];
    const result = await handler({ job: 'nightly' });
    expect(sent().filter((s) => s.body.type === 'catalog-sync')).toEqual([]);
    expect(result.enqueued).toEqual({ 'poll-orders': 0, 'hours-sync': 2, 'catalog-sync': 0 });
  });

  test('a POS with neither closures (F7) nor hours (F8) gets no hours-sync', async () => {
    const caps = webhookCapabilities();
    for (const kind of ['orders', 'reservations'] as const)
      for (const id of ['F7', 'F8'] as const) caps[kind][id] = { mechanism: 'unsupported', reason: 'none' };
    mockRegistry.adapters = [adapter('webpos', caps)];
    await handler({ job: 'nightly' });
    expect(sent().map((s) => s.body.type)).toEqual(['catalog-sync', 'catalog-sync']);
  });
});
