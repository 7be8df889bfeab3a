/**
 * Sinqro reservation → Reservations for Platforms push (reservation-servicePushPlatformReservation,
 * body reservation-servicePlatformReservation), and the cancellation push.
 *
 * `sequenceId` orders a reservation's pushes ("the responsibility of the external platform to provide a
 * monotonically increasing sequence number"). The bridge derives it from the rank of the status the push
 * carries in its own monotonic status machine, so it cannot go backwards whichever worker sends a push or
 * how often one is retried: the creation is 1 (INJECTED), the cancellation 100 (CANCELLED, a final). A
 * late retry of the creation can never undo a cancellation; a retry of the same push repeats its number.
 */
import { PermanentError } from '../../functions/core/errors';
import { parseSinqroDate, type SinqroReservation } from '../../functions/core/sinqro-schemas';
import { rankOf } from '../../functions/core/statuses';
import { truncate } from '../../functions/core/text';
import type { PosContext } from '../port';
import { FIRST_NAME_MAX, type LskPlatformReservation, PLATFORM_RESERVATION_ID_MAX } from './api';

/** A guest's notes for the venue: no published limit; kept to a docket's length [unverified]. */
const GUEST_REQUEST_MAX = 500;
/**
 * `guest.firstName` is required on every push, and the bridge keeps no names: the cancellation push and
 * a reservation without a consumer name say this instead [unverified whether K-Series overwrites the name].
 */
export const ANONYMOUS_GUEST = 'Sinqro';

export const sequenceIdOf = (status: 'INJECTED' | 'CANCELLED') => rankOf('reservation', status);

/** `yyyy-MM-dd'T'HH:mm:ss` in UTC, the pattern the spec gives its reservation times. */
export function utcLocal(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** The guest of one reservation: its own id, so a cancellation push renames no other reservation's guest. */
export const guestIdOf = (reservationId: number) => `sinqro-r${reservationId}`;

export type PushPlan = { platformReservationId: string; body: LskPlatformReservation; posContext: PosContext };

/**
 * The creation push. Sinqro reservations name no table: K-Series then keeps the reservation but opens
 * no POS order for it ("If no valid table is provided, POS order is not created") until staff seat it.
 */
export function toPlatformReservation(reservation: SinqroReservation, now = Date.now()): PushPlan {
  const platformReservationId = String(reservation.id);
  if (platformReservationId.length > PLATFORM_RESERVATION_ID_MAX)
    throw new PermanentError(`reservation id ${platformReservationId} is too long for K-Series`, 'INVALID_ID');
  const scheduled = parseSinqroDate(reservation.executionTime);
  if (Number.isNaN(scheduled)) throw new PermanentError('reservation has no readable time', 'INVALID_TIME');
  const consumer = reservation.consumer;
  const guestId = guestIdOf(reservation.id);
  const body: LskPlatformReservation = {
    guest: {
      platformGuestId: guestId,
      firstName: truncate(consumer?.name?.trim() || ANONYMOUS_GUEST, FIRST_NAME_MAX),
      ...(consumer?.lastname?.trim() ? { lastName: truncate(consumer.lastname.trim(), FIRST_NAME_MAX) } : {}),
      ...(consumer?.email ? { email: consumer.email } : {}),
      ...(consumer?.phone ? { phone: consumer.phone } : {}),
    },
    partySize: reservation.dinersNumber,
    sequenceId: sequenceIdOf('INJECTED'),
    status: 'SCHEDULED',
    utcScheduledAt: utcLocal(scheduled),
    utcUpdatedAt: utcLocal(now),
    ...(reservation.comment ? { guestRequest: truncate(reservation.comment, GUEST_REQUEST_MAX) } : {}),
  };
  // Kept with the state for the cancellation push, which must repeat them: no personal data.
  const posContext: PosContext = { scheduledAt: body.utcScheduledAt, partySize: body.partySize, guestId };
  return { platformReservationId, body, posContext };
}

/** The cancellation push: the reservation's time, party size and guest id as kept, status CANCELLED. */
export function toCancellationPush(posContext: PosContext | undefined, now = Date.now()): LskPlatformReservation {
  const { scheduledAt, partySize, guestId } = posContext ?? {};
  if (typeof scheduledAt !== 'string' || typeof partySize !== 'number' || typeof guestId !== 'string')
    throw new PermanentError(
      'the reservation was pushed without the time and party size a cancellation push repeats',
      'MISSING_POS_CONTEXT',
    );
  return {
    guest: { platformGuestId: guestId, firstName: ANONYMOUS_GUEST },
    partySize,
    sequenceId: sequenceIdOf('CANCELLED'),
    status: 'CANCELLED',
    utcScheduledAt: scheduledAt,
    utcUpdatedAt: utcLocal(now),
  };
}
