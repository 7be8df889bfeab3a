/**
 * `npm run bench [-- --orders 2000 --restaurants 50 --concurrency 50 --worker-concurrency 4]`: the
 * bridge's speed, cost and size, against the physical floor, in one run. Numbers only, no assertions.
 *
 * 1. End to end: N orders across M restaurants through the local runtime, each through its whole life
 *    (order.created → in the POS → waiting_sp_validation → accepted → preparing → ready → collected;
 *    staff moves through the reference POS simulator). Latency (a) Sinqro event sent to the gateway →
 *    order stored by the POS simulator, (b) POS status webhook fired → status recorded by the Sinqro
 *    simulator. Both ends are timed in this process with performance.now() through small hooks on the
 *    simulators' in-memory stores (no polling). Floor: the same orders posted straight to the POS
 *    simulator, the same statuses straight to the Sinqro simulator, timed the same way.
 * 2. Ingress cost: each gateway invocation is timed (setInvocationObserver, local/runtime/lambda-context.ts);
 *    every AWS SDK call made inside it (DynamoDB, SQS clients' `send`, wrapped by this file only) is
 *    timed too, as the union of the intervals when at least one call is in flight (AsyncLocalStorage
 *    ties a call to its invocation). Own work = invocation wall time − I/O time. Measured twice: one
 *    request at a time after the counted run (`--isolated 500` of each; Sinqro resends order.created
 *    under a new id, the POS resends final statuses), as Lambda runs one request per environment and
 *    the figure the target is held to; and under the run's load, where every handler shares one event
 *    loop with the whole emulation, so "own work" also holds the wait for the loop (approximate).
 * 3. AWS requests per lifecycle: API Gateway requests (gateway counter), Lambda invocations and billed
 *    duration (wall time per invocation rounded up to 1 ms, at the memory lib/bridge-function.ts sets),
 *    SQS calls by action (LocalSqs.calls; empty long polls counted apart), DynamoDB RRU/WRU from
 *    `ReturnConsumedCapacity: 'TOTAL'`, which the wrapped `send` adds to every DynamoDB command, plus
 *    the write units of GSI upkeep, which dynalite does not report (bench/index-units.ts).
 * 4. Bundles: each Lambda entry bundled with esbuild as lib/bridge-function.ts does; cold init = the
 *    wall time of a fresh `node` process that imports the bundle and exits (median of 10), as a Lambda
 *    cold start pays runtime start + import, against a hello-world bundle measured the same way. The
 *    import alone (timed inside that process) is printed beside it. An extra row bundles only the SQS
 *    client and valibot with esbuild's default entry points: it reproduces issue 6's calibration
 *    ("about 460 KB, 1.8× hello-world"), which only the whole-process measurement gives (the import
 *    alone is 10–15× hello's, whose import is almost nothing).
 * 5. Peak RSS of this process (the whole local runtime and the load driver), sampled every 50 ms.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setLogSink } from '../functions/infra/logger';
import { setInvocationObserver } from '../local/runtime/lambda-context';
import { loadRestaurants, pool } from '../local/runtime/load';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime/runtime';
import { aws, deployedMemory, type Invocation, installAwsMeter, invocations, observeInvocations } from './aws-meter';
import { DEPLOYED_BUILD, INGRESS_ENTRIES, LAMBDA_ENTRIES } from './deployed-build';
import { fixedCost } from './fixed-cost';
import { idleLatency, printIdle, Timeline } from './idle';
import { Lifecycles, newLatencies } from './lifecycle';
import { PRICES } from './prices';
import { f, median, pct, stats } from './stats';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const ORDERS = arg('orders', 2000);
const RESTAURANTS = arg('restaurants', 50);
const CONCURRENCY = arg('concurrency', RESTAURANTS);
const WORKER_CONCURRENCY = arg('worker-concurrency', 4);
const COLD_RUNS = arg('cold-runs', 10);
const ISOLATED = arg('isolated', 500);
const IDLE_ORDERS = arg('idle-orders', 50);
/** Only the idle section (1b): a quick look at the latency a lone order pays. */
const IDLE_ONLY = process.argv.includes('--idle-only');
const out = (line = '') => process.stdout.write(`${line}\n`);
/** Progress goes to stderr, so stdout keeps only the table. */
const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
/** Prints "<what>: done/total" every 10 s until stopped. */
function progressEvery(what: string, total: number, done: () => number): () => void {
  const t0 = performance.now();
  const timer = setInterval(
    () => progress(`${what}: ${done()}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s)`),
    10_000,
  );
  return () => {
    clearInterval(timer);
    progress(`${what}: ${done()}/${total} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };
}
const ROOT = resolve(__dirname, '..');

// ---------- 1–3: the run through the local runtime ----------

/** Set while the counted run and the one-at-a-time ingress run go: invocations are kept for the figures. */
let recording = false;
/** Invocation starts and SQS sends for the idle section's hops (bench/idle.ts). */
const timeline = new Timeline();

/** The SDK accounting and the invocation timing (bench/aws-meter.ts), installed once before the runtime starts. */
function instrument() {
  installAwsMeter({ onSqsSend: (fn) => timeline.mark('send', fn) });
  observeInvocations(
    () => recording,
    (fn, at) => timeline.mark('start', fn, at),
  );
}

async function startRuntime() {
  const load = loadRestaurants(RESTAURANTS, 'bench');
  setLogSink(() => undefined);
  const rt = await startLocalRuntime({
    ports: { gateway: 0, referencePos: 0, sinqro: 0 },
    log: () => undefined,
    workerConcurrency: WORKER_CONCURRENCY,
    scheduleEverySeconds: { poll: 0, sweep: 0, nightly: 0 },
    extraRestaurants: load.extra,
  });
  return { load, rt, lifecycles: new Lifecycles(rt, load) };
}

async function endToEnd(rt: LocalRuntime, lifecycles: Lifecycles) {
  const orders = lifecycles.newOrders(ORDERS);
  const latency = { bridge: newLatencies(), floor: newLatencies() };

  const snapshot = () => ({
    gateway: rt.gateway.requests,
    sqs: { ...rt.sqs.calls },
    sqsFifoBilled: rt.sqs.fifoBilled,
    emptyReceives: aws.emptyReceives,
    dynamo: { calls: { ...aws.dynamo.calls }, rru: aws.dynamo.rru, wru: aws.dynamo.wru, indexWru: aws.dynamo.indexWru },
  });
  const before = snapshot();
  recording = true;
  const t0 = performance.now();
  let lived = 0;
  const bridgeDone = progressEvery('bridge lifecycles', ORDERS, () => lived);
  await pool(orders, CONCURRENCY, async (o) => {
    await lifecycles.bridge(o, latency.bridge);
    lived += 1;
  });
  bridgeDone();
  const bridgeMs = performance.now() - t0;
  // Let the last deletes and publications settle (one long-poll cycle), then count.
  await new Promise((r) => setTimeout(r, 1500));
  recording = false;
  const after = snapshot();

  // The floor: the same orders straight into the POS, the same statuses straight to Sinqro.
  lifecycles.phase = 'floor';
  const f0 = performance.now();
  let floored = 0;
  const floorDone = progressEvery('floor lifecycles', ORDERS, () => floored);
  await pool(orders, CONCURRENCY, async (o) => {
    await lifecycles.floor(o, latency.floor);
    floored += 1;
  });
  floorDone();
  const floorMs = performance.now() - f0;
  lifecycles.phase = 'bridge';

  // Ingress one request at a time, as Lambda runs them (one request per execution environment): under
  // the load above, every handler shares one event loop with everything else, and "own work" also holds
  // the wait for it. Sinqro resends order.created under a new event id, the POS resends each order's
  // final status (both are new events to ingress; the worker finds them already handled). After the
  // counted snapshot, so these requests are not in the per-lifecycle figures.
  await new Promise((r) => setTimeout(r, 1500));
  const isolatedFrom = invocations.length;
  recording = true;
  const ingressSince = () => invocations.slice(isolatedFrom).filter((i) => i.fn.endsWith('-webhook')).length;
  const isolatedDone = progressEvery('ingress one at a time', 2 * ISOLATED, ingressSince);
  const nth = (i: number) => orders[i % orders.length] as (typeof orders)[number];
  for (let i = 0; i < ISOLATED; i++) await lifecycles.postOrderCreated(nth(i));
  for (let i = 0; i < ISOLATED; i++) {
    const pos = lifecycles.posOrderOf(nth(i));
    const status = await rt.referencePos.fireWebhook(pos);
    if (status !== 200) throw new Error(`bridge answered ${status} to a resent webhook of ${pos.id}`);
  }
  isolatedDone();
  recording = false;
  const isolated = invocations.splice(isolatedFrom);

  const pollerInvocations = Object.fromEntries(rt.pollers.map((p) => [p.opts.functionName, p.invocations]));
  return { bridgeMs, floorMs, latency, before, after, pollerInvocations, isolated };
}

// ---------- 4: bundles and cold init ----------

const CALIBRATION = 'ref: SQS client + valibot';
/**
 * Issue 6's calibration bundle: only the SQS client and valibot, bundled as esbuild does by default
 * (CommonJS entry points first), which is the "about 460 KB, 1.8× hello-world" the targets were set from.
 */
const CALIBRATION_SOURCE = `import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as v from 'valibot';
const Body = v.object({ id: v.string() });
const sqs = new SQSClient({});
export const handler = async (event) => {
  const body = v.parse(Body, JSON.parse(event.body));
  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.QUEUE_URL, MessageBody: JSON.stringify(body) }));
  return { statusCode: 202 };
};
`;

async function bundles() {
  const esbuild = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'bridge-bundles-'));
  const hello = join(dir, 'hello.ts');
  writeFileSync(hello, 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n');
  const calibration = join(dir, 'calibration.mjs');
  writeFileSync(calibration, CALIBRATION_SOURCE);
  const entries = [
    { name: 'hello-world', file: hello },
    ...LAMBDA_ENTRIES.map((name) => ({ name, file: join(ROOT, 'functions', `${name}.ts`) })),
  ];
  const built: { name: string; path: string; kb: number }[] = [];
  const build = async (name: string, options: Record<string, unknown>) => {
    const outfile = join(dir, name, 'index.mjs');
    mkdirSync(join(dir, name), { recursive: true });
    await esbuild.build({ ...options, outfile, nodePaths: [join(ROOT, 'node_modules')] });
    built.push({ name, path: outfile, kb: statSync(outfile).size / 1024 });
  };
  progress(`bundling ${entries.length + 1} entries with esbuild`);
  for (const e of entries) await build(e.name, { ...DEPLOYED_BUILD, entryPoints: [e.file] });
  await build(CALIBRATION, {
    ...DEPLOYED_BUILD,
    mainFields: undefined,
    sourcemap: false,
    entryPoints: [calibration],
  });
  // A handler module may read its environment at import: harmless values, no endpoints reached.
  const env = {
    ...process.env,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    TABLE_NAME: 'bench',
    // As deployed: lib/bridge-function.ts sets no NODE_OPTIONS (--enable-source-maps doubled the import time).
    NODE_OPTIONS: '',
    NODE_NO_WARNINGS: '1',
  };
  // Cold init = a fresh node process that imports the bundle and exits: runtime start + import, as a
  // Lambda cold start pays both. The import alone (timed inside that process) is printed beside it.
  const loader = join(dir, 'bundle-loader.mjs');
  writeFileSync(
    loader,
    'const t = performance.now(); await import(process.argv[2]); process.stdout.write(String(performance.now() - t));\n',
  );
  const samples = new Map<string, { process: number[]; importOnly: number[] }>(
    built.map((b) => [b.name, { process: [], importOnly: [] }]),
  );
  progress(`cold init: ${COLD_RUNS} fresh node processes per bundle`);
  for (let i = 0; i < COLD_RUNS; i++)
    for (const b of built) {
      const t = performance.now();
      const importMs = Number(
        execFileSync(process.execPath, [loader, pathToFileURL(b.path).href], { env, encoding: 'utf8' }),
      );
      const s = samples.get(b.name);
      s?.process.push(performance.now() - t);
      s?.importOnly.push(importMs);
    }
  rmSync(dir, { recursive: true, force: true });
  const helloOf = samples.get('hello-world') as { process: number[]; importOnly: number[] };
  const helloMs = median(helloOf.process);
  const helloImportMs = median(helloOf.importOnly);
  return built.map((b) => {
    const s = samples.get(b.name) as { process: number[]; importOnly: number[] };
    const coldMs = median(s.process);
    const importMs = median(s.importOnly);
    return {
      name: b.name,
      kb: b.kb,
      coldInitMs: coldMs,
      ratio: coldMs / helloMs,
      importOnlyMs: importMs,
      importOnlyRatio: importMs / helloImportMs,
      limit: b.name === 'hello-world' || b.name === CALIBRATION ? undefined : INGRESS_ENTRIES.has(b.name) ? 2 : 2.5,
    };
  });
}

type BundleRow = Awaited<ReturnType<typeof bundles>>[number];

function printBundles(rows: BundleRow[]) {
  out('\n4. Bundles (esbuild, as deployed)            KB   cold ms   × hello    target import ms   × hello');
  for (const b of rows)
    out(
      `  ${b.name.padEnd(30)}${[
        f(b.kb, 1),
        f(b.coldInitMs, 1),
        `${f(b.ratio, 2)}×`,
        b.limit ? `≤ ${b.limit}×` : '',
        f(b.importOnlyMs, 1),
        `${f(b.importOnlyRatio, 1)}×`,
      ]
        .map((c) => c.padStart(10))
        .join('')}`,
    );
  out('   cold = a fresh `node` process importing the bundle, wall time (median); import = the import alone,');
  out("   timed inside that process. The reference row reproduces the issue's calibration (SQS client + valibot).");
}

// ---------- main ----------

async function main() {
  if (process.argv.includes('--bundles-only')) {
    printBundles(await bundles());
    return;
  }
  // memoryUsage.rss() alone: the full memoryUsage() walks the heap spaces (2 s of CPU in a 2-minute run).
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  instrument();
  const { load, rt, lifecycles } = await startRuntime();
  // At idle first, on the fresh runtime: nothing else in flight, nothing counted yet.
  const idle = await idleLatency(lifecycles, timeline, IDLE_ORDERS, progress);
  const run = IDLE_ONLY ? undefined : await endToEnd(rt, lifecycles);
  setLogSink(() => undefined);
  await rt.stop();
  setInvocationObserver(undefined);
  load.cleanup();
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  clearInterval(sampler);
  if (!run) {
    out(`\nsinqro-pos-bridge benchmark, idle section only — ${new Date().toISOString()}`);
    out(
      `Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs; everything in one process over loopback`,
    );
    printIdle(idle, out);
    out(`\nphases: idle ${f(idle.wallMs / 1000, 1)} s`);
    return;
  }

  // Memory per function, as configured for deployment (loaded only now: aws-cdk-lib is heavy).
  const memoryOf = await deployedMemory();

  const lifecycleCount = ORDERS;
  const per = (n: number) => n / lifecycleCount;
  const { before, after } = run;
  const sqsCalls: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.sqs)) sqsCalls[k] = v - (before.sqs[k] ?? 0);
  const emptyReceives = after.emptyReceives - before.emptyReceives;
  const sqsBilled = Object.values(sqsCalls).reduce((a, b) => a + b, 0) - emptyReceives;
  // The to-sinqro queue is FIFO, billed at FIFO's rate.
  const fifoBilled = after.sqsFifoBilled - before.sqsFifoBilled;
  const dynamoCalls: Record<string, number> = {};
  for (const [k, v] of Object.entries(after.dynamo.calls))
    if (v > (before.dynamo.calls[k] ?? 0)) dynamoCalls[k] = v - (before.dynamo.calls[k] ?? 0);
  const rru = after.dynamo.rru - before.dynamo.rru;
  const indexWru = after.dynamo.indexWru - before.dynamo.indexWru;
  const wru = after.dynamo.wru - before.dynamo.wru + indexWru;
  const apiRequests = after.gateway - before.gateway;

  const byFn = new Map<string, { count: number; billedMs: number; gbSeconds: number }>();
  for (const inv of invocations) {
    const row = byFn.get(inv.fn) ?? { count: 0, billedMs: 0, gbSeconds: 0 };
    const billed = Math.ceil(inv.ms);
    row.count += 1;
    row.billedMs += billed;
    row.gbSeconds += (memoryOf(inv.fn) / 1024) * (billed / 1000);
    byFn.set(inv.fn, row);
  }
  const lambdaInvocations = [...byFn.values()].reduce((n, r) => n + r.count, 0);
  const gbSeconds = [...byFn.values()].reduce((n, r) => n + r.gbSeconds, 0);
  const dynamoRequests = Object.values(dynamoCalls).reduce((a, b) => a + b, 0);
  const awsRequests = apiRequests + lambdaInvocations + sqsBilled + dynamoRequests;

  const cost = {
    httpApi: apiRequests * PRICES.httpApiRequest,
    lambdaRequests: lambdaInvocations * PRICES.lambdaRequest,
    lambdaDuration: gbSeconds * PRICES.lambdaArm64GbSecond,
    sqs: (sqsBilled - fifoBilled) * PRICES.sqsRequest + fifoBilled * PRICES.sqsFifoRequest,
    dynamoWrites: wru * PRICES.dynamoWru,
    dynamoReads: rru * PRICES.dynamoRru,
  };
  const per1000 = Object.fromEntries(Object.entries(cost).map(([k, v]) => [k, (v / lifecycleCount) * 1000])) as Record<
    keyof typeof cost,
    number
  >;
  const total1000 = Object.values(per1000).reduce((a, b) => a + b, 0);

  const ingressOf = (from: Invocation[], fn: string) => {
    const rows = from.filter((i) => i.fn === fn);
    const own = rows.map((i) => i.ms - i.io);
    const io = rows.map((i) => i.io);
    const total = rows.map((i) => i.ms);
    return {
      requests: rows.length,
      ownMs: { p50: pct(own, 50), p99: pct(own, 99) },
      ioMs: { p50: pct(io, 50), p99: pct(io, 99) },
      totalMs: { p50: pct(total, 50), p99: pct(total, 99) },
    };
  };
  const ingress = ['sinqro-webhook', 'pos-webhook'].map((fn) => ({
    fn,
    oneAtATime: ingressOf(run.isolated, fn),
    underLoad: ingressOf(invocations, fn),
  }));

  const lat = {
    bridge: { a: stats(run.latency.bridge.a), b: stats(run.latency.bridge.b) },
    floor: { a: stats(run.latency.floor.a), b: stats(run.latency.floor.b) },
  };
  const b0 = performance.now();
  const bundleRows = await bundles();
  const bundlesMs = performance.now() - b0;

  const results = {
    at: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: (await import('node:os')).cpus().length,
    },
    options: {
      orders: ORDERS,
      restaurants: RESTAURANTS,
      concurrency: CONCURRENCY,
      workerConcurrency: WORKER_CONCURRENCY,
      idleOrders: IDLE_ORDERS,
    },
    idle,
    endToEnd: {
      bridge: { wallMs: run.bridgeMs, ordersPerSecond: ORDERS / (run.bridgeMs / 1000), latencyMs: lat.bridge },
      floor: { wallMs: run.floorMs, ordersPerSecond: ORDERS / (run.floorMs / 1000), latencyMs: lat.floor },
      ratio: {
        a: {
          p50: lat.bridge.a.p50 / lat.floor.a.p50,
          p95: lat.bridge.a.p95 / lat.floor.a.p95,
          p99: lat.bridge.a.p99 / lat.floor.a.p99,
        },
        b: {
          p50: lat.bridge.b.p50 / lat.floor.b.p50,
          p95: lat.bridge.b.p95 / lat.floor.b.p95,
          p99: lat.bridge.b.p99 / lat.floor.b.p99,
        },
      },
    },
    ingress,
    perLifecycle: {
      apiGatewayRequests: per(apiRequests),
      lambdaInvocations: Object.fromEntries([...byFn].map(([fn, r]) => [fn, per(r.count)])),
      lambdaBilledMs: Object.fromEntries(
        [...byFn].map(([fn, r]) => [fn, { ms: per(r.billedMs), memoryMb: memoryOf(fn) }]),
      ),
      sqsCalls: Object.fromEntries(Object.entries(sqsCalls).map(([k, v]) => [k, per(v)])),
      sqsEmptyReceivesExcluded: per(emptyReceives),
      sqsFifoBilled: per(fifoBilled),
      dynamoCalls: Object.fromEntries(Object.entries(dynamoCalls).map(([k, v]) => [k, per(v)])),
      dynamoRru: per(rru),
      dynamoWru: per(wru),
      dynamoIndexWru: per(indexWru),
      awsRequests: per(awsRequests),
    },
    costPer1000Lifecycles: { ...per1000, total: total1000, prices: { source: PRICES.source, date: PRICES.date } },
    bundles: bundleRows,
    peakRssMb: peakRss / 1024 / 1024,
    pollerInvocations: run.pollerInvocations,
  };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

  const row = (label: string, ...cells: string[]) =>
    out(`  ${label.padEnd(34)}${cells.map((c) => c.padStart(10)).join('')}`);
  out(`\nsinqro-pos-bridge benchmark — ${results.at}`);
  out(
    `Node ${process.version}, ${results.machine.cpus} CPUs, ${results.machine.platform}; everything in one process over loopback`,
  );
  out(
    `${ORDERS} orders, ${RESTAURANTS} restaurants, ${CONCURRENCY} lifecycles in flight, worker/publisher concurrency ${WORKER_CONCURRENCY}`,
  );
  out('\n1. End to end under load (latency ms)         p50       p95       p99    orders/s');
  const e2e = results.endToEnd;
  row(
    'bridge (a) event → order in POS',
    f(lat.bridge.a.p50),
    f(lat.bridge.a.p95),
    f(lat.bridge.a.p99),
    f(e2e.bridge.ordersPerSecond, 1),
  );
  row(
    'floor  (a) straight POST to POS',
    f(lat.floor.a.p50),
    f(lat.floor.a.p95),
    f(lat.floor.a.p99),
    f(e2e.floor.ordersPerSecond, 1),
  );
  row('ratio  (a)', `${f(e2e.ratio.a.p50, 1)}×`, `${f(e2e.ratio.a.p95, 1)}×`, `${f(e2e.ratio.a.p99, 1)}×`);
  row('bridge (b) POS webhook → Sinqro', f(lat.bridge.b.p50), f(lat.bridge.b.p95), f(lat.bridge.b.p99));
  row('floor  (b) straight POST to Sinqro', f(lat.floor.b.p50), f(lat.floor.b.p95), f(lat.floor.b.p99));
  row('ratio  (b)', `${f(e2e.ratio.b.p50, 1)}×`, `${f(e2e.ratio.b.p95, 1)}×`, `${f(e2e.ratio.b.p99, 1)}×`);
  printIdle(idle, out);
  out('\n2. Ingress handler per request (ms)          own p50   own p99    I/O p50   I/O p99  requests');
  for (const i of ingress)
    for (const [label, s] of [
      ['one at a time', i.oneAtATime],
      ['under load', i.underLoad],
    ] as const)
      row(`${i.fn}, ${label}`, f(s.ownMs.p50), f(s.ownMs.p99), f(s.ioMs.p50), f(s.ioMs.p99), String(s.requests));
  out('   target: own p99 ≤ 5 ms, one at a time (as Lambda runs each environment). Under load, every handler');
  out('   shares one event loop with the whole emulation, and "own" also holds the wait for it.');
  out('\n3. AWS requests per order lifecycle');
  const pl = results.perLifecycle;
  row('API Gateway requests', f(pl.apiGatewayRequests));
  for (const [fn, r] of byFn)
    row(`Lambda ${fn}`, `${f(per(r.count))} inv`, `${f(per(r.billedMs), 1)} ms`, `${memoryOf(fn)} MB`);
  for (const [k, v] of Object.entries(pl.sqsCalls)) row(`SQS ${k}`, f(v));
  row('  (empty ReceiveMessage, excluded)', f(pl.sqsEmptyReceivesExcluded));
  row('  of which on the FIFO to-sinqro queue', f(pl.sqsFifoBilled));
  for (const [k, v] of Object.entries(pl.dynamoCalls)) row(`DynamoDB ${k}`, f(v));
  row('DynamoDB read / write units', `${f(pl.dynamoRru)} RRU`, `${f(pl.dynamoWru)} WRU`, '≤ 25 WRU');
  row('  of which GSI upkeep (metered apart)', '', `${f(pl.dynamoIndexWru)} WRU`);
  row('AWS requests in all', f(pl.awsRequests, 1), '', '≤ 40');
  out(`\n   Cost per 1,000 lifecycles ($, arm64 + HTTP API; prices ${PRICES.date}, bench/prices.ts)`);
  for (const [k, v] of Object.entries(per1000)) row(k, f(v, 5));
  row('total', f(total1000, 5), '≤ 0.03');
  printBundles(bundleRows);
  out(`\n5. Peak RSS of the run: ${f(results.peakRssMb, 0)} MB`);
  out(
    `\nphases: idle ${f(idle.wallMs / 1000, 1)} s, bridge ${f(run.bridgeMs / 1000, 1)} s, floor ${f(run.floorMs / 1000, 1)} s, bundles + cold init ${f(bundlesMs / 1000, 1)} s`,
  );
  out('written: bench/results.json');
  progress('fixed cost per restaurant (bench/fixed-cost.ts)');
  await fixedCost({ out, number: '6. ' });
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
