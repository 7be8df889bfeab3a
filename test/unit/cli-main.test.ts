/** The CLI as a whole (bin/cli/main.ts): exit codes, usage on wrong command lines, the report, the local target. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Io } from '../../bin/cli/commands';
import { run } from '../../bin/cli/main';

let dir: string;
let io: Io & { lines: string[]; errors: string[] };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-main-'));
  process.env.POS_BRIDGE_RUNTIME_FILE = join(dir, 'runtime.json');
  const lines: string[] = [];
  const errors: string[] = [];
  io = { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
});
afterEach(() => {
  delete process.env.POS_BRIDGE_RUNTIME_FILE;
  rmSync(dir, { recursive: true, force: true });
});

const out = () => io.lines.join('\n');
const err = () => io.errors.join('\n');

test('no command prints the usage and succeeds', async () => {
  await expect(run([], io)).resolves.toBe(0);
  expect(out()).toMatch(/^Usage: pos-bridge <command>/);
});

test('an unknown command exits 2 with the message and the usage', async () => {
  await expect(run(['frobnicate', '--local'], io)).resolves.toBe(2);
  expect(io.errors[0]).toBe('pos-bridge: unknown command "frobnicate"');
  expect(err()).toContain('Usage: pos-bridge <command>');
});

test("a wrong argument exits 2 with the command's own usage line", async () => {
  await expect(run(['unlink', 'abc', '--local'], io)).resolves.toBe(2);
  expect(io.errors).toEqual([
    'pos-bridge: restaurantId must be a positive whole number, got "abc"',
    'Usage: pos-bridge unlink <restaurantId> (--local | --stage <name>)',
  ]);
});

test('wrong arguments are refused before the CLI looks for a bridge', async () => {
  // No runtime is running: the message is about the argument, not about the runtime.
  await expect(run(['link', '5120', 'nopos', 'loc-1', '--local'], io)).resolves.toBe(2);
  expect(io.errors[0]).toBe('pos-bridge: unknown POS "nopos": one of reference, square, lightspeedk');
});

test('--local without a running runtime exits 1 telling how to start it', async () => {
  await expect(run(['restaurants', '--local'], io)).resolves.toBe(1);
  expect(io.errors[0]).toMatch(/^pos-bridge: the local runtime is not running: start it with npm start/);
});

test('a runtime file left by a runtime that stopped is recognised as such', async () => {
  const file = process.env.POS_BRIDGE_RUNTIME_FILE as string;
  writeFileSync(
    file,
    JSON.stringify({
      urls: { dynamodb: 'http://127.0.0.1:9', sqs: 'http://127.0.0.1:9' },
      queues: [],
      adapterSettings: {},
    }),
  );
  await expect(run(['restaurants', '--local'], io)).resolves.toBe(1);
  expect(io.errors[0]).toContain('is left from a runtime that stopped');
});

test('an unknown stage exits 1 naming the known stages', async () => {
  await expect(run(['restaurants', '--stage', 'prod'], io)).resolves.toBe(1);
  expect(io.errors[0]).toMatch(/unknown stage "prod": pass --stage <name>, one of: sandbox, production/);
});

describe('report', () => {
  test('prints the Markdown report of a registered POS without any bridge', async () => {
    await expect(run(['report', 'reference'], io)).resolves.toBe(0);
    expect(out().split('\n')[0]).toBe('# Integration validation report: Reference POS contract');
    expect(out()).toContain('| F1 | Receive the order / reservation in the POS | ✅ api | ✅ api |');
  });

  test('--statusWebhooks off shows status features as polled', async () => {
    await run(['report', 'reference', '--statusWebhooks', 'off'], io);
    expect(out()).toContain('| F2 | Accept it through the POS | ✅ polling | ✅ polling |');
    expect(out()).toContain('status webhooks off');
  });

  test('--json prints the report model', async () => {
    await run(['report', 'reference', '--json'], io);
    const report = JSON.parse(out());
    expect(report).toMatchObject({ posCode: 'reference', settings: { statusWebhooks: true } });
    expect(report.features).toHaveLength(8);
  });

  test('--out writes the file and prints a one-line summary', async () => {
    const file = join(dir, 'report.md');
    await expect(run(['report', 'reference', '--out', file], io)).resolves.toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^# Integration validation report: Reference POS contract\n/);
    expect(io.lines).toEqual([
      expect.stringMatching(new RegExp(`^wrote ${file}: reference, orders \\d/8, reservations \\d/8`)),
    ]);
  });

  test("with --stage it applies that stage's settings (and still needs no AWS)", async () => {
    await expect(run(['report', 'reference', '--stage', 'sandbox', '--json'], io)).resolves.toBe(0);
    expect(JSON.parse(out()).settings).toEqual({ statusWebhooks: true, availabilityWebhooks: true });
  });

  test('a flag overrides the settings of the stage', async () => {
    await run(['report', 'reference', '--local', '--json', '--availabilityWebhooks', 'off'], io);
    expect(JSON.parse(out()).settings).toEqual({ statusWebhooks: true, availabilityWebhooks: false });
  });
});
