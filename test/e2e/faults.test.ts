/**
 * Faults through the local runtime: the POS down for a while, the POS's reply lost after it created
 * the order, Sinqro down, and a POS that never recovers (the message ends in the DLQ, from where it
 * can be redriven). No order is lost or doubled.
 */
import { SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { demoOrder } from '../../local/demo/data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);
let h: Harness;

beforeAll(async () => {
  h = await startHarness(2); // visibility 2 s, function timeout 333 ms: retries come quickly
});
afterAll(async () => {
  await h.rt.stop();
});
afterEach(() => {
  h.rt.referencePos.faults.set({});
  h.rt.sinqro.faults.set({});
});

const posOrdersFor = (id: number) =>
  [...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id));

test('an order sent while the POS is down is injected once the POS is back', async () => {
  const id = h.nextId();
  h.rt.referencePos.faults.set({ downUntil: Date.now() + 3000 });
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 20_000);
  expect(posOrdersFor(id)).toHaveLength(1);
  expect(h.rt.referencePos.faults.injected).toBeGreaterThan(0);
});

test('a POS reply lost after the order was created does not create a second order', async () => {
  const id = h.nextId();
  h.rt.referencePos.faults.set({ dropReplyRate: 1 });
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  await waitFor('the POS to create the order', () => posOrdersFor(id).length > 0);
  h.rt.referencePos.faults.set({}); // the retry (same idempotency key) gets the reply
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 20_000);
  expect(posOrdersFor(id)).toHaveLength(1);
});

test('statuses held back by a Sinqro outage arrive once it recovers, without going backwards', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  h.rt.sinqro.faults.set({ downUntil: Date.now() + 2500 });
  await h.staff(pos.id, 'accepted');
  await h.staff(pos.id, 'preparing');
  await h.waitForSinqroStatus(id, 'preparing', 20_000);
  const statuses = h.sinqroStatuses(id);
  expect(statuses[statuses.length - 1]).toBe('preparing');
  expect(statuses.indexOf('accepted')).toBeLessThan(statuses.indexOf('preparing'));
});

test('a POS that never answers parks the order in the DLQ, and a redrive after recovery injects it once', async () => {
  const id = h.nextId();
  h.rt.referencePos.faults.set({ errorRate: 1, errorStatus: 503 });
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const work = h.rt.queues[0] as { dlqName: string; dlqUrl: string; url: string };
  // 14 receives, backed off (harness: 2 ms floor) and each after the poller's 1 s batching window.
  await waitFor('the message to reach the DLQ', () => h.rt.sqs.depth(work.dlqName).visible === 1, 50_000, 100);
  expect(posOrdersFor(id)).toHaveLength(0);

  h.rt.referencePos.faults.set({});
  const sqs = new SQSClient({});
  const moved = await sqs.send(
    new StartMessageMoveTaskCommand({ SourceArn: `arn:aws:sqs:eu-west-1:000000000000:${work.dlqName}` }),
  );
  expect(moved.TaskHandle).toBeDefined();
  await h.waitForSinqroStatus(id, 'waiting_sp_validation', 20_000);
  expect(posOrdersFor(id)).toHaveLength(1);
  expect(h.rt.sqs.depth(work.dlqName).visible).toBe(0);
});
