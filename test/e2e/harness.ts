/** Boots one local runtime per test file (free ports, short visibility timeout) and offers small helpers. */
import { signPayload } from '../../functions/infra/signature';
import { envelope } from '../../local/demo/data';
import { type LocalRuntime, type RuntimeOptions, startLocalRuntime } from '../../local/runtime/runtime';
import secrets from '../../local/runtime/secrets.json';
import { waitFor } from '../../local/runtime/wait';
import type { SimOrder } from '../../local/sims/reference-pos/server';

export const SINQRO_SECRET = secrets['sinqro-pos-bridge/local/webhooks/sinqro'].webhookSigningSecrets[0] as string;
export const REF_SECRET = secrets['sinqro-pos-bridge/local/webhooks/pos/reference'].webhookSigningSecrets[0] as string;

// biome-ignore lint/suspicious/noExplicitAny: tests read replies ad hoc and assert on them.
type JsonReply = any;

export type Harness = {
  rt: LocalRuntime;
  logs: string[];
  nextId: () => number;
  sendEvent: (event: object) => Promise<{ status: number; body: JsonReply }>;
  postRaw: (
    path: string,
    body: string | Buffer,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: JsonReply }>;
  posOrderOf: (sinqroId: number) => SimOrder | undefined;
  waitForPosOrder: (sinqroId: number) => Promise<SimOrder>;
  sinqroStatuses: (sinqroId: number) => string[];
  waitForSinqroStatus: (sinqroId: number, code: string, timeoutMs?: number) => Promise<void>;
  staff: (posOrderId: string, status: string) => Promise<number>;
  settle: (ms?: number) => Promise<void>;
};

let counter = 0;

/**
 * The scheduler's timers are off unless a test turns them on (`options.scheduleEverySeconds`): a test
 * runs a job when it wants with `rt.runSchedule(job)`, so no stray poll or sweep changes what it counts.
 */
export async function startHarness(
  visibilityTimeoutSeconds = 6,
  options: Omit<RuntimeOptions, 'log' | 'visibilityTimeoutSeconds'> = {},
): Promise<Harness> {
  const logs: string[] = [];
  const rt = await startLocalRuntime({
    ports: { gateway: 0, referencePos: 0, squarePos: 0, sinqro: 0 },
    scheduleEverySeconds: { poll: 0, sweep: 0, nightly: 0 },
    // The retry backoff scaled down 15,000×: 2 ms floor, 2.88 s cap, about 10 s of retries before a DLQ.
    retryFloorSeconds: 0.002,
    ...options,
    visibilityTimeoutSeconds,
    log: (l) => logs.push(l),
  });
  const postRaw = async (path: string, body: string | Buffer, headers: Record<string, string> = {}) => {
    const res = await fetch(`${rt.urls.gateway}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed };
  };
  const posOrderOf = (id: number) =>
    [...rt.referencePos.orders.values()].find((o) => o.externalReference === String(id));
  return {
    rt,
    logs,
    nextId: () => 700_000_000 + process.pid * 1000 + ++counter,
    sendEvent: (event) => {
      const raw = JSON.stringify(event);
      return postRaw('/sinqro/events', raw, { 'x-sinqro-signature': signPayload(SINQRO_SECRET, raw) });
    },
    postRaw,
    posOrderOf,
    waitForPosOrder: (id) => waitFor(`POS order for ${id}`, () => posOrderOf(id)),
    sinqroStatuses: (id) => rt.sinqro.statusesOf(id),
    waitForSinqroStatus: async (id, code, timeoutMs = 15_000) => {
      await waitFor(`Sinqro status ${code} for ${id}`, () => rt.sinqro.statusesOf(id).includes(code), timeoutMs);
    },
    staff: async (posOrderId, status) => {
      const res = await fetch(`${rt.urls.referencePos}/_sim/orders/${posOrderId}/status`, {
        method: 'POST',
        body: JSON.stringify({ status }),
      });
      await res.text();
      return res.status;
    },
    // Whatever might still follow passes two queues; each consumer is invoked as soon as a message arrives.
    settle: (ms = 400) => new Promise((r) => setTimeout(r, ms)),
  };
}

export { envelope, waitFor };

/**
 * The setup most test files share: one runtime started before the file's tests (startHarness's arguments)
 * and stopped after them. The harness it returns reads through to that runtime once beforeAll has run.
 */
export function useHarness(...args: Parameters<typeof startHarness>): Harness {
  let started: Harness | undefined;
  beforeAll(async () => {
    started = await startHarness(...args);
  });
  afterAll(async () => {
    await started?.rt.stop();
  });
  return new Proxy({} as Harness, {
    get: (_target, key) => {
      if (!started) throw new Error('the harness is used before beforeAll started it');
      return started[key as keyof Harness];
    },
  });
}
