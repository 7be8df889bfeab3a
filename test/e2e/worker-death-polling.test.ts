/**
 * A worker that dies right after a status write, on the polling path: the local DynamoDB fault proxy makes
 * every status write and then answers it failed (`crashAfterStatusWriteRate: 1`). A poll that applied a
 * final status this way is retried, and its retry sends the news, once. (One runtime per test file: the
 * functions' clients point at it; worker-death.test.ts has the webhook paths.)
 */
import { DEMO_RESTAURANT, demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(120_000);

describe('with status webhooks off (polling)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(6, {
      dynamoFaultProxy: true,
      adapterSettings: { reference: { statusWebhooks: false, availabilityWebhooks: false } },
    });
    h.rt.dynamoFaults?.set({ crashAfterStatusWriteRate: 1 });
  });
  afterAll(async () => {
    await h?.rt.stop();
  });

  test('a polled final status whose write was answered failed reaches Sinqro on the poll job’s retry', async () => {
    const id = h.nextId();
    expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
    const pos = await h.waitForPosOrder(id);
    await h.waitForSinqroStatus(id, 'waiting_sp_validation', 30_000);
    expect(await h.staff(pos.id, 'completed')).toBe(200);
    const res = await fetch(`${h.rt.urls.gateway}/_local/schedule/poll`, { method: 'POST' });
    expect(res.status).toBe(200);
    await h.waitForSinqroStatus(id, 'collected', 30_000);
    await h.settle(1500);
    expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'collected']);
    // Another poll after it changes nothing, and the order is no longer open.
    await fetch(`${h.rt.urls.gateway}/_local/schedule/poll`, { method: 'POST' });
    await h.settle(1500);
    expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'collected']);
    const { listOpen } = await import('../../functions/store/open-orders');
    await waitFor(
      'the order no longer open',
      async () => !(await listOpen(DEMO_RESTAURANT)).some((m) => m.orderId === id),
    );
  });
});
