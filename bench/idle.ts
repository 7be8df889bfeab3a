/**
 * Latency at idle: orders played one at a time (a quiet restaurant, the common case), so no batch ever
 * fills and every wait an order pays on its own shows. (a) Sinqro event → order in the POS, (b) POS
 * status webhook → status recorded by Sinqro, and the floor (straight POSTs to the simulators) played
 * the same way. The overhead is bridge minus floor, per percentile; the targets are on its p50.
 *
 * Where the time goes: every local invocation's start and end and every SQS send (stamped with the
 * function that sent it) is put on a timeline while the section runs (bench/run.ts feeds it), and
 * each measured span is cut at its hops: gateway → ingress handler, ingress until it enqueued, the
 * queue (send → consumer invoked), the consumer until its own send or the end.
 */
import { POS_WEBHOOK_FUNCTION, SINQRO_EVENTS_ROUTE } from '../functions/routes';
import { type Latencies, type Lifecycles, newLatencies } from './lifecycle';
import { f, pct, type Stats, stats } from './stats';

/** Bridge overhead (bridge p50 − floor p50) the issue holds the local runtime to, in ms. */
export const IDLE_OVERHEAD_TARGETS_MS = { a: 60, b: 100 } as const;
/** Orders played before the measured ones (caches, connections and JIT warm, as in a warm container). */
const WARMUP_ORDERS = 2;
/** Quiet between two orders, so the consumers are back in their long polls when the next one comes. */
const GAP_MS = 100;

type Leg = 'a' | 'b';
type Mark = { at: number; kind: 'start' | 'send'; fn: string };

/** Starts of invocations and SQS sends while recording, for cutting the measured spans at their hops. */
export class Timeline {
  recording = false;
  private readonly marks: Mark[] = [];
  mark(kind: Mark['kind'], fn: string, at = performance.now()): void {
    if (this.recording) this.marks.push({ at, kind, fn });
  }
  /** The marks inside [from, to], in time order. */
  between(from: number, to: number): Mark[] {
    return this.marks.filter((m) => m.at >= from && m.at <= to).sort((x, y) => x.at - y.at);
  }
}

/** A hop of a path: the mark that ends it (the last hop ends with the span). */
type Hop = { label: string; ends?: Pick<Mark, 'kind' | 'fn'> };
const INGRESS = { sinqro: SINQRO_EVENTS_ROUTE.functionName, pos: POS_WEBHOOK_FUNCTION };

function pathsFor(posCode: string): Record<Leg, Hop[]> {
  const worker = `${posCode}-worker`;
  return {
    a: [
      { label: `gateway → ${INGRESS.sinqro} invoked`, ends: { kind: 'start', fn: INGRESS.sinqro } },
      { label: `${INGRESS.sinqro} until enqueued`, ends: { kind: 'send', fn: INGRESS.sinqro } },
      { label: `work queue → ${worker} invoked`, ends: { kind: 'start', fn: worker } },
      { label: `${worker} until order in POS` },
    ],
    b: [
      { label: `POS webhook → ${INGRESS.pos} invoked`, ends: { kind: 'start', fn: INGRESS.pos } },
      { label: `${INGRESS.pos} until enqueued`, ends: { kind: 'send', fn: INGRESS.pos } },
      { label: `work queue → ${worker} invoked`, ends: { kind: 'start', fn: worker } },
      { label: `${worker} until news sent`, ends: { kind: 'send', fn: worker } },
      { label: 'to-sinqro queue → sinqro-publisher invoked', ends: { kind: 'start', fn: 'sinqro-publisher' } },
      { label: 'sinqro-publisher until Sinqro has it' },
    ],
  };
}

/** Cuts one span at its hops (the first matching mark after the previous hop); undefined if a mark is missing. */
function cut(marks: Mark[], from: number, to: number, hops: Hop[]): number[] | undefined {
  const lengths: number[] = [];
  let at = from;
  for (const hop of hops) {
    const end = hop.ends ? marks.find((m) => m.at >= at && m.kind === hop.ends?.kind && m.fn === hop.ends.fn)?.at : to;
    if (end === undefined) return undefined;
    lengths.push(end - at);
    at = end;
  }
  return lengths;
}

export type IdleResult = {
  orders: number;
  warmupOrders: number;
  gapMs: number;
  wallMs: number;
  latencyMs: { bridge: Record<Leg, Stats>; floor: Record<Leg, Stats> };
  ratio: Record<Leg, { p50: number; p95: number }>;
  overheadMs: Record<Leg, { p50: number; p95: number; targetP50: number }>;
  /** p50 and p95 of each hop, and how many spans could be cut (all, unless a mark was missed). */
  hopsMs: Record<Leg, { spans: number; hops: { label: string; p50: number; p95: number }[] }>;
};

/** Plays `count` orders one at a time through the bridge, then the same ones straight to the simulators. */
export async function idleLatency(
  lifecycles: Lifecycles,
  timeline: Timeline,
  count: number,
  progress: (line: string) => void,
): Promise<IdleResult> {
  const pause = () => new Promise((r) => setTimeout(r, GAP_MS));
  const t0 = performance.now();
  const warm = newLatencies();
  for (const o of lifecycles.newOrders(WARMUP_ORDERS)) await lifecycles.bridge(o, warm);
  const orders = lifecycles.newOrders(count);
  const bridge: Latencies = { ...newLatencies(), spans: [] };
  timeline.recording = true;
  for (const [i, o] of orders.entries()) {
    await pause();
    await lifecycles.bridge(o, bridge);
    if ((i + 1) % 10 === 0) progress(`idle: ${i + 1}/${count} orders through the bridge`);
  }
  timeline.recording = false;
  lifecycles.phase = 'floor';
  const floor = newLatencies();
  for (const o of orders) {
    await pause();
    await lifecycles.floor(o, floor);
  }
  lifecycles.phase = 'bridge';

  const latency = {
    bridge: { a: stats(bridge.a), b: stats(bridge.b) },
    floor: { a: stats(floor.a), b: stats(floor.b) },
  };
  const legs: Leg[] = ['a', 'b'];
  const paths = pathsFor(orders[0]?.restaurant.posCode ?? 'reference');
  const hopsMs = Object.fromEntries(
    legs.map((leg) => {
      const cuts = (bridge.spans ?? [])
        .filter((s) => s.leg === leg)
        .map((s) => cut(timeline.between(s.from, s.to), s.from, s.to, paths[leg]))
        .filter((c): c is number[] => c !== undefined);
      const hops = paths[leg].map((hop, i) => {
        const lengths = cuts.map((c) => c[i] as number);
        return { label: hop.label, p50: pct(lengths, 50), p95: pct(lengths, 95) };
      });
      return [leg, { spans: cuts.length, hops }];
    }),
  ) as IdleResult['hopsMs'];
  const of = (leg: Leg, p: 'p50' | 'p95') => ({ bridge: latency.bridge[leg][p], floor: latency.floor[leg][p] });
  return {
    orders: count,
    warmupOrders: WARMUP_ORDERS,
    gapMs: GAP_MS,
    wallMs: performance.now() - t0,
    latencyMs: latency,
    ratio: Object.fromEntries(
      legs.map((leg) => [
        leg,
        { p50: of(leg, 'p50').bridge / of(leg, 'p50').floor, p95: of(leg, 'p95').bridge / of(leg, 'p95').floor },
      ]),
    ) as IdleResult['ratio'],
    overheadMs: Object.fromEntries(
      legs.map((leg) => [
        leg,
        {
          p50: of(leg, 'p50').bridge - of(leg, 'p50').floor,
          p95: of(leg, 'p95').bridge - of(leg, 'p95').floor,
          targetP50: IDLE_OVERHEAD_TARGETS_MS[leg],
        },
      ]),
    ) as IdleResult['overheadMs'],
    hopsMs,
  };
}

export function printIdle(r: IdleResult, out: (line?: string) => void): void {
  const row = (label: string, ...cells: string[]) =>
    out(`  ${label.padEnd(44)}${cells.map((c) => c.padStart(11)).join('')}`);
  out(
    `\n1b. End to end at idle: ${r.orders} orders one at a time (${r.warmupOrders} before, not counted; ${r.gapMs} ms between)`,
  );
  row('latency ms', 'p50', 'p95', 'target');
  const names: Record<Leg, [string, string]> = {
    a: ['event → order in POS', 'straight POST to POS'],
    b: ['POS webhook → Sinqro', 'straight POST to Sinqro'],
  };
  for (const leg of ['a', 'b'] as const) {
    const [bridgeName, floorName] = names[leg];
    row(`bridge   (${leg}) ${bridgeName}`, f(r.latencyMs.bridge[leg].p50), f(r.latencyMs.bridge[leg].p95));
    row(`floor    (${leg}) ${floorName}`, f(r.latencyMs.floor[leg].p50), f(r.latencyMs.floor[leg].p95));
    row(`ratio    (${leg})`, `${f(r.ratio[leg].p50, 1)}×`, `${f(r.ratio[leg].p95, 1)}×`);
    row(
      `overhead (${leg}) bridge − floor`,
      f(r.overheadMs[leg].p50),
      f(r.overheadMs[leg].p95),
      `p50 ≤ ${r.overheadMs[leg].targetP50}`,
    );
  }
  row('where the bridge spends it (ms per hop)', 'p50', 'p95');
  for (const leg of ['a', 'b'] as const) {
    out(`  (${leg}), ${r.hopsMs[leg].spans} spans`);
    for (const hop of r.hopsMs[leg].hops) row(`  ${hop.label}`, f(hop.p50), f(hop.p95));
  }
}
