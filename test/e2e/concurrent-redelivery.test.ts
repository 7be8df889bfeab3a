/**
 * Sinqro retries in parallel: several copies of one `order.created`, each under its own event id, reach
 * the worker at once. The idempotency key keeps the POS at one order; Sinqro must hear of it once too.
 */
import { demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness } from './harness';

jest.setTimeout(40_000);
let h: Harness;

beforeAll(async () => {
  // Enough worker loops that the copies run at the same time rather than one after another.
  h = await startHarness(6, { workerConcurrency: 5 });
});
afterAll(async () => {
  await h.rt.stop();
});

test('five copies of one order.created under different event ids, sent at once, tell Sinqro INJECTED once', async () => {
  const id = h.nextId();
  const order = demoOrder(id);
  const replies = await Promise.all(Array.from({ length: 5 }, () => h.sendEvent(envelope('order.created', order))));
  expect(replies.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  await h.settle(1500);
  expect([...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id))).toHaveLength(1);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
});
