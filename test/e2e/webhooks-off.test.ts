/**
 * The polling fallback, proven with a reference-POS configuration whose status and availability
 * webhooks are off: the simulator sends none, the adapter's effective capabilities say `polling`,
 * and the scheduler's poll job brings the POS's statuses and its closure to Sinqro anyway.
 */
import { effectiveCapabilities } from '../../adapters/capabilities';
import { referenceAdapter } from '../../adapters/reference';
import { DEMO_RESTAURANT, demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(60_000);
let h: Harness;
const settings = { statusWebhooks: false, availabilityWebhooks: false };

beforeAll(async () => {
  h = await startHarness(6, { adapterSettings: { reference: settings } });
});
afterAll(async () => {
  await h.rt.stop();
});

const poll = async () => {
  const res = await fetch(`${h.rt.urls.gateway}/_local/schedule/poll`, { method: 'POST' });
  expect(res.status).toBe(200);
};

test('the declared capabilities turn F2–F4 and F7–F8 into polling for this configuration', () => {
  const caps = effectiveCapabilities(referenceAdapter, settings);
  for (const f of ['F2', 'F3', 'F4', 'F7', 'F8'] as const) expect(caps.orders[f].mechanism).toBe('polling');
  expect(caps.orders.F1.mechanism).toBe('api');
});

test('staff moving an order through the POS reaches Sinqro by polling, without any status webhook', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  for (const [status, code] of [
    ['accepted', 'accepted'],
    ['preparing', 'preparing'],
    ['completed', 'collected'],
  ] as const) {
    expect(await h.staff(pos.id, status)).toBe(200);
    await poll();
    await h.waitForSinqroStatus(id, code);
  }
  expect(h.rt.referencePos.webhooks.filter((w) => w.orderId === pos.id)).toEqual([]);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'accepted', 'preparing', 'collected']);
});

test('a temporary closure made in the POS reaches Sinqro by polling, without the availability webhook', async () => {
  const until = new Date(Date.now() + 3600_000).toISOString();
  const res = await fetch(`${h.rt.urls.referencePos}/_sim/availability`, {
    method: 'POST',
    body: JSON.stringify({ closed: true, until }),
  });
  expect(res.status).toBe(200);
  await poll();
  const closure = await waitFor('the closure in Sinqro', async () => {
    const view = (await (await fetch(`${h.rt.urls.sinqro}/_sim/closure/${DEMO_RESTAURANT}`)).json()) as {
      closure: { expiresAt: string } | null;
    };
    return view.closure ?? undefined;
  });
  expect(Date.parse(closure.expiresAt)).toBe(Date.parse(until));
});
