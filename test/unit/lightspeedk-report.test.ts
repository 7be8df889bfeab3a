/** `pos-bridge report lightspeedk`: what the K-Series adapter does per feature, and what it cannot. */
import { lightspeedKAdapter } from '../../adapters/lightspeed-k';
import { findAdapter } from '../../adapters/registry';
import { integrationReport, reportMarkdown } from '../../adapters/report';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const report = (settings = {}) => integrationReport(lightspeedKAdapter, settings, NOW);
const feature = (id: string, settings = {}) => report(settings).features.find((f) => f.id === id);

test('is registered under its code', () => {
  expect(findAdapter('lightspeedk')).toBe(lightspeedKAdapter);
});

test('orders and reservations reach the POS through its API; statuses come by webhook', () => {
  expect(feature('F1')?.orders).toMatchObject({ integrated: true, mechanism: 'api' });
  expect(feature('F1')?.reservations).toMatchObject({ integrated: true, mechanism: 'api' });
  for (const id of ['F2', 'F3', 'F4']) {
    expect(feature(id)?.orders).toMatchObject({ integrated: true, mechanism: 'webhook' });
    expect(feature(id)?.reservations).toMatchObject({ integrated: true, mechanism: 'webhook' });
  }
});

test('says a consumer cancellation only reaches staff: K-Series cannot cancel an online order', () => {
  expect(feature('F5')?.orders).toMatchObject({
    integrated: true,
    mechanism: 'api',
    limit: 'K-Series has no API to cancel an online order: staff must void it themselves',
  });
  expect(feature('F5')?.reservations).toMatchObject({ integrated: true, mechanism: 'api' });
  expect(feature('F5')?.reservations).not.toHaveProperty('limit');
  expect(report().summary).toEqual({
    orders: { integrated: 7, limited: 3, total: 8 },
    reservations: { integrated: 6, total: 8 },
  });
});

test('says menus reach Sinqro only with a full sync: K-Series has no menu-change webhook', () => {
  expect(feature('F6')?.orders).toMatchObject({
    integrated: true,
    limit: expect.stringContaining('menu edits reach Sinqro only with the nightly or an operator’s full sync'),
  });
});

test('says why there are no operating schedules', () => {
  expect(feature('F8')?.orders).toEqual({
    integrated: false,
    reason: expect.stringContaining('the K-Series API has no source of opening hours'),
  });
});

test('without status webhooks, statuses are not integrated (K-Series cannot be read back), not "polled"', () => {
  const off = { statusWebhooks: false };
  expect(feature('F3', off)?.orders).toEqual({
    integrated: false,
    reason: expect.stringContaining('names the POS account of an order only in its order webhook'),
  });
  expect(feature('F4', off)?.reservations).toEqual({
    integrated: false,
    reason: 'Reservations for Platforms has no endpoint to read a reservation back',
  });
});

test('without availability webhooks, readiness is polled', () => {
  expect(feature('F7', { availabilityWebhooks: false })?.orders).toMatchObject({
    integrated: true,
    mechanism: 'polling',
  });
});

test('the Markdown shows the limited features as such', () => {
  const markdown = reportMarkdown(report());
  expect(markdown).toContain('| F5 | Get status updates made elsewhere into the POS | ⚠️ api, limited | ✅ api |');
  expect(markdown).toContain('- Orders: 7 of 8 features integrated, 3 of them limited; reservations: 6 of 8');
});
