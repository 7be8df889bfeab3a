/**
 * `npm run bench:fixed-cost [-- --restaurants 20,200 --products 200]`: what the bridge costs per linked restaurant per
 * month when nobody orders, i.e. the scheduler's work (functions/worker/scheduled-jobs.ts): the polling
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
 * The nightly sync reads every catalog entity and marks it seen (one write each): with webhooks on, the
 * smaller runtime also replaces one restaurant's demo menu with a generated catalog (`--products`) and
 * counts a nightly run again, which gives the cost of one more catalog entity.
 *
 * The restaurants have no open orders: the work a sweep does for an order still open is the order's.
 * Local wall times are the emulation's, on one event loop: Lambda durations are upper bounds.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdapterSettings } from '../adapters/port';
import { setLogSink } from '../functions/infra/logger';
import type { ScheduleJob } from '../functions/worker/scheduled-jobs';
import config from '../local/runtime/config.json';
import { settleRunning } from '../local/runtime/lambda-context';
import { loadRestaurants } from '../local/runtime/load';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime/runtime';
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

/** A cache miss in functions/infra/secrets.ts reads the secrets file: on Lambda, one GetSecretValue. */
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

/** A nightly run again, one restaurant's demo menu replaced by a generated catalog: what more entities cost. */
type CatalogRun = { products: number; entities: number; demoEntities: number; nightly: Counts };
type Measured = { restaurants: number; perRun: Record<ScheduleJob, Counts>; catalog?: CatalogRun };

async function measure(
  count: number,
  webhooks: 'on' | 'off',
  catalogProducts: number | undefined,
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
  const { clearLinkCache } = await import('../functions/store/link-cache');
  const { clearSecretCache } = await import('../functions/infra/secrets');
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
      progress(`webhooks ${webhooks}, ${count} restaurants: ${job} counted`);
    }
    const catalog = catalogProducts ? await largerCatalog(rt, catalogProducts, () => run('nightly')) : undefined;
    if (catalog)
      progress(`webhooks ${webhooks}, ${count} restaurants: nightly with ${catalog.entities} entities counted`);
    for (const q of rt.queues)
      if (rt.sqs.depth(q.dlqName).visible > 0) throw new Error(`${q.dlqName} received messages: the run is not clean`);
    return { restaurants, perRun, ...(catalog ? { catalog } : {}) };
  } finally {
    setLogSink(() => undefined);
    await rt.stop();
    load.cleanup();
  }
}

/**
 * The demo restaurant's menu replaced by a generated catalog of `products` products in the POS: a first
 * nightly run brings it into Sinqro, the next is counted (nothing changed).
 */
async function largerCatalog(
  rt: LocalRuntime,
  products: number,
  nightly: () => Promise<{ counts: Counts }>,
): Promise<CatalogRun> {
  const location = rt.referencePos.catalog;
  const demoLocation = config.restaurants.find((r) => r.posCode === 'reference')?.posLocationId as string;
  const entitiesAt = () => Object.values(location.view(demoLocation)).reduce((n, items) => n + items.length, 0);
  const demoEntities = entitiesAt();
  const res = await fetch(`${rt.urls.referencePos}/_sim/catalog/generate`, {
    method: 'POST',
    body: JSON.stringify({ products, notify: false }),
  });
  if (res.status !== 200) throw new Error(`the POS simulator answered ${res.status} to generating a catalog`);
  await res.arrayBuffer();
  await nightly();
  return { products, entities: entitiesAt(), demoEntities, nightly: (await nightly()).counts };
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
  /** What one more catalog entity of a restaurant costs a month (the nightly sync), when measured. */
  perEntity?: { counts: Counts; dollars: Dollars; run: CatalogRun };
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

function perCatalogEntity(small: Measured, runs: Record<ScheduleJob, number>): Setting['perEntity'] {
  const run = small.catalog;
  if (!run) return undefined;
  const more = combine(run.nightly, small.perRun.nightly, -1);
  const counts = combine(zero(), more, runs.nightly / (run.entities - run.demoEntities));
  return { counts, dollars: price(counts), run };
}

const perRestaurantTotal = (s: Setting) => JOBS.reduce((n, j) => n + total(s.perRestaurant[j].dollars), 0);

const monthTotal = (s: Setting, restaurants: number) =>
  JOBS.reduce((n, job) => n + total(s.perStack[job].dollars) + restaurants * total(s.perRestaurant[job].dollars), 0);

// ---------- output ----------

const f = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const money = (n: number) =>
  Math.abs(n) < 0.000005 ? '0' : n.toFixed(Math.abs(n) >= 100 ? 2 : Math.abs(n) >= 1 ? 3 : 5);

export function printFixedCost(
  settings: Setting[],
  runs: Record<ScheduleJob, number>,
  out: (line: string) => void,
  number = '',
) {
  const row = (label: string, ...cells: string[]) =>
    out(`  ${label.padEnd(30)}${cells.map((c) => c.padStart(11)).join('')}`);
  out(
    `\n${number}Fixed cost per restaurant per month (no orders): the scheduler's jobs, a month of ${HOURS_PER_MONTH} h = ` +
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
    const perRestaurant = perRestaurantTotal(s);
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
    if (s.perEntity) {
      const { run, counts, dollars } = s.perEntity;
      const each = total(dollars);
      const upTo = run.demoEntities + (TARGET_PER_RESTAURANT - perRestaurant) / each;
      out(
        `  each catalog entity a restaurant has adds $${money(each * 1000)} a month per 1,000 entities to its nightly sync ` +
          `(${f(counts.wru / runs.nightly, 2)} WRU,`,
      );
      out(
        `  ${f(counts.rru / runs.nightly, 2)} RRU, ${f(counts.sqsRequests / runs.nightly, 3)} SQS requests a night each; measured: the demo menu's ` +
          `${run.demoEntities} entities at one restaurant`,
      );
      out(
        `  replaced by ${run.products} generated products, ${run.entities} entities). With the rest as above, ` +
          `≤ ${TARGET_PER_RESTAURANT} holds up to about ${f(upTo, 0)} entities.`,
      );
    }
  }
  out('\n  a month in all ($)                  100 rest.  10,000 rest.  per rest.');
  for (const s of settings)
    row(
      `webhooks ${s.webhooks}`,
      money(monthTotal(s, 100)),
      money(monthTotal(s, 10_000)),
      money(perRestaurantTotal(s)),
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
function measureInChild(count: number, webhooks: 'on' | 'off', products?: number): Promise<Measured> {
  const args = ['--measure', webhooks, String(count), ...(products ? ['--products', String(products)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', __filename, ...args], {
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

async function measureHere(webhooks: 'on' | 'off', count: number, products?: number): Promise<void> {
  installAwsMeter();
  countSecretReads();
  countCallsByOrigin();
  // Deployed functions log JSON; the local runtime's default is a shorter "pretty" line.
  process.env.LOG_FORMAT = 'json';
  const memoryOf = await deployedMemory();
  const t0 = performance.now();
  const progress = (line: string) =>
    process.stderr.write(`[fixed-cost] ${line} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  const measured = await measure(count, webhooks, products, memoryOf, progress);
  process.stdout.write(JSON.stringify(measured));
}

const productsArg = () => {
  const i = process.argv.indexOf('--products');
  if (i < 0) return undefined;
  const products = Number(process.argv[i + 1]);
  if (!Number.isInteger(products) || products < 1) throw new Error('--products takes a number of products');
  return products;
};

/** Measures both settings at both sizes and prints the section; the results also go to bench/fixed-cost.json. */
export async function fixedCost(opts: {
  sizes?: [number, number];
  /** Products of the generated catalog the cost per catalog entity is measured with (webhooks on). */
  products?: number;
  out: (line: string) => void;
  /** The section's number in a longer report (`npm run bench`: "6. "). */
  number?: string;
}): Promise<Setting[]> {
  const sizes = opts.sizes ?? [20, 200];
  const runs = await runsPerMonth();
  const settings: Setting[] = [];
  for (const webhooks of ['on', 'off'] as const) {
    const measured: Measured[] = [];
    for (const count of sizes)
      measured.push(
        await measureInChild(
          count,
          webhooks,
          webhooks === 'on' && count === sizes[0] ? (opts.products ?? 200) : undefined,
        ),
      );
    const perEntity = perCatalogEntity(measured[0] as Measured, runs);
    settings.push({
      webhooks,
      sizes: measured,
      ...slopeAndIntercept(measured, runs),
      ...(perEntity ? { perEntity } : {}),
    });
  }
  printFixedCost(settings, runs, opts.out, opts.number);
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
      ? measureHere(process.argv[i + 1] === 'off' ? 'off' : 'on', Number(process.argv[i + 2]), productsArg())
      : fixedCost({ sizes: sizesArg(), products: productsArg(), out: (line) => process.stdout.write(`${line}\n`) });
  done.catch((error) => {
    process.stderr.write(`${(error as Error).stack ?? error}\n`);
    process.exit(1);
  });
}
