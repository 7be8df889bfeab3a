/**
 * End to end through the local runtime: real HTTP into the gateway, the real handlers, dynalite,
 * the local SQS with its semantics, and both simulators.
 */
import { createHmac } from 'node:crypto';
import { signPayload } from '../../functions/infra/signature';
import { demoOrder } from '../../local/demo/data';
import { envelope, SINQRO_SECRET, useHarness, waitFor } from './harness';

jest.setTimeout(40_000);
const h = useHarness();

test('an order reaches the POS and every status the staff set reaches Sinqro, in order', async () => {
  const id = h.nextId();
  const sent = await h.sendEvent(envelope('order.created', demoOrder(id)));
  expect(sent.status).toBe(202);
  const pos = await h.waitForPosOrder(id);
  expect(pos.request).toMatchObject({ externalReference: String(id), type: 'pickup', totalMinor: 2300 });
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  for (const [status, code] of [
    ['accepted', 'accepted'],
    ['preparing', 'preparing'],
    ['ready', 'ready'],
    ['completed', 'collected'],
  ]) {
    expect(await h.staff(pos.id, status as string)).toBe(200);
    await h.waitForSinqroStatus(id, code as string);
  }
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'accepted', 'preparing', 'ready', 'collected']);
});

test('a consumer cancellation cancels the POS order and is not echoed back to Sinqro', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id, { type: 'delivery' })));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  expect((await h.sendEvent(envelope('order.cancelled', { id, comment: 'changed my mind' }))).status).toBe(202);
  await waitFor('POS order cancelled', () => h.posOrderOf(id)?.status === 'cancelled');
  await waitFor('the POS webhook about it to be delivered', () =>
    h.rt.referencePos.webhooks.some((w) => w.orderId === pos.id && w.status === 'cancelled'),
  );
  await h.settle(600);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
});

test('a cancellation that overtakes the creation keeps the order out of the POS', async () => {
  const id = h.nextId();
  expect((await h.sendEvent(envelope('order.cancelled', { id }))).status).toBe(202);
  await h.settle(500);
  expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
  await h.settle(1000);
  expect(h.posOrderOf(id)).toBeUndefined();
});

test('the same Sinqro event delivered twice creates one POS order and answers 200 the second time', async () => {
  const id = h.nextId();
  const event = envelope('order.created', demoOrder(id));
  const first = await h.sendEvent(event);
  const second = await h.sendEvent(event);
  expect([first.status, second.status]).toEqual([202, 200]);
  expect(second.body).toMatchObject({ outcome: 'duplicate' });
  await h.waitForPosOrder(id);
  await h.settle(800);
  expect([...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id))).toHaveLength(1);
});

test('the same order under a new event id is not injected twice', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  expect((await h.sendEvent(envelope('order.created', demoOrder(id)))).status).toBe(202);
  await h.settle(800);
  expect([...h.rt.referencePos.orders.values()].filter((o) => o.externalReference === String(id))).toHaveLength(1);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
});

test('the same EventBridge event is ingested like an HTTP one', async () => {
  const id = h.nextId();
  const res = await fetch(`${h.rt.urls.gateway}/_local/eventbridge`, {
    method: 'POST',
    body: JSON.stringify(envelope('order.created', demoOrder(id))),
  });
  expect(await res.json()).toEqual({ outcome: 'enqueued' });
  await h.waitForPosOrder(id);
});

test('a duplicated POS webhook has no second effect', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  pos.status = 'accepted';
  pos.history.push({ status: 'accepted', at: new Date().toISOString(), by: 'staff' });
  const payload = JSON.stringify({
    eventId: `evt-dup-${id}`,
    type: 'order.status_changed',
    occurredAt: new Date().toISOString(),
    locationId: pos.locationId,
    data: { id: pos.id, externalReference: String(id), status: 'accepted' },
  });
  expect(await h.rt.referencePos.deliver(payload, `evt-dup-${id}`, pos)).toBe(200);
  expect(await h.rt.referencePos.deliver(payload, `evt-dup-${id}`, pos)).toBe(200);
  await h.waitForSinqroStatus(id, 'accepted');
  await h.settle(600);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'accepted']);
});

test('POS webhooks that arrive out of order leave the newest status in Sinqro', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
  const webhook = (status: string, occurredAt: string) =>
    JSON.stringify({
      eventId: `evt-${status}-${id}`,
      type: 'order.status_changed',
      occurredAt,
      locationId: pos.locationId,
      data: { id: pos.id, externalReference: String(id), status },
    });
  // The POS went accepted → preparing → ready, but the deliveries arrive ready, accepted, preparing.
  await h.rt.referencePos.deliver(webhook('ready', at(3000)), `evt-ready-${id}`, pos);
  await h.waitForSinqroStatus(id, 'ready');
  await h.rt.referencePos.deliver(webhook('accepted', at(1000)), `evt-accepted-${id}`, pos);
  await h.rt.referencePos.deliver(webhook('preparing', at(2000)), `evt-preparing-${id}`, pos);
  await h.settle(800);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'ready']);
});

describe('bad input is refused and nothing is enqueued', () => {
  const workQueueDepth = () => {
    const q = h.rt.queues[0] as { name: string };
    const d = h.rt.sqs.depth(q.name);
    return d.visible + d.inFlight;
  };

  test('a wrong signature is answered 401', async () => {
    const raw = JSON.stringify(envelope('order.created', demoOrder(h.nextId())));
    const res = await h.postRaw('/sinqro/events', raw, {
      'x-sinqro-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`,
    });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'INVALID_SIGNATURE', httpResponseCode: '401' });
    expect(workQueueDepth()).toBe(0);
  });

  test('a signature older than five minutes is answered 401', async () => {
    const raw = JSON.stringify(envelope('order.created', demoOrder(h.nextId())));
    const t = Math.floor(Date.now() / 1000) - 301;
    const v1 = createHmac('sha256', SINQRO_SECRET).update(`${t}.${raw}`).digest('hex');
    expect((await h.postRaw('/sinqro/events', raw, { 'x-sinqro-signature': `t=${t},v1=${v1}` })).status).toBe(401);
  });

  test('a signed body that is not JSON is answered 400 in Sinqro error format', async () => {
    const raw = '{"id": "x", ';
    const res = await h.postRaw('/sinqro/events', raw, { 'x-sinqro-signature': signPayload(SINQRO_SECRET, raw) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'INVALID_REQUEST',
      httpResponseCode: '400',
      errors: [{ code: 'INVALID_JSON' }],
    });
    expect(workQueueDepth()).toBe(0);
  });

  test('a signed envelope without a type is answered 400 naming the field', async () => {
    const res = await h.sendEvent({});
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('type');
  });

  test('a schema failure names the failing field', async () => {
    const order = { ...demoOrder(h.nextId()), totalAmount: '23.00' };
    const res = await h.sendEvent(envelope('order.created', order));
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('data.totalAmount');
  });

  test('an unknown restaurant is answered 404', async () => {
    const res = await h.sendEvent(envelope('order.created', demoOrder(h.nextId(), { restaurantId: 999 }), 999));
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('RESTAURANT_NOT_LINKED');
  });

  test('a POS code no adapter is registered for has no route: the gateway answers 404 and no function runs', async () => {
    const logged = h.logs.length;
    const res = await h.postRaw('/nosuchpos/webhooks/orders', '{}');
    expect({ status: res.status, body: res.body }).toEqual({ status: 404, body: { message: 'Not Found' } });
    expect(h.logs.slice(logged).filter((line) => line.includes('pos-webhook'))).toEqual([]);
  });

  test('a body over the queue limit is answered 413', async () => {
    const order = { ...demoOrder(h.nextId()), comment: 'x'.repeat(1000), padding: 'y'.repeat(300 * 1024) };
    expect((await h.sendEvent(envelope('order.created', order))).status).toBe(413);
  });

  test('a POS webhook with a bad signature is answered 401', async () => {
    const res = await h.postRaw('/reference/webhooks/orders', '{}', { 'x-refpos-signature': 't=1,v1=abc' });
    expect(res.status).toBe(401);
    expect(workQueueDepth()).toBe(0);
  });
});

test('an order the POS cannot take is marked FAILED, Sinqro is told, and it is not retried', async () => {
  const id = h.nextId();
  const order = demoOrder(id);
  (order.orderLines[0] as { product: { externalId: string | null } }).product.externalId = null;
  await h.sendEvent(envelope('order.created', order));
  await h.waitForSinqroStatus(id, 'pos_integration_failed');
  expect(h.posOrderOf(id)).toBeUndefined();
  const calls = h.rt.sinqro.calls.filter((c) => c.id === id);
  expect(calls).toHaveLength(1);
});

test('an order due 2 days ago (a redriven message) is not injected: FAILED as EXPIRED, and Sinqro is told', async () => {
  const id = h.nextId();
  const twoDaysAgo = new Date(Date.now() - 48 * 3600_000).toISOString();
  expect((await h.sendEvent(envelope('order.created', { ...demoOrder(id), executionTime: twoDaysAgo }))).status).toBe(
    202,
  );
  await waitFor('a status for it in Sinqro', () => h.sinqroStatuses(id).length > 0);
  expect(h.sinqroStatuses(id)).toEqual(['pos_integration_failed']);
  expect(h.posOrderOf(id)).toBeUndefined();
  expect(h.logs.some((l) => l.includes('order FAILED') && l.includes('EXPIRED') && l.includes(String(id)))).toBe(true);
});

test('an order due an hour ago, within the grace period, is injected as before', async () => {
  const id = h.nextId();
  const anHourAgo = new Date(Date.now() - 3600_000).toISOString();
  await h.sendEvent(envelope('order.created', { ...demoOrder(id), executionTime: anHourAgo }));
  await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
});

test('a cancellation the POS refuses (already completed there) is recorded, not retried into the DLQ', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  pos.status = 'completed'; // staff closed it in the POS; its webhook has not reached the bridge yet
  await h.sendEvent(envelope('order.cancelled', { id }));
  const { listAudit } = await import('../../functions/store/audit');
  const refused = await waitFor('the refusal in the audit trail', async () =>
    (await listAudit(`ORDER#${id}`)).find((a) => a.outcome === 'refused by POS'),
  );
  expect(refused.code).toBe('ALREADY_FINAL');
  const work = h.rt.queues[0] as { name: string; dlqName: string };
  await waitFor(
    'the work queue to drain',
    () => h.rt.sqs.depth(work.name).inFlight + h.rt.sqs.depth(work.name).visible === 0,
  );
  expect(h.rt.sqs.depth(work.dlqName).visible).toBe(0);
});

test('a 429 from Sinqro with Retry-After brings the status back after that delay, not the full visibility timeout', async () => {
  const id = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(id)));
  const pos = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  h.rt.sinqro.faults.set({ rateLimitRate: 1, retryAfterSeconds: 1 });
  await h.staff(pos.id, 'accepted');
  await waitFor('Sinqro to answer 429 at least once', () => h.rt.sinqro.faults.injected > 0);
  // Timed from the first 429 (not from the staff action, whose queue hops each wait the batching window).
  const started = Date.now();
  await new Promise((r) => setTimeout(r, 1200));
  h.rt.sinqro.faults.set({});
  await h.waitForSinqroStatus(id, 'accepted');
  // The queue's visibility timeout is 6 s here: without Retry-After the retry would come after it.
  expect(Date.now() - started).toBeLessThan(5000);
});
