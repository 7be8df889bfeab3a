/** Sinqro order → Square CreateOrder / EXTERNAL CreatePayment bodies: exact money, lines, modifiers, fulfillment. */
import * as v from 'valibot';
import { minor, toExternalPayment, toSquareOrder } from '../../adapters/square/order-mapping';
import { type SinqroOrder, SinqroOrderSchema } from '../../functions/core/sinqro-schemas';
import { permanentCodeOf } from './support/fixtures';

/** A Sinqro order as docs/sinqro-api.md describes it, naming Square catalog ids as externalIds. */
function sinqroOrder(overrides: Record<string, unknown> = {}): SinqroOrder {
  return v.parse(SinqroOrderSchema, {
    id: 910001,
    type: 'collection',
    executionTime: '2026-11-27T13:00:00+0000',
    comment: 'Ring the bell',
    marketOrderCode: 'K4411',
    consumer: { id: 1, name: 'Ana', lastname: 'Test', phone: '+34600000000', email: 'ana@example.org' },
    sellingPoint: { id: 5121 },
    currency: { isoCode: 'EUR' },
    orderLines: [
      {
        type: 'PRODUCT',
        label: 'Tea - Black (Large)',
        quantity: 2,
        unitPrice: 2.75,
        totalAmount: 5.5,
        comment: 'very hot',
        product: { id: 77001, externalId: 'XVLBN7DU6JTWHJTG5F265B43' },
        childrenOrderLines: [
          {
            type: 'PRODUCT_OPTION',
            label: 'Oat milk',
            quantity: 1,
            unitPrice: 0.5,
            totalAmount: 0.5,
            productOption: { id: 88001, externalId: 'CHQX7Y4KY6N5KINJKZCFURPZ' },
          },
        ],
      },
      {
        type: 'PRODUCT',
        label: 'Tea',
        quantity: 1,
        unitPrice: 0.29,
        totalAmount: 0.29,
        product: { id: 77002, externalId: 'W62UWFY35CWMYGVWK6TWJDNI' },
      },
    ],
    payments: [{ amount: 5.79, prepaid: true }],
    totalAmount: 5.79,
    ...overrides,
  });
}

test('amounts become exact minor units through the decimal string, never a float multiply', () => {
  expect(minor(0.29, 'EUR')).toBe(29); // 0.29 * 100 is 28.999999999999996
  expect(minor(1.005, 'EUR')).toBe(101);
  expect(minor(19.99, 'USD')).toBe(1999);
  expect(minor(1500, 'JPY')).toBe(1500); // no minor unit
  expect(minor(1.234, 'KWD')).toBe(1234); // three decimals
});

test('the order carries reference_id, the idempotency key, one PICKUP fulfillment and no automatic taxes', () => {
  const plan = toSquareOrder(sinqroOrder(), 'L88917AVBK2S5', 'sinqro-order-910001');
  expect(plan.body.idempotency_key).toBe('sinqro-order-910001');
  expect(plan.body.order).toMatchObject({
    location_id: 'L88917AVBK2S5',
    reference_id: '910001',
    ticket_name: 'K4411',
    source: { name: 'Sinqro' },
    pricing_options: { auto_apply_taxes: false, auto_apply_discounts: false },
    fulfillments: [
      {
        type: 'PICKUP',
        state: 'PROPOSED',
        pickup_details: {
          schedule_type: 'SCHEDULED',
          pickup_at: '2026-11-27T13:00:00.000Z',
          recipient: { display_name: 'Ana Test', phone_number: '+34600000000', email_address: 'ana@example.org' },
          note: 'Sinqro collection order. Ring the bell',
        },
      },
    ],
  });
  expect(plan.expectedTotal).toEqual({ amount: 579, currency: 'EUR' });
  expect(plan.prepaid).toBe(true);
});

test("a line's own price is Sinqro's unit price minus its options, so Square's total is Sinqro's", () => {
  const plan = toSquareOrder(sinqroOrder(), 'L1', 'k');
  const lines = plan.body.order.line_items as Record<string, unknown>[];
  expect(lines[0]).toEqual({
    catalog_object_id: 'XVLBN7DU6JTWHJTG5F265B43',
    quantity: '2',
    base_price_money: { amount: 225, currency: 'EUR' },
    note: 'very hot',
    modifiers: [
      {
        catalog_object_id: 'CHQX7Y4KY6N5KINJKZCFURPZ',
        quantity: '1',
        base_price_money: { amount: 50, currency: 'EUR' },
      },
    ],
  });
  expect(lines[1]).toEqual({
    catalog_object_id: 'W62UWFY35CWMYGVWK6TWJDNI',
    quantity: '1',
    base_price_money: { amount: 29, currency: 'EUR' },
  });
});

test('product ids are resolved to variations through the given resolver', () => {
  const plan = toSquareOrder(sinqroOrder(), 'L1', 'k', (id) =>
    id === 'W62UWFY35CWMYGVWK6TWJDNI' ? '2TZFAOHWGG7PAK2QEXWYPZSP' : id,
  );
  expect(plan.productIds).toEqual(['XVLBN7DU6JTWHJTG5F265B43', 'W62UWFY35CWMYGVWK6TWJDNI']);
  expect((plan.body.order.line_items as { catalog_object_id: string }[])[1]?.catalog_object_id).toBe(
    '2TZFAOHWGG7PAK2QEXWYPZSP',
  );
});

test('a delivery fee becomes a non-taxable service charge, and the fulfillment stays PICKUP for the courier', () => {
  const order = sinqroOrder({
    type: 'delivery',
    orderLines: [
      ...sinqroOrder().orderLines,
      { type: 'DELIVERY', label: 'Delivery', quantity: 1, unitPrice: 2.5, totalAmount: 2.5 },
    ],
    totalAmount: 8.29,
  });
  const plan = toSquareOrder(order, 'L1', 'k');
  expect(plan.body.order.service_charges).toEqual([
    {
      name: 'Delivery',
      amount_money: { amount: 250, currency: 'EUR' },
      calculation_phase: 'TOTAL_PHASE',
      taxable: false,
    },
  ]);
  expect(plan.body.order).toMatchObject({
    fulfillments: [{ type: 'PICKUP', pickup_details: { note: expect.stringContaining('a courier collects it') } }],
  });
  expect(plan.expectedTotal.amount).toBe(829);
});

test('a delivery order of a seller whose Square shows DELIVERY fulfillments is a third-party DELIVERY to the address', () => {
  const order = sinqroOrder({
    type: 'delivery',
    deliveryAddress: {
      id: 3,
      street: 'Calle Mayor 1',
      details: '2º B',
      city: 'Madrid',
      province: 'Madrid',
      postalCode: '28013',
    },
  });
  const plan = toSquareOrder(order, 'L1', 'k', undefined, { deliveryFulfillments: true });
  const fulfillments = plan.body.order.fulfillments as Record<string, unknown>[];
  expect(fulfillments).toEqual([
    {
      type: 'DELIVERY',
      state: 'PROPOSED',
      delivery_details: {
        schedule_type: 'SCHEDULED',
        deliver_at: '2026-11-27T13:00:00.000Z',
        recipient: {
          display_name: 'Ana Test',
          phone_number: '+34600000000',
          email_address: 'ana@example.org',
          address: {
            address_line_1: 'Calle Mayor 1',
            address_line_2: '2º B',
            locality: 'Madrid',
            administrative_district_level_1: 'Madrid',
            postal_code: '28013',
          },
        },
        managed_delivery: true,
        courier_provider_name: 'Sinqro',
        note: 'Ring the bell',
      },
    },
  ]);
  // A collection order stays a PICKUP for that seller too.
  const pickup = toSquareOrder(sinqroOrder(), 'L1', 'k', undefined, { deliveryFulfillments: true });
  expect(pickup.body.order.fulfillments).toMatchObject([{ type: 'PICKUP' }]);
});

test('totals that do not add up to the cent fail the order for good, before anything is sent', () => {
  expect(permanentCodeOf(() => toSquareOrder(sinqroOrder({ totalAmount: 5.8 }), 'L1', 'k'))).toBe('TOTAL_MISMATCH');
});

test('options that cost more than their line fail the order', () => {
  const order = sinqroOrder();
  const first = order.orderLines[0] as { unitPrice: number };
  first.unitPrice = 0.4;
  expect(permanentCodeOf(() => toSquareOrder(order, 'L1', 'k'))).toBe('TOTAL_MISMATCH');
});

test('a product without a Square id, a fractional quantity or an unknown line type fail the order', () => {
  const unmapped = sinqroOrder();
  (unmapped.orderLines[1] as { product: unknown }).product = { id: 77002 };
  expect(permanentCodeOf(() => toSquareOrder(unmapped, 'L1', 'k'))).toBe('UNMAPPED_PRODUCT');
  const fractional = sinqroOrder();
  (fractional.orderLines[1] as { quantity: number }).quantity = 0.5;
  expect(permanentCodeOf(() => toSquareOrder(fractional, 'L1', 'k'))).toBe('UNSUPPORTED_QUANTITY');
  const discount = sinqroOrder({
    orderLines: [{ type: 'DISCOUNT', label: 'Promo', quantity: 1, unitPrice: 1, totalAmount: 1 }],
    totalAmount: 1,
  });
  expect(permanentCodeOf(() => toSquareOrder(discount, 'L1', 'k'))).toBe('UNSUPPORTED_LINE');
});

test("the recipient's phone loses its spacing (Square takes 17 characters); without a name, the order code stands in", () => {
  const spaced = sinqroOrder({ consumer: { name: 'Ana', phone: '+34 (600) 00-00-00' } });
  expect(toSquareOrder(spaced, 'L1', 'k').body.order).toMatchObject({
    fulfillments: [{ pickup_details: { recipient: { display_name: 'Ana', phone_number: '+34600000000' } } }],
  });
  const anonymous = sinqroOrder({ consumer: { phone: '+34 600 000 000 000 000 000' } });
  const recipient = (
    toSquareOrder(anonymous, 'L1', 'k').body.order as { fulfillments: { pickup_details: { recipient: object } }[] }
  ).fulfillments[0]?.pickup_details.recipient;
  expect(recipient).toEqual({ display_name: 'Sinqro K4411' });
});

test('an order paid at pickup is not marked prepaid (no EXTERNAL payment)', () => {
  expect(toSquareOrder(sinqroOrder({ payments: [{ amount: 5.79, prepaid: false }] }), 'L1', 'k').prepaid).toBe(false);
  expect(toSquareOrder(sinqroOrder({ payments: [] }), 'L1', 'k').prepaid).toBe(false);
});

test('the EXTERNAL payment records the total for the Square order with its own idempotency key', () => {
  expect(
    toExternalPayment(
      sinqroOrder(),
      'CAISENgvlJ6jLWAzERDzjyHVybY',
      'L1',
      { amount: 579, currency: 'EUR' },
      'sinqro-order-910001',
    ),
  ).toEqual({
    idempotency_key: 'sinqro-order-910001-payment',
    source_id: 'EXTERNAL',
    amount_money: { amount: 579, currency: 'EUR' },
    order_id: 'CAISENgvlJ6jLWAzERDzjyHVybY',
    location_id: 'L1',
    reference_id: '910001',
    external_details: { type: 'OTHER', source: 'Sinqro', source_id: '910001' },
  });
});

/** Half of a surrogate pair in a request body: JSON.stringify writes it as a `\udXXX` escape. */
const loneSurrogates = (body: unknown) => JSON.stringify(body).match(/\\ud[89a-f][0-9a-f]{2}/gi) ?? [];

test('texts cut to Square’s limits keep whole characters: an emoji across the limit is left out, not halved', () => {
  const emoji = '😀'; // two UTF-16 units: its first falls on the limit's last unit
  const collection = sinqroOrder({
    marketOrderCode: `${'A'.repeat(29)}${emoji}B`,
    consumer: { id: 1, name: `${'N'.repeat(254)}${emoji}`, lastname: 'Test', phone: '+34600000000' },
    // The pickup note is "Sinqro collection order. " (25 units) and the comment.
    comment: `${'c'.repeat(474)}${emoji} more`,
  });
  const delivery = sinqroOrder({ type: 'delivery', comment: `${'d'.repeat(549)}${emoji} more` });
  const pickupBody = toSquareOrder(collection, 'L1', 'k').body;
  const deliveryBody = toSquareOrder(delivery, 'L1', 'k', undefined, { deliveryFulfillments: true }).body;
  const order = pickupBody.order as {
    ticket_name: string;
    fulfillments: { pickup_details: { recipient: { display_name: string }; note: string } }[];
  };
  const pickup = order.fulfillments[0]?.pickup_details;
  const deliveryNote = (deliveryBody.order as { fulfillments: { delivery_details: { note: string } }[] })
    .fulfillments[0]?.delivery_details.note;
  expect([...loneSurrogates(pickupBody), ...loneSurrogates(deliveryBody)]).toEqual([]);
  expect(order.ticket_name).toBe('A'.repeat(29));
  expect(pickup?.recipient.display_name).toBe('N'.repeat(254));
  expect(pickup?.note).toBe(`Sinqro collection order. ${'c'.repeat(474)}`);
  expect(deliveryNote).toBe('d'.repeat(549));
});
