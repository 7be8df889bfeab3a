/** Realistic Sinqro orders and event envelopes for the demo, the e2e tests and the load tools. */
import { randomUUID } from 'node:crypto';
import type { SinqroEvent } from '../../functions/core/sinqro-schemas';

export const DEMO_RESTAURANT = 5120;

/** Demo consumers: distinctive values, so tests can prove none of them reaches a log line or audit record. */
export const DEMO_CONSUMERS = [
  { id: 4411, name: 'Laura', lastname: 'Gómez-Demo', phone: '+34611222333', email: 'laura.demo@example.org' },
  { id: 4412, name: 'Jordi', lastname: 'Puig-Demo', phone: '+34622333444', email: 'jordi.demo@example.org' },
];

/**
 * The illustrative order of docs/sinqro-api.md, verbatim (composed from Sinqro's field tables; a takeaway order
 * for two Margheritas with an extra and a water, paid at pickup). The unit tests' sample order, and the base of
 * every demo order below.
 */
export function illustrativeOrder() {
  return {
    id: 900001,
    type: 'collection',
    status: {
      code: 'waiting_sp_validation',
      name: 'Waiting for restaurant',
      color: '#f7981d',
      isFinalStatus: false,
      globalStatusCode: 'processing',
    },
    isAcceptable: true,
    isCancellable: true,
    executionTime: '2025-03-14T19:30:00+0000',
    comment: 'No cutlery, please',
    cancellationComment: null,
    marketOrderId: 'WL-55812',
    marketOrderCode: 'K7P2QD',
    posOrderId: null,
    orderGroupId: null,
    consumer: {
      id: 4411,
      name: 'Laura',
      lastname: 'Gómez',
      phone: '+34611222333',
      email: 'laura@example.org',
      image: null,
      notificationsChannel: '0f3c9a7e5b2d4c61a8e9f0b1c2d3e4f5',
      chatToken: null,
      marketClientId: null,
    },
    sellingPoint: { id: 5120, name: 'Trattoria Demo', timezone: 'Europe/Madrid' },
    orderLines: [
      {
        type: 'PRODUCT',
        label: 'Margherita',
        quantity: 2,
        unitPrice: 10.5,
        totalAmount: 21.0,
        baseAmount: 19.09,
        vatAmount: 1.91,
        vatValue: 10,
        comment: null,
        product: { id: 77001, externalId: 'POS-ART-12' },
        childrenOrderLines: [
          {
            type: 'PRODUCT_OPTION',
            label: 'Extra mozzarella',
            quantity: 1,
            unitPrice: 1.5,
            totalAmount: 1.5,
            baseAmount: 1.36,
            vatAmount: 0.14,
            vatValue: 10,
            comment: null,
            productOption: { id: 88004, externalId: 'POS-MOD-3' },
            childrenOrderLines: [],
          },
        ],
      },
      {
        type: 'PRODUCT',
        label: 'Sparkling water',
        quantity: 1,
        unitPrice: 2.0,
        totalAmount: 2.0,
        baseAmount: 1.82,
        vatAmount: 0.18,
        vatValue: 10,
        comment: null,
        product: { id: 77009, externalId: 'POS-ART-40' },
        childrenOrderLines: [],
      },
    ],
    payments: [{ id: 6001, amount: 23.0, paymentMethodName: 'Cash', prepaid: false }],
    totalAmount: 23.0,
    baseAmount: 20.91,
    vatAmount: 2.09,
    currency: { isoCode: 'EUR', symbol: '€', displayPattern: '{{ amount }}€' },
  };
}

/**
 * The illustrative order, numbered `id`, due in 45 minutes, for a demo consumer (DEMO_CONSUMERS) and restaurant;
 * a delivery order adds a 2.50 delivery line and an address.
 */
export function demoOrder(
  id: number,
  opts: { restaurantId?: number; type?: 'delivery' | 'collection' | 'insitu' | 'inside'; consumer?: number } = {},
) {
  const base = illustrativeOrder();
  const restaurantId = opts.restaurantId ?? DEMO_RESTAURANT;
  const type = opts.type ?? 'collection';
  const delivery = type === 'delivery';
  const total = delivery ? 25.5 : 23.0;
  return {
    ...base,
    id,
    type,
    executionTime: new Date(Date.now() + 45 * 60_000).toISOString().replace(/\.\d{3}Z$/, '+0000'),
    marketOrderId: `WL-${id}`,
    marketOrderCode: `K${id % 100000}`,
    consumer: { ...base.consumer, ...(DEMO_CONSUMERS[opts.consumer ?? 0] as object) },
    sellingPoint: { ...base.sellingPoint, id: restaurantId },
    orderLines: [
      ...base.orderLines,
      ...(delivery
        ? [{ type: 'DELIVERY', label: 'Delivery', quantity: 1, unitPrice: 2.5, totalAmount: 2.5, distance: 1.2 }]
        : []),
    ],
    payments: base.payments.map((p) => ({ ...p, amount: total })),
    totalAmount: total,
    ...(delivery
      ? {
          deliveryAmount: 2.5,
          deliveryAddress: {
            id: 1,
            street: 'Carrer de la Demo 1',
            details: '2n 1a',
            city: 'Barcelona',
            province: 'Barcelona',
            postalCode: '08001',
          },
        }
      : {}),
  };
}

export function demoReservation(id: number, restaurantId = DEMO_RESTAURANT) {
  return {
    id,
    type: 'reservation',
    executionTime: new Date(Date.now() + 24 * 3600_000).toISOString(),
    dinersNumber: 4,
    comment: 'Window table if possible',
    consumer: { ...(DEMO_CONSUMERS[1] as object) },
    sellingPoint: { id: restaurantId, name: 'Trattoria Demo', timezone: 'Europe/Madrid' },
    orderLines: [],
    payments: [],
    totalAmount: 0,
  };
}

export function envelope(
  type: SinqroEvent['type'],
  data: { id: number; sellingPoint?: { id: number } } & Record<string, unknown>,
  sellingPointId = DEMO_RESTAURANT,
) {
  return { id: `evt-${randomUUID()}`, type, sellingPointId, occurredAt: new Date().toISOString(), data };
}

/** The demo restaurant linked to the Square simulator (local/runtime/config.json). */
export const DEMO_SQUARE_RESTAURANT = 5121;

/**
 * A prepaid Sinqro order for the Square demo restaurant, naming the Square simulator's demo catalog:
 * a product by its variation id (Margherita, large) with an option, a product by its item id (an item
 * with one variation), and a drink with a free option. 2 × 15.00 + 11.00 + 2.50 = 43.50 EUR.
 */
export function demoSquareOrder(
  id: number,
  opts: { type?: 'delivery' | 'collection'; restaurantId?: number; prepaid?: boolean } = {},
) {
  const restaurantId = opts.restaurantId ?? DEMO_SQUARE_RESTAURANT;
  const line = (label: string, quantity: number, unitPrice: number, externalId: string, options: object[] = []) => ({
    type: 'PRODUCT',
    label,
    quantity,
    unitPrice,
    totalAmount: Math.round(unitPrice * quantity * 100) / 100,
    comment: null,
    product: { id: 77100 + quantity, externalId },
    childrenOrderLines: options,
  });
  const option = (label: string, unitPrice: number, externalId: string) => ({
    type: 'PRODUCT_OPTION',
    label,
    quantity: 1,
    unitPrice,
    totalAmount: unitPrice,
    productOption: { id: 88100, externalId },
    childrenOrderLines: [],
  });
  const delivery = opts.type === 'delivery';
  const total = delivery ? 46.0 : 43.5;
  return {
    ...demoOrder(id, { restaurantId, type: opts.type ?? 'collection' }),
    sellingPoint: { id: restaurantId, name: 'Trattoria Square', timezone: 'Europe/Madrid' },
    orderLines: [
      line('Pizza Margherita (large)', 2, 15.0, 'DEMOVARMARGHERITALRG', [
        option('Extra mozzarella', 1.5, 'DEMOMODMOZZARELLA'),
      ]),
      line('Pizza Diavola', 1, 11.0, 'DEMOITEMDIAVOLA'),
      line('Cola', 1, 2.5, 'DEMOVARCOLA33', [option('No ice', 0, 'DEMOMODNOICE')]),
      ...(delivery ? [{ type: 'DELIVERY', label: 'Delivery', quantity: 1, unitPrice: 2.5, totalAmount: 2.5 }] : []),
    ],
    payments:
      opts.prepaid === false
        ? [{ id: 6101, amount: total, paymentMethodName: 'Cash', prepaid: false }]
        : [{ id: 6101, amount: total, paymentMethodName: 'Online', prepaid: true }],
    totalAmount: total,
  };
}

/** The demo restaurant linked to the Lightspeed K-Series simulator (local/runtime/config.json). */
export const DEMO_LIGHTSPEED_K_RESTAURANT = 5122;

/**
 * A Sinqro order for the K-Series demo restaurant, naming the K-Series simulator's demo menu by the ids the
 * catalog sync gives it (adapters/lightspeed-k/catalog-ids.ts): a product by its SKU with a product
 * modifier (`mod:<group SKU>:<SKU>`), and a drink. 2 × (11.00 + 1.50) + 2.00 = 27.00 EUR (a line's price includes
 * its options').
 */
export function demoLightspeedKOrder(
  id: number,
  opts: { type?: 'delivery' | 'collection' | 'insitu'; restaurantId?: number; prepaid?: boolean } = {},
) {
  const restaurantId = opts.restaurantId ?? DEMO_LIGHTSPEED_K_RESTAURANT;
  const square = demoSquareOrder(id, { restaurantId, prepaid: opts.prepaid });
  const line = (label: string, quantity: number, unitPrice: number, externalId: string, options: object[] = []) => ({
    ...(square.orderLines[1] as object),
    label,
    quantity,
    unitPrice,
    totalAmount: Math.round(unitPrice * quantity * 100) / 100,
    product: { id: 77200 + quantity, externalId },
    childrenOrderLines: options,
  });
  const delivery = opts.type === 'delivery';
  const total = delivery ? 29.5 : 27.0;
  const payment = square.payments[0] as { prepaid: boolean };
  return {
    ...demoOrder(id, { restaurantId, type: opts.type ?? 'collection' }),
    sellingPoint: { id: restaurantId, name: 'Trattoria Lightspeed', timezone: 'Europe/Madrid' },
    orderLines: [
      line('Margherita', 2, 12.5, 'LSK-MARGHERITA', [
        {
          type: 'PRODUCT_OPTION',
          label: 'Extra mozzarella',
          quantity: 1,
          unitPrice: 1.5,
          totalAmount: 1.5,
          productOption: { id: 88200, externalId: 'mod:LSK-GRP-EXTRAS:LSK-MOD-MOZZA' },
          childrenOrderLines: [],
        },
      ]),
      line('Sparkling water', 1, 2.0, 'LSK-WATER'),
      ...(delivery ? [{ type: 'DELIVERY', label: 'Delivery', quantity: 1, unitPrice: 2.5, totalAmount: 2.5 }] : []),
    ],
    payments: [{ ...payment, amount: total }],
    totalAmount: total,
  };
}
