/**
 * One order's life as the benchmark plays it (bench/run.ts under load, bench/idle.ts one at a time):
 * order.created from Sinqro → in the POS → waiting_sp_validation → accepted → preparing → ready →
 * collected, staff moving it through the reference POS simulator; and the floor, the same order and
 * statuses posted straight to the simulators. Both ends are timed in this process with
 * performance.now() through small hooks on the simulators' in-memory stores (no polling).
 */

import { signPayload } from '../functions/infra/signature';
import { demoOrder, envelope } from '../local/demo/data';
import type { LoadRestaurant, LoadSecrets } from '../local/runtime/load';
import type { LocalRuntime } from '../local/runtime/runtime';
import type { SimOrder } from '../local/sims/reference-pos/server';
import type { SinqroCall } from '../local/sims/sinqro/server';

export type BenchOrder = { id: number; restaurant: LoadRestaurant };
/**
 * (a) Sinqro event → order in the POS; (b) POS status webhook → status recorded by Sinqro. With `spans`,
 * each bridge latency's start and end too (performance.now()), for bench/idle.ts to cut at its hops.
 */
export type Latencies = { a: number[]; b: number[]; spans?: { leg: 'a' | 'b'; from: number; to: number }[] };
export const newLatencies = (): Latencies => ({ a: [], b: [] });

export const STAFF_STEPS = [
  ['accepted', 'accepted'],
  ['preparing', 'preparing'],
  ['ready', 'ready'],
  ['completed', 'collected'],
] as const;

/** Moments seen by the hooks, by key; waiters resolve with the moment (performance.now()). */
class Moments {
  private readonly seen = new Map<string, number>();
  private readonly waiters = new Map<string, ((at: number) => void)[]>();
  mark(key: string, at = performance.now()) {
    if (this.seen.has(key)) return;
    this.seen.set(key, at);
    for (const w of this.waiters.get(key) ?? []) w(at);
    this.waiters.delete(key);
  }
  get(key: string) {
    return this.seen.get(key);
  }
  wait(key: string, timeoutMs = 60_000): Promise<number> {
    const at = this.seen.get(key);
    if (at !== undefined) return Promise.resolve(at);
    return new Promise((resolveAt, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${key}`)), timeoutMs);
      const list = this.waiters.get(key) ?? [];
      list.push((t) => {
        clearTimeout(timer);
        resolveAt(t);
      });
      this.waiters.set(key, list);
    });
  }
}

export class Lifecycles {
  /** Which side the POS hook attributes a stored order to (the floor posts the bridge's very request). */
  phase: 'bridge' | 'floor' = 'bridge';
  private readonly moments = new Moments();
  private readonly byRef = new Map<string, SimOrder>();
  private readonly posOrders = new Map<number, SimOrder>();
  private readonly stamp = Math.floor(Date.now() / 1000) % 100_000_000;
  private issued = 0;

  constructor(
    private readonly rt: LocalRuntime,
    private readonly load: LoadSecrets,
  ) {
    // Hooks on the simulators' stores: when the POS stores an order, when it fires a status webhook,
    // when Sinqro records an accepted status call.
    const orders = rt.referencePos.orders;
    const setOrder = orders.set.bind(orders);
    orders.set = (id: string, order: SimOrder) => {
      const r = setOrder(id, order);
      if (this.phase === 'bridge') this.byRef.set(order.externalReference, order);
      this.moments.mark(`${this.phase}:pos:${order.externalReference}`);
      return r;
    };
    const fire = rt.referencePos.fireWebhook.bind(rt.referencePos);
    rt.referencePos.fireWebhook = (order, reason, eventId) => {
      this.moments.mark(`hook:${order.id}:${order.status}`);
      return fire(order, reason, eventId);
    };
    const calls = rt.sinqro.calls;
    const push = calls.push.bind(calls);
    calls.push = (...items: SinqroCall[]) => {
      const n = push(...items);
      for (const c of items)
        if (c.httpStatus === 200 && c.statusCode) this.moments.mark(`${this.phase}:sinqro:${c.id}:${c.statusCode}`);
      return n;
    };
  }

  /** `count` new orders (ids never given before), spread over the restaurants in turn. */
  newOrders(count: number): BenchOrder[] {
    const { restaurants } = this.load;
    return Array.from({ length: count }, () => {
      const i = this.issued++;
      return { id: this.stamp * 100_000 + i, restaurant: restaurants[i % restaurants.length] as LoadRestaurant };
    });
  }

  /** The POS order the bridge created for `o` (after its bridge life). */
  posOrderOf(o: BenchOrder): SimOrder {
    const pos = this.posOrders.get(o.id);
    if (!pos) throw new Error(`order ${o.id} has not been through the bridge`);
    return pos;
  }

  /** Sinqro's order.created for `o` (a new event id each time), signed and posted; when it was sent. */
  async postOrderCreated(o: BenchOrder): Promise<number> {
    const { restaurantId } = o.restaurant;
    const raw = JSON.stringify(envelope('order.created', demoOrder(o.id, { restaurantId }), restaurantId));
    const sent = performance.now();
    const res = await fetch(`${this.rt.urls.gateway}/sinqro/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-sinqro-signature': signPayload(this.load.sinqroSigningSecret, raw),
      },
      body: raw,
    });
    await res.arrayBuffer();
    if (res.status !== 202) throw new Error(`bridge answered ${res.status} to order.created of ${o.id}`);
    return sent;
  }

  /** The whole life of `o` through the bridge; adds its (a) and its four (b) latencies to `into`. */
  async bridge(o: BenchOrder, into: Latencies): Promise<void> {
    const sent = await this.postOrderCreated(o);
    const inPos = await this.moments.wait(`bridge:pos:${o.id}`);
    into.a.push(inPos - sent);
    into.spans?.push({ leg: 'a', from: sent, to: inPos });
    const pos = this.byRef.get(String(o.id)) as SimOrder;
    this.posOrders.set(o.id, pos);
    await this.moments.wait(`bridge:sinqro:${o.id}:waiting_sp_validation`);
    for (const [status, code] of STAFF_STEPS) {
      const r = await fetch(`${this.rt.urls.referencePos}/_sim/orders/${pos.id}/status`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status }),
      });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`POS refused ${status} for ${pos.id}: ${r.status}`);
      const seen = await this.moments.wait(`bridge:sinqro:${o.id}:${code}`);
      const fired = this.moments.get(`hook:${pos.id}:${status}`) as number;
      into.b.push(seen - fired);
      into.spans?.push({ leg: 'b', from: fired, to: seen });
    }
  }

  /** The floor of `o` (after its bridge life): its order straight into the POS, its statuses straight to Sinqro. */
  async floor(o: BenchOrder, into: Latencies): Promise<void> {
    const pos = this.posOrderOf(o);
    const sent = performance.now();
    const res = await fetch(`${this.rt.urls.referencePos}/locations/${o.restaurant.posLocationId}/orders`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${this.load.posApiKey}`,
        'idempotency-key': `floor-${o.id}`,
      },
      body: JSON.stringify(pos.request),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(`POS answered ${res.status} to the floor order ${o.id}`);
    into.a.push((await this.moments.wait(`floor:pos:${o.id}`)) - sent);
    // Another id than the bridge's order, which Sinqro now holds in a final status (no status may follow it).
    const floorId = o.id * 10 + 1;
    for (const [, code] of STAFF_STEPS) {
      const t = performance.now();
      const r = await fetch(`${this.rt.urls.sinqro}/pos-app/v1/orders/${floorId}/status`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-server-access-token': this.load.serverAccessToken,
          'x-api-user-access-token': this.load.userToken(o.restaurant),
        },
        body: JSON.stringify({ statusCode: code, posOrderId: pos.id }),
      });
      await r.arrayBuffer();
      if (r.status !== 200) throw new Error(`Sinqro answered ${r.status} to the floor status of ${floorId}`);
      into.b.push((await this.moments.wait(`floor:sinqro:${floorId}:${code}`)) - t);
    }
  }
}
