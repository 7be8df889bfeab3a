/**
 * Sinqro order → K-Series online order (F1): `toGo` for takeaway and delivery (apePlaceToGoOrder),
 * `local` for eat-in and table orders (apeLocalOrder). Items go by SKU; a Sinqro option is a product
 * modifier (a sub-item with its SKU) or a production instruction (a modifier id), as the catalog mapping
 * named it. Money is checked to the cent in minor units before anything is sent; K-Series prices the
 * items from its own menu, and the payment (when prepaid) carries Sinqro's exact amount.
 */
import { PermanentError } from '../../functions/core/errors';
import { fromMinorUnits, minor } from '../../functions/core/money';
import { parseSinqroDate, type SinqroOrder, type SinqroOrderLine } from '../../functions/core/sinqro-schemas';
import { truncate } from '../../functions/core/text';
import {
  FIRST_NAME_MAX,
  type LskCustomerInfo,
  type LskItemLine,
  type LskLocalOrder,
  type LskOrderPayment,
  type LskToGoOrder,
  ORDER_SKU_MAX,
} from './api';
import { parseOptionId } from './catalog-ids';

/** How long K-Series keeps trying to hand an order to the POS (the spec strongly recommends setting it). */
export const DELIVER_TO_POS_MS = 10 * 60_000;
/** Order notes have no published limit; the bridge keeps them short enough for a printed docket [unverified]. */
export const ORDER_NOTE_MAX = 500;
/** `orderCollectionTimeAsIso8601` must be in the future: a time closer than this is left out (as soon as possible). */
const COLLECTION_TIME_LEAD_MS = 60_000;

/** Per-restaurant options, from the restaurant's own K-Series secret (docs/lightspeed-k.md). */
export type LskOrderOptions = {
  /** The webhook endpoint registered for this account (apeCreateWebhookOo): every order names it. */
  endpointId: string;
  /** Order profile code per Sinqro order type (e.g. `{ "delivery": "DELIVERY" }`): how K-Series tells delivery apart. */
  accountProfileCodes?: Partial<Record<SinqroOrder['type'], string>>;
  /** The merchant's payment method code for prepaid orders. */
  paymentMethod?: string;
  /** An item with an open price that carries Sinqro's delivery fee. */
  deliveryFeeSku?: string;
  /** Sinqro table (serviceLocation) code → K-Series table number, for table orders. */
  tableNumbers?: Record<string, string>;
  now?: number;
};

export type LskOrderPlan =
  | { kind: 'toGo'; thirdPartyReference: string; body: LskToGoOrder }
  | { kind: 'local'; thirdPartyReference: string; body: LskLocalOrder };

const KIND: Record<SinqroOrder['type'], 'toGo' | 'local'> = {
  collection: 'toGo',
  delivery: 'toGo',
  insitu: 'local',
  inside: 'local',
};

export function toLskOrder(order: SinqroOrder, options: LskOrderOptions): LskOrderPlan {
  const currency = order.currency?.isoCode ?? 'EUR';
  const now = options.now ?? Date.now();
  const items = order.orderLines.filter((l) => l.type === 'PRODUCT').map(toItemLine);
  const unknown = order.orderLines.find((l) => l.type !== 'PRODUCT' && l.type !== 'DELIVERY');
  if (unknown) throw new PermanentError(`order line type ${unknown.type} is not supported`, 'UNSUPPORTED_LINE');

  const itemsMinor = order.orderLines
    .filter((l) => l.type === 'PRODUCT')
    .reduce((sum, l) => sum + minor(l.unitPrice, currency) * l.quantity, 0);
  const feeMinor = order.orderLines
    .filter((l) => l.type === 'DELIVERY')
    .reduce((sum, l) => sum + minor(l.totalAmount, currency), 0);
  const tipsMinor = minor(tipsOf(order), currency);
  const totalMinor = minor(order.totalAmount, currency);
  if (itemsMinor + feeMinor + tipsMinor !== totalMinor)
    throw new PermanentError(
      `line totals ${itemsMinor} + delivery ${feeMinor} + tips ${tipsMinor} do not add up to the order total ${totalMinor} (minor units)`,
      'TOTAL_MISMATCH',
    );
  if (feeMinor > 0) {
    // K-Series orders have no fee field: without an item to carry it, the POS would ask for less than Sinqro's total.
    if (!options.deliveryFeeSku)
      throw new PermanentError(
        'the order has a delivery fee and the restaurant has no deliveryFeeSku to carry it in K-Series',
        'DELIVERY_FEE_UNMAPPED',
      );
    items.push({
      quantity: 1,
      sku: skuChecked(options.deliveryFeeSku, 'delivery fee'),
      customItemPrice: fromMinorUnits(feeMinor, currency),
    });
  }

  const thirdPartyReference = String(order.id);
  const common = {
    thirdPartyReference,
    endpointId: options.endpointId,
    customerInfo: customerOf(order),
    orderNote: noteOf(order),
    maxTimeToAttemptOrderDeliverToPos: DELIVER_TO_POS_MS,
    ...(options.accountProfileCodes?.[order.type]
      ? { accountProfileCode: options.accountProfileCodes[order.type] }
      : {}),
    ...paymentOf(order, currency, totalMinor, tipsMinor, options.paymentMethod),
    ...collectionTimeOf(order.executionTime, now),
    items,
  };
  if (KIND[order.type] === 'toGo') {
    const address = order.type === 'delivery' ? deliveryAddressOf(order) : undefined;
    return { kind: 'toGo', thirdPartyReference, body: { ...common, ...(address ? { deliveryAddress: address } : {}) } };
  }
  const table = order.type === 'inside' ? tableOf(order, options.tableNumbers) : undefined;
  const diners = order.dinersNumber;
  return {
    kind: 'local',
    thirdPartyReference,
    body: {
      ...common,
      ...(table ? { tableNumber: table } : {}),
      ...(diners !== undefined && diners >= 1 ? { clientCount: diners } : {}),
    },
  };
}

function toItemLine(line: SinqroOrderLine): LskItemLine {
  const sku = line.product?.externalId;
  if (!sku)
    throw new PermanentError(
      `product ${line.product?.id ?? '?'} "${line.label}" has no K-Series SKU (externalId)`,
      'UNMAPPED_PRODUCT',
    );
  return withOptions({ quantity: quantityOf(line), sku: skuChecked(sku, line.label) }, line.childrenOrderLines ?? []);
}

/** Adds a line's options to the item (or sub-item) they were chosen for: modifier ids and sub-items. */
function withOptions(item: LskItemLine, children: SinqroOrderLine[]): LskItemLine {
  const modifiers: { modifierId: string }[] = [];
  const subItems: LskItemLine[] = [];
  for (const child of children) {
    const externalId = child.productOption?.externalId;
    const option = externalId ? parseOptionId(externalId) : undefined;
    if (!option)
      throw new PermanentError(
        `option ${child.productOption?.id ?? '?'} "${child.label}" has no K-Series modifier (externalId "pi:…" or "mod:…")`,
        'UNMAPPED_PRODUCT',
      );
    if (option.kind === 'instruction') modifiers.push({ modifierId: option.modifierId });
    else
      subItems.push(
        withOptions(
          { quantity: quantityOf(child), sku: skuChecked(option.sku, child.label) },
          child.childrenOrderLines ?? [],
        ),
      );
  }
  return { ...item, ...(modifiers.length ? { modifiers } : {}), ...(subItems.length ? { subItems } : {}) };
}

/** K-Series quantities are int32: whole units only. */
function quantityOf(line: SinqroOrderLine): number {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1 || line.quantity > 2 ** 31 - 1)
    throw new PermanentError(
      `line "${line.label}" has quantity ${line.quantity}; K-Series takes whole units only`,
      'UNSUPPORTED_QUANTITY',
    );
  return line.quantity;
}

function skuChecked(sku: string, label: string): string {
  if (sku.length > ORDER_SKU_MAX)
    throw new PermanentError(
      `"${label}": SKU is longer than the ${ORDER_SKU_MAX} characters an order takes`,
      'SKU_TOO_LONG',
    );
  return sku;
}

/** Tips are not part of Sinqro's documented order; an order that carries `tipsAmount` has them [unverified]. */
function tipsOf(order: SinqroOrder): number {
  const tips = (order as { tipsAmount?: unknown }).tipsAmount;
  return typeof tips === 'number' && Number.isFinite(tips) && tips > 0 ? tips : 0;
}

/**
 * Prepaid (in part or whole): the payment is what was paid in Sinqro, tips included (apeOrderPayment's
 * `paymentAmount` is "the total amount of the payment including tips"). Paid at pickup: no payment.
 */
function paymentOf(
  order: SinqroOrder,
  currency: string,
  totalMinor: number,
  tipsMinor: number,
  paymentMethod: string | undefined,
): { payment?: LskOrderPayment } {
  const payments = order.payments ?? [];
  const prepaidMinor = payments.filter((p) => p.prepaid).reduce((sum, p) => sum + minor(p.amount, currency), 0);
  if (prepaidMinor === 0) return {};
  const allPrepaid = payments.every((p) => p.prepaid);
  if (prepaidMinor > totalMinor || (allPrepaid && prepaidMinor !== totalMinor))
    throw new PermanentError(
      `prepaid ${prepaidMinor} does not match the order total ${totalMinor} (minor units)`,
      'PAYMENT_MISMATCH',
    );
  return {
    payment: {
      paymentAmount: fromMinorUnits(prepaidMinor, currency),
      ...(tipsMinor > 0 && allPrepaid ? { tipAmount: fromMinorUnits(tipsMinor, currency) } : {}),
      ...(paymentMethod ? { paymentMethod } : {}),
    },
  };
}

/** `firstName` is required: without the consumer's, the order's code (what staff call out at pickup). */
function customerOf(order: SinqroOrder): LskCustomerInfo {
  const consumer = order.consumer;
  const firstName = consumer?.name?.trim() || order.marketOrderCode?.trim() || `Sinqro ${order.id}`;
  const phone = e164(consumer?.phone);
  return {
    firstName: truncate(firstName, FIRST_NAME_MAX),
    ...(consumer?.lastname?.trim() ? { lastName: truncate(consumer.lastname.trim(), FIRST_NAME_MAX) } : {}),
    ...(consumer?.email ? { email: consumer.email } : {}),
    ...(phone ? { contactNumberAsE164: phone } : {}),
  };
}

/** A phone in E.164 (`+` and up to 15 digits), spaces and dashes removed; anything else is left out. */
function e164(phone: string | null | undefined): string | undefined {
  const compact = phone?.replace(/[\s-]/g, '');
  return compact && /^\+[1-9]\d{6,14}$/.test(compact) ? compact : undefined;
}

/** What staff read on the docket: the Sinqro order and its code, the consumer's comment, the line comments. */
function noteOf(order: SinqroOrder): string {
  const head = [`Sinqro ${order.id}`, order.marketOrderCode ? `(${order.marketOrderCode})` : undefined]
    .filter(Boolean)
    .join(' ');
  const lines = order.orderLines.filter((l) => l.comment).map((l) => `${l.label}: ${l.comment}`);
  return truncate([head, order.comment ?? undefined, ...lines].filter(Boolean).join(' — '), ORDER_NOTE_MAX);
}

function collectionTimeOf(executionTime: string, now: number): { orderCollectionTimeAsIso8601?: string } {
  const due = parseSinqroDate(executionTime);
  if (Number.isNaN(due) || due < now + COLLECTION_TIME_LEAD_MS) return {};
  return { orderCollectionTimeAsIso8601: isoWithOffset(due) };
}

/** `2024-04-04T09:42:00.000+00:00`, the form of the spec's examples. */
export function isoWithOffset(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

type SinqroAddress = {
  street?: string;
  completeAddress?: string;
  details?: string | null;
  city?: string;
  postalCode?: string;
};

function deliveryAddressOf(order: SinqroOrder): LskToGoOrder['deliveryAddress'] {
  const address = order.deliveryAddress as SinqroAddress | null | undefined;
  if (!address) return undefined;
  const line1 = address.street ?? address.completeAddress;
  return {
    ...(line1 ? { addressLine1: line1 } : {}),
    ...(address.details ? { addressLine2: address.details } : {}),
    ...(address.postalCode ? { zip: address.postalCode } : {}),
    ...(address.city ? { city: address.city } : {}),
  };
}

/**
 * A table order's K-Series table: the restaurant's mapping of Sinqro's table code, or the code itself when
 * it is a number. Neither: no table (the order opens without one) [unverified how K-Series places it].
 */
function tableOf(order: SinqroOrder, tables: Record<string, string> | undefined): string | undefined {
  const code = (order as { serviceLocation?: { code?: unknown } }).serviceLocation?.code;
  if (typeof code !== 'string' || code.length === 0) return undefined;
  if (tables && Object.hasOwn(tables, code)) return tables[code];
  return /^\d{1,9}$/.test(code) ? code : undefined;
}
