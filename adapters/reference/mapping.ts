/** Sinqro order / reservation → reference POS request bodies. Money goes to integer minor units, exactly. */
import { PermanentError } from '../../functions/core/errors';
import { toMinorUnits } from '../../functions/core/money';
import {
  type SinqroOrder,
  type SinqroOrderLine,
  type SinqroReservation,
  toIsoUtc,
} from '../../functions/core/sinqro-schemas';
import type { RefItem, RefOrderRequest, RefReservationRequest } from './contract';

const TYPES: Record<SinqroOrder['type'], RefOrderRequest['type']> = {
  delivery: 'delivery',
  collection: 'pickup',
  insitu: 'dine_in',
  inside: 'table',
};

function skuOf(line: SinqroOrderLine): string {
  const ref = line.type === 'PRODUCT_OPTION' ? line.productOption : line.product;
  const sku = ref?.externalId;
  if (!sku) {
    const what = line.type === 'PRODUCT_OPTION' ? 'option' : 'product';
    throw new PermanentError(
      `${what} ${ref?.id ?? '?'} "${line.label}" has no POS mapping (externalId)`,
      'UNMAPPED_PRODUCT',
    );
  }
  return sku;
}

export function toReferenceOrder(order: SinqroOrder): RefOrderRequest {
  const items: RefItem[] = order.orderLines
    .filter((line) => line.type === 'PRODUCT')
    .map((line) => ({
      sku: skuOf(line),
      name: line.label,
      quantity: line.quantity,
      // Sinqro's unitPrice already includes the chosen options (docs/sinqro-api.md, Order lines): do not add them again.
      unitPriceMinor: toMinorUnits(line.unitPrice),
      note: line.comment ?? undefined,
      modifiers: (line.childrenOrderLines ?? []).map((child) => ({
        sku: skuOf(child),
        name: child.label,
        quantity: child.quantity,
        unitPriceMinor: toMinorUnits(child.unitPrice),
      })),
    }));
  const unknownLine = order.orderLines.find((l) => l.type !== 'PRODUCT' && l.type !== 'DELIVERY');
  if (unknownLine) throw new PermanentError(`order line type ${unknownLine.type} is not supported`, 'UNSUPPORTED_LINE');
  const deliveryFee = order.orderLines
    .filter((l) => l.type === 'DELIVERY')
    .reduce((sum, l) => sum + toMinorUnits(l.totalAmount), 0);
  const itemsTotal = items.reduce((sum, i) => sum + i.unitPriceMinor * i.quantity, 0);
  const totalMinor = toMinorUnits(order.totalAmount);
  if (itemsTotal + deliveryFee !== totalMinor) {
    throw new PermanentError(
      `line totals ${itemsTotal + deliveryFee} do not add up to the order total ${totalMinor} (minor units)`,
      'TOTAL_MISMATCH',
    );
  }
  const address = order.deliveryAddress as
    | { street?: string; details?: string; city?: string; postalCode?: string }
    | undefined;
  return {
    externalReference: String(order.id),
    type: TYPES[order.type],
    dueAt: toIsoUtc(order.executionTime),
    note: order.comment ?? undefined,
    customer: toCustomer(order.consumer),
    deliveryAddress: address
      ? { street: address.street, details: address.details, city: address.city, postalCode: address.postalCode }
      : undefined,
    items,
    deliveryFeeMinor: deliveryFee || undefined,
    totalMinor,
    currency: order.currency?.isoCode ?? 'EUR',
    prepaid: (order.payments ?? []).length > 0 && (order.payments ?? []).every((p) => p.prepaid),
  };
}

export function toReferenceReservation(reservation: SinqroReservation): RefReservationRequest {
  return {
    externalReference: String(reservation.id),
    partySize: reservation.dinersNumber,
    startsAt: toIsoUtc(reservation.executionTime),
    note: reservation.comment ?? undefined,
    customer: toCustomer(reservation.consumer),
  };
}

function toCustomer(consumer: SinqroOrder['consumer']): RefOrderRequest['customer'] {
  if (!consumer) return undefined;
  return {
    name: [consumer.name, consumer.lastname].filter(Boolean).join(' ') || undefined,
    phone: consumer.phone ?? undefined,
    email: consumer.email ?? undefined,
  };
}
