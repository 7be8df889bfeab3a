/** Reference POS availability and opening hours → the bridge's POS-neutral hours model; their two webhooks → POS events. */
import type { IsoWeekday, PosAvailability, PosOpeningHours } from '../../functions/core/hours-model';
import type { PosEvent } from '../../functions/core/messages';
import { parseOrThrow } from '../../functions/core/validation';
import {
  type RefAvailability,
  RefAvailabilityWebhookSchema,
  RefHoursWebhookSchema,
  type RefOpeningHours,
  type RefWeekday,
} from './contract';

const WEEKDAY: Record<RefWeekday, IsoWeekday> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

const iso = (s: string) => new Date(s).toISOString();

export function toPosAvailability(availability: RefAvailability): PosAvailability {
  if (!availability.closed) return { closed: false };
  return {
    closed: true,
    from: iso(availability.from),
    ...(availability.until ? { until: iso(availability.until) } : {}),
    ...(availability.reason ? { reason: availability.reason } : {}),
  };
}

/** Ranges are kept as the POS wrote them; the bridge validates and converts them (schedule-conversion.ts). */
export function toPosOpeningHours(hours: RefOpeningHours): PosOpeningHours {
  return {
    timezone: hours.timezone,
    ranges: hours.days.flatMap((d) => d.ranges.map((r) => ({ day: WEEKDAY[d.day], open: r.open, close: r.close }))),
  };
}

/** The availability or hours webhook as a bridge event; undefined for any other webhook type. */
export function parseHoursWebhook(body: unknown): PosEvent[] | undefined {
  const type = (body as { type?: unknown } | null)?.type;
  if (type === 'availability.changed') {
    const w = parseOrThrow(RefAvailabilityWebhookSchema, body, 'webhook body');
    return [
      {
        type: 'availability.changed',
        eventId: w.eventId,
        posLocationId: w.locationId,
        occurredAt: iso(w.occurredAt),
        availability: toPosAvailability(w.data),
      },
    ];
  }
  if (type === 'hours.changed') {
    const w = parseOrThrow(RefHoursWebhookSchema, body, 'webhook body');
    return [{ type: 'hours.changed', eventId: w.eventId, posLocationId: w.locationId, occurredAt: iso(w.occurredAt) }];
  }
  return undefined;
}
