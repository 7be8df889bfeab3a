/**
 * The parts of Square's REST API the adapter uses (Square OpenAPI `api.json`, Release 2025-08-20):
 * the pinned version, the error body and valibot schemas of the replies and webhooks it reads.
 * Objects are loose: Square adds fields in new versions, and the adapter reads only what it names.
 */
import * as v from 'valibot';

/** Every call sends this `Square-Version`; the shapes below were checked against this version's spec. */
export const SQUARE_VERSION = '2025-08-20';

/** The webhook signature header: base64 HMAC-SHA256 of notification URL + raw body. */
export const SQUARE_SIGNATURE_HEADER = 'x-square-hmacsha256-signature';

export const SQUARE_HOSTS = {
  sandbox: 'https://connect.squareupsandbox.com',
  production: 'https://connect.squareup.com',
} as const;

const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const Str = v.pipe(v.string(), v.maxLength(4000));

export const MoneySchema = v.looseObject({
  amount: v.optional(v.pipe(v.number(), v.safeInteger())),
  currency: v.optional(v.pipe(v.string(), v.maxLength(3))),
});
export type SquareMoney = { amount: number; currency: string };

/** `errors[] {category, code, detail, field}` (spec: `Error`). */
export const SquareErrorBodySchema = v.looseObject({
  errors: v.pipe(
    v.array(
      v.looseObject({
        category: Str,
        code: Str,
        detail: v.optional(Str),
        field: v.optional(Str),
      }),
    ),
    v.minLength(1),
  ),
});

export const FULFILLMENT_STATES = ['PROPOSED', 'RESERVED', 'PREPARED', 'COMPLETED', 'CANCELED', 'FAILED'] as const;
export const ORDER_STATES = ['OPEN', 'COMPLETED', 'CANCELED', 'DRAFT'] as const;

const FulfillmentSchema = v.looseObject({
  uid: v.optional(Id),
  type: v.optional(Str),
  state: v.optional(v.picklist(FULFILLMENT_STATES)),
});

/** `Order` as CreateOrder / RetrieveOrder / UpdateOrder answer it: only what the adapter reads. */
export const SquareOrderSchema = v.looseObject({
  id: Id,
  location_id: Id,
  reference_id: v.optional(Str),
  state: v.picklist(ORDER_STATES),
  version: v.optional(v.pipe(v.number(), v.safeInteger())),
  updated_at: v.optional(Str),
  total_money: v.optional(MoneySchema),
  fulfillments: v.optional(v.array(FulfillmentSchema)),
});
export type SquareOrder = v.InferOutput<typeof SquareOrderSchema>;

export const OrderReplySchema = v.looseObject({ order: SquareOrderSchema });
export const PaymentReplySchema = v.looseObject({
  payment: v.looseObject({ id: Id, status: v.optional(Str), order_id: v.optional(Str) }),
});

// ---- catalog ----

const LocationScope = {
  present_at_all_locations: v.optional(v.boolean()),
  present_at_location_ids: v.optional(v.array(Str)),
  absent_at_location_ids: v.optional(v.array(Str)),
};

/** `CatalogObject`: the envelope every catalog type shares; the `*_data` member is read by the mappers. */
export const CatalogObjectSchema = v.looseObject({
  type: Str,
  id: Id,
  updated_at: v.optional(Str),
  version: v.optional(v.number()),
  is_deleted: v.optional(v.boolean()),
  ...LocationScope,
});
export type SquareCatalogObject = v.InferOutput<typeof CatalogObjectSchema> & Record<string, unknown>;

export const RetrieveObjectReplySchema = v.looseObject({ object: CatalogObjectSchema });

export const SearchCatalogReplySchema = v.looseObject({
  objects: v.optional(v.array(v.unknown())),
  cursor: v.optional(Str),
  latest_time: v.optional(Str),
});

export const CategoryDataSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  parent_category: v.optional(v.looseObject({ id: v.optional(Id), ordinal: v.optional(v.number()) })),
  is_top_level: v.optional(v.boolean()),
});

export const ItemDataSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  description: v.optional(Str),
  description_plaintext: v.optional(Str),
  category_id: v.optional(Id),
  categories: v.optional(v.array(v.looseObject({ id: Id, ordinal: v.optional(v.number()) }))),
  modifier_list_info: v.optional(v.array(v.looseObject({ modifier_list_id: Id, enabled: v.optional(v.boolean()) }))),
  variations: v.optional(v.array(v.unknown())),
  is_archived: v.optional(v.boolean()),
});

const LocationOverrides = v.optional(
  v.array(
    v.looseObject({
      location_id: v.optional(Str),
      price_money: v.optional(MoneySchema),
      sold_out: v.optional(v.boolean()),
    }),
  ),
);

export const VariationDataSchema = v.looseObject({
  item_id: Id,
  name: v.optional(Str),
  ordinal: v.optional(v.number()),
  pricing_type: v.optional(v.picklist(['FIXED_PRICING', 'VARIABLE_PRICING'])),
  price_money: v.optional(MoneySchema),
  location_overrides: LocationOverrides,
  sellable: v.optional(v.boolean()),
});

export const ModifierListDataSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  ordinal: v.optional(v.number()),
  selection_type: v.optional(v.picklist(['SINGLE', 'MULTIPLE'])),
  min_selected_modifiers: v.optional(v.pipe(v.number(), v.safeInteger())),
  max_selected_modifiers: v.optional(v.pipe(v.number(), v.safeInteger())),
  modifiers: v.optional(v.array(v.unknown())),
});

export const ModifierDataSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  price_money: v.optional(MoneySchema),
  ordinal: v.optional(v.number()),
  modifier_list_id: Id,
  location_overrides: LocationOverrides,
  hidden_online: v.optional(v.boolean()),
});

// ---- locations ----

export const DAYS_OF_WEEK = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;

export const LocationSchema = v.looseObject({
  id: Id,
  name: v.optional(Str),
  timezone: v.optional(Str),
  status: v.optional(Str),
  business_hours: v.optional(
    v.looseObject({
      periods: v.optional(
        v.array(
          v.looseObject({
            day_of_week: v.picklist(DAYS_OF_WEEK),
            start_local_time: Str,
            end_local_time: Str,
          }),
        ),
      ),
    }),
  ),
});
export type SquareLocation = v.InferOutput<typeof LocationSchema>;
export const LocationReplySchema = v.looseObject({ location: LocationSchema });

// ---- webhooks (spec: `OrderUpdatedEvent`, `OrderFulfillmentUpdatedEvent`, `CatalogVersionUpdatedEvent`, `LocationUpdatedEvent`) ----

const Envelope = {
  merchant_id: Id,
  event_id: Id,
  created_at: Str,
};

const OrderChange = {
  order_id: Id,
  // Square's order versions start at 1 and only grow.
  version: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(1))),
  location_id: Id,
  state: v.optional(v.picklist(ORDER_STATES)),
  updated_at: v.optional(Str),
};

export const OrderUpdatedWebhookSchema = v.looseObject({
  ...Envelope,
  type: v.literal('order.updated'),
  data: v.looseObject({ id: Id, object: v.looseObject({ order_updated: v.looseObject(OrderChange) }) }),
});

export const FulfillmentUpdatedWebhookSchema = v.looseObject({
  ...Envelope,
  type: v.literal('order.fulfillment.updated'),
  data: v.looseObject({
    id: Id,
    object: v.looseObject({
      order_fulfillment_updated: v.looseObject({
        ...OrderChange,
        fulfillment_update: v.optional(
          v.array(
            v.looseObject({
              fulfillment_uid: v.optional(Str),
              old_state: v.optional(v.picklist(FULFILLMENT_STATES)),
              new_state: v.optional(v.picklist(FULFILLMENT_STATES)),
            }),
          ),
        ),
      }),
    }),
  }),
});

export const CatalogVersionWebhookSchema = v.looseObject({
  ...Envelope,
  type: v.literal('catalog.version.updated'),
  data: v.optional(
    v.looseObject({
      object: v.optional(
        v.looseObject({ catalog_version: v.optional(v.looseObject({ updated_at: v.optional(Str) })) }),
      ),
    }),
  ),
});

export const LocationWebhookSchema = v.looseObject({
  ...Envelope,
  type: v.picklist(['location.updated', 'location.created']),
  location_id: v.optional(Id),
  data: v.looseObject({ id: Id }),
});
