/**
 * `npm run bench:fixed-cost [-- --restaurants 20,200]`: what the bridge costs per linked restaurant per
 * month when nobody orders, i.e. the scheduler's work (functions/shared/scheduled-jobs.ts): the polling
 * fallback, the stuck-order sweep and the nightly catalog and hours sync, with the work each enqueues.
 * Numbers only, no assertions; `npm run bench` prints the same section.
 *
 * Method. For each setting of the POS webhooks (on, as the stages ship; off, so statuses and availability
 * are polled) and each of two numbers of linked reference-POS restaurants, the local runtime is started
 * with its timers off, a nightly run brings every catalog and schedule into Sinqro, and then each job
 * runs as its EventBridge rule would (`runSchedule`) until every queue is empty again. Each run is
 * counted as bench/run.ts counts a lifecycle (bench/aws-meter.ts): Lambda invocations and billed
 * duration at the deployed memory, SQS requests by action (empty receives apart: the event source
 * mappings' idle long polls are a cost per queue, not per restaurant), DynamoDB read and write units
 * (GSI upkeep included); and besides: Secrets Manager reads (the secrets file read on a cache miss; both
 * caches are emptied before each run, as on Lambda where runs are minutes apart), calls to the POS and to
 * Sinqro (`fetch` by origin), and the bytes the functions log (JSON lines, plus Lambda's START/END/REPORT
 * lines per invocation). A run's counts times the runs in a month of the production stage's schedule
 * (730 hours) is the month; the per-restaurant cost is the slope between the two sizes, and what does not
 * grow with restaurants (the scheduler's own invocations) the intercept, per stack.
 *
 * The restaurants have no open orders: the work a sweep does for an order still open is the order's.
 * Local wall times are the emulation's, on one event loop: Lambda durations are upper bounds.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdapterSettings } from '../adapters/port';
import { setLogSink } from '../functions/shared/logger';
import type { ScheduleJob } from '../functions/shared/scheduled-jobs';
import { settleRunning } from '../local/lambda-context';
import { loadRestaurants } from '../local/load';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime';
import { aws, deployedMemory, installAwsMeter, invocations, observeInvocations } from './aws-meter';
import { PRICES } from './prices';

const JOBS: readonly ScheduleJob[] = ['poll', 'sweep', 'nightly'];
const HOURS_PER_MONTH = 730;
/** The issue's target, with the POS webhooks on. */
const TARGET_PER_RESTAURANT = 0.01;

/** What one run of a job costs, counted. */
type Counts = {
  lambdaInvocations: number;
  lambdaGbSeconds: number;
  sqsRequests: number;
  sqsFifoRequests: number;
  dynamoRequests: number;
  rru: number;
  wru: number;
  secretsCalls: number;
  posCalls: number;
  sinqroCalls: number;
  logBytes: number;
};
const COUNT_KEYS = [
  'lambdaInvocations',
  'lambdaGbSeconds',
  'sqsRequests',
  'sqsFifoRequests',
  'dynamoRequests',
  'rru',
  'wru',
  'secretsCalls',
  'posCalls',
  'sinqroCalls',
  'logBytes',
] as const satisfies readonly (keyof Counts)[];

const zero = (): Counts => Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) as Counts;
const combine = (a: Counts, b: Counts, scale = 1): Counts =>
  Object.fromEntries(COUNT_KEYS.map((k) => [k, a[k] + b[k] * scale])) as Counts;

/** Dollars by AWS line item. */
function price(c: Counts) {
  return {
    lambdaRequests: c.lambdaInvocations * PRICES.lambdaRequest,
    lambdaDuration: c.lambdaGbSeconds * PRICES.lambdaArm64GbSecond,
    sqs: c.sqsRequests * PRICES.sqsRequest + c.sqsFifoRequests * PRICES.sqsFifoRequest,
    dynamoReads: c.rru * PRICES.dynamoRru,
    dynamoWrites: c.wru * PRICES.dynamoWru,
    secretsManager: c.secretsCalls * PRICES.secretsManagerCall,
    cloudWatchLogs: (c.logBytes / 2 ** 30) * PRICES.logsIngestedGb,
  };
}
type Dollars = ReturnType<typeof price>;
const total = (d: Dollars) => Object.values(d).reduce((a, b) => a + b, 0);

// ---------- counting outside the AWS SDK ----------

const counters = { secretsCalls: 0, logBytes: 0, byOrigin: new Map<string, number>() };

/** A cache miss in functions/shared/secrets.ts reads the secrets file: on Lambda, one GetSecretValue. */
function countSecretReads(): void {
  const fs = require('node:fs') as typeof import('node:fs');
  const read = fs.readFileSync;
  fs.readFileSync = ((path: unknown, ...rest: unknown[]) => {
    if (path === process.env.LOCAL_SECRETS_FILE) counters.secretsCalls += 1;
    return (read as (...args: unknown[]) => unknown)(path, ...rest);
  }) as typeof fs.readFileSync;
}

/** Every HTTP call made in this process, by origin (the POS and Sinqro clients use fetch, through ky). */
function countCallsByOrigin(): void {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const origin = new URL(url).origin;
    counters.byOrigin.set(origin, (counters.byOrigin.get(origin) ?? 0) + 1);
    return original(input, init);
  };
}

/** Lambda's own lines per invocation (text format), as CloudWatch Logs ingests them. */
const platformLogBytes = (() => {
  const id = randomUUID();
  return Buffer.byteLength(
    `START RequestId: ${id} Version: $LATEST\n` +
      `END RequestId: ${id}\n` +
      `REPORT RequestId: ${id}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\t\n`,
  );
})();

// ---------- one runtime, one setting, one size ----------

type Measured = { restaurants: number; perRun: Record<ScheduleJob, Counts> };

async function measure(
  count: number,
  webhooks: 'on' | 'off',
  memoryOf: (fn: string) => number,
  progress: (line: string) => void,
): Promise<Measured> {
  const load = loadRestaurants(count, `fixed-${webhooks}`);
  const off: AdapterSettings = { statusWebhooks: false, availabilityWebhooks: false };
  let recording = false;
  observeInvocations(() => recording);
  const rt = await startLocalRuntime({
    ports: { gateway: 0, referencePos: 0, sinqro: 0 },
    log: () => undefined,
    // One batch at a time per worker: concurrent invocations on one event loop would bill each other's waits.
    workerConcurrency: 1,
    scheduleEverySeconds: { poll: 0, sweep: 0, nightly: 0 },
    extraRestaurants: load.extra,
    ...(webhooks === 'off' ? { adapterSettings: { reference: off, square: off } } : {}),
  });
  // Imported once the runtime has set the local endpoints (the store's client is made at import).
  const { clearLinkCache } = await import('../functions/shared/link-cache');
  const { clearSecretCache } = await import('../functions/shared/secrets');
  // The functions' log lines (the runtime's sink is replaced; the simulators' lines go to `log`).
  setLogSink((line) => {
    counters.logBytes += Buffer.byteLength(line) + 1;
  });
  const origins = { pos: [rt.urls.referencePos, rt.urls.squarePos], sinqro: [rt.urls.sinqro] };
  const snapshot = () => {
    const calls = (list: string[]) => list.reduce((n, o) => n + (counters.byOrigin.get(o) ?? 0), 0);
    return {
      invocations: invocations.length,
      sqsFifo: aws.sqs.fifo,
      sqs: aws.sqs.standard,
      dynamoRequests: Object.values(aws.dynamo.calls).reduce((a, b) => a + b, 0),
      rru: aws.dynamo.rru,
      wru: aws.dynamo.wru + aws.dynamo.indexWru,
      secretsCalls: counters.secretsCalls,
      posCalls: calls(origins.pos),
      sinqroCalls: calls(origins.sinqro),
      logBytes: counters.logBytes,
    };
  };
  const run = async (job: ScheduleJob): Promise<{ counts: Counts; restaurants: number }> => {
    clearSecretCache();
    clearLinkCache();
    const before = snapshot();
    recording = true;
    const result = await rt.runSchedule(job);
    await waitQuiet(rt);
    recording = false;
    const after = snapshot();
    const ran = invocations.slice(before.invocations);
    const billedGbSeconds = ran.reduce((n, i) => n + (memoryOf(i.fn) / 1024) * (Math.ceil(i.ms) / 1000), 0);
    return {
      restaurants: result.restaurants,
      counts: {
        lambdaInvocations: ran.length,
        lambdaGbSeconds: billedGbSeconds,
        sqsRequests: after.sqs - before.sqs,
        sqsFifoRequests: after.sqsFifo - before.sqsFifo,
        dynamoRequests: after.dynamoRequests - before.dynamoRequests,
        rru: after.rru - before.rru,
        wru: after.wru - before.wru,
        secretsCalls: after.secretsCalls - before.secretsCalls,
        posCalls: after.posCalls - before.posCalls,
        sinqroCalls: after.sinqroCalls - before.sinqroCalls,
        logBytes: after.logBytes - before.logBytes + ran.length * platformLogBytes,
      },
    };
  };

  try {
    // First sync: every catalog and schedule reaches Sinqro once; the nights after find nothing changed.
    progress(`webhooks ${webhooks}, ${count} restaurants: first nightly sync`);
    await run('nightly');
    const perRun = {} as Record<ScheduleJob, Counts>;
    let restaurants = 0;
    const REPEATS: Record<ScheduleJob, number> = { poll: 3, sweep: 3, nightly: 1 };
    for (const job of JOBS) {
      let sum = zero();
      for (let i = 0; i < REPEATS[job]; i++) {
        const r = await run(job);
        sum = combine(sum, r.counts);
        // A poll with nothing to poll reads no links, and says 0.
        restaurants = Math.max(restaurants, r.restaurants);
      }
      perRun[job] = combine(zero(), sum, 1 / REPEATS[job]);
      progress(`webhooks ${webhooks}, ${restaurants} restaurants: ${job} counted`);
    }
    for (const q of rt.queues)
      if (rt.sqs.depth(q.dlqName).visible > 0) throw new Error(`${q.dlqName} received messages: the run is not clean`);
    return { restaurants, perRun };
  } finally {
    setLogSink(() => undefined);
    await rt.stop();
    load.cleanup();
  }
}

/** Until no queue holds a message, three checks in a row, and no handler is still running. */
async function waitQuiet(rt: LocalRuntime, deadlineMs = 300_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (let calm = 0; calm < 3; ) {
    if (Date.now() > until) throw new Error(`queues not empty after ${deadlineMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
    const busy = rt.queues.some((q) => {
      const d = rt.sqs.depth(q.name);
      return d.visible + d.inFlight > 0;
    });
    calm = busy ? 0 : calm + 1;
  }
  await settleRunning();
}

// ---------- a month, per restaurant and per stack ----------

/** Runs of each job in a month of the production stage's schedule. */
async function runsPerMonth(): Promise<Record<ScheduleJob, number>> {
  const { STAGES } = await import('../lib/stage-config');
  const { pollEvery, sweepEvery } = STAGES.production.schedule;
  const minutes = HOURS_PER_MONTH * 60;
  return {
    poll: minutes / pollEvery.toMinutes(),
    sweep: minutes / sweepEvery.toMinutes(),
    nightly: HOURS_PER_MONTH / 24,
  };
}

type Setting = {
  webhooks: 'on' | 'off';
  sizes: Measured[];
  /** Per job: what a month costs per restaurant (slope) and per stack (intercept), counted and priced. */
  perRestaurant: Record<ScheduleJob, { counts: Counts; dollars: Dollars }>;
  perStack: Record<ScheduleJob, { counts: Counts; dollars: Dollars }>;
};

function slopeAndIntercept(
  sizes: Measured[],
  runs: Record<ScheduleJob, number>,
): Pick<Setting, 'perRestaurant' | 'perStack'> {
  const [small, large] = sizes as [Measured, Measured];
  const span = large.restaurants - small.restaurants;
  const perRestaurant = {} as Setting['perRestaurant'];
  const perStack = {} as Setting['perStack'];
  for (const job of JOBS) {
    const month = (m: Measured) => combine(zero(), m.perRun[job], runs[job]);
    const slope = combine(month(large), month(small), -1);
    const counts = combine(zero(), slope, 1 / span);
    const intercept = combine(month(small), counts, -small.restaurants);
    perRestaurant[job] = { counts, dollars: price(counts) };
    perStack[job] = { counts: intercept, dollars: price(intercept) };
  }
  return { perRestaurant, perStack };
}

const monthTotal = (s: Setting, restaurants: number) =>
  JOBS.reduce((n, job) => n + total(s.perStack[job].dollars) + restaurants * total(s.perRestaurant[job].dollars), 0);

// ---------- output ----------

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const money = (n: number) => (Math.abs(n) < 0.00005 ? '0' : n.toFixed(Math.abs(n) < 0.01 ? 5 : 2));

export function printFixedCost(settings: Setting[], runs: Record<ScheduleJob, number>, out: (line: string) => void) {
  const row = (label: string, ...cells: string[]) =>
    out(`  ${label.padEnd(30)}${cells.map((c) => c.padStart(11)).join('')}`);
  out(
    `\nFixed cost per restaurant per month (no orders): the scheduler's jobs, a month of ${HOURS_PER_MONTH} h = ` +
      `${JOBS.map((j) => `${j} ×${f(runs[j], j === 'nightly' ? 1 : 0)}`).join(', ')}`,
  );
  for (const s of settings) {
    const large = s.sizes[s.sizes.length - 1] as Measured;
    out(`\n  webhooks ${s.webhooks}: one run with ${large.restaurants} restaurants linked`);
    row('', ...JOBS);
    const line = (label: string, key: keyof Counts, digits = 1) =>
      row(label, ...JOBS.map((j) => f(large.perRun[j][key], digits)));
    line('Lambda invocations', 'lambdaInvocations');
    line('Lambda GB-s (billed)', 'lambdaGbSeconds', 3);
    line('SQS requests', 'sqsRequests');
    line('DynamoDB requests', 'dynamoRequests');
    line('DynamoDB RRU / WRU', 'rru');
    line('', 'wru');
    line('Secrets Manager calls', 'secretsCalls');
    line('POS / Sinqro calls', 'posCalls');
    line('', 'sinqroCalls');
    row('log KB', ...JOBS.map((j) => f(large.perRun[j].logBytes / 1024, 1)));
    out(`  per restaurant per month ($)`);
    row('', ...JOBS, 'total');
    const keys = Object.keys(price(zero())) as (keyof Dollars)[];
    for (const k of keys)
      row(
        `  ${k}`,
        ...JOBS.map((j) => money(s.perRestaurant[j].dollars[k])),
        money(JOBS.reduce((n, j) => n + s.perRestaurant[j].dollars[k], 0)),
      );
    const perRestaurant = JOBS.reduce((n, j) => n + total(s.perRestaurant[j].dollars), 0);
    row(
      '  total',
      ...JOBS.map((j) => money(total(s.perRestaurant[j].dollars))),
      money(perRestaurant),
      s.webhooks === 'on' ? `≤ ${TARGET_PER_RESTAURANT}` : '',
    );
    row(
      'per stack per month ($)',
      ...JOBS.map((j) => money(total(s.perStack[j].dollars))),
      money(JOBS.reduce((n, j) => n + total(s.perStack[j].dollars), 0)),
    );
  }
  out('\n  a month in all ($)                  100 rest.  10,000 rest.  per rest.');
  for (const s of settings)
    row(
      `webhooks ${s.webhooks}`,
      money(monthTotal(s, 100)),
      money(monthTotal(s, 10_000)),
      money(JOBS.reduce((n, j) => n + total(s.perRestaurant[j].dollars), 0)),
      s.webhooks === 'on' ? `≤ ${TARGET_PER_RESTAURANT}` : '',
    );
  out(
    `  not work, not in the totals: each restaurant's Sinqro token is a secret of its own, $${PRICES.secretsManagerSecretMonth} a month`,
  );
  out('  in Secrets Manager; EventBridge scheduled rules: $0 (bench/prices.ts); idle SQS long polls: per queue.');
}

// ---------- main ----------

const sizesArg = () => {
  const i = process.argv.indexOf('--restaurants');
  const sizes = (i >= 0 ? (process.argv[i + 1] ?? '') : '20,200').split(',').map(Number);
  if (
    sizes.length !== 2 ||
    sizes.some((n) => !Number.isInteger(n) || n < 1) ||
    (sizes[0] as number) >= (sizes[1] as number)
  )
    throw new Error('--restaurants takes two sizes, smaller first, e.g. 20,200');
  return sizes as [number, number];
};

/**
 * One setting at one size, in a process of its own (`--measure on 20`): the handlers' clients are made
 * once per process, against the endpoints of the first runtime it starts.
 */
function measureInChild(count: number, webhooks: 'on' | 'off'): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, '--measure', webhooks, String(count)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`measuring ${count} restaurants, webhooks ${webhooks}: exit ${code}`));
      else resolve(JSON.parse(stdout) as Measured);
    });
  });
}

async function measureHere(webhooks: 'on' | 'off', count: number): Promise<void> {
  installAwsMeter();
  countSecretReads();
  countCallsByOrigin();
  // Deployed functions log JSON; the local runtime's default is a shorter "pretty" line.
  process.env.LOG_FORMAT = 'json';
  const memoryOf = await deployedMemory();
  const t0 = performance.now();
  const progress = (line: string) =>
    process.stderr.write(`[fixed-cost] ${line} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  const measured = await measure(count, webhooks, memoryOf, progress);
  process.stdout.write(JSON.stringify(measured));
}

/** Measures both settings at both sizes and prints the section; the results also go to bench/fixed-cost.json. */
export async function fixedCost(opts: { sizes?: [number, number]; out: (line: string) => void }): Promise<Setting[]> {
  const sizes = opts.sizes ?? [20, 200];
  const runs = await runsPerMonth();
  const settings: Setting[] = [];
  for (const webhooks of ['on', 'off'] as const) {
    const measured: Measured[] = [];
    for (const count of sizes) measured.push(await measureInChild(count, webhooks));
    settings.push({ webhooks, sizes: measured, ...slopeAndIntercept(measured, runs) });
  }
  printFixedCost(settings, runs, opts.out);
  writeFileSync(
    join(__dirname, 'fixed-cost.json'),
    `${JSON.stringify({ at: new Date().toISOString(), runsPerMonth: runs, settings }, null, 2)}\n`,
  );
  return settings;
}

if (require.main === module) {
  const i = process.argv.indexOf('--measure');
  const done =
    i >= 0
      ? measureHere(process.argv[i + 1] === 'off' ? 'off' : 'on', Number(process.argv[i + 2]))
      : fixedCost({ sizes: sizesArg(), out: (line) => process.stdout.write(`${line}\n`) });
  done.catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
