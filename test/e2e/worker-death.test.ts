/**
 * A worker that dies right after a status write: the local DynamoDB fault proxy makes every status write
 * and then answers it failed (`crashAfterStatusWriteRate: 1`), so each status is in the table while its news
 * for Sinqro was never queued, and the message comes back. Its retry must send the news, once: by webhook
 * (reference POS) and by a K-Series webhook whose status the bridge reads back from the POS. The poll's
 * path is in worker-death-polling.test.ts (one runtime per file).
 */
import { DEMO_LIGHTSPEED_K_RESTAURANT, DEMO_RESTAURANT, demoLightspeedKOrder, demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness } from './harness';

jest.setTimeout(120_000);

/** Waits until Sinqro's statuses for the order are `expected`, and checks nothing more arrives. */
async function sinqroEndsAt(h: Harness, id: number, expected: string[]) {
  const last = expected[expected.length - 1] as string;
  await h.waitForSinqroStatus(id, last, 30_000);
  await h.settle(1500);
  expect(h.sinqroStatuses(id)).toEqual(expected);
}

describe('with webhooks', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(6, { dynamoFaultProxy: true });
  });
  afterAll(async () => {
    await h?.rt.stop();
  });

  test.each([
    ['the worker died after each status write', { crashAfterStatusWriteRate: 1 }],
    ["each status write's reply was lost and the SDK tried again", { statusReplyLostRate: 1 }],
  ])('reference POS: every status reaches Sinqro once, though %s', async (_what, faults) => {
    h.rt.dynamoFaults?.set(faults);
    const id = h.nextId();
    expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
    const pos = await h.waitForPosOrder(id);
    await h.waitForSinqroStatus(id, 'waiting_sp_validation', 30_000);
    for (const [status, code] of [
      ['accepted', 'accepted'],
      ['ready', 'ready'],
      ['completed', 'collected'],
    ] as const) {
      expect(await h.staff(pos.id, status)).toBe(200);
      await h.waitForSinqroStatus(id, code, 30_000);
    }
    await sinqroEndsAt(h, id, ['waiting_sp_validation', 'accepted', 'ready', 'collected']);
    const counts = h.rt.dynamoFaults?.counts;
    expect(
      (counts?.['crash-after-status-write'] ?? 0) + (counts?.['status-write-reply-lost'] ?? 0),
    ).toBeGreaterThanOrEqual(4);
    // Final, and told: no open-order marker is left to poll.
    const { listOpen } = await import('../../functions/store/open-orders');
    expect((await listOpen(DEMO_RESTAURANT)).map((m) => m.orderId)).not.toContain(id);
  });

  test('K-Series: the CLOSED the bridge read back from the POS reaches Sinqro though its write was answered failed', async () => {
    h.rt.dynamoFaults?.set({ crashAfterStatusWriteRate: 1 });
    const id = h.nextId();
    const order = demoLightspeedKOrder(id, { type: 'collection' });
    expect((await h.sendEvent(envelope('order.created', order, DEMO_LIGHTSPEED_K_RESTAURANT))).status).toBe(202);
    await h.waitForSinqroStatus(id, 'accepted', 30_000);
    for (const [status, code] of [
      ['READY_FOR_PICKUP', 'ready'],
      ['CLOSED', 'collected'],
    ] as const) {
      const res = await fetch(`${h.rt.urls.lightspeedKPos}/_sim/orders/${id}/status`, {
        method: 'POST',
        body: JSON.stringify({ status }),
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(200);
      await h.waitForSinqroStatus(id, code, 30_000);
    }
    await h.settle(1500);
    const told = h.sinqroStatuses(id);
    expect(told.slice(-3)).toEqual(['accepted', 'ready', 'collected']);
    expect(new Set(told).size).toBe(told.length);
  });
});
