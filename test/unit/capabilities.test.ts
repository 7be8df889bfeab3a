import {
  effectiveCapabilities,
  POLLING_NOTES,
  pollsAvailability,
  pollsStatus,
  supports,
} from '../../adapters/capabilities';
import { fakeAdapter, fakeCapabilities } from './support/fake-adapter';

test('with no settings the declaration is what the bridge does', () => {
  expect(effectiveCapabilities(fakeAdapter(), {})).toEqual(fakeCapabilities());
});

test('status webhooks on (explicitly) change nothing', () => {
  expect(effectiveCapabilities(fakeAdapter(), { statusWebhooks: true, availabilityWebhooks: true })).toEqual(
    fakeCapabilities(),
  );
});

test('with status webhooks off, F2–F4 carried by webhooks are polled, with the reason in the note', () => {
  const caps = effectiveCapabilities(fakeAdapter(), { statusWebhooks: false });
  for (const id of ['F2', 'F3', 'F4'] as const)
    expect(caps.orders[id]).toEqual({ mechanism: 'polling', note: POLLING_NOTES.status });
  expect(caps.reservations.F2).toEqual({ mechanism: 'polling', note: POLLING_NOTES.status });
});

test('with status webhooks off, features that were not webhooks keep their mechanism and note', () => {
  const caps = effectiveCapabilities(fakeAdapter(), { statusWebhooks: false });
  expect(caps.reservations.F4).toEqual({ mechanism: 'polling', note: 'the POS only lets us read seatings' });
  expect(caps.reservations.F5).toEqual(fakeCapabilities().reservations.F5);
  expect(caps.orders.F1).toEqual(fakeCapabilities().orders.F1);
});

test('status webhooks off leave the catalog and availability webhooks alone', () => {
  const caps = effectiveCapabilities(fakeAdapter(), { statusWebhooks: false });
  expect([caps.orders.F6.mechanism, caps.orders.F7.mechanism, caps.orders.F8.mechanism]).toEqual([
    'webhook',
    'webhook',
    'webhook',
  ]);
});

test('with availability webhooks off, F7 and F8 are polled and status features stay webhooks', () => {
  const caps = effectiveCapabilities(fakeAdapter(), { availabilityWebhooks: false });
  expect(caps.orders.F7).toEqual({ mechanism: 'polling', note: POLLING_NOTES.availability });
  expect(caps.reservations.F8).toEqual({ mechanism: 'polling', note: POLLING_NOTES.availability });
  expect(caps.orders.F2.mechanism).toBe('webhook');
});

test('an unsupported feature stays unsupported whatever the settings', () => {
  const declared = fakeCapabilities();
  declared.orders.F7 = { mechanism: 'unsupported', reason: 'no such concept in this POS' };
  const caps = effectiveCapabilities(fakeAdapter(declared), { statusWebhooks: false, availabilityWebhooks: false });
  expect(caps.orders.F7).toEqual({ mechanism: 'unsupported', reason: 'no such concept in this POS' });
});

test("the adapter's own declaration is never changed", () => {
  const adapter = fakeAdapter();
  effectiveCapabilities(adapter, { statusWebhooks: false, availabilityWebhooks: false });
  expect(adapter.capabilities).toEqual(fakeCapabilities());
});

test('pollsStatus is true only when some status feature is polled', () => {
  const declared = fakeCapabilities();
  declared.reservations.F4 = { mechanism: 'webhook' };
  expect(pollsStatus(effectiveCapabilities(fakeAdapter(declared), {}))).toBe(false);
  expect(pollsStatus(effectiveCapabilities(fakeAdapter(declared), { statusWebhooks: false }))).toBe(true);
});

test('a status feature declared as polling makes the adapter poll even with webhooks on', () => {
  expect(pollsStatus(fakeCapabilities())).toBe(true);
});

test('pollsAvailability follows the availability webhooks setting', () => {
  expect(pollsAvailability(effectiveCapabilities(fakeAdapter(), {}))).toBe(false);
  expect(pollsAvailability(effectiveCapabilities(fakeAdapter(), { availabilityWebhooks: false }))).toBe(true);
});

test('supports is true when either orders or reservations have the feature', () => {
  const caps = fakeCapabilities();
  expect(supports(caps, 'F5')).toBe(true); // orders only
  caps.orders.F6 = { mechanism: 'unsupported', reason: 'no catalog API' };
  expect(supports(caps, 'F6')).toBe(false);
});

test('a webhook feature the POS cannot read back becomes unsupported, with its reason, when the webhook is off', () => {
  const declared = fakeCapabilities();
  declared.orders.F2 = {
    mechanism: 'webhook',
    note: 'order.accepted',
    withoutWebhook: { mechanism: 'unsupported', reason: 'the POS has no read of an order' },
  };
  const caps = effectiveCapabilities(fakeAdapter(declared), { statusWebhooks: false });
  expect(caps.orders.F2).toEqual({ mechanism: 'unsupported', reason: 'the POS has no read of an order' });
  expect(caps.orders.F3).toEqual({ mechanism: 'polling', note: POLLING_NOTES.status });
});

test('a webhook feature that says how it is polled keeps that note when the webhook is off', () => {
  const declared = fakeCapabilities();
  declared.orders.F7 = {
    mechanism: 'webhook',
    note: 'location.closed',
    withoutWebhook: { mechanism: 'polling', note: 'GET /readiness every minute' },
  };
  const caps = effectiveCapabilities(fakeAdapter(declared), { availabilityWebhooks: false });
  expect(caps.orders.F7).toEqual({ mechanism: 'polling', note: 'GET /readiness every minute' });
  // Switched on, the declaration is reported as declared.
  expect(effectiveCapabilities(fakeAdapter(declared), {}).orders.F7).toEqual(declared.orders.F7);
});
