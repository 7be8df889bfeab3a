/**
 * Sinqro answering slowly at random (half of its calls held 1.5 s, each applied when it is answered)
 * while staff move several orders quickly through accepted → preparing → ready: every order must end
 * at the bridge's status in Sinqro, and Sinqro must never see a status of lower rank after a higher one.
 */

import type { CanonicalStatus } from '../../functions/core/statuses';
import { sinqroStatusCode } from '../../functions/sinqro/client';
import { demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);
let h: Harness;

beforeAll(async () => {
  // Visibility 24 s: the publisher's timeout (4 s) leaves room for a 1.5 s reply.
  h = await startHarness(24);
});
afterAll(async () => {
  await h.rt.stop();
});

const LADDER: CanonicalStatus[] = ['INJECTED', 'ACCEPTED', 'PREPARING', 'READY'];
const rankOfCode = (code: string) => LADDER.findIndex((s) => sinqroStatusCode('order', 'collection', s) === code);

/** Statuses Sinqro accepted, in order of arrival, that come after one of a higher rank. */
const regressions = (codes: string[]) =>
  codes.filter((code, i) => codes.slice(0, i).some((earlier) => rankOfCode(earlier) > rankOfCode(code)));

test('with Sinqro slow at random per call, every order ends at the bridge status in Sinqro and never moves backwards', async () => {
  const { getOrder } = await import('../../functions/store/orders');
  const ids = Array.from({ length: 8 }, () => h.nextId());
  await Promise.all(ids.map((id) => h.sendEvent(envelope('order.created', demoOrder(id)))));
  const posOrders = await Promise.all(ids.map((id) => h.waitForPosOrder(id)));
  await Promise.all(ids.map((id) => h.waitForSinqroStatus(id, 'waiting_sp_validation')));

  h.rt.sinqro.faults.set({ lagRate: 0.5, lagMs: 1500 });
  for (const status of ['accepted', 'preparing', 'ready'])
    await Promise.all(posOrders.map((o) => h.staff(o.id, status)));

  await waitFor(
    'every order READY in the bridge and the to-sinqro queue empty',
    async () => {
      const states = await Promise.all(ids.map((id) => getOrder('order', id)));
      const toSinqro = h.rt.queues.find((q) => q.consumer === 'sinqro-publisher') as { name: string };
      const d = h.rt.sqs.depth(toSinqro.name);
      return states.every((s) => s?.status === 'READY') && d.visible + d.inFlight === 0;
    },
    60_000,
    100,
  );
  await new Promise((r) => setTimeout(r, 2000)); // a held reply still on its way would land in this time
  expect(h.rt.sinqro.faults.counts.lagged ?? 0).toBeGreaterThan(0);

  const finals = ids.map((id) => ({ id, sinqro: h.rt.sinqro.lastStatus.get(`order#${id}`) }));
  expect(finals.filter((f) => f.sinqro !== 'ready')).toEqual([]);
  const backwards = ids.map((id) => ({ id, regressions: regressions(h.sinqroStatuses(id)) }));
  expect(backwards.filter((b) => b.regressions.length > 0)).toEqual([]);
});
