/**
 * Sinqro retries in parallel: several copies of one `order.created`, each under its own event id, reach
 * the worker at once. The idempotency key keeps the POS at one order; Sinqro must hear of it once too.
 */
import { DEMO_SQUARE_RESTAURANT, demoOrder, demoReservation, demoSquareOrder } from '../../local/demo/data';
import type { FaultConfig } from '../../local/sims/faults';
import { envelope, type Harness, startHarness } from './harness';

jest.setTimeout(90_000);
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

/** The POS answers some calls 5xx, some late, some not at all (the work done): copies fail and are redelivered. */
const FLAKY: FaultConfig = {
  errorRate: 0.3,
  errorStatuses: [500, 502, 503],
  lagRate: 0.5,
  lagMs: 150,
  dropReplyRate: 0.15,
  eachRateFaultOnce: true,
};
const COPIES = 8;
/** COPIES deliveries of one event at once, each under its own event id. */
const sendCopies = async (event: () => object) => {
  const replies = await Promise.all(Array.from({ length: COPIES }, () => h.sendEvent(event())));
  expect(replies.map((r) => r.status)).toEqual(Array(COPIES).fill(202));
};

describe('eight copies at once while the POS answers 5xx, late or not at all (copies redelivered): one POS record, INJECTED told once', () => {
  afterEach(() => {
    h.rt.referencePos.faults.set({});
    h.rt.squarePos.faults.set({});
  });

  test('a reference reservation', async () => {
    h.rt.referencePos.faults.set(FLAKY);
    const id = h.nextId();
    await sendCopies(() => envelope('reservation.created', demoReservation(id)));
    await h.waitForSinqroStatus(id, 'waiting_sp_validation', 40_000);
    h.rt.referencePos.faults.set({});
    await h.settle(3000);
    expect([...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id))).toHaveLength(1);
    expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
  });

  test('a Square order', async () => {
    h.rt.squarePos.faults.set(FLAKY);
    const id = h.nextId();
    await sendCopies(() => envelope('order.created', demoSquareOrder(id), DEMO_SQUARE_RESTAURANT));
    await h.waitForSinqroStatus(id, 'waiting_sp_validation', 40_000);
    h.rt.squarePos.faults.set({});
    await h.settle(3000);
    const orders = [...h.rt.squarePos.orders.orders.values()].filter((o) => o.reference_id === String(id));
    expect(orders).toHaveLength(1);
    expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
  });
});
