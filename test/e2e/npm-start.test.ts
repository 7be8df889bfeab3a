/**
 * The two commands a user runs: `npm start` serves the stack (an event signed by hand, as the README
 * shows, reaches the POS simulator), and `npm run demo` plays the whole flow and exits 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { demoOrder, envelope } from '../../local/demo/data';
import { waitFor } from '../../local/runtime/wait';

jest.setTimeout(60_000);
const root = resolve(__dirname, '../..');
// node --import tsx, not the tsx CLI: the CLI relays SIGTERM to its child only if the child answers within
// 30 ms, and on a loaded machine it force-kills it instead (exit 143).

function run(args: string[], env: Record<string, string> = {}) {
  // Its own process group: a failed test kills the whole group, leaving nothing behind.
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const output = { text: '' };
  child.stdout?.on('data', (d) => {
    output.text += d;
  });
  child.stderr?.on('data', (d) => {
    output.text += d;
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output, exited };
}

let started: { child: ChildProcess; exited: Promise<number | null> } | undefined;
afterEach(async () => {
  if (started && started.child.exitCode === null) {
    process.kill(-(started.child.pid as number), 'SIGKILL');
    await started.exited;
  }
});

/** Free ports everywhere, and the runtime file away from the repository's `.local/` (a real npm start may be running). */
const startEnv = (runtimeFile: string) => ({
  PORT: '0',
  REFERENCE_POS_PORT: '0',
  SINQRO_SIM_PORT: '0',
  DYNAMODB_PORT: '0',
  SQS_PORT: '0',
  LIGHTSPEED_K_POS_PORT: '0',
  POS_BRIDGE_RUNTIME_FILE: runtimeFile,
});
const tmpRuntimeFile = () => join(mkdtempSync(join(tmpdir(), 'npm-start-')), 'runtime.json');

test('npm start serves the bridge: an event signed by hand reaches the POS simulator', async () => {
  const proc = run(['bin/local.ts'], startEnv(tmpRuntimeFile()));
  started = proc;
  const banner = await waitFor(
    'the banner',
    () => /bridge \(API Gateway\)\s+(\S+)[\s\S]*reference POS sim\s+(\S+)/.exec(proc.output.text) ?? undefined,
    30_000,
  );
  const [gateway, pos] = [banner[1] as string, banner[2] as string];

  const secret = 'demo-sinqro-webhook-signing-secret-0001'; // local/runtime/secrets.json, as the README says
  const id = 810_000_000 + (process.pid % 100_000);
  const body = JSON.stringify(envelope('order.created', demoOrder(id)));
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  const res = await fetch(`${gateway}/sinqro/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-sinqro-signature': `t=${t},v1=${v1}` },
    body,
  });
  expect(res.status).toBe(202);
  await waitFor('the order in the POS simulator', async () => {
    const orders = (await (await fetch(`${pos}/_sim/orders`)).json()) as { externalReference: string }[];
    return orders.some((o) => o.externalReference === String(id));
  });
  await waitFor('a step line for the injection', () => proc.output.text.includes('injected into POS'));

  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
});

test('npm start writes the runtime file the operator CLI reads, and removes it when stopped', async () => {
  const file = tmpRuntimeFile();
  const proc = run(['bin/local.ts'], startEnv(file));
  started = proc;
  await waitFor('the banner', () => proc.output.text.includes('scheduler'), 30_000);
  const described = JSON.parse(readFileSync(file, 'utf8'));
  expect(described).toMatchObject({ pid: expect.any(Number), stage: 'local', tableName: 'sinqro-pos-bridge-local' });
  expect(proc.output.text).toContain(described.urls.dynamodb);
  expect(proc.output.text).toContain('demo restaurant 5122 (Trattoria Lightspeed) → K-Series (lightspeedk)');

  proc.child.kill('SIGTERM');
  expect(await proc.exited).toBe(0);
  expect(existsSync(file)).toBe(false);
});

test('npm run demo plays the whole flow and exits 0 with the timeline', async () => {
  const proc = run(['local/demo/demo.ts']);
  started = proc;
  expect(await proc.exited).toBe(0);
  expect(proc.output.text).toContain('demo complete');
  expect(proc.output.text).toMatch(/Sinqro: waiting_sp_validation → accepted → preparing → ready → collected/);
  expect(proc.output.text).toMatch(
    /Sinqro: closed from \d\d:\d\d until \d\d:\d\d UTC[\s\S]*Fri 13:00–16:00 {2}20:00–01:30\(\+1\)/,
  ); // The K-Series order: the POS took it, staff made it ready and closed it; no request broke the spec.
  expect(proc.output.text).toContain('K-Series: PENDING → SUCCESS → READY_FOR_PICKUP → CLOSED');
  expect(proc.output.text).toContain('Every request the bridge sent K-Series conformed to the published spec');
});
