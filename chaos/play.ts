/**
 * The chaos run (`npm run chaos`, and a small one in test/e2e/chaos.test.ts): orders and reservations
 * played through their whole life in the local runtime while every fault class is on, then checked.
 *
 * Faults (all on at once, through the simulators' fault controls and the DynamoDB fault proxy):
 * - POS and Sinqro answer 500 / 502 / 503 at a rate, 429 with Retry-After at a rate, slowly at a rate
 *   (slower than the function's timeout, so the call times out), lose the reply after doing the work at
 *   a rate, and each goes through a full outage (503 with Retry-After) for a while, then recovers;
 * - both POSes reject the bridge's credential (401) for a while, as during a key rotation: nothing may
 *   end FAILED for it (orders wait and are retried);
 *   Sinqro's outage lasts longer than the old retry budget (5 receives, seconds apart), and Sinqro
 *   also answers slowly at random per call (within the timeout, so its answers come out of order);
 * - the worker "dies" between the POS create and the state write (local/runtime/dynamo-faults.ts);
 * - an ingress (Sinqro's webhook, the POS webhooks) "dies" right after its first write: the write stands,
 *   the sender gets a 500 and retries (local/runtime/ingress-faults.ts);
 * - every POS webhook is delivered 1–3 times, each copy held a random while, so they arrive out of order;
 * - every Sinqro event is delivered 1–3 times; some consumer cancellations are sent together with the
 *   order (racing its injection), others after the restaurant accepted.
 *
 * Then: wait until quiet (with a deadline), check the invariants, turn the faults off, redrive the DLQs
 * with the operator CLI (`pos-bridge redrive --local`, a child process), finish the lifecycles the faults
 * held up, wait until quiet again and check again, strictly. The invariants, per order and reservation:
 * in the POS exactly once (by external reference; none only if the consumer cancelled before it got
 * there); the final status in Sinqro equals the POS's, and the bridge's state agrees; Sinqro's final
 * status equals the bridge's for every life it was told of, and Sinqro never received a status of lower
 * rank after a higher one (intermediate regressions, counted); nothing stuck
 * without a record of why; a message not processed is in a DLQ. After the redrive: nothing in any queue
 * or DLQ, and every lifecycle at the status the restaurant (or consumer) gave it last.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { lightspeedKAdapter } from '../adapters/lightspeed-k';
import { referenceAdapter } from '../adapters/reference';
import { squareAdapter } from '../adapters/square';
import {
  type CanonicalStatus,
  type Kind,
  ORDER_STATUSES,
  RESERVATION_STATUSES,
  rankOf,
} from '../functions/core/statuses';
import { sinqroStatusCode } from '../functions/sinqro/client';
import { keys } from '../functions/store/table';
import { demoLightspeedKOrder, demoOrder, demoReservation, demoSquareOrder, envelope } from '../local/demo/data';
import { type LoadRestaurant, loadRestaurants, pool, sendSinqroEvent } from '../local/runtime/load';
import { type LocalRuntime, startLocalRuntime } from '../local/runtime/runtime';
import type { FaultConfig } from '../local/sims/faults';
import type { SimOrder } from '../local/sims/reference-pos/server';
import type { SquareOrder } from '../local/sims/square/orders';

export type ChaosOptions = {
  orders: number;
  reservations: number;
  restaurants: number;
  /** How many of the restaurants are linked to Square (orders only: Square has no reservations). */
  squareRestaurants: number;
  /** How many are linked to Lightspeed K-Series (orders and reservations), besides the demo one. */
  lightspeedKRestaurants: number;
  /** Lifecycles in flight at once. */
  concurrency: number;
  /** Work queues' visibility timeout; the function timeout is a sixth of it. */
  visibilityTimeoutSeconds: number;
  /** The stuck-order sweep (which also re-reads open orders' statuses from the POS). */
  sweepSeconds: number;
  /** Share of calls hit by each rate fault (errors, 429, slow, lost reply), of state writes "crashed", and of ingress invocations killed. */
  faultRate: number;
  /**
   * When each outage starts (ms after the first order) and how long it lasts (Sinqro's: `sinqroForMs`);
   * `credentialsAtMs`: when every POS starts answering 401 to every call, for `forMs` too.
   */
  outages: {
    posAtMs: number;
    squareAtMs: number;
    lightspeedKAtMs: number;
    sinqroAtMs: number;
    credentialsAtMs: number;
    forMs: number;
    sinqroForMs: number;
  };
  /**
   * The retry backoff's floor (RETRY_FLOOR_SECONDS), scaled down from the stack's 30 s. It stays longer
   * than a slow reply outlives the caller's timeout (500 ms here), as 30 s does against Sinqro's 5 s
   * timeout: a post given up on must have landed before the next post for that order goes out.
   */
  retryFloorSeconds: number;
  /**
   * The backoff's cap: its rate faults fail about a third of all calls (a Square order takes several), so
   * an uncapped doubling would leave messages waiting minutes; 14 receives still span over a minute.
   */
  retryCapSeconds: number;
  /** How long a POS webhook copy may be held (reordering). */
  webhookHoldMaxMs: number;
  /** How long a lifecycle waits for its order to show up in the POS before leaving it to the redrive. */
  waitForPosMs: number;
  /** Deadline of each wait for quiet. */
  quietDeadlineMs: number;
  /**
   * The whole run's deadline (none by default): every wait (for an order to reach its POS, for quiet) is cut
   * to what is left of it, keeping `reserveMs` per phase still to come, so a run on a slow machine ends with
   * its checks (unfinished lives named) instead of being killed by its caller's timeout.
   */
  deadlineMs?: number;
  /** Progress lines (none by default). */
  progress?: (line: string) => void;
};

export const DEFAULT_CHAOS: ChaosOptions = {
  orders: 1000,
  reservations: 200,
  restaurants: 20,
  squareRestaurants: 4,
  lightspeedKRestaurants: 3,
  concurrency: 30,
  visibilityTimeoutSeconds: 18,
  sweepSeconds: 15,
  faultRate: 0.05,
  outages: {
    posAtMs: 20_000,
    squareAtMs: 35_000,
    lightspeedKAtMs: 42_000,
    sinqroAtMs: 50_000,
    credentialsAtMs: 65_000,
    forMs: 12_000,
    sinqroForMs: 25_000,
  },
  retryFloorSeconds: 1,
  retryCapSeconds: 8,
  webhookHoldMaxMs: 1500,
  waitForPosMs: 60_000,
  quietDeadlineMs: 180_000,
};

type Scenario = 'complete' | 'no-show' | 'pos-reject' | 'pos-cancel' | 'consumer-cancel-race' | 'consumer-cancel-later';
type Step = { by: 'staff'; status: string } | { by: 'consumer' };
const staff = (...statuses: string[]): Step[] => statuses.map((status) => ({ by: 'staff', status }));
const STEPS: Record<Kind, Partial<Record<Scenario, Step[]>>> = {
  order: {
    complete: staff('accepted', 'preparing', 'ready', 'completed'),
    'pos-reject': staff('rejected'),
    'pos-cancel': staff('accepted', 'cancelled'),
    'consumer-cancel-race': [],
    'consumer-cancel-later': [...staff('accepted'), { by: 'consumer' }],
  },
  reservation: {
    complete: staff('confirmed', 'seated', 'completed'),
    'no-show': staff('confirmed', 'no_show'),
    'pos-reject': staff('rejected'),
    'consumer-cancel-race': [],
  },
};
/** Ten in a row: the share of each scenario. */
const MIX: Record<Kind, Scenario[]> = {
  order: [
    'complete',
    'consumer-cancel-race',
    'complete',
    'pos-reject',
    'complete',
    'consumer-cancel-later',
    'complete',
    'pos-cancel',
    'complete',
    'complete',
  ],
  reservation: [
    'complete',
    'consumer-cancel-race',
    'no-show',
    'complete',
    'pos-reject',
    'complete',
    'consumer-cancel-race',
    'no-show',
    'complete',
    'complete',
  ],
};
/** Square orders: the fulfillment states staff move them through (Square has no reservations). */
const SQUARE_STEPS: Partial<Record<Scenario, Step[]>> = {
  complete: staff('RESERVED', 'PREPARED', 'COMPLETED'),
  'pos-reject': staff('CANCELED'),
  'pos-cancel': staff('RESERVED', 'CANCELED'),
  'consumer-cancel-race': [],
  'consumer-cancel-later': [...staff('RESERVED'), { by: 'consumer' }],
};
/**
 * K-Series: the POS takes an order on its own (SUCCESS: accepted). It has no API to cancel an online order:
 * after a consumer's cancellation staff read the print message and void the order themselves. The race of a
 * cancellation with the injection is played as a later cancellation: a K-Series order that got in must be
 * voided by staff, which a race leaves no time to tell apart.
 */
const LSK_STEPS: Record<Kind, Partial<Record<Scenario, Step[]>>> = {
  order: {
    complete: staff('READY_FOR_PICKUP', 'CLOSED'),
    'pos-reject': staff('CANCELLED'),
    'pos-cancel': staff('READY_FOR_PICKUP', 'CANCELLED'),
    'consumer-cancel-later': [{ by: 'consumer' }, ...staff('CANCELLED')],
  },
  reservation: {
    complete: staff('SCHEDULED', 'SEATED', 'DEPARTED'),
    'no-show': staff('SCHEDULED', 'NO_SHOW'),
    'pos-reject': staff('CANCELLED'),
    'pos-cancel': staff('SCHEDULED', 'CANCELLED'),
    'consumer-cancel-race': [],
    'consumer-cancel-later': [...staff('SCHEDULED'), { by: 'consumer' }],
  },
};
const ORDER_TYPES = ['collection', 'delivery', 'insitu', 'collection'] as const;
type Pos = 'reference' | 'square' | 'lightspeedk';
const LSK = lightspeedKAdapter.code;
/** The K-Series restaurants' open-priced item that carries a delivery fee (as local/runtime/secrets.json's demo one). */
const LSK_DELIVERY_FEE_SKU = 'LSK-DELIVERY-FEE';

type Item = {
  kind: Kind;
  pos: Pos;
  /** Square: paid online (the bridge adds an EXTERNAL payment) or to be paid at the restaurant. */
  prepaid: boolean;
  id: number;
  restaurant: LoadRestaurant;
  scenario: Scenario;
  orderType: string;
  steps: Step[];
  done: number;
  created: boolean;
  /** The lifecycle stopped waiting for the POS (its message was in a DLQ, or it took too long). */
  heldUp: boolean;
};

export type Problem = 'lost' | 'doubled' | 'wrong-final' | 'stuck-without-reason' | 'unfinished';
export type ItemVerdict = {
  kind: Kind;
  pos: Pos;
  id: number;
  scenario: Scenario;
  posCopies: number;
  posStatus?: string;
  bridgeStatus?: string;
  sinqroStatus?: string;
  /** Why it is not (yet) where it should be: its message is in a DLQ. */
  inDlq: boolean;
  problem?: Problem;
};

export type CheckResult = {
  phase: string;
  lost: number;
  doubled: number;
  wrongFinal: number;
  stuckWithoutReason: number;
  unfinished: number;
  /** Not where they should be yet, each explained by a message in a DLQ. */
  explainedByDlq: number;
  /** Lives whose last status in Sinqro is not the bridge's (a status the bridge set from the POS). */
  sinqroNotAtBridge: number;
  /** Lives in which Sinqro received a status of lower rank after a higher one. */
  sinqroRegressions: number;
  /** Marked FAILED by the bridge, with the reason recorded (not retried, Sinqro told). */
  failedWithReason: number;
  cancelledBeforePos: number;
  queues: Record<string, { depth: number; dlq: number }>;
  violations: ItemVerdict[];
  /** Anything else that breaks an invariant (e.g. a message neither processed nor in a DLQ). */
  otherViolations: string[];
};

export type ChaosResult = {
  at: string;
  options: Omit<ChaosOptions, 'progress'>;
  orders: number;
  reservations: number;
  restaurants: number;
  scenarios: Record<string, number>;
  squareRestaurants: number;
  /** Lifecycles played on Square restaurants, by scenario (also counted in `scenarios`). */
  squareScenarios: Record<string, number>;
  lightspeedKRestaurants: number;
  /** Lifecycles played on K-Series restaurants, by scenario (also counted in `scenarios`). */
  lightspeedKScenarios: Record<string, number>;
  /** Requests the K-Series simulator found against the published spec (its validator): none expected. */
  lightspeedKInvalidRequests: string[];
  duplicatesDelivered: {
    sinqroEvents: number;
    posWebhooks: number;
    squareWebhooks: number;
    lightspeedKWebhooks: number;
  };
  faults: Record<string, number>;
  retries: { recordsRetried: number; batchesTimedOut: number; callsTimedOut: number };
  dlq: { beforeRedrive: Record<string, number>; redriven: number; afterRedrive: Record<string, number> };
  cli: { dlq: string; redrive: string };
  phases: { driveMs: number; firstQuietMs: number; redriveMs: number; secondQuietMs: number; totalMs: number };
  checks: { underFaults: CheckResult; afterRedrive: CheckResult };
  ok: boolean;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Under a run deadline, what each phase still to come keeps of it (the checks and the redrive take seconds). */
const PHASE_RESERVE_MS = 15_000;
const ROOT = resolve(__dirname, '..');

export async function runChaos(given: Partial<ChaosOptions> = {}): Promise<ChaosResult> {
  const opts: ChaosOptions = { ...DEFAULT_CHAOS, ...given, outages: { ...DEFAULT_CHAOS.outages, ...given.outages } };
  const say = opts.progress ?? (() => undefined);
  const t0 = Date.now();
  // Warnings carry what is counted (retries); info lines would only cost CPU. Both are put back after the run.
  const saved = { LOG_LEVEL: process.env.LOG_LEVEL, LOCAL_SECRETS_FILE: process.env.LOCAL_SECRETS_FILE };
  process.env.LOG_LEVEL ??= 'warn';
  const load = loadRestaurants(opts.restaurants, 'chaos', 800_001);
  // The last extra restaurants are linked to Square: locations of the demo merchant in the Square simulator.
  const squareCount = Math.min(opts.squareRestaurants, load.extra.length);
  load.extra.slice(load.extra.length - squareCount).forEach((r, k) => {
    Object.assign(r, {
      posCode: 'square',
      posLocationId: `LCHAOSSQUARE${String(k + 1).padStart(2, '0')}`,
      posSecret: 'sinqro-pos-bridge/local/pos/square/MLSIMSINQRO01',
      posAccountId: 'MLSIMSINQRO01',
    });
  });
  // Before them, K-Series restaurants: business locations of their own, each with its account's secret.
  const lskCount = Math.min(opts.lightspeedKRestaurants, load.extra.length - squareCount);
  load.extra.slice(load.extra.length - squareCount - lskCount, load.extra.length - squareCount).forEach((r) => {
    const location = String(45454565690000 + r.restaurantId);
    Object.assign(r, {
      posCode: LSK,
      posLocationId: location,
      posSecret: `sinqro-pos-bridge/local/pos/${LSK}/${location}`,
      posWebhookSecret: `sinqro-pos-bridge/local/webhooks/pos/${LSK}/${location}`,
    });
    load.secrets[r.posSecret as string] = {
      accessToken: `chaos-lsk-access-${location}`,
      refreshToken: `chaos-lsk-refresh-${location}`,
      endpointId: `CHAOS-${location}`,
      // Delivery orders carry Sinqro's fee as an open-priced item (docs/lightspeed-k.md): without one they fail.
      deliveryFeeSku: LSK_DELIVERY_FEE_SKU,
    };
    load.secrets[r.posWebhookSecret as string] = {
      webhookSigningSecrets: [`chaos-lightspeed-k-webhook-password-${location}`],
      webhookPathToken: `chaosLskPathToken${location}`,
    };
  });
  // Shared POS order ids across locations: each reference location numbers its tickets T-1001, T-1002…
  // and is reached with its own API key (the demo one with the adapter-wide key).
  const locationKeys: Record<string, string> = {};
  for (const r of load.extra.filter((x) => x.posCode === 'reference')) {
    r.posSecret = `sinqro-pos-bridge/local/pos/reference/${r.restaurantId}`;
    load.secrets[r.posSecret] = { apiKey: `chaos-pos-key-${r.restaurantId}` };
    locationKeys[r.posLocationId] = `chaos-pos-key-${r.restaurantId}`;
  }
  writeFileSync(load.secretsFile, JSON.stringify(load.secrets));
  const dir = mkdtempSync(join(tmpdir(), 'bridge-chaos-'));
  const runtimeFile = join(dir, 'runtime.json');
  // CHAOS_LOG=<file> keeps every log line of the run (warnings and up, and the gateway's requests) for a post-mortem.
  const debugLog = process.env.CHAOS_LOG;
  const counters = { recordsRetried: 0, batchesTimedOut: 0, callsTimedOut: 0 };
  const rt = await startLocalRuntime({
    ports: { gateway: 0, referencePos: 0, sinqro: 0 },
    log: (line) => {
      if (debugLog) appendFileSync(debugLog, `${line}\n`);
      if (line.includes('message will be retried')) counters.recordsRetried += 1;
      if (line.startsWith('poller:') && line.includes('timed out after')) counters.batchesTimedOut += 1;
      if (/ timed out(?! after)/.test(line)) counters.callsTimedOut += 1;
    },
    visibilityTimeoutSeconds: opts.visibilityTimeoutSeconds,
    workerConcurrency: 4,
    scheduleEverySeconds: { poll: 0, sweep: opts.sweepSeconds, nightly: 0 },
    extraRestaurants: load.extra,
    dynamoFaultProxy: true,
    ingressFaults: true,
    runtimeFile,
    retryFloorSeconds: opts.retryFloorSeconds,
    retryCapSeconds: opts.retryCapSeconds,
  });
  rt.referencePos.shareIdsAcrossLocations(locationKeys);
  try {
    return await play(rt, opts, load, runtimeFile, counters, say, t0);
  } finally {
    await rt.stop();
    load.cleanup();
    rmSync(dir, { recursive: true, force: true });
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

async function play(
  rt: LocalRuntime,
  opts: ChaosOptions,
  load: ReturnType<typeof loadRestaurants>,
  runtimeFile: string,
  counters: ChaosResult['retries'],
  say: (line: string) => void,
  t0: number,
): Promise<ChaosResult> {
  const runUntil = t0 + (opts.deadlineMs ?? Number.POSITIVE_INFINITY);
  /** What a wait may take with `phasesAfter` phases still to come (each keeps PHASE_RESERVE_MS). */
  const mayWait = (ms: number, phasesAfter: number) =>
    Math.max(0, Math.min(ms, runUntil - PHASE_RESERVE_MS * phasesAfter - Date.now()));
  const store: Store = {
    getOrder: (await import('../functions/store/orders')).getOrder,
    listAudit: (await import('../functions/store/audit')).listAudit,
  };
  const functionTimeoutMs = Math.floor((opts.visibilityTimeoutSeconds * 1000) / 6);
  const rate = opts.faultRate;
  const common: FaultConfig = {
    errorRate: rate,
    eachRateFaultOnce: true,
    errorStatuses: [500, 502, 503],
    rateLimitRate: rate,
    retryAfterSeconds: 1,
    slowRate: rate,
    slowMs: functionTimeoutMs + 500,
    dropReplyRate: rate,
    outageRetryAfterSeconds: 1,
  };
  const posFaults: FaultConfig = { ...common, webhookCopiesMax: 3, webhookHoldMaxMs: opts.webhookHoldMaxMs };
  rt.referencePos.faults.set(posFaults);
  rt.squarePos.faults.set(posFaults);
  rt.lightspeedKPos.faults.set(posFaults);
  // Sinqro also answers slowly at random per call, within the publisher's timeout.
  const sinqroFaults: FaultConfig = { ...common, lagRate: 0.3, lagMs: Math.floor(functionTimeoutMs / 4) };
  rt.sinqro.faults.set(sinqroFaults);
  rt.dynamoFaults?.set({
    crashBeforeStateWriteRate: rate,
    crashAfterStatusWriteRate: rate,
    statusReplyLostRate: rate,
    conditionalReplyLostRate: rate,
  });
  rt.ingressFaults?.set({ dieAfterFirstWriteRate: rate });

  // ---- the items: orders and reservations interleaved, each round robin over its restaurants ----
  const stamp = (Math.floor(Date.now() / 1000) % 100_000) * 10_000;
  const items: Item[] = [];
  const total = opts.orders + opts.reservations;
  // Restaurants whose POS takes reservations (all but Square's).
  const reservationRestaurants = load.restaurants.filter((x) => x.posCode !== 'square');
  let o = 0;
  let r = 0;
  const lskPlayed: Record<Kind, number> = { order: 0, reservation: 0 };
  for (let i = 0; i < total; i++) {
    const kind: Kind = r * opts.orders < o * opts.reservations || o >= opts.orders ? 'reservation' : 'order';
    const n = kind === 'order' ? o++ : r++;
    let scenario = MIX[kind][n % 10] as Scenario;
    // Reservations take turns of their own among the restaurants whose POS takes them (Square's does not).
    const restaurant = (
      kind === 'reservation'
        ? reservationRestaurants[n % reservationRestaurants.length]
        : load.restaurants[i % load.restaurants.length]
    ) as LoadRestaurant;
    const pos = restaurant.posCode as Pos;
    // K-Series lifecycles go through the whole mix on their own count (the round robin would give them a few).
    if (pos === LSK) scenario = MIX[kind][lskPlayed[kind]++ % 10] as Scenario;
    if (pos === LSK && !LSK_STEPS[kind][scenario]) scenario = 'consumer-cancel-later';
    items.push({
      kind,
      pos,
      prepaid: pos === 'square' && n % 3 !== 2,
      id: (kind === 'order' ? 100_000_000_000 : 200_000_000_000) + stamp + n,
      restaurant,
      scenario,
      orderType:
        kind === 'reservation'
          ? 'reservation'
          : pos === 'square'
            ? n % 4 === 1
              ? 'delivery'
              : 'collection'
            : (ORDER_TYPES[n % ORDER_TYPES.length] as string),
      steps: (pos === 'square'
        ? SQUARE_STEPS[scenario]
        : pos === LSK
          ? LSK_STEPS[kind][scenario]
          : STEPS[kind][scenario]) as Step[],
      done: 0,
      created: false,
      heldUp: false,
    });
  }

  const queues = rt.queues;
  // Order ids whose messages sit in a DLQ, refreshed in the background (lifecycles stop waiting for those).
  const inDlq = new Set<number>();
  const readDlqs = () => {
    inDlq.clear();
    for (const q of queues)
      for (const body of rt.sqs.bodies(q.dlqName)) for (const id of orderIdsOf(body)) inDlq.add(id);
  };
  const dlqTicker = setInterval(readDlqs, 500);

  const duplicates = { sinqroEvents: 0, posWebhooks: 0, squareWebhooks: 0, lightspeedKWebhooks: 0 };
  const driverErrors: string[] = [];
  const send = async (event: object, copies: number) => {
    const raw = JSON.stringify(event);
    for (let c = 0; c < copies; c++) {
      let status = 0;
      // Sinqro retries a delivery the bridge did not take (as the simulator's own sender would).
      for (let attempt = 0; attempt < 5 && status !== 202 && status !== 200; attempt++) {
        status = await sendSinqroEvent(rt.urls.gateway, load.sinqroSigningSecret, raw).catch(() => 0);
        if (status !== 202 && status !== 200) await sleep(200 * (attempt + 1));
      }
      if (status !== 202 && status !== 200) driverErrors.push(`bridge answered ${status} to a Sinqro event`);
      if (c > 0) duplicates.sinqroEvents += 1;
    }
  };
  const copies = () => 1 + Math.floor(Math.random() * 3);
  const created = (item: Item) =>
    envelope(
      item.kind === 'order' ? 'order.created' : 'reservation.created',
      item.pos === 'square'
        ? demoSquareOrder(item.id, {
            restaurantId: item.restaurant.restaurantId,
            type: item.orderType as 'collection',
            prepaid: item.prepaid,
          })
        : item.pos === LSK && item.kind === 'order'
          ? demoLightspeedKOrder(item.id, {
              restaurantId: item.restaurant.restaurantId,
              type: item.orderType as 'collection',
            })
          : item.kind === 'order'
            ? demoOrder(item.id, {
                restaurantId: item.restaurant.restaurantId,
                type: item.orderType as 'collection',
                consumer: item.id % 2,
              })
            : demoReservation(item.id, item.restaurant.restaurantId),
      item.restaurant.restaurantId,
    );
  const cancelled = (item: Item) =>
    envelope(
      item.kind === 'order' ? 'order.cancelled' : 'reservation.cancelled',
      { id: item.id, comment: 'changed my mind' },
      item.restaurant.restaurantId,
    );
  // Staff see a Square order once it is in their POS: a prepaid one only once paid (Square pushes fulfillment
  // orders to the seller's Order Manager only when fully paid), i.e. after the bridge's EXTERNAL payment.
  // A K-Series order once the POS took it (no longer PENDING); a reservation once pushed.
  const posOf = (item: Item): { id: string }[] =>
    item.pos === 'square'
      ? squareByReference(rt, item.id).filter((o) => !item.prepaid || (o.tenders?.length ?? 0) > 0)
      : item.pos === LSK
        ? lskCopies(rt, item)
            .filter((c) => c.status !== 'PENDING')
            .map((c) => ({ id: String(item.id), ...c }))
        : rt.referencePos.byReference(item.kind, String(item.id));

  /** Plays what is left of an item's life; stops (heldUp) if its order does not reach the POS in time. */
  const advance = async (item: Item, phasesAfter: number) => {
    if (!item.created) {
      item.created = true;
      if (item.scenario === 'consumer-cancel-race') {
        await Promise.all([
          send(created(item), copies()),
          sleep(Math.random() * 40).then(() => send(cancelled(item), 1)),
        ]);
      } else await send(created(item), copies());
    }
    if (item.done >= item.steps.length) return;
    const until = Date.now() + mayWait(opts.waitForPosMs, phasesAfter);
    // A location with shared POS order ids does not echo Sinqro's reference: the bridge finds the order by its
    // POS id, so staff act once the bridge knows it (a webhook before that is for the polling to catch up on).
    const ready = async () => {
      const found = posOf(item)[0];
      if (!found || !sharesIds(item)) return found;
      // The driver's own read goes through the table's fault proxy too: a read that timed out is tried again.
      const state = await store.getOrder(item.kind, item.id).catch(() => undefined);
      return state?.posOrderId ? found : undefined;
    };
    let pos = await ready();
    while (!pos && Date.now() < until && !inDlq.has(item.id)) {
      await sleep(100);
      pos = await ready();
    }
    if (!pos) {
      item.heldUp = true;
      return;
    }
    item.heldUp = false;
    for (; item.done < item.steps.length; item.done++) {
      const step = item.steps[item.done] as Step;
      if (step.by === 'consumer') await send(cancelled(item), copies());
      else {
        const lskPath = item.kind === 'order' ? 'orders' : 'reservations';
        const res =
          item.pos === LSK
            ? await fetch(`${rt.urls.lightspeedKPos}/_sim/${lskPath}/${item.id}/status`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ status: step.status }),
              })
            : item.pos === 'square'
              ? await fetch(`${rt.urls.squarePos}/_sim/orders/${pos.id}/fulfillment`, {
                  method: 'POST',
                  headers: { 'content-type': 'application/json' },
                  body: JSON.stringify({ state: step.status }),
                })
              : await fetch(
                  `${rt.urls.referencePos}/_sim/orders/${pos.id}/status?location=${encodeURIComponent(item.restaurant.posLocationId)}`,
                  {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    body: JSON.stringify({ status: step.status }),
                  },
                );
        await res.arrayBuffer();
        if (res.status !== 200) driverErrors.push(`POS refused ${step.status} for ${pos.id}: ${res.status}`);
      }
      await sleep(Math.random() * 60);
    }
  };

  // ---- drive, with the outages on their timers ----
  const outageTimers = [
    setTimeout(() => {
      say(`POS outage for ${opts.outages.forMs / 1000} s`);
      rt.referencePos.faults.set({ ...posFaults, downUntil: Date.now() + opts.outages.forMs });
    }, opts.outages.posAtMs),
    setTimeout(() => {
      say(`Square outage for ${opts.outages.forMs / 1000} s`);
      rt.squarePos.faults.set({ ...posFaults, downUntil: Date.now() + opts.outages.forMs });
    }, opts.outages.squareAtMs),
    setTimeout(() => {
      say(`K-Series outage for ${opts.outages.forMs / 1000} s`);
      rt.lightspeedKPos.faults.set({ ...posFaults, downUntil: Date.now() + opts.outages.forMs });
    }, opts.outages.lightspeedKAtMs),
    setTimeout(() => {
      say(`Sinqro outage for ${opts.outages.sinqroForMs / 1000} s`);
      rt.sinqro.faults.set({ ...sinqroFaults, downUntil: Date.now() + opts.outages.sinqroForMs });
    }, opts.outages.sinqroAtMs),
    setTimeout(() => {
      say(`POS credentials rejected (401) for ${opts.outages.forMs / 1000} s`);
      const until = Date.now() + opts.outages.forMs;
      for (const f of [rt.referencePos.faults, rt.squarePos.faults, rt.lightspeedKPos.faults])
        f.set({ ...f.config, credentialsRejectedUntil: until });
    }, opts.outages.credentialsAtMs),
  ];
  let started = 0;
  const dlqDepths = () =>
    queues.map((q) => `${q.name.split('-').slice(-2).join('-')} ${rt.sqs.depth(q.dlqName).visible}`);
  const progress = setInterval(
    () =>
      say(
        `  ${started}/${items.length} lifecycles started, ${Math.round((Date.now() - t0) / 1000)} s; ` +
          `DLQs: ${dlqDepths().join(', ')}`,
      ),
    10_000,
  );
  const driveStart = Date.now();
  try {
    await pool(items, opts.concurrency, async (item) => {
      started += 1;
      await advance(item, 4);
    });
  } finally {
    clearInterval(progress);
  }
  const driveMs = Date.now() - driveStart;
  // An outage not begun yet still happens (every fault class is on in every run), then the run goes on.
  const outagesEnd =
    driveStart +
    Math.max(
      opts.outages.posAtMs + opts.outages.forMs,
      opts.outages.squareAtMs + opts.outages.forMs,
      opts.outages.lightspeedKAtMs + opts.outages.forMs,
      opts.outages.sinqroAtMs + opts.outages.sinqroForMs,
      opts.outages.credentialsAtMs + opts.outages.forMs,
    );
  if (Date.now() < outagesEnd) await sleep(outagesEnd - Date.now());
  for (const t of outageTimers) clearTimeout(t);
  say(`driven in ${(driveMs / 1000).toFixed(1)} s; waiting until quiet`);
  const calmMs = opts.sweepSeconds * 1000 + 2000;

  // ---- quiet, check under faults ----
  const q1 = Date.now();
  const quiet1 = await waitQuiet(rt, mayWait(opts.quietDeadlineMs, 3.5), calmMs);
  const firstQuietMs = Date.now() - q1;
  say(`quiet ${quiet1 ? 'reached' : 'NOT reached'} in ${(firstQuietMs / 1000).toFixed(1)} s; checking`);
  readDlqs();
  const underFaults = await check('under faults', items, rt, store, inDlq, false);
  if (!quiet1) underFaults.otherViolations.push(`not quiet within ${firstQuietMs} ms`);

  // ---- faults off, redrive with the CLI, finish what was held up, check again ----
  rt.referencePos.faults.set({});
  rt.squarePos.faults.set({});
  rt.lightspeedKPos.faults.set({});
  rt.sinqro.faults.set({});
  rt.dynamoFaults?.set({});
  rt.ingressFaults?.set({});
  const faults = faultCounts(rt);
  duplicates.posWebhooks = faults['webhook copies (1–3 deliveries)'] ?? 0;
  duplicates.squareWebhooks = faults['Square webhook copies (1–3 deliveries)'] ?? 0;
  duplicates.lightspeedKWebhooks = faults['K-Series webhook copies (1–3 deliveries)'] ?? 0;
  const beforeRedrive = Object.fromEntries(queues.map((q) => [q.name, rt.sqs.depth(q.dlqName).visible]));
  const r0 = Date.now();
  const env = { ...process.env, POS_BRIDGE_RUNTIME_FILE: runtimeFile };
  const cliDlq = await cli(['dlq', '--local'], env);
  const cliRedrive = await cli(['redrive', '--local'], env);
  if (cliDlq.code !== 0 || cliRedrive.code !== 0)
    underFaults.otherViolations.push(`pos-bridge exited ${cliDlq.code}/${cliRedrive.code}: ${cliRedrive.stderr}`);
  const redriven = [...cliRedrive.stdout.matchAll(/moving (\d+) message/g)].reduce((n, m) => n + Number(m[1]), 0);
  say(`redrove ${redriven} message(s) with pos-bridge redrive --local; finishing held-up lifecycles`);
  await waitQuiet(rt, mayWait(opts.quietDeadlineMs, 2.5), calmMs);
  readDlqs();
  await pool(
    items.filter((i) => i.done < i.steps.length),
    opts.concurrency,
    (item) => advance(item, 2),
  );
  const redriveMs = Date.now() - r0;
  const q2 = Date.now();
  const quiet2 = await waitQuiet(rt, mayWait(opts.quietDeadlineMs, 1), calmMs);
  const secondQuietMs = Date.now() - q2;
  say(`quiet ${quiet2 ? 'reached' : 'NOT reached'} again in ${(secondQuietMs / 1000).toFixed(1)} s; checking`);
  clearInterval(dlqTicker);
  readDlqs();
  const afterRedrive = await check('after redrive', items, rt, store, inDlq, true);
  if (!quiet2) afterRedrive.otherViolations.push(`not quiet within ${secondQuietMs} ms`);
  afterRedrive.otherViolations.push(...driverErrors);
  const afterRedriveDlq = Object.fromEntries(queues.map((q) => [q.name, rt.sqs.depth(q.dlqName).visible]));

  const scenarios: Record<string, number> = {};
  const squareScenarios: Record<string, number> = {};
  const lightspeedKScenarios: Record<string, number> = {};
  for (const i of items) {
    const key = `${i.kind} ${i.scenario}`;
    scenarios[key] = (scenarios[key] ?? 0) + 1;
    if (i.pos === 'square') squareScenarios[key] = (squareScenarios[key] ?? 0) + 1;
    if (i.pos === LSK) lightspeedKScenarios[key] = (lightspeedKScenarios[key] ?? 0) + 1;
  }
  const { progress: _p, ...options } = opts;
  const result: ChaosResult = {
    at: new Date().toISOString(),
    options,
    orders: opts.orders,
    reservations: opts.reservations,
    restaurants: opts.restaurants,
    squareRestaurants: load.restaurants.filter((x) => x.posCode === 'square').length,
    scenarios,
    squareScenarios,
    lightspeedKRestaurants: load.restaurants.filter((x) => x.posCode === LSK).length,
    lightspeedKScenarios,
    lightspeedKInvalidRequests: rt.lightspeedKPos
      .invalidRequests()
      .map((r) => `${r.operationId}: ${r.violations?.join('; ')}`),
    duplicatesDelivered: duplicates,
    faults,
    retries: counters,
    dlq: { beforeRedrive, redriven, afterRedrive: afterRedriveDlq },
    cli: { dlq: cliDlq.stdout, redrive: cliRedrive.stdout },
    phases: { driveMs, firstQuietMs, redriveMs, secondQuietMs, totalMs: Date.now() - t0 },
    checks: { underFaults, afterRedrive },
    ok: false,
  };
  result.ok = isClean(underFaults) && isClean(afterRedrive) && result.lightspeedKInvalidRequests.length === 0;
  return result;
}

// Every fault class passes with time (a rejected credential too): none may fail an order for good.
const isClean = (c: CheckResult) =>
  c.violations.length === 0 && c.otherViolations.length === 0 && c.failedWithReason === 0;

/** Order and reservation ids a queued message is about (work messages and status news). */
function orderIdsOf(body: string): number[] {
  try {
    const m = JSON.parse(body) as {
      type?: string;
      orderId?: number;
      event?: { data?: { id?: number }; sinqroOrderId?: number };
    };
    const id = m.orderId ?? m.event?.data?.id ?? m.event?.sinqroOrderId;
    return typeof id === 'number' ? [id] : [];
  } catch {
    return [];
  }
}

/** Square orders by `reference_id` (the Sinqro id), rebuilt when the simulator holds new orders. */
const squareIndex = new WeakMap<LocalRuntime, { size: number; byRef: Map<string, SquareOrder[]> }>();
function squareByReference(rt: LocalRuntime, sinqroId: number): SquareOrder[] {
  const orders = rt.squarePos.orders.orders;
  let index = squareIndex.get(rt);
  if (!index || index.size !== orders.size) {
    index = { size: orders.size, byRef: new Map() };
    for (const order of orders.values()) {
      const ref = String(order.reference_id ?? '');
      index.byRef.set(ref, [...(index.byRef.get(ref) ?? []), order]);
    }
    squareIndex.set(rt, index);
  }
  // The index keeps which orders exist; their states are read fresh (an update replaces the stored object).
  return (index.byRef.get(String(sinqroId)) ?? []).map((o) => orders.get(o.id) ?? o);
}

/** A K-Series item's copies in the simulator: orders by `thirdPartyReference`, reservations by platform id. */
function lskCopies(rt: LocalRuntime, item: Item): { status: string }[] {
  if (item.kind === 'order') return rt.lightspeedKPos.ordersFor(String(item.id));
  const reservation = rt.lightspeedKPos.reservations.reservations.get(String(item.id));
  return reservation ? [reservation] : [];
}

/** The status the bridge reads from Square (as SquareClient.getStatus): the fulfillment's while the order is open. */
function squareStatus(order: SquareOrder): string {
  const fulfillment = order.fulfillments?.[0]?.state;
  return order.state === 'OPEN' || order.state === 'DRAFT' ? (fulfillment ?? order.state) : order.state;
}

function faultCounts(rt: LocalRuntime): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (label: string, n: number | undefined) => {
    if (n) out[label] = (out[label] ?? 0) + n;
  };
  for (const [who, faults] of [
    ['POS', rt.referencePos.faults],
    ['Sinqro', rt.sinqro.faults],
  ] as const) {
    for (const [kind, n] of Object.entries(faults.counts)) {
      if (kind.startsWith('webhook-')) continue;
      add(`${who} ${kind}`, n);
    }
  }
  const pos = rt.referencePos.faults.counts;
  add('webhook copies (1–3 deliveries)', pos['webhook-copy']);
  add('webhook copies held (reordering)', pos['webhook-held']);
  add('webhooks delivered out of order', pos['webhook-out-of-order']);
  add('worker crash before state write', rt.dynamoFaults?.counts['crash-before-state-write']);
  add('worker crash after a status write', rt.dynamoFaults?.counts['crash-after-status-write']);
  add('status write made, its reply lost (SDK retried)', rt.dynamoFaults?.counts['status-write-reply-lost']);
  add('other conditional write made, its reply lost', rt.dynamoFaults?.counts['conditional-write-reply-lost']);
  add('ingress died after its first write', rt.ingressFaults?.counts['ingress-died-after-first-write']);
  // Square's, reported apart ("Square …").
  for (const [kind, n] of Object.entries(rt.squarePos.faults.counts))
    if (!kind.startsWith('webhook-')) add(`Square ${kind}`, n);
  const square = rt.squarePos.faults.counts;
  add('Square webhook copies (1–3 deliveries)', square['webhook-copy']);
  add('Square webhook copies held (reordering)', square['webhook-held']);
  add('Square webhooks delivered out of order', square['webhook-out-of-order']);
  // K-Series', reported apart ("K-Series …").
  for (const [kind, n] of Object.entries(rt.lightspeedKPos.faults.counts))
    if (!kind.startsWith('webhook-')) add(`K-Series ${kind}`, n);
  const lsk = rt.lightspeedKPos.faults.counts;
  add('K-Series webhook copies (1–3 deliveries)', lsk['webhook-copy']);
  add('K-Series webhook copies held (reordering)', lsk['webhook-held']);
  add('K-Series webhooks delivered out of order', lsk['webhook-out-of-order']);
  return out;
}

/**
 * Waits until nothing moves: nothing changed in the POS, at Sinqro or in the DLQs for a sweep interval and
 * more (so a sweep has looked at every open order since), and no queue holds a message, no webhook is held.
 */
async function waitQuiet(rt: LocalRuntime, deadlineMs: number, calmMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  let last = '';
  let since = Date.now();
  while (Date.now() < until) {
    const busy =
      rt.referencePos.pendingWebhooks > 0 ||
      rt.squarePos.pendingWebhooks > 0 ||
      rt.lightspeedKPos.pendingWebhooks > 0 ||
      rt.queues.some((q) => {
        const d = rt.sqs.depth(q.name);
        return d.visible + d.inFlight > 0;
      });
    let history = 0;
    for (const order of rt.referencePos.orders.values()) history += order.history.length;
    for (const order of rt.squarePos.orders.orders.values()) history += order.version;
    for (const order of rt.lightspeedKPos.orders.orders.values()) history += order.history.length;
    for (const booking of rt.lightspeedKPos.reservations.reservations.values()) history += booking.history.length;
    const fingerprint = [
      rt.sinqro.calls.length,
      rt.referencePos.orders.size,
      history,
      rt.referencePos.webhooks.length,
      rt.squarePos.orders.orders.size,
      rt.squarePos.webhooks.sent.length,
      rt.lightspeedKPos.webhooks.sent.length,
      ...rt.queues.map((q) => rt.sqs.depth(q.dlqName).visible),
    ].join(',');
    // The sweep enqueues work every few seconds: a busy moment does not restart the calm, a change does.
    if (fingerprint !== last) {
      last = fingerprint;
      since = Date.now();
    } else if (!busy && Date.now() - since >= calmMs) return true;
    await sleep(250);
  }
  return false;
}

/** What the checks read of the store: orders' state and their audit trail. */
type Store = Pick<typeof import('../functions/store/orders'), 'getOrder'> &
  Pick<typeof import('../functions/store/audit'), 'listAudit'>;

/** A reference POS location that numbers its orders `T-<n>` like the others (its own API key: posSecret). */
const sharesIds = (item: Item) => item.pos === 'reference' && item.restaurant.posSecret !== undefined;

async function check(
  phase: string,
  items: Item[],
  rt: LocalRuntime,
  store: Store,
  inDlq: Set<number>,
  strict: boolean,
): Promise<CheckResult> {
  const sinqro = rt.sinqro.lastStatus;
  const result: CheckResult = {
    phase,
    lost: 0,
    doubled: 0,
    wrongFinal: 0,
    stuckWithoutReason: 0,
    unfinished: 0,
    explainedByDlq: 0,
    sinqroNotAtBridge: 0,
    sinqroRegressions: 0,
    failedWithReason: 0,
    cancelledBeforePos: 0,
    queues: Object.fromEntries(
      rt.queues.map((q) => {
        const d = rt.sqs.depth(q.name);
        return [q.name, { depth: d.visible + d.inFlight, dlq: rt.sqs.depth(q.dlqName).visible }];
      }),
    ),
    violations: [],
    otherViolations: [],
  };
  for (const [name, q] of Object.entries(result.queues)) {
    if (q.depth > 0) result.otherViolations.push(`${name} still holds ${q.depth} message(s)`);
    if (strict && q.dlq > 0)
      result.otherViolations.push(`${name}'s DLQ still holds ${q.dlq} message(s) after the redrive`);
  }
  const webhooksOf = (sim: SimOrder) =>
    rt.referencePos.webhooks.filter(
      (w) =>
        w.orderId === sim.id &&
        w.locationId === sim.locationId &&
        w.httpStatus >= 200 &&
        w.httpStatus < 300 &&
        referenceAdapter.mapStatus(sim.kind, w.status) !== undefined,
    );
  for (const item of items) {
    const sim = sharesIds(item) ? rt.referencePos.byReference(item.kind, String(item.id))[0] : undefined;
    if (strict && sim) {
      // Shared POS order ids: every status webhook the bridge took must have reached this order (each leaves a
      // record with its event id in the order's trail), not another location's order with the same POS id.
      const trail = new Set((await store.listAudit(keys.order(item.kind, item.id).PK)).map((a) => a.code));
      for (const w of webhooksOf(sim).filter((w) => !trail.has(w.eventId)))
        result.otherViolations.push(
          `${item.kind} ${item.id}: POS webhook ${w.eventId} (${w.status}) for ${sim.id} missed it`,
        );
    }
    // Square: every order exactly once, counted by reference_id; its status is the fulfillment's (or the order's).
    const copies =
      item.pos === 'square'
        ? squareByReference(rt, item.id).map((o) => ({ status: squareStatus(o) }))
        : item.pos === LSK
          ? lskCopies(rt, item)
          : rt.referencePos.byReference(item.kind, String(item.id));
    const pos = copies[0];
    const state = await store.getOrder(item.kind, item.id);
    const consumerCancelled = item.scenario.startsWith('consumer-cancel') && item.done >= item.steps.length;
    const adapter = item.pos === 'square' ? squareAdapter : item.pos === LSK ? lightspeedKAdapter : referenceAdapter;
    const posCanonical = pos ? (adapter.mapStatus(item.kind, pos.status) as CanonicalStatus) : undefined;
    const verdict: ItemVerdict = {
      kind: item.kind,
      pos: item.pos,
      id: item.id,
      scenario: item.scenario,
      posCopies: copies.length,
      posStatus: pos?.status,
      bridgeStatus: state?.status,
      sinqroStatus: consumerCancelled ? 'cancelled (by the consumer)' : sinqro.get(`${item.kind}#${item.id}`),
      inDlq: inDlq.has(item.id),
    };
    const explained = !strict && verdict.inDlq;
    let problem: Problem | undefined;
    if (copies.length > 1) problem = 'doubled';
    else if (!pos) {
      if (item.scenario === 'consumer-cancel-race' && state?.status === 'CANCELLED') result.cancelledBeforePos += 1;
      else if (!state) problem = 'lost';
      else if (explained) result.explainedByDlq += 1;
      else if (state.status === 'FAILED' && state.lastError) result.failedWithReason += 1;
      else if (!state.isFinal && !state.lastError) problem = 'stuck-without-reason';
      else problem = 'lost';
    } else {
      const bridgeAgrees = state?.status === posCanonical;
      const sinqroAgrees = consumerCancelled
        ? posCanonical === 'CANCELLED'
        : verdict.sinqroStatus === sinqroStatusCode(item.kind, item.orderType, posCanonical as CanonicalStatus);
      const target = lastTarget(item);
      if (!bridgeAgrees || !sinqroAgrees) {
        if (explained) result.explainedByDlq += 1;
        else problem = 'wrong-final';
      } else if (strict && target && pos.status !== target) problem = 'unfinished';
    }
    if (state && state.source !== 'sinqro' && state.status !== 'RECEIVED' && !explained) {
      const told = sinqro.get(`${item.kind}#${item.id}`);
      if (told !== sinqroStatusCode(item.kind, item.orderType, state.status)) {
        result.sinqroNotAtBridge += 1;
        // What the bridge did with it and what reached Sinqro, so a failed run says where the news stopped.
        const steps = (await store.listAudit(keys.order(item.kind, item.id).PK)).map((a) => {
          const e = a as Record<string, unknown>;
          return [e.what, e.code, e.status, e.outcome, e.sinqro].filter((x) => x !== undefined).join(' ');
        });
        result.otherViolations.push(
          `${item.kind} ${item.id}: Sinqro says ${told}, the bridge ${state.status}; ` +
            `trail: ${steps.join(' | ')}; Sinqro received: ${rt.sinqro.statusesOf(item.id).join(', ')}`,
        );
      }
    }
    const arrivals = rt.sinqro.statusesOf(item.id);
    const ranks = arrivals.map((code) => sinqroCodeRank(item, code));
    if (ranks.some((r, i) => ranks.slice(0, i).some((earlier) => earlier > r))) {
      result.sinqroRegressions += 1;
      result.otherViolations.push(`${item.kind} ${item.id}: Sinqro went backwards: ${arrivals.join(' → ')}`);
    }
    if (problem) {
      verdict.problem = problem;
      result.violations.push(verdict);
      if (problem === 'lost') result.lost += 1;
      else if (problem === 'doubled') result.doubled += 1;
      else if (problem === 'wrong-final') result.wrongFinal += 1;
      else if (problem === 'stuck-without-reason') result.stuckWithoutReason += 1;
      else result.unfinished += 1;
    }
  }
  return result;
}

/** The highest rank among the canonical statuses Sinqro knows by this code, for this item's kind and type. */
function sinqroCodeRank(item: Item, code: string): number {
  const statuses = (item.kind === 'order' ? ORDER_STATUSES : RESERVATION_STATUSES) as readonly CanonicalStatus[];
  const ranks = statuses
    .filter((s) => sinqroStatusCode(item.kind, item.orderType, s) === code)
    .map((s) => rankOf(item.kind, s));
  return ranks.length ? Math.max(...ranks) : -1;
}

/** The POS status an item's life ends in once every step was played (undefined: none to expect). */
function lastTarget(item: Item): string | undefined {
  if (item.done < item.steps.length) return undefined;
  const last = item.steps[item.steps.length - 1];
  const cancelled = item.pos === 'square' ? 'CANCELED' : item.pos === LSK ? 'CANCELLED' : 'cancelled';
  if (!last) return item.scenario === 'consumer-cancel-race' ? cancelled : undefined;
  return last.by === 'consumer' ? cancelled : last.status;
}

/** The operator CLI as an operator runs it (a child process; this process keeps serving the runtime). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/pos-bridge.js'), ...args], {
      cwd: ROOT,
      env,
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

/** The table `npm run chaos` prints (and the README shows). */
export function formatTable(r: ChaosResult): string[] {
  const lines: string[] = [];
  const row = (label: string, value: string | number) =>
    lines.push(`  ${label.padEnd(46)}${String(value).padStart(10)}`);
  lines.push(`sinqro-pos-bridge chaos run — ${r.at}`);
  lines.push(
    `${r.orders} orders + ${r.reservations} reservations across ${r.restaurants} restaurants, ` +
      `fault rate ${r.options.faultRate}, visibility ${r.options.visibilityTimeoutSeconds} s, ` +
      `outages ${r.options.outages.forMs / 1000} s (Sinqro ${r.options.outages.sinqroForMs / 1000} s), ` +
      `retry backoff ${r.options.retryFloorSeconds}–${r.options.retryCapSeconds} s`,
  );
  lines.push('');
  row('orders', r.orders);
  row('reservations', r.reservations);
  for (const [k, v] of Object.entries(r.scenarios)) row(`  ${k}`, v);
  row(
    `orders on Square (${r.squareRestaurants} restaurants)`,
    Object.values(r.squareScenarios).reduce((a, b) => a + b, 0),
  );
  for (const [k, v] of Object.entries(r.squareScenarios)) row(`  ${k}`, v);
  row('duplicates delivered: Sinqro events', r.duplicatesDelivered.sinqroEvents);
  row('duplicates delivered: POS webhooks', r.duplicatesDelivered.posWebhooks);
  row(
    `lifecycles on K-Series (${r.lightspeedKRestaurants} restaurants)`,
    Object.values(r.lightspeedKScenarios).reduce((a, b) => a + b, 0),
  );
  for (const [k, v] of Object.entries(r.lightspeedKScenarios)) row(`  ${k}`, v);
  row('duplicates delivered: Square webhooks', r.duplicatesDelivered.squareWebhooks);
  row('duplicates delivered: K-Series webhooks', r.duplicatesDelivered.lightspeedKWebhooks);
  const faults = Object.entries(r.faults);
  lines.push('  faults injected (reference POS, Sinqro, workers)');
  for (const [k, v] of faults.filter(([k]) => !k.startsWith('Square ') && !k.startsWith('K-Series '))) row(`  ${k}`, v);
  lines.push('  faults injected (Square)');
  for (const [k, v] of faults.filter(([k]) => k.startsWith('Square '))) row(`  ${k.slice('Square '.length)}`, v);
  lines.push('  faults injected (K-Series)');
  for (const [k, v] of faults.filter(([k]) => k.startsWith('K-Series '))) row(`  ${k.slice('K-Series '.length)}`, v);
  row('K-Series requests against the spec (invalid)', r.lightspeedKInvalidRequests.length);
  row('retries: records retried by SQS', r.retries.recordsRetried);
  row('retries: whole batches timed out', r.retries.batchesTimedOut);
  row('calls timed out (POS or Sinqro)', r.retries.callsTimedOut);
  const dlqd = Object.values(r.dlq.beforeRedrive).reduce((a, b) => a + b, 0);
  row("DLQ'd (under faults)", dlqd);
  for (const [k, v] of Object.entries(r.dlq.beforeRedrive)) row(`  ${k.replace('sinqro-pos-bridge-local-', '')}`, v);
  row('redriven with pos-bridge redrive --local', r.dlq.redriven);
  row(
    'left in DLQs after the redrive',
    Object.values(r.dlq.afterRedrive).reduce((a, b) => a + b, 0),
  );
  for (const c of [r.checks.underFaults, r.checks.afterRedrive]) {
    lines.push(`  invariants ${c.phase}`);
    row('  lost / doubled / wrong final status', `${c.lost} / ${c.doubled} / ${c.wrongFinal}`);
    row('  stuck without a reason / unfinished', `${c.stuckWithoutReason} / ${c.unfinished}`);
    row('  not there yet, message in a DLQ', c.explainedByDlq);
    row('  Sinqro not at the bridge status / went backwards', `${c.sinqroNotAtBridge} / ${c.sinqroRegressions}`);
    row('  FAILED with the reason recorded', c.failedWithReason);
    row('  cancelled by the consumer before the POS', c.cancelledBeforePos);
    row('  other violations', c.otherViolations.length);
  }
  lines.push('');
  lines.push(
    `phases: drive ${(r.phases.driveMs / 1000).toFixed(1)} s, quiet ${(r.phases.firstQuietMs / 1000).toFixed(1)} s, ` +
      `redrive + finish ${(r.phases.redriveMs / 1000).toFixed(1)} s, quiet ${(r.phases.secondQuietMs / 1000).toFixed(1)} s; ` +
      `total ${(r.phases.totalMs / 1000).toFixed(1)} s`,
  );
  lines.push(r.ok ? 'RESULT: every invariant holds' : 'RESULT: INVARIANTS VIOLATED');
  return lines;
}
