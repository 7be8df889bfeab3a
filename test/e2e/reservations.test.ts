/**
 * Reservations through the local runtime (F1–F5): a Sinqro reservation becomes a POS booking;
 * confirm, seat, complete, reject and no-show from the POS reach Sinqro; a consumer cancellation
 * reaches the POS. Same monotonic rules as orders.
 */
import { demoReservation } from '../../local/demo/data';
import { envelope, useHarness, waitFor } from './harness';

jest.setTimeout(40_000);
const h = useHarness();

async function bookedReservation() {
  const id = h.nextId();
  expect((await h.sendEvent(envelope('reservation.created', demoReservation(id)))).status).toBe(202);
  const booking = await h.waitForPosOrder(id);
  await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  return { id, booking };
}

test('a reservation becomes a POS booking with its party size and time (F1)', async () => {
  const { booking } = await bookedReservation();
  expect(booking.kind).toBe('reservation');
  expect(booking.request).toMatchObject({ partySize: 4, note: 'Window table if possible' });
  expect(h.rt.sinqro.calls.find((c) => c.kind === 'reservation')?.path).toMatch(
    /^\/pos-app\/v1\/reservations\/\d+\/status$/,
  );
});

test('confirm, seat and complete in the POS reach Sinqro in order (F2, F4)', async () => {
  const { id, booking } = await bookedReservation();
  for (const [status, code] of [
    ['confirmed', 'confirmed'],
    ['seated', 'seated'],
    ['completed', 'finished'],
  ]) {
    expect(await h.staff(booking.id, status as string)).toBe(200);
    await h.waitForSinqroStatus(id, code as string);
  }
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'confirmed', 'seated', 'finished']);
});

test('a rejection in the POS reaches Sinqro and nothing moves it afterwards (F3)', async () => {
  const { id, booking } = await bookedReservation();
  await h.staff(booking.id, 'rejected');
  await h.waitForSinqroStatus(id, 'rejected');
  // A later "confirmed" webhook (a POS bug, or a replay) must not reopen a final status.
  const late = JSON.stringify({
    eventId: `evt-late-${id}`,
    type: 'reservation.status_changed',
    occurredAt: new Date(Date.now() + 60_000).toISOString(),
    locationId: booking.locationId,
    data: { id: booking.id, externalReference: String(id), status: 'confirmed' },
  });
  expect(await h.rt.referencePos.deliver(late, `evt-late-${id}`, booking)).toBe(200);
  await h.settle(800);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation', 'rejected']);
});

test('a no-show recorded in the POS reaches Sinqro (F4)', async () => {
  const { id, booking } = await bookedReservation();
  await h.staff(booking.id, 'confirmed');
  await h.staff(booking.id, 'no_show');
  await h.waitForSinqroStatus(id, 'no_show');
});

test('a cancellation in the POS reaches Sinqro (F3)', async () => {
  const { id, booking } = await bookedReservation();
  await h.staff(booking.id, 'cancelled');
  await h.waitForSinqroStatus(id, 'cancelled');
});

test('a consumer cancellation cancels the POS booking and is not echoed back (F5)', async () => {
  const { id, booking } = await bookedReservation();
  await h.sendEvent(envelope('reservation.cancelled', { id, comment: 'plans changed' }));
  await waitFor('the booking cancelled in the POS', () => h.posOrderOf(id)?.status === 'cancelled');
  expect(booking.history.at(-1)).toMatchObject({ status: 'cancelled', by: 'api' });
  await h.settle(600);
  expect(h.sinqroStatuses(id)).toEqual(['waiting_sp_validation']);
});

test('a Sinqro status change to cancelled is applied like a cancellation (F5)', async () => {
  const { id } = await bookedReservation();
  await h.sendEvent(envelope('reservation.status_changed', { id, status: { code: 'cancelled' } }));
  await waitFor('the booking cancelled in the POS', () => h.posOrderOf(id)?.status === 'cancelled');
});
