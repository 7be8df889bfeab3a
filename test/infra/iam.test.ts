import { ADAPTERS } from '../../adapters/registry';
import type { BridgeFunction } from '../../lib/bridge-function';
import {
  actionsOf,
  allowedActions,
  type Built,
  buildStack,
  queueId,
  resourcesOf,
  resourceTexts,
  statementsOf,
  targetsOf,
} from './fixture';

let built: Built;
let ingress: BridgeFunction[];
let everyFn: BridgeFunction[];
let workQueues: string[];
beforeAll(() => {
  built = buildStack();
  const { sinqroWebhook, sinqroEvents, posWebhook, publisher } = built.stack.functions;
  ingress = [sinqroWebhook, sinqroEvents, posWebhook];
  everyFn = [...ingress, publisher, ...Object.values(built.stack.workers).map((w) => w.fn)];
  workQueues = Object.values(built.stack.workers).map((w) => queueId(built, w.work.queue));
});

test('the per-function checks below cover every registered adapter: one worker each, Square included', () => {
  expect(Object.keys(built.stack.workers).sort()).toEqual(ADAPTERS.map((a) => a.code).sort());
  expect(Object.keys(built.stack.workers)).toContain('square');
});

test("no worker may read another adapter's secrets or receive from another adapter's queue", () => {
  const codes = Object.keys(built.stack.workers);
  for (const [code, worker] of Object.entries(built.stack.workers)) {
    const secrets = resourceTexts(built, worker.fn, 'secretsmanager:GetSecretValue');
    for (const other of codes.filter((c) => c !== code)) {
      for (const secret of secrets) expect(secret).not.toContain(`/pos/${other}`);
      const otherQueue = queueId(
        built,
        (built.stack.workers[other] as (typeof built.stack.workers)[string]).work.queue,
      );
      expect(targetsOf(built, worker.fn, 'sqs:ReceiveMessage').has(otherQueue)).toBe(false);
      expect(targetsOf(built, worker.fn, 'sqs:DeleteMessage').has(otherQueue)).toBe(false);
    }
  }
});

const dynamodbActions = (fn: BridgeFunction) =>
  [...allowedActions(built, fn)].filter((a) => a.startsWith('dynamodb:')).sort();

test('no function may use a wildcard action', () => {
  for (const fn of everyFn) for (const action of allowedActions(built, fn)) expect(action).not.toContain('*');
});

test('no function may Scan, batch-read, run transactions or PartiQL on the table (the store never does)', () => {
  for (const fn of everyFn) {
    for (const action of allowedActions(built, fn))
      expect(action).not.toMatch(/Scan|BatchGet|Transact|PartiQL|DeleteTable|UpdateTable/);
  }
});

test('only the publisher may batch-write (its audit records), since it may delete anyway', () => {
  const batchWriters = everyFn.filter((fn) => allowedActions(built, fn).has('dynamodb:BatchWriteItem'));
  expect(batchWriters).toEqual([built.stack.functions.publisher]);
});

test('receivers may only get, query and put items (lookup, dedupe read and record, audit)', () => {
  for (const fn of ingress) {
    expect(dynamodbActions(fn)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query']);
  }
});

test('receivers may not update items: status changes are the workers’ job', () => {
  for (const fn of ingress) expect(allowedActions(built, fn).has('dynamodb:UpdateItem')).toBe(false);
});

test('workers may get, query, put and update items, and delete only open-order markers', () => {
  for (const worker of Object.values(built.stack.workers)) {
    expect(dynamodbActions(worker.fn)).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    const deletes = statementsOf(built, worker.fn).filter((st) => actionsOf(st).includes('dynamodb:DeleteItem'));
    expect(deletes).toEqual([
      expect.objectContaining({
        Condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['OPEN#*'] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        },
      }),
    ]);
  }
});

test('the publisher may only get, put, update and delete items (catalog map entries Sinqro no longer has)', () => {
  expect(dynamodbActions(built.stack.functions.publisher)).toEqual([
    'dynamodb:BatchWriteItem',
    'dynamodb:DeleteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ]);
});

test('table access is limited to the table and its GSI1, not every index', () => {
  for (const fn of everyFn) {
    for (const resource of resourceTexts(built, fn, 'dynamodb:GetItem'))
      expect(resource).toMatch(/^\$\{Table[0-9A-F]+\.Arn\}(\/index\/GSI1)?$/);
    for (const resource of resourceTexts(built, fn, 'dynamodb:Query'))
      expect(resource).toMatch(/^\$\{Table[0-9A-F]+\.Arn\}(\/index\/GSI1)?$/);
  }
});

test('receivers may only send to the work queues, never receive or delete messages', () => {
  for (const fn of ingress) {
    const sqs = [...allowedActions(built, fn)].filter((a) => a.startsWith('sqs:')).sort();
    expect(sqs).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  }
});

test('the HTTP receivers may send to every work queue and nowhere else', () => {
  const { sinqroWebhook, posWebhook } = built.stack.functions;
  for (const fn of [sinqroWebhook, posWebhook])
    expect([...targetsOf(built, fn, 'sqs:SendMessage')].sort()).toEqual([...workQueues].sort());
});

test('sinqro-events may send to every work queue, and to its own DLQ for events it could not enqueue', () => {
  const targets = [...targetsOf(built, built.stack.functions.sinqroEvents, 'sqs:SendMessage')].sort();
  expect(targets).toEqual([...workQueues, queueId(built, built.stack.events.deadLetterQueue)].sort());
});

test("a worker may send only to the to-sinqro queue and its own queue (catalog pages), not to other adapters' queues", () => {
  for (const worker of Object.values(built.stack.workers)) {
    expect([...targetsOf(built, worker.fn, 'sqs:SendMessage')].sort()).toEqual(
      [queueId(built, built.stack.toSinqro.queue), queueId(built, worker.work.queue)].sort(),
    );
  }
});

test("a worker may receive only from its own adapter's queue", () => {
  for (const worker of Object.values(built.stack.workers)) {
    expect([...targetsOf(built, worker.fn, 'sqs:ReceiveMessage')]).toEqual([queueId(built, worker.work.queue)]);
  }
});

test('the publisher may not send to any queue (it is the end of the line)', () => {
  expect(allowedActions(built, built.stack.functions.publisher).has('sqs:SendMessage')).toBe(false);
});

test('no function may rotate or delete secrets; only a worker renewing POS tokens may write (pos-auth.test.ts)', () => {
  for (const fn of everyFn) {
    for (const action of allowedActions(built, fn)) {
      if (action.startsWith('secretsmanager:'))
        expect([
          'secretsmanager:GetSecretValue',
          'secretsmanager:DescribeSecret',
          'secretsmanager:PutSecretValue',
        ]).toContain(action);
    }
  }
});

test("no receiver may read the restaurants' Sinqro user tokens (only the publisher needs them)", () => {
  for (const fn of ingress) {
    for (const resource of resourceTexts(built, fn, 'secretsmanager:GetSecretValue'))
      expect(resource).not.toContain('/restaurants/');
  }
});

test("the publisher may read the Sinqro secret and the restaurants' user tokens, and no POS secret", () => {
  const secrets = resourceTexts(built, built.stack.functions.publisher, 'secretsmanager:GetSecretValue');
  expect(secrets).toHaveLength(2);
  expect(secrets).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/:secret:sinqro-pos-bridge\/sandbox\/sinqro-\?{6}$/),
      expect.stringMatching(/:secret:sinqro-pos-bridge\/sandbox\/restaurants\/\*$/),
    ]),
  );
  for (const s of secrets) expect(s).not.toContain('/pos/');
});

test("sinqro-webhook reads Sinqro's webhook signing secret and nothing else; no other receiver reads it", () => {
  const { sinqroWebhook, sinqroEvents, posWebhook } = built.stack.functions;
  expect(resourceTexts(built, sinqroWebhook, 'secretsmanager:GetSecretValue')).toEqual([
    expect.stringMatching(/:secret:sinqro-pos-bridge\/sandbox\/webhooks\/sinqro-\?{6}$/),
  ]);
  for (const fn of [sinqroEvents, posWebhook]) {
    for (const resource of resourceTexts(built, fn, 'secretsmanager:GetSecretValue'))
      expect(resource).not.toContain('/sinqro-');
  }
});

test('sinqro-events reads no secret at all: the bus policy authenticates Sinqro', () => {
  expect(resourceTexts(built, built.stack.functions.sinqroEvents, 'secretsmanager:GetSecretValue')).toEqual([]);
});

test('pos-webhook may read one webhook secret per adapter, and the locations’ own of adapters that verify per location only', () => {
  const secrets = resourceTexts(built, built.stack.functions.posWebhook, 'secretsmanager:GetSecretValue');
  const codes = Object.keys(built.stack.workers);
  // The reference POS may sign per location and K-Series has per-account credentials (a link's own
  // webhook secret); Square signs per subscription.
  const perLocation = ADAPTERS.filter((a) => a.webhookLocationOf).map((a) => a.code);
  expect(perLocation.sort()).toEqual(['lightspeedk', 'reference']);
  expect(secrets).toHaveLength(codes.length + perLocation.length);
  expect(secrets).toEqual(
    expect.arrayContaining([
      ...codes.map((code) => expect.stringContaining(`/sandbox/webhooks/pos/${code}-??????`)),
      ...perLocation.map((code) => expect.stringMatching(new RegExp(`/sandbox/webhooks/pos/${code}/\\*$`))),
    ]),
  );
  expect(secrets.filter((s) => s.includes('/pos/square/'))).toEqual([]);
});

test("a worker may read its adapter's secret and its restaurants' POS secrets, nothing of Sinqro's", () => {
  for (const [code, worker] of Object.entries(built.stack.workers)) {
    const secrets = resourceTexts(built, worker.fn, 'secretsmanager:GetSecretValue');
    expect(secrets).toHaveLength(2);
    expect(secrets).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`/sandbox/pos/${code}-\\?{6}$`)),
        expect.stringMatching(new RegExp(`/sandbox/pos/${code}/\\*$`)),
      ]),
    );
  }
});

test('no statement of ours applies to every resource ("*")', () => {
  for (const fn of everyFn) {
    for (const statement of statementsOf(built, fn)) expect(resourcesOf(statement)).not.toContain('*');
  }
});

test('every queue consumer may change its messages’ visibility (a retry after Retry-After), on its own queue only', () => {
  const consumers = [built.stack.functions.publisher, ...Object.values(built.stack.workers).map((w) => w.fn)];
  for (const fn of consumers) expect(targetsOf(built, fn, 'sqs:ChangeMessageVisibility').size).toBe(1);
});
