/** K-Series online-order readiness (apeGetOnlineOrderReadiness) → the bridge's availability (F7). */
import * as v from 'valibot';
import { ReadinessSchema } from '../../adapters/lightspeed-k/api';
import { toPosAvailability } from '../../adapters/lightspeed-k/readiness';
import { fixture } from './support/lightspeedk';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const read = (changes: Record<string, unknown> = {}) =>
  v.parse(ReadinessSchema, fixture('reply-readiness.json', changes));

test('READY is open', () => {
  expect(toPosAvailability(read(), NOW)).toEqual({ closed: false });
});

test('NOT_READY is a closure from when K-Series says, with no end, naming what is not ready', () => {
  const notReady = read({
    status: 'NOT_READY',
    posStatus: { salesPeriod: 'CLOSED', acceptingOnlineOrders: false, availableDevices: true },
  });
  expect(toPosAvailability(notReady, NOW)).toEqual({
    closed: true,
    from: '2025-12-11T07:27:47.407Z',
    reason: 'K-Series not ready: sales period closed, not accepting online orders',
  });
});

test('the spec’s NOT_READY webhook example reads the same way (its API configuration disabled too)', () => {
  const example = v.parse(ReadinessSchema, fixture('webhook-readiness-not-ready.json'));
  expect(toPosAvailability(example, NOW)).toEqual({
    closed: true,
    from: '2025-10-04T09:40:00.000Z',
    reason:
      'K-Series not ready: online ordering API disabled, sales period closed, not accepting online orders, no device available',
  });
});

test('NOT_READY without a readable time is closed from now', () => {
  expect(toPosAvailability(read({ status: 'NOT_READY', lastUpdatedAt: 'soon' }), NOW)).toMatchObject({
    closed: true,
    from: NOW.toISOString(),
  });
});
