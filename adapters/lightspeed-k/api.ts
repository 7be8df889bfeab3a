/**
 * The parts of the Lightspeed Restaurant K-Series API the adapter uses, from Lightspeed's published
 * OpenAPI 3.1 description (info.version 1.0.0; read from api-evangelist/lightspeed
 * `openapi/_original/lightspeed-k-series-openapi.json` and its split files under `openapi/`): paths,
 * request bodies, and valibot schemas of the replies and webhooks it reads. Operation ids are in
 * docs/lightspeed-k.md. Objects are loose (Lightspeed adds fields); ids are int64 and arrive as numbers
 * or, when long, as the digit strings json.ts keeps them as: both are read as strings.
 */
import * as v from 'valibot';

export const LSK_HOSTS = {
  trial: 'https://api.trial.lsk.lightspeed.app',
  production: 'https://api.lsk.lightspeed.app',
} as const;

/** Paths, relative to the stage's base URL (the client's prefix). */
export const LSK_PATHS = {
  token: 'oauth/token',
  toGoOrder: 'o/op/1/order/toGo',
  localOrder: 'o/op/1/order/local',
  account: (accountIdentifier: string) => `o/op/1/order/accounts/${encodeURIComponent(accountIdentifier)}`,
  printMessage: 'o/op/1/printMsg',
  menuList: 'o/op/1/menu/list',
  menuV2: (menuId: string) => `o/op/2/menu/load/${encodeURIComponent(menuId)}`,
  itemAvailability: 'o/op/1/itemAvailability',
  readiness: 'o/op/1/onlineOrderReadiness',
  reservationPush: (platformCode: string, platformRestaurantId: string, platformReservationId: string) =>
    `reservation/api/1/platform/${encodeURIComponent(platformCode)}/restaurant/${encodeURIComponent(
      platformRestaurantId,
    )}/reservation/${encodeURIComponent(platformReservationId)}/push`,
} as const;

/** `thirdPartyReference`: 1–48 characters, unique per order (apePlaceToGoOrder, apeLocalOrder). */
export const THIRD_PARTY_REFERENCE_MAX = 48;
/** `sku` of an order item line and of a sub-item (apeToGoOrderItemLine, apeSubItemOrderLine). */
export const ORDER_SKU_MAX = 25;
/** `customerInfo.firstName` (apeCustomerInfo). */
export const FIRST_NAME_MAX = 128;
/** `skus` of one item-availability read (apeSkusRequest). */
export const AVAILABILITY_SKUS_MAX = 50;
/** Reservations for Platforms ids: `[a-zA-Z0-9_-]+`; a reservation id at most 36 characters. */
export const PLATFORM_ID = /^[A-Za-z0-9_-]+$/;
export const PLATFORM_RESERVATION_ID_MAX = 36;

/** An int64 id as the adapter keeps it: the digits. */
const Int64 = v.pipe(
  v.union([v.pipe(v.number(), v.safeInteger(), v.minValue(0)), v.pipe(v.string(), v.regex(/^\d{1,19}$/))]),
  v.transform((id) => String(id)),
);
/** An id the spec types as a string (menu groups), read as a string whatever JSON type it came as. */
const IdText = v.pipe(
  v.union([v.pipe(v.string(), v.minLength(1), v.maxLength(255)), v.pipe(v.number(), v.safeInteger())]),
  v.transform((id) => String(id)),
);
const Text = v.pipe(v.string(), v.maxLength(4000));
const Name = v.pipe(v.string(), v.maxLength(1000));
/** Amounts are JSON numbers in the schemas, but the webhook examples send account amounts as strings ("4.00"). */
const Amount = v.union([v.number(), v.pipe(v.string(), v.regex(/^-?\d+(\.\d+)?$/))]);

// ---- requests (the bridge writes these; their shapes are the spec's request schemas) ----

export type LskItemModifier = { modifierId: string };
export type LskSubItem = {
  quantity: number;
  sku: string;
  /** Only for an item whose price may be set (K-Series `pricingStrategy`): the delivery fee item. */
  customItemPrice?: number;
  modifiers?: LskItemModifier[];
  subItems?: LskSubItem[];
};
export type LskItemLine = LskSubItem;
export type LskCustomerInfo = { firstName: string; lastName?: string; email?: string; contactNumberAsE164?: string };
export type LskOrderPayment = { paymentAmount: number; tipAmount?: number; paymentMethod?: string };

/** apePlaceToGoOrder / apeLocalOrder body without `businessLocationId` (written apart: json.ts). */
type OrderCommon = {
  thirdPartyReference: string;
  endpointId: string;
  customerInfo: LskCustomerInfo;
  orderNote?: string;
  maxTimeToAttemptOrderDeliverToPos?: number;
  accountProfileCode?: string;
  payment?: LskOrderPayment;
  orderCollectionTimeAsIso8601?: string;
  items: LskItemLine[];
};
export type LskToGoOrder = OrderCommon & {
  deliveryAddress?: { addressLine1?: string; addressLine2?: string; zip?: string; city?: string };
};
export type LskLocalOrder = OrderCommon & { tableNumber?: string; clientCount?: number };

/** reservation-servicePlatformReservation (the push body). */
export type LskPlatformReservation = {
  guest: { platformGuestId: string; firstName: string; lastName?: string; email?: string; phone?: string };
  partySize: number;
  sequenceId: number;
  status: (typeof PLATFORM_RESERVATION_STATUSES)[number];
  tableNumbers?: string[];
  utcScheduledAt: string;
  utcUpdatedAt: string;
  guestRequest?: string;
};

/** reservation-servicePlatformReservationStatus: what a platform may push. */
export const PLATFORM_RESERVATION_STATUSES = [
  'ON_HOLD',
  'SCHEDULED',
  'PARTIALLY_ARRIVED',
  'ARRIVED',
  'PARTIALLY_SEATED',
  'SEATED',
  'DEPARTED',
  'CANCELLED',
  'NO_SHOW',
  'ERROR',
] as const;

// ---- replies ----

/** The error bodies: 400 `{timestamp, status, error, message, errors[], path}`, 409 `{status: "fail", msg}`. */
export const LskErrorBodySchema = v.looseObject({
  status: v.optional(v.union([v.string(), v.number()])),
  error: v.optional(Text),
  message: v.optional(Text),
  msg: v.optional(Text),
});

/** reservation-servicePlatformReservationAcceptedDto (202 of the push). */
export const PushAcceptedSchema = v.looseObject({
  accepted: v.boolean(),
  platformCode: v.optional(Text),
  platformReservationId: v.optional(Text),
  platformRestaurantId: v.optional(Text),
});

/** apeAccountSnapshot (GET /o/op/1/order/accounts/{accountIdentifier}): it has no status, only a close date. */
export const AccountSnapshotSchema = v.looseObject({
  ikaccountId: v.optional(Name),
  openDate: v.optional(v.nullable(Name)),
  closeDate: v.optional(v.nullable(Name)),
  currentAmount: v.optional(Amount),
  paidAmount: v.optional(Amount),
});

/** apeLoadMenus: `[{menuName, ikentooMenuId}]`. */
export const MenuListSchema = v.array(v.looseObject({ menuName: v.optional(Name), ikentooMenuId: Int64 }));

/** apeProductionInstruction (a menu item's production instructions, and GET /o/op/1/menu/modifiers). */
export const ProductionInstructionGroupSchema = v.looseObject({
  multiSelectionPermitted: v.optional(v.boolean()),
  productionInstructionGroupName: v.optional(Name),
  // sic: the spec spells it "Intruction".
  productionIntructionGroupId: Int64,
  productionInstructionList: v.optional(
    v.array(v.looseObject({ instruction: v.optional(Name), ikentooModifierId: Int64 })),
    [],
  ),
});
export type ProductionInstructionGroup = v.InferOutput<typeof ProductionInstructionGroupSchema>;

/** apeMenuItemEntryParentV2: what items, combos and product modifiers share. */
const EntryParent = {
  productName: v.optional(Name),
  productPrice: v.optional(v.nullable(v.number())),
  extraPrice: v.optional(v.nullable(v.number())),
  sku: v.optional(v.nullable(Name)),
};

/** apeMenuModifierGroupV2: a product modifier group and its product modifiers. */
export const ModifierGroupSchema = v.looseObject({
  description: v.optional(Name),
  sku: v.optional(v.nullable(Name)),
  mustSelectAnItem: v.optional(v.boolean()),
  multiSelectionPermitted: v.optional(v.boolean()),
  minimumSelection: v.optional(v.nullable(v.number())),
  maximumSelection: v.optional(v.nullable(v.number())),
  productModifiers: v.optional(v.array(v.looseObject({ ...EntryParent })), []),
});
export type ModifierGroup = v.InferOutput<typeof ModifierGroupSchema>;

/** One `menuEntry` of a menu V2 group, told apart by `@type`; other types are kept to be reported. */
export type MenuEntry =
  | {
      '@type': 'menuItem';
      productName?: string;
      productPrice?: number | null;
      sku?: string | null;
      asSubItem?: boolean;
      productionInstructionList: ProductionInstructionGroup[];
      menuModifierGroups: ModifierGroup[];
    }
  | { '@type': 'group'; id: string; name?: string; menuEntry: MenuEntry[] }
  | { '@type': string; sku?: string | null; productName?: string };

export const MenuEntrySchema: v.GenericSchema<unknown, MenuEntry> = v.variant('@type', [
  v.looseObject({
    '@type': v.literal('menuItem'),
    ...EntryParent,
    asSubItem: v.optional(v.boolean()),
    productionInstructionList: v.optional(v.array(ProductionInstructionGroupSchema), []),
    menuModifierGroups: v.optional(v.array(ModifierGroupSchema), []),
  }),
  v.looseObject({
    '@type': v.literal('group'),
    id: IdText,
    name: v.optional(Name),
    menuEntry: v.optional(v.array(v.lazy(() => MenuEntrySchema)), []),
  }),
  v.looseObject({ '@type': v.picklist(['menuDeal', 'menuProductModifier']), ...EntryParent }),
]) as v.GenericSchema<unknown, MenuEntry>;

/** apeMenuV2 (GET /o/op/2/menu/load/{menuId}): top-level groups are the menu's screens. */
export const MenuV2Schema = v.looseObject({
  menuName: v.optional(Name),
  ikentooMenuId: v.optional(Int64),
  menuEntryGroups: v.optional(
    v.array(
      v.looseObject({
        '@type': v.optional(v.literal('group')),
        id: IdText,
        name: v.optional(Name),
        menuEntry: v.optional(v.array(MenuEntrySchema), []),
      }),
    ),
    [],
  ),
});
export type MenuV2 = v.InferOutput<typeof MenuV2Schema>;

/** apeRestrictedItemPaginatedResponse (GET / POST /o/op/1/itemAvailability). */
export const ItemAvailabilityReplySchema = v.looseObject({
  data: v.optional(
    v.array(
      v.looseObject({
        sku: Name,
        count: v.optional(v.nullable(v.union([v.number(), v.pipe(v.string(), v.regex(/^\d+$/))]))),
        updatedAt: v.optional(v.nullable(Name)),
      }),
    ),
    [],
  ),
  metadata: v.optional(
    v.looseObject({
      totalPages: v.optional(v.number()),
      current: v.optional(v.looseObject({ page: v.optional(v.number()) })),
    }),
  ),
});

const PosStatus = v.looseObject({
  salesPeriod: v.picklist(['OPENED', 'CLOSED']),
  acceptingOnlineOrders: v.boolean(),
  availableDevices: v.boolean(),
});
const ApiConfiguration = v.looseObject({
  enabled: v.boolean(),
  orderProfileId: v.optional(v.nullable(Int64)),
  staffId: v.optional(v.nullable(Int64)),
});

/** apeOrderApiReadinessDto (GET /o/op/1/onlineOrderReadiness). */
export const ReadinessSchema = v.looseObject({
  status: v.picklist(['READY', 'NOT_READY']),
  lastUpdatedAt: v.optional(Name),
  onlineOrderingApiConfiguration: v.optional(ApiConfiguration),
  posStatus: v.optional(PosStatus),
});
export type Readiness = v.InferOutput<typeof ReadinessSchema>;

/** OAuth2 token reply (RFC 6749 §5.1; the portal lists access_token, refresh_token, expires_in, scope). */
export const TokenReplySchema = v.looseObject({
  access_token: v.pipe(v.string(), v.minLength(2), v.maxLength(4096)),
  refresh_token: v.optional(v.pipe(v.string(), v.minLength(2), v.maxLength(4096))),
  expires_in: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

// ---- webhooks ----

/**
 * onlineOrderNotification: apeBaseWebhookInformation + `status`, `type` (default ORDER) and the account
 * when the endpoint provides it. The spec's own examples leave out `businessLocationId` and `type`.
 */
export const OrderNotificationSchema = v.looseObject({
  status: v.pipe(v.string(), v.maxLength(64)),
  type: v.optional(v.pipe(v.string(), v.maxLength(64))),
  reason: v.optional(v.nullable(Text)),
  thirdPartyReference: v.optional(v.pipe(v.string(), v.maxLength(THIRD_PARTY_REFERENCE_MAX))),
  businessLocationId: v.optional(Int64),
  ikentooAccountIdentifier: v.optional(v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(64)))),
  account: v.optional(v.nullable(v.looseObject({ closeDate: v.optional(v.nullable(Name)) }))),
});

/** salesRestrictionUpdatedNotification. */
export const SalesRestrictionSchema = v.looseObject({
  sku: v.pipe(v.string(), v.minLength(1), v.maxLength(255)),
  businessLocationId: Int64,
  count: v.optional(v.nullable(v.number())),
  countUpdatedAt: Name,
  status: v.picklist(['RESTRICTED', 'NOT_RESTRICTED']),
  type: v.literal('ITEM'),
});

/** onlineOrderingReadinessUpdatedNotification. */
export const ReadinessNotificationSchema = v.looseObject({
  businessLocationId: Int64,
  lastUpdatedAt: Name,
  status: v.picklist(['READY', 'NOT_READY']),
  type: v.literal('ORDER_API'),
  onlineOrderingApiConfiguration: ApiConfiguration,
  posStatus: PosStatus,
});

/** reservation-servicePosReservationUpdate (posReservationUpdatedNotification): no field is required. */
export const PosReservationUpdateSchema = v.looseObject({
  platformCode: v.optional(Name),
  platformRestaurantId: v.optional(Name),
  platformReservationId: v.optional(Name),
  businessLocationId: v.optional(Int64),
  status: v.optional(v.pipe(v.string(), v.maxLength(64))),
  tables: v.optional(v.array(Name)),
  covers: v.optional(v.nullable(v.number())),
});

/** reservation-serviceOrderUpdate (reservationOrderNotification): the POS order of a reservation. */
export const ReservationOrderUpdateSchema = v.looseObject({
  notificationType: v.optional(v.picklist(['OPEN', 'UPDATE', 'CLOSE', 'CANCEL'])),
  businessLocationId: v.optional(Int64),
  platformCode: v.optional(Name),
  platformRestaurantId: v.optional(Name),
  platformReservationId: v.optional(Name),
  sequenceId: v.optional(v.nullable(v.union([Name, v.number()]))),
});

/** reservation-serviceErrorWebhook (reservationErrorNotification). */
export const ReservationErrorSchema = v.looseObject({
  entityType: Name,
  errorCode: Name,
  httpCode: v.number(),
  traceId: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  errorMessage: Text,
  platformCode: v.optional(Name),
  platformRestaurantId: v.optional(Name),
  platformReservationId: v.optional(Name),
});
