/**
 * Sinqro order → Square CreateOrder and EXTERNAL CreatePayment bodies (F1). Money goes from Sinqro's
 * decimal major units to Square's integer minor units through the decimal string (toMinorUnits), and
 * the order's total is checked to the cent before anything is sent.
 */
import { PermanentError } from '../../functions/core/errors';
import { decimalsOf, minor } from '../../functions/core/money';
import { type SinqroOrder, type SinqroOrderLine, toIsoUtc } from '../../functions/core/sinqro-schemas';
import { truncate } from '../../functions/core/text';
import type { SquareMoney } from './api';

export { decimalsOf, minor };

const money = (amount: number, currency: string): SquareMoney => ({ amount, currency });

/** Square quantities are decimal strings; Sinqro sends whole units (a fraction would not add up exactly). */
function quantityOf(line: SinqroOrderLine): string {
  if (!Number.isSafeInteger(line.quantity) || line.quantity < 1)
    throw new PermanentError(
      `line "${line.label}" has quantity ${line.quantity}; only whole units can be sent to Square`,
      'UNSUPPORTED_QUANTITY',
    );
  return String(line.quantity);
}

function catalogIdOf(line: SinqroOrderLine): string {
  const ref = line.type === 'PRODUCT_OPTION' ? line.productOption : line.product;
  const id = ref?.externalId;
  if (!id) {
    const what = line.type === 'PRODUCT_OPTION' ? 'option' : 'product';
    throw new PermanentError(
      `${what} ${ref?.id ?? '?'} "${line.label}" has no Square catalog id (externalId)`,
      'UNMAPPED_PRODUCT',
    );
  }
  return id;
}

export type SquareOrderPlan = {
  body: { idempotency_key: string; order: Record<string, unknown> };
  /** What Square must compute as `total_money.amount`: Sinqro's total, in minor units. */
  expectedTotal: SquareMoney;
  prepaid: boolean;
  /** The product lines' catalog ids as Sinqro named them (item or variation ids), for resolution. */
  productIds: string[];
};

/**
 * Builds the CreateOrder request. `variationOf` turns a product line's externalId into the Square
 * ITEM_VARIATION id (a Sinqro product may be a whole Square item with one variation).
 */
export function toSquareOrder(
  order: SinqroOrder,
  locationId: string,
  idempotencyKey: string,
  variationOf: (externalId: string) => string = (id) => id,
  options: SquareOrderOptions = {},
): SquareOrderPlan {
  const currency = order.currency?.isoCode ?? 'EUR';
  const unknownLine = order.orderLines.find((l) => l.type !== 'PRODUCT' && l.type !== 'DELIVERY');
  if (unknownLine) throw new PermanentError(`order line type ${unknownLine.type} is not supported`, 'UNSUPPORTED_LINE');

  let linesTotal = 0;
  const productIds: string[] = [];
  const lineItems = order.orderLines
    .filter((line) => line.type === 'PRODUCT')
    .map((line) => {
      const quantity = quantityOf(line);
      const unit = minor(line.unitPrice, currency);
      // Sinqro's unitPrice already includes the chosen options (docs/sinqro-api.md, Order lines). Square adds each
      // modifier's price per unit of the line, so the line's own base price is the rest.
      const modifiers = (line.childrenOrderLines ?? []).map((child) => {
        const childUnit = minor(child.unitPrice, currency);
        const childQuantity = quantityOf(child);
        return {
          unitTotal: childUnit * Number(childQuantity),
          body: {
            catalog_object_id: catalogIdOf(child),
            quantity: childQuantity,
            base_price_money: money(childUnit, currency),
          },
        };
      });
      const base = unit - modifiers.reduce((sum, m) => sum + m.unitTotal, 0);
      if (base < 0)
        throw new PermanentError(
          `line "${line.label}": its options cost more than its unit price ${unit} (minor units)`,
          'TOTAL_MISMATCH',
        );
      linesTotal += unit * Number(quantity);
      const externalId = catalogIdOf(line);
      productIds.push(externalId);
      return {
        catalog_object_id: variationOf(externalId),
        quantity,
        base_price_money: money(base, currency),
        ...(line.comment ? { note: truncate(line.comment, 2000) } : {}),
        ...(modifiers.length > 0 ? { modifiers: modifiers.map((m) => m.body) } : {}),
      };
    });
  const deliveryFee = order.orderLines
    .filter((l) => l.type === 'DELIVERY')
    .reduce((sum, l) => sum + minor(l.totalAmount, currency), 0);
  const total = minor(order.totalAmount, currency);
  if (linesTotal + deliveryFee !== total)
    throw new PermanentError(
      `line totals ${linesTotal + deliveryFee} do not add up to the order total ${total} (${currency} minor units)`,
      'TOTAL_MISMATCH',
    );

  const consumer = order.consumer;
  const recipientName = [consumer?.name, consumer?.lastname].filter(Boolean).join(' ');
  const phone = phoneOf(consumer?.phone);
  // Square requires a recipient name: without the consumer's, the order's code.
  const recipient = {
    display_name: truncate(recipientName || `Sinqro ${order.marketOrderCode ?? order.id}`, 255),
    ...(phone ? { phone_number: phone } : {}),
    ...(consumer?.email && consumer.email.length <= 255 ? { email_address: consumer.email } : {}),
  };
  const payments = order.payments ?? [];
  const squareOrder: Record<string, unknown> = {
    location_id: locationId,
    reference_id: String(order.id),
    source: { name: 'Sinqro' },
    ...(order.marketOrderCode ? { ticket_name: truncate(String(order.marketOrderCode), 30) } : {}),
    line_items: lineItems,
    // A marketplace's delivery fee is a service charge, not a tip (Square's external-payments guide).
    ...(deliveryFee > 0
      ? {
          service_charges: [
            {
              name: 'Delivery',
              amount_money: money(deliveryFee, currency),
              calculation_phase: 'TOTAL_PHASE',
              taxable: false,
            },
          ],
        }
      : {}),
    // Sinqro's prices are final: Square must not add catalog taxes or discounts to them.
    pricing_options: { auto_apply_taxes: false, auto_apply_discounts: false },
    fulfillments: [
      order.type === 'delivery' && options.deliveryFulfillments
        ? deliveryFulfillment(order, recipient)
        : pickupFulfillment(order, recipient),
    ],
  };
  return {
    body: { idempotency_key: idempotencyKey, order: squareOrder },
    expectedTotal: money(total, currency),
    prepaid: payments.length > 0 && payments.every((p) => p.prepaid),
    productIds,
  };
}

export type SquareOrderOptions = {
  /**
   * The seller's Square account shows DELIVERY fulfillments (a partnership with Square). Without it a
   * delivery order is a PICKUP: DELIVERY fulfillments are hidden from sellers without a partnership.
   */
  deliveryFulfillments?: boolean;
};

type Recipient = { display_name: string; phone_number?: string; email_address?: string };

function pickupFulfillment(order: SinqroOrder, recipient: Recipient) {
  return {
    type: 'PICKUP',
    state: 'PROPOSED',
    pickup_details: {
      schedule_type: 'SCHEDULED',
      pickup_at: toIsoUtc(order.executionTime),
      recipient,
      note: truncate(pickupNote(order), 500),
    },
  };
}

/** Sinqro's couriers deliver: a DELIVERY managed by a third party, to the consumer's address, at the execution time. */
function deliveryFulfillment(order: SinqroOrder, recipient: Recipient) {
  const address = addressOf(order.deliveryAddress);
  return {
    type: 'DELIVERY',
    state: 'PROPOSED',
    delivery_details: {
      schedule_type: 'SCHEDULED',
      deliver_at: toIsoUtc(order.executionTime),
      recipient: address ? { ...recipient, address } : recipient,
      managed_delivery: true,
      courier_provider_name: 'Sinqro',
      ...(order.comment ? { note: truncate(order.comment, 550) } : {}),
    },
  };
}

/** Sinqro's Address (street, details, city, province, postalCode) → Square's Address. */
function addressOf(raw: unknown): Record<string, string> | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const a = raw as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const fields = {
    address_line_1: text(a.street),
    address_line_2: text(a.details),
    locality: text(a.city),
    administrative_district_level_1: text(a.province),
    postal_code: text(a.postalCode),
  };
  const present = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return present.length > 0 ? Object.fromEntries(present) : undefined;
}

/** Square takes at most 17 characters: spacing is dropped, and a number still too long is left out rather than cut. */
function phoneOf(raw: string | null | undefined): string | undefined {
  const compact = raw?.replace(/[\s().-]/g, '');
  return compact && compact.length <= 17 ? compact : undefined;
}

function pickupNote(order: SinqroOrder): string {
  const kind = order.type === 'delivery' ? 'Sinqro delivery: a courier collects it' : `Sinqro ${order.type} order`;
  return order.comment ? `${kind}. ${order.comment}` : kind;
}

/**
 * The payment that makes an aggregator-prepaid order appear in the seller's POS: `source_id: EXTERNAL`
 * for the order's total, with its own idempotency key derived from the order's.
 */
export function toExternalPayment(
  order: SinqroOrder,
  squareOrderId: string,
  locationId: string,
  total: SquareMoney,
  idempotencyKey: string,
) {
  return {
    idempotency_key: `${idempotencyKey}-payment`.slice(0, 45),
    source_id: 'EXTERNAL',
    amount_money: total,
    order_id: squareOrderId,
    location_id: locationId,
    reference_id: String(order.id),
    external_details: { type: 'OTHER', source: 'Sinqro', source_id: String(order.id) },
  };
}
