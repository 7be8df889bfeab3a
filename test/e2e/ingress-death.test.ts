/**
 * An ingress that dies right after its first write (local/runtime/ingress-faults.ts): the sender gets a 500 and
 * retries, as Sinqro does. Whatever that first write was, the retry must bring the order into the POS,
 * and exactly once.
 */
import { demoOrder } from '../../local/demo/data';
import type { IngressFaults } from '../../local/runtime/ingress-faults';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(60_000);
let h: Harness;
let faults: IngressFaults;

beforeAll(async () => {
  h = await startHarness(6, { ingressFaults: true });
  faults = h.rt.ingressFaults as IngressFaults;
});
afterAll(async () => {
  await h.rt.stop();
});
afterEach(() => {
  faults.set({});
});

const posOrdersFor = (id: number) =>
  [...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id));

test("a Sinqro delivery whose ingress died after its first write is taken on Sinqro's retry and injected once", async () => {
  const id = h.nextId();
  const event = envelope('order.created', demoOrder(id));
  faults.set({ dieAfterFirstWriteRate: 1 });
  const first = await h.sendEvent(event);
  expect(first.status).toBe(500);
  expect(faults.counts['ingress-died-after-first-write']).toBeGreaterThan(0);

  faults.set({});
  const retry = await h.sendEvent(event);
  expect(retry.body).toMatchObject({ outcome: 'enqueued' });
  expect(retry.status).toBe(202);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 20_000);
  await h.settle(1000);
  expect(posOrdersFor(id)).toHaveLength(1);
});

test('an EventBridge delivery whose ingress died after its first write is taken on the retry and injected once', async () => {
  const id = h.nextId();
  const raw = JSON.stringify(envelope('order.created', demoOrder(id)));
  faults.set({ dieAfterFirstWriteRate: 1 });
  const first = await h.postRaw('/_local/eventbridge', raw);
  expect(first.status).toBe(500);

  faults.set({});
  const retry = await h.postRaw('/_local/eventbridge', raw);
  expect(retry).toEqual({ status: 200, body: { outcome: 'enqueued' } });
  await waitFor('the POS to have the order', () => posOrdersFor(id).length > 0, 20_000);
  await h.settle(1000);
  expect(posOrdersFor(id)).toHaveLength(1);
});
