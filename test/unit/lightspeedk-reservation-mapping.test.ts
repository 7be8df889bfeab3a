/**
 * Sinqro reservation → Reservations for Platforms push (reservation-servicePlatformReservation): the
 * required fields, the sequence id derived from the bridge's status rank, what is kept for the
 * cancellation push (no personal data), and the cancellation push itself.
 */
import * as v from 'valibot';
import { PLATFORM_ID, PLATFORM_RESERVATION_ID_MAX } from '../../adapters/lightspeed-k/api';
import {
  ANONYMOUS_GUEST,
  sequenceIdOf,
  toCancellationPush,
  toPlatformReservation,
  utcLocal,
} from '../../adapters/lightspeed-k/reservation-mapping';
import { PermanentError } from '../../functions/core/errors';
import { type SinqroReservation, SinqroReservationSchema } from '../../functions/core/sinqro-schemas';
import { sampleReservation } from './support/fixtures';

const NOW = Date.parse('2025-03-14T18:00:05.123Z');
const reservation = (overrides: Record<string, unknown> = {}): SinqroReservation =>
  v.parse(SinqroReservationSchema, { ...sampleReservation(), ...overrides });

test('the push carries every field the spec requires, times in its yyyy-MM-ddTHH:mm:ss UTC pattern', () => {
  const { platformReservationId, body } = toPlatformReservation(reservation(), NOW);
  expect(platformReservationId).toBe('900002');
  expect(platformReservationId).toMatch(PLATFORM_ID);
  expect(platformReservationId.length).toBeLessThanOrEqual(PLATFORM_RESERVATION_ID_MAX);
  expect(body).toEqual({
    guest: {
      platformGuestId: 'sinqro-r900002',
      firstName: 'Laura',
      lastName: 'Gómez',
      phone: '+34611222333',
    },
    partySize: 4,
    sequenceId: 1,
    status: 'SCHEDULED',
    utcScheduledAt: '2025-03-14T21:00:00',
    utcUpdatedAt: '2025-03-14T18:00:05',
    guestRequest: 'Window table if possible',
  });
  expect(body.guest.platformGuestId).toMatch(PLATFORM_ID);
  // Sinqro reservations name no table: K-Series keeps the reservation without a POS order until staff seat it.
  expect(body).not.toHaveProperty('tableNumbers');
});

test('a reservation without a consumer name still has the required first name', () => {
  const { body } = toPlatformReservation(reservation({ consumer: null }), NOW);
  expect(body.guest).toEqual({ platformGuestId: 'sinqro-r900002', firstName: ANONYMOUS_GUEST });
});

test('what is kept for the cancellation push is its time, party size and guest id: no name, phone or note', () => {
  const { posContext } = toPlatformReservation(reservation(), NOW);
  expect(posContext).toEqual({ scheduledAt: '2025-03-14T21:00:00', partySize: 4, guestId: 'sinqro-r900002' });
  expect(JSON.stringify(posContext)).not.toMatch(/Laura|Gómez|611222333|Window/);
});

test('the cancellation push repeats what was kept, as CANCELLED, with the sequence id of a final', () => {
  const { posContext } = toPlatformReservation(reservation(), NOW);
  expect(toCancellationPush(posContext, NOW + 60_000)).toEqual({
    guest: { platformGuestId: 'sinqro-r900002', firstName: ANONYMOUS_GUEST },
    partySize: 4,
    sequenceId: 100,
    status: 'CANCELLED',
    utcScheduledAt: '2025-03-14T21:00:00',
    utcUpdatedAt: '2025-03-14T18:01:05',
  });
});

test('sequence ids come from the status rank: a cancellation always outranks the creation, whoever sends either', () => {
  expect(sequenceIdOf('INJECTED')).toBe(1);
  expect(sequenceIdOf('CANCELLED')).toBe(100);
  // A retry of the creation after the cancellation (a redelivered message) still carries the lower number.
  expect(toPlatformReservation(reservation(), NOW + 3_600_000).body.sequenceId).toBeLessThan(
    toCancellationPush(toPlatformReservation(reservation(), NOW).posContext, NOW).sequenceId,
  );
});

test('a cancellation without what was kept cannot be pushed: a permanent failure, not a retry loop', () => {
  expect(() => toCancellationPush(undefined, NOW)).toThrow(PermanentError);
  expect(() => toCancellationPush({ scheduledAt: '2025-03-14T21:00:00' }, NOW)).toThrow(PermanentError);
});

test('utcLocal writes UTC without zone or milliseconds', () => {
  expect(utcLocal(Date.parse('2024-01-01T20:00:00.999+02:00'))).toBe('2024-01-01T18:00:00');
});
