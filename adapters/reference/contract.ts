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
// ---- catalog (F6) ----

/**
 * The catalog collections a reference POS serves, as URL segments
 * (`GET /locations/{locationId}/catalog/{collection}`), each with the bridge entity type it becomes.
 * Listed in hierarchy order: a full sync reads them in this order.
 */
export const REF_CATALOG_COLLECTIONS = {
  menus: 'menu',
  sections: 'menuSection',
  products: 'product',
  variants: 'productVariant',
  'option-categories': 'productOptionCategory',
  options: 'productOption',
} as const;
export type RefCatalogCollection = keyof typeof REF_CATALOG_COLLECTIONS;
export const REF_CATALOG_COLLECTION_NAMES = Object.keys(REF_CATALOG_COLLECTIONS) as RefCatalogCollection[];

/** Largest `limit` a reference POS must honour; the bridge asks for REF_CATALOG_PAGE_LIMIT. */
export const REF_CATALOG_MAX_LIMIT = 500;
export const REF_CATALOG_PAGE_LIMIT = 100;

const RefId = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const RefName = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const RefText = v.nullish(v.pipe(v.string(), v.maxLength(4000)));
const RefPriceMinor = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const RefPosition = v.nullish(v.pipe(v.number(), v.safeInteger(), v.minValue(0)));
const RefSelection = v.nullish(v.pipe(v.number(), v.safeInteger(), v.minValue(0)));

/** One item of each collection, as the POS returns it (unknown fields are kept and ignored). */
export const RefCatalogItemSchemas = {
  menus: v.looseObject({
    id: RefId,
    name: RefName,
    description: RefText,
    position: RefPosition,
    available: v.boolean(),
  }),
  sections: v.looseObject({
    id: RefId,
    menuId: RefId,
    name: RefName,
    description: RefText,
    position: RefPosition,
    available: v.boolean(),
  }),
  products: v.looseObject({
    id: RefId,
    sectionIds: v.array(RefId),
    name: RefName,
    description: RefText,
    priceMinor: RefPriceMinor,
    position: RefPosition,
    available: v.boolean(),
    optionCategoryIds: v.nullish(v.array(RefId)),
  }),
  variants: v.looseObject({
    id: RefId,
    productId: RefId,
    name: RefName,
    priceMinor: RefPriceMinor,
    position: RefPosition,
    available: v.boolean(),
  }),
  'option-categories': v.looseObject({
    id: RefId,
    name: RefName,
    position: RefPosition,
    minSelection: RefSelection,
    maxSelection: RefSelection,
    available: v.boolean(),
  }),
  options: v.looseObject({
    id: RefId,
    categoryId: RefId,
    name: RefName,
    priceMinor: RefPriceMinor,
    position: RefPosition,
    available: v.boolean(),
  }),
} as const;
export type RefCatalogItem<C extends RefCatalogCollection> = v.InferOutput<(typeof RefCatalogItemSchemas)[C]>;

/** A page: the items are checked one by one (a bad item is rejected alone, never the page). */
export const RefCatalogPageSchema = v.looseObject({
  items: v.pipe(v.array(v.unknown()), v.maxLength(REF_CATALOG_MAX_LIMIT)),
  nextCursor: v.nullish(v.pipe(v.string(), v.minLength(1), v.maxLength(1024))),
});

/** The product-changed webhook: the entities that changed, or none when the POS cannot say which. */
export const RefCatalogWebhookSchema = v.looseObject({
  eventId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  type: v.literal('catalog.changed'),
  occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  locationId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  data: v.looseObject({
    entities: v.nullish(
      v.pipe(v.array(v.looseObject({ type: v.picklist(REF_CATALOG_COLLECTION_NAMES), id: RefId })), v.maxLength(5000)),
    ),
  }),
});
export type RefCatalogWebhook = v.InferOutput<typeof RefCatalogWebhookSchema>;
