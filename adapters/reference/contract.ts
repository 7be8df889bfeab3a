/**
 * Types and statuses of the reference POS contract (docs/reference-pos.openapi.json). The adapter and
 * the simulator in local/ both build on these, so the two cannot drift apart silently.
 */
import * as v from 'valibot';

export const REFERENCE_ORDER_STATUSES = [
  'new',
  'accepted',
  'rejected',
  'preparing',
  'ready',
  'out_for_delivery',
  'completed',
  'cancelled',
] as const;
export const REFERENCE_RESERVATION_STATUSES = [
  'new',
  'confirmed',
  'rejected',
  'seated',
  'completed',
  'cancelled',
  'no_show',
] as const;

export const SIGNATURE_HEADER = 'x-refpos-signature';

export type RefModifier = { sku: string; name: string; quantity: number; unitPriceMinor: number };
export type RefItem = {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
  note?: string;
  modifiers: RefModifier[];
};

export type RefOrderRequest = {
  externalReference: string;
  type: 'delivery' | 'pickup' | 'dine_in' | 'table';
  dueAt: string;
  note?: string;
  customer?: { name?: string; phone?: string; email?: string };
  deliveryAddress?: { street?: string; details?: string; city?: string; postalCode?: string };
  items: RefItem[];
  deliveryFeeMinor?: number;
  totalMinor: number;
  currency: string;
  prepaid: boolean;
};

export type RefReservationRequest = {
  externalReference: string;
  partySize: number;
  startsAt: string;
  note?: string;
  customer?: { name?: string; phone?: string; email?: string };
};

export const RefCreatedSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  status: v.string(),
});

export const RefStatusSchema = v.looseObject({
  id: v.string(),
  status: v.pipe(v.string(), v.maxLength(64)),
  updatedAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
});

export const RefWebhookSchema = v.looseObject({
  eventId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  type: v.picklist(['order.status_changed', 'reservation.status_changed']),
  occurredAt: v.pipe(
    v.string(),
    v.isoTimestamp(),
    v.check((t) => !Number.isNaN(Date.parse(t)), 'is not a valid time'),
  ),
  locationId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  data: v.looseObject({
    id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
    externalReference: v.nullish(v.pipe(v.string(), v.maxLength(128))),
    status: v.pipe(v.string(), v.maxLength(64)),
    reason: v.nullish(v.pipe(v.string(), v.maxLength(500))),
  }),
});
export type RefWebhook = v.InferOutput<typeof RefWebhookSchema>;

// ---- availability (F7) and opening hours (F8) ----

export const REFERENCE_WEEKDAYS = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type RefWeekday = (typeof REFERENCE_WEEKDAYS)[number];

const RefTimestamp = v.pipe(v.string(), v.isoTimestamp());

/** `GET /locations/{locationId}/availability`: open, or closed from a time (until a time, or until further notice). */
export const RefAvailabilitySchema = v.variant('closed', [
  v.looseObject({ closed: v.literal(false) }),
  v.looseObject({
    closed: v.literal(true),
    from: RefTimestamp,
    until: v.nullish(RefTimestamp),
    reason: v.nullish(v.pipe(v.string(), v.maxLength(200))),
  }),
]);
export type RefAvailability = v.InferOutput<typeof RefAvailabilitySchema>;

/**
 * `GET /locations/{locationId}/opening-hours`: the weekly hours in the location's timezone. Times are
 * read loosely here; the bridge checks them (HH:MM, no empty or overlapping range) and rejects the
 * whole week, with every problem named, when one is impossible.
 */
export const RefOpeningHoursSchema = v.looseObject({
  timezone: v.pipe(v.string(), v.maxLength(64)),
  days: v.pipe(
    v.array(
      v.looseObject({
        day: v.picklist(REFERENCE_WEEKDAYS),
        ranges: v.pipe(
          v.array(
            v.looseObject({
              open: v.pipe(v.string(), v.maxLength(8)),
              close: v.pipe(v.string(), v.maxLength(8)),
            }),
          ),
          v.maxLength(10),
        ),
      }),
    ),
    v.maxLength(7),
  ),
});
export type RefOpeningHours = v.InferOutput<typeof RefOpeningHoursSchema>;

const RefEventFields = {
  eventId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  locationId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
};

/** Sent to `{bridge}/reference/webhooks/availability` when the location closes or opens again; `data` is the new availability. */
export const RefAvailabilityWebhookSchema = v.looseObject({
  ...RefEventFields,
  type: v.literal('availability.changed'),
  data: RefAvailabilitySchema,
});

/** Sent to `{bridge}/reference/webhooks/hours` when the opening hours change; the bridge reads them back. */
export const RefHoursWebhookSchema = v.looseObject({
  ...RefEventFields,
  type: v.literal('hours.changed'),
  data: v.optional(v.looseObject({})),
});
