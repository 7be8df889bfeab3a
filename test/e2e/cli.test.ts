/**
 * The operator CLI as an operator runs it: `node bin/pos-bridge.js … --local` in a subprocess,
 * against a local runtime on fixed (but free) ports that wrote its runtime file, as `npm start` does.
 */

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ADAPTERS } from '../../adapters/registry';
import { DEMO_CONSUMERS, demoOrder } from '../../local/demo/data';
import type { RuntimeFile } from '../../local/runtime/runtime-file';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);
const root = resolve(__dirname, '../..');
let h: Harness;
let dir: string;
let runtimeFile: string;
let ports: { dynamodb: number; sqs: number };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Runs the CLI as `npx pos-bridge` would (the bin shim), asynchronously: the runtime lives in this process. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'bin/pos-bridge.js'), ...args], {
      cwd: root,
      env: { ...process.env, POS_BRIDGE_RUNTIME_FILE: runtimeFile, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-e2e-'));
  runtimeFile = join(dir, 'runtime.json');
  ports = { dynamodb: await freePort(), sqs: await freePort() };
  h = await startHarness(6, {
    ports: { gateway: 0, referencePos: 0, sinqro: 0, ...ports },
    runtimeFile,
  });
});
afterAll(async () => {
  await h.rt.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the runtime file names the fixed ports, the table and every queue', () => {
  const described = JSON.parse(readFileSync(runtimeFile, 'utf8')) as RuntimeFile;
  expect(described.urls.dynamodb).toBe(`http://127.0.0.1:${ports.dynamodb}`);
  expect(described.urls.sqs).toBe(`http://127.0.0.1:${ports.sqs}`);
  expect(described.tableName).toBe(h.rt.tableName);
  expect(described.queues.map((q) => q.posCode ?? q.consumer)).toEqual([
    ...ADAPTERS.map((a) => a.code),
    'sinqro-publisher',
  ]);
});

test('restaurants lists the demo restaurant', async () => {
  const { code, stdout } = await cli(['restaurants', '--local']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/5120\s+reference\s+loc-trattoria\s+yes\s+sinqro-pos-bridge\/local\/restaurants\/5120/);
});

test('a restaurant linked with the CLI gets its orders into the POS at its location', async () => {
  // A Sinqro token secret the local secrets hold, so its statuses reach Sinqro rather than the DLQ.
  const linked = await cli([
    'link',
    '6101',
    'reference',
    'loc-cli',
    '--token-secret',
    'sinqro-pos-bridge/local/restaurants/5120',
    '--local',
  ]);
  expect(linked.code).toBe(0);
  expect(linked.stdout).toContain('linked: restaurant 6101 → reference location loc-cli');
  expect((await cli(['restaurants', '--local'])).stdout).toMatch(/6101\s+reference\s+loc-cli/);

  const id = h.nextId();
  const sent = await h.sendEvent(envelope('order.created', demoOrder(id, { restaurantId: 6101 }), 6101));
  expect(sent.status).toBe(202);
  const posOrder = await h.waitForPosOrder(id);
  expect(posOrder.locationId).toBe('loc-cli');
});

test('a restaurant unlinked with the CLI is refused from then on', async () => {
  await cli(['link', '6102', 'reference', 'loc-gone', '--local']);
  const unlinked = await cli(['unlink', '6102', '--local']);
  expect(unlinked).toMatchObject({ code: 0, stdout: 'unlinked: restaurant 6102 (was reference location loc-gone)\n' });
  expect((await cli(['restaurants', '--local'])).stdout).not.toContain('6102');
  const refused = await h.sendEvent(envelope('order.created', demoOrder(h.nextId(), { restaurantId: 6102 }), 6102));
  expect(refused.status).toBe(404);
});

test('unlinking an unknown restaurant exits non-zero with a clear message', async () => {
  const { code, stdout, stderr } = await cli(['unlink', '999', '--local']);
  expect(code).toBe(1);
  expect(stderr).toBe('pos-bridge: restaurant 999 is not linked\n');
  expect(stdout).toBe('');
});

test('linking a POS location that belongs to another restaurant is refused', async () => {
  const { code, stderr } = await cli(['link', '6103', 'reference', 'loc-trattoria', '--local']);
  expect(code).toBe(1);
  expect(stderr).toContain('POS location reference/loc-trattoria is already linked to restaurant 5120');
});

test("reindex-links puts a Square link written before the account index back in it: the catalog webhook's lookup finds it", async () => {
  const linkStore = await import('../../functions/store/links');
  const { ddb, tableName } = await import('../../functions/infra/ddb');
  const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
  const square = (await linkStore.getLink(5121)) as import('../../functions/core/records').RestaurantLink;
  // The restaurants-list entry as an older version wrote it: a copy of the link, without GSI1 keys.
  await ddb.send(new PutCommand({ TableName: tableName(), Item: { PK: 'RESTAURANTS', SK: 'REST#5121', ...square } }));
  expect(await linkStore.findLinksByPosAccount('square', 'MLSIMSINQRO01')).toEqual([]);

  const { code, stdout } = await cli(['reindex-links', '--local']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^reindexed \d+ links\n$/);
  expect((await linkStore.findLinksByPosAccount('square', 'MLSIMSINQRO01')).map((l) => l.restaurantId)).toEqual([5121]);
});

test("order shows an order's state and timeline, and none of the consumer's data", async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  await h.staff(pos.id, 'accepted');
  await h.waitForSinqroStatus(id, 'accepted');
  // The publisher writes the status's record right after Sinqro took it (at the end of its batch).
  const { listAudit } = await import('../../functions/store/audit');
  await waitFor('the accepted record', async () =>
    (await listAudit(`ORDER#${id}`)).some((a) => a.status === 'ACCEPTED' && a.sinqro === 'sent to Sinqro'),
  );

  const { code, stdout } = await cli(['order', String(id), '--local']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/status\s+ACCEPTED/);
  expect(stdout).toMatch(new RegExp(`pos order\\s+${pos.id}`));
  for (const what of ['inject', 'created in POS', 'pos-status', 'applied']) expect(stdout).toContain(what);
  // Each step's record says what Sinqro made of it (written once, by the publisher).
  expect(stdout).toMatch(/SINQRO/);
  expect(stdout.match(/sent to Sinqro/g)).toHaveLength(2);
  const consumer = DEMO_CONSUMERS[0] as (typeof DEMO_CONSUMERS)[0];
  for (const value of [consumer.name, consumer.lastname, consumer.phone, consumer.email])
    expect(stdout).not.toContain(value);
});

test('an order the bridge never saw is a clear error', async () => {
  const { code, stderr } = await cli(['order', '123', '--local']);
  expect(code).toBe(1);
  expect(stderr).toBe('pos-bridge: order 123 is not known to the bridge\n');
});

test('dlq shows a parked message by type and ids, and redrive sends it back to be processed', async () => {
  const id = h.nextId();
  const work = h.rt.queues[0] as { dlqUrl: string; dlqName: string };
  // A message the worker gave up on, as SQS would have parked it (it holds the consumer's data).
  const parked = {
    type: 'sinqro-event',
    restaurantId: 5120,
    posCode: 'reference',
    receivedAt: new Date().toISOString(),
    event: envelope('order.created', demoOrder(id)),
  };
  await new SQSClient({}).send(new SendMessageCommand({ QueueUrl: work.dlqUrl, MessageBody: JSON.stringify(parked) }));

  const listed = await cli(['dlq', '--local']);
  expect(listed.code).toBe(0);
  expect(listed.stdout).toMatch(new RegExp(`reference \\(reference work queue\\) — DLQ ${work.dlqName}: 1 message`));
  expect(listed.stdout).toContain(`type=sinqro-event restaurantId=5120 posCode=reference event=order.created`);
  expect(listed.stdout).toContain(`sinqroId=${id}`);
  const consumer = DEMO_CONSUMERS[0] as (typeof DEMO_CONSUMERS)[0];
  for (const value of [consumer.name, consumer.phone, consumer.email, 'Margherita'])
    expect(listed.stdout).not.toContain(value);
  expect(h.rt.sqs.depth(work.dlqName).visible).toBe(1); // looking did not take it

  const redriven = await cli(['redrive', 'reference', '--local']);
  expect(redriven.code).toBe(0);
  expect(redriven.stdout).toContain('reference: moving 1 message back to the reference work queue');
  await h.waitForPosOrder(id);
  expect(h.rt.sqs.depth(work.dlqName).visible).toBe(0);
});

test('redrive with every dead-letter queue empty says so', async () => {
  const { code, stdout } = await cli(['redrive', '--local']);
  expect(code).toBe(0);
  expect(stdout).toBe('every dead-letter queue is empty, nothing to redrive\n');
});

test('sync-catalog --full shows progress with counts and ends with the counts per entity type', async () => {
  const { code, stdout } = await cli(['sync-catalog', '5120', '--full', '--local']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^full catalog sync \S+ of restaurant 5120 \(reference\) requested/);
  expect(stdout).toMatch(
    /seen \d+, changed \d+, unchanged \d+, deleted \d+, rejected \d+; Sinqro accepted \d+ upserts/,
  );
  expect(stdout).toMatch(/\n\s+product\s+3\s+\d+\s+\d+\s+0\s+0\n/);
  const pushed = (await (await fetch(`${h.rt.urls.sinqro}/_sim/catalog/5120`)).json()) as { products: unknown[] };
  expect(pushed.products.length).toBeGreaterThan(0);
});

test('sync-catalog of an unknown restaurant exits non-zero with a clear message', async () => {
  const { code, stderr } = await cli(['sync-catalog', '999', '--local']);
  expect(code).not.toBe(0);
  expect(stderr).toContain('restaurant 999 is not linked');
});

test('report writes the validation document for the reference POS', async () => {
  const { code, stdout } = await cli(['report', 'reference', '--local']);
  expect(code).toBe(0);
  expect(stdout).toMatch(/^# Integration validation report: Reference POS contract/);
  for (const id of ['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8']) expect(stdout).toContain(`| ${id} |`);
});

test('report with status webhooks off shows polling for status', async () => {
  const { stdout } = await cli(['report', 'reference', '--local', '--json', '--statusWebhooks', 'off']);
  const report = JSON.parse(stdout);
  for (const f of report.features.filter((x: { id: string }) => ['F2', 'F3', 'F4'].includes(x.id)))
    expect(f.orders).toMatchObject({ integrated: true, mechanism: 'polling' });
});

test('an unknown command exits 2 and prints the usage', async () => {
  const { code, stderr } = await cli(['frobnicate', '--local']);
  expect(code).toBe(2);
  expect(stderr).toContain('unknown command "frobnicate"');
  expect(stderr).toContain('Usage: pos-bridge <command>');
});

test('without a runtime the CLI says how to start one', async () => {
  const { code, stderr } = await cli(['restaurants', '--local'], { POS_BRIDGE_RUNTIME_FILE: join(dir, 'none.json') });
  expect(code).toBe(1);
  expect(stderr).toMatch(/^pos-bridge: the local runtime is not running: start it with npm start/);
});
