/**
 * Valibot schemas of Sinqro's order and reservation (docs/sinqro-api.md) and of the bridge's
 * event envelope (docs/sinqro-events.md). Objects are loose: unknown fields are kept, never rejected,
 * because Sinqro's model is only partly documented.
 */
import * as v from 'valibot';

const SinqroId = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const Amount = v.pipe(v.number(), v.finite(), v.minValue(0));
const OptionalText = v.nullish(v.pipe(v.string(), v.maxLength(2000)));

/**
 * Sinqro datetimes come as ISO-8601 with offset (`2020-07-23T07:06:52+0000`) or, in order-creation
 * requests, as `2020-07-23 14:07:04` without one, which is read as UTC like every example Sinqro gives.
 */
const SINQRO_DATE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/;

export const SinqroDateTime = v.pipe(
  v.string(),
  v.maxLength(40),
  v.check((s) => !Number.isNaN(parseSinqroDate(s)), 'must be an ISO-8601 date-time'),
);

export function parseSinqroDate(s: string): number {
  const m = SINQRO_DATE.exec(s);
  if (!m) return Number.NaN;
  const offset = m[3] === undefined || m[3] === 'Z' ? 'Z' : m[3].replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  return Date.parse(`${m[1]}T${m[2]}${offset}`);
}

export function toIsoUtc(s: string): string {
  return new Date(parseSinqroDate(s)).toISOString();
}

const EntityRef = v.looseObject({
  id: v.optional(SinqroId),
  externalId: v.nullish(v.pipe(v.string(), v.maxLength(255))),
});

export type SinqroOrderLine = {
  type: string;
  label: string;
  quantity: number;
  unitPrice: number;
  totalAmount: number;
  comment?: string | null;
  product?: v.InferOutput<typeof EntityRef> | null;
  productOption?: v.InferOutput<typeof EntityRef> | null;
  childrenOrderLines?: SinqroOrderLine[];
  [key: string]: unknown;
};

export const OrderLineSchema: v.GenericSchema<SinqroOrderLine> = v.looseObject({
  type: v.pipe(v.string(), v.maxLength(40)),
  label: v.pipe(v.string(), v.maxLength(500)),
  quantity: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(10000)),
  unitPrice: Amount,
  totalAmount: Amount,
  comment: OptionalText,
  product: v.nullish(EntityRef),
  productOption: v.nullish(EntityRef),
  childrenOrderLines: v.optional(v.pipe(v.array(v.lazy(() => OrderLineSchema)), v.maxLength(100))),
});

const ConsumerSchema = v.looseObject({
  id: v.optional(SinqroId),
  name: OptionalText,
  lastname: OptionalText,
  phone: OptionalText,
  email: OptionalText,
});

const PaymentSchema = v.looseObject({
  id: v.optional(SinqroId),
  amount: Amount,
  paymentMethodName: OptionalText,
  prepaid: v.boolean(),
});

const SellingPointSchema = v.looseObject({
  id: SinqroId,
  timezone: v.optional(v.string()),
});

const common = {
  id: SinqroId,
  executionTime: SinqroDateTime,
  comment: OptionalText,
  consumer: v.nullish(ConsumerSchema),
  sellingPoint: SellingPointSchema,
  status: v.optional(v.looseObject({ code: v.string() })),
  marketOrderId: v.nullish(v.union([v.string(), v.number()])),
  marketOrderCode: v.nullish(v.string()),
};

export const ORDER_TYPES = ['delivery', 'collection', 'insitu', 'inside'] as const;

export const SinqroOrderSchema = v.looseObject({
  ...common,
  type: v.picklist(ORDER_TYPES),
  orderLines: v.pipe(v.array(OrderLineSchema), v.minLength(1), v.maxLength(500)),
  payments: v.optional(v.pipe(v.array(PaymentSchema), v.maxLength(20)), []),
  totalAmount: Amount,
  deliveryAmount: v.optional(Amount),
  dinersNumber: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  currency: v.optional(v.looseObject({ isoCode: v.pipe(v.string(), v.length(3)) })),
});

export const SinqroReservationSchema = v.looseObject({
  ...common,
  type: v.literal('reservation'),
  dinersNumber: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(1000)),
  orderLines: v.optional(v.pipe(v.array(OrderLineSchema), v.maxLength(0)), []),
});

export type SinqroOrder = v.InferOutput<typeof SinqroOrderSchema>;
export type SinqroReservation = v.InferOutput<typeof SinqroReservationSchema>;

const Cancellation = v.looseObject({ id: SinqroId, comment: OptionalText });
const StatusChange = v.looseObject({
  id: SinqroId,
  status: v.looseObject({ code: v.pipe(v.string(), v.maxLength(64)) }),
});

const envelopeBase = {
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(128)),
  sellingPointId: SinqroId,
  occurredAt: SinqroDateTime,
};

/** The bridge's event envelope: the same shape over HTTP and as EventBridge `detail`. */
export const SinqroEventSchema = v.pipe(
  v.variant('type', [
    v.looseObject({ ...envelopeBase, type: v.literal('order.created'), data: SinqroOrderSchema }),
    v.looseObject({ ...envelopeBase, type: v.literal('order.cancelled'), data: Cancellation }),
    v.looseObject({ ...envelopeBase, type: v.literal('order.status_changed'), data: StatusChange }),
    v.looseObject({ ...envelopeBase, type: v.literal('reservation.created'), data: SinqroReservationSchema }),
    v.looseObject({ ...envelopeBase, type: v.literal('reservation.cancelled'), data: Cancellation }),
    v.looseObject({ ...envelopeBase, type: v.literal('reservation.status_changed'), data: StatusChange }),
  ]),
  v.check(
    (e) => sellingPointOf(e.data) === undefined || sellingPointOf(e.data) === e.sellingPointId,
    'data.sellingPoint.id must equal sellingPointId',
  ),
);

/** The selling point id an event's data names, if it names one (loose objects may carry anything). */
function sellingPointOf(data: object): unknown {
  const sp = (data as { sellingPoint?: unknown }).sellingPoint;
  if (sp === undefined) return undefined;
  return sp !== null && typeof sp === 'object' ? (sp as { id?: unknown }).id : sp;
}

export type SinqroEvent = v.InferOutput<typeof SinqroEventSchema>;
export type SinqroEventType = SinqroEvent['type'];
