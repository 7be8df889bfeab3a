/**
 * Polling fallback and stuck-order sweep through the local runtime: a status the POS never sent as a
 * webhook is read by polling and reaches Sinqro; orders that stay RECEIVED or INJECTED are flagged
 * once (audit, metric), never forgotten; final orders leave the open-order set.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WorkMessage } from '../../functions/core/messages';
import { DEMO_RESTAURANT, demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(60_000);
let h: Harness;

beforeAll(async () => {
  process.env.STUCK_AFTER_MINUTES = '0';
  h = await startHarness(3);
});
afterAll(async () => {
  await h.rt.stop();
});
afterEach(() => h.rt.referencePos.faults.set({}));

async function enqueuePoll(trigger: 'schedule' | 'sweep') {
  const message: WorkMessage = { type: 'poll-orders', restaurantId: DEMO_RESTAURANT, posCode: 'reference', trigger };
  await new SQSClient({}).send(
    new SendMessageCommand({ QueueUrl: h.rt.queues[0]?.url, MessageBody: JSON.stringify(message) }),
  );
}

const audit = async (id: number) => (await import('../../functions/store/audit')).listAudit(`ORDER#${id}`);

test('a status changed in the POS without a webhook reaches Sinqro through polling', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  pos.status = 'accepted'; // staff accepted it, but this POS sends no webhook
  pos.history.push({ status: 'accepted', at: new Date().toISOString(), by: 'staff' });
  await enqueuePoll('schedule');
  await h.waitForSinqroStatus(id, 'accepted');
  await enqueuePoll('schedule'); // polling again finds nothing new: no second call
  await h.settle(800);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'accepted']);
});

test('the sweep flags an order nobody accepted in the POS once, with a metric', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  await enqueuePoll('sweep');
  const flagged = await waitFor('the stuck record', async () => (await audit(id)).find((a) => a.outcome === 'stuck'));
  expect(flagged.status).toBe('INJECTED');
  await enqueuePoll('sweep');
  await h.settle(800);
  expect((await audit(id)).filter((a) => a.outcome === 'stuck')).toHaveLength(1);
  expect(h.logs.some((l) => l.includes('[metric] StuckOrders=1'))).toBe(true);
});

test('the sweep flags an order that never reached the POS, saying where its message is', async () => {
  const id = h.nextId();
  h.rt.referencePos.faults.set({ errorRate: 1, errorStatus: 503 });
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  await waitFor('a failed injection', async () => (await audit(id)).some((a) => a.outcome === 'retry'));
  await enqueuePoll('sweep');
  const flagged = await waitFor('the stuck record', async () => (await audit(id)).find((a) => a.outcome === 'stuck'));
  expect(flagged).toMatchObject({ status: 'RECEIVED', detail: expect.stringContaining('DLQ') });
});

test('an order that reached a final status leaves the open-order set', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  const { listOpen } = await import('../../functions/store/open-orders');
  await waitFor('the order to be open', async () => (await listOpen(DEMO_RESTAURANT)).some((o) => o.orderId === id));
  await h.staff(pos.id, 'rejected');
  await h.waitForSinqroStatus(id, 'rejected');
  await waitFor(
    'the order to leave the open set',
    async () => !(await listOpen(DEMO_RESTAURANT)).some((o) => o.orderId === id),
  );
});
