/**
 * Sinqro order → K-Series toGo / local order bodies (apePlaceToGoOrder, apeLocalOrder): the reference,
 * items by SKU with sub-items and modifiers, exact money, payment, customer, collection time, address.
 */
import * as v from 'valibot';
import { ORDER_SKU_MAX, THIRD_PARTY_REFERENCE_MAX } from '../../adapters/lightspeed-k/api';
import { catalogIds } from '../../adapters/lightspeed-k/catalog-ids';
import { DELIVER_TO_POS_MS, type LskOrderOptions, toLskOrder } from '../../adapters/lightspeed-k/order-mapping';
import { type SinqroOrder, SinqroOrderSchema } from '../../functions/core/sinqro-schemas';
import { permanentCodeOf } from './support/fixtures';

const NOW = Date.parse('2026-11-27T12:00:00Z');
const options = (overrides: Partial<LskOrderOptions> = {}): LskOrderOptions => ({
  endpointId: 'SINQRO-247158188015618',
  now: NOW,
  ...overrides,
});

/** A takeaway of two burgers (one with extra cheese, cooked rare) and an appetizer: SKUs of the spec's menu examples. */
function sinqroOrder(overrides: Record<string, unknown> = {}): SinqroOrder {
  return v.parse(SinqroOrderSchema, {
    id: 910001,
    type: 'collection',
    executionTime: '2026-11-27T13:00:00+0000',
    comment: 'Ring the bell',
    marketOrderCode: 'K4411',
    consumer: { id: 1, name: 'Ana', lastname: 'Test', phone: '+34 600 000 000', email: 'ana@example.org' },
    sellingPoint: { id: 5122 },
    currency: { isoCode: 'EUR' },
    orderLines: [
      {
        type: 'PRODUCT',
        label: 'Burger',
        quantity: 2,
        unitPrice: 11,
        totalAmount: 22,
        comment: 'no onions',
        product: { id: 77001, externalId: '25' },
        childrenOrderLines: [
          {
            type: 'PRODUCT_OPTION',
            label: 'Extra Cheese',
            quantity: 1,
            unitPrice: 1,
            totalAmount: 1,
            productOption: { id: 88001, externalId: catalogIds.modifier('30', '35') },
          },
          {
            type: 'PRODUCT_OPTION',
            label: 'Rare',
            quantity: 1,
            unitPrice: 0,
            totalAmount: 0,
            productOption: { id: 88002, externalId: catalogIds.instruction('236025632784490') },
          },
        ],
      },
      {
        type: 'PRODUCT',
        label: 'Appetizer 2',
        quantity: 1,
        unitPrice: 4,
        totalAmount: 4,
        product: { externalId: '21' },
      },
    ],
    payments: [{ amount: 26, prepaid: true }],
    totalAmount: 26,
    ...overrides,
  });
}

describe('takeaway and delivery → toGo', () => {
  it('names the order by its Sinqro id and the account endpoint, and lets K-Series try for ten minutes', () => {
    const plan = toLskOrder(sinqroOrder(), options());
    expect(plan.kind).toBe('toGo');
    expect(plan.thirdPartyReference).toBe('910001');
    expect(plan.body).toMatchObject({
      thirdPartyReference: '910001',
      endpointId: 'SINQRO-247158188015618',
      maxTimeToAttemptOrderDeliverToPos: DELIVER_TO_POS_MS,
    });
    expect(plan.body.thirdPartyReference.length).toBeLessThanOrEqual(THIRD_PARTY_REFERENCE_MAX);
    expect(DELIVER_TO_POS_MS).toBeGreaterThanOrEqual(60_000);
  });

  it('orders items by SKU: a product modifier as a sub-item, a production instruction as a modifier id', () => {
    const { body } = toLskOrder(sinqroOrder(), options());
    expect(body.items).toEqual([
      {
        quantity: 2,
        sku: '25',
        modifiers: [{ modifierId: '236025632784490' }],
        subItems: [{ quantity: 1, sku: '35' }],
      },
      { quantity: 1, sku: '21' },
    ]);
  });

  it('pays the prepaid amount exactly, and nothing for an order paid at pickup', () => {
    expect(toLskOrder(sinqroOrder(), options()).body.payment).toEqual({ paymentAmount: 26 });
    expect(toLskOrder(sinqroOrder(), options({ paymentMethod: 'OOPAYMENT' })).body.payment).toEqual({
      paymentAmount: 26,
      paymentMethod: 'OOPAYMENT',
    });
    const atPickup = toLskOrder(sinqroOrder({ payments: [{ amount: 26, prepaid: false }] }), options());
    expect(atPickup.body.payment).toBeUndefined();
  });

  it('keeps cents exact: 0.29 three times is 0.87, not 0.8699999999999999', () => {
    const order = sinqroOrder({
      orderLines: [
        {
          type: 'PRODUCT',
          label: 'Mint',
          quantity: 3,
          unitPrice: 0.29,
          totalAmount: 0.87,
          product: { externalId: '9' },
        },
      ],
      payments: [{ amount: 0.87, prepaid: true }],
      totalAmount: 0.87,
    });
    const text = JSON.stringify(toLskOrder(order, options()).body.payment);
    expect(text).toBe('{"paymentAmount":0.87}');
  });

  it('adds the tips to the total check and the payment (apeOrderPayment: amount including tips)', () => {
    const order = sinqroOrder({ tipsAmount: 2.5, payments: [{ amount: 28.5, prepaid: true }], totalAmount: 28.5 });
    expect(toLskOrder(order, options()).body.payment).toEqual({ paymentAmount: 28.5, tipAmount: 2.5 });
  });

  it('refuses lines that do not add up to the total, before anything is sent', () => {
    expect(permanentCodeOf(() => toLskOrder(sinqroOrder({ totalAmount: 26.01, payments: [] }), options()))).toBe(
      'TOTAL_MISMATCH',
    );
  });

  it('refuses a prepaid amount that is not the total', () => {
    expect(
      permanentCodeOf(() => toLskOrder(sinqroOrder({ payments: [{ amount: 25, prepaid: true }] }), options())),
    ).toBe('PAYMENT_MISMATCH');
  });

  it('carries the delivery fee on the restaurant’s fee item, at Sinqro’s price, with the address', () => {
    const order = sinqroOrder({
      type: 'delivery',
      deliveryAddress: { street: 'Calle Mayor 1', details: '3º B', city: 'Madrid', postalCode: '28013' },
      orderLines: [
        ...sinqroOrder().orderLines,
        { type: 'DELIVERY', label: 'Delivery', quantity: 1, unitPrice: 2.5, totalAmount: 2.5 },
      ],
      payments: [{ amount: 28.5, prepaid: true }],
      totalAmount: 28.5,
    });
    const plan = toLskOrder(
      order,
      options({ deliveryFeeSku: 'DELIVERY-FEE', accountProfileCodes: { delivery: 'DELIVERY' } }),
    );
    expect(plan.kind).toBe('toGo');
    expect(plan.body.items.at(-1)).toEqual({ quantity: 1, sku: 'DELIVERY-FEE', customItemPrice: 2.5 });
    expect(plan.body).toMatchObject({
      accountProfileCode: 'DELIVERY',
      deliveryAddress: { addressLine1: 'Calle Mayor 1', addressLine2: '3º B', zip: '28013', city: 'Madrid' },
      payment: { paymentAmount: 28.5 },
    });
    // Without a fee item the POS would charge less than Sinqro: the order is refused, not sent short.
    expect(permanentCodeOf(() => toLskOrder(order, options()))).toBe('DELIVERY_FEE_UNMAPPED');
  });

  it('sends the customer, the phone only in E.164, and the order’s code when there is no name', () => {
    expect(toLskOrder(sinqroOrder(), options()).body.customerInfo).toEqual({
      firstName: 'Ana',
      lastName: 'Test',
      email: 'ana@example.org',
      contactNumberAsE164: '+34600000000',
    });
    const anonymous = toLskOrder(sinqroOrder({ consumer: { phone: '600 000 000' } }), options()).body.customerInfo;
    expect(anonymous).toEqual({ firstName: 'K4411' });
  });

  it('cuts a long first name to 128 whole characters (apeCustomerInfo.firstName)', () => {
    const name = `${'a'.repeat(127)}😀b`;
    const { firstName } = toLskOrder(sinqroOrder({ consumer: { name } }), options()).body.customerInfo;
    expect(firstName).toBe('a'.repeat(127));
  });

  it('gives the collection time of an order due later, and none for one due now', () => {
    expect(toLskOrder(sinqroOrder(), options()).body.orderCollectionTimeAsIso8601).toBe(
      '2026-11-27T13:00:00.000+00:00',
    );
    const now = toLskOrder(sinqroOrder({ executionTime: '2026-11-27T12:00:30+0000' }), options());
    expect(now.body.orderCollectionTimeAsIso8601).toBeUndefined();
  });

  it('writes the Sinqro order, its code, the comment and the line comments in the docket note', () => {
    expect(toLskOrder(sinqroOrder(), options()).body.orderNote).toBe(
      'Sinqro 910001 (K4411) — Ring the bell — Burger: no onions',
    );
  });
});

describe('eat-in and table orders → local', () => {
  it('opens a local order with the diners and the table Sinqro’s table code maps to', () => {
    const order = sinqroOrder({ type: 'inside', dinersNumber: 4, serviceLocation: { code: 'TZ10', name: 'Mesa 10' } });
    const plan = toLskOrder(order, options({ tableNumbers: { TZ10: '10' } }));
    expect(plan.kind).toBe('local');
    expect(plan.body).toMatchObject({ tableNumber: '10', clientCount: 4, thirdPartyReference: '910001' });
    expect('deliveryAddress' in plan.body).toBe(false);
  });

  it('takes a numeric table code as it is, and sends no table for an unmapped one', () => {
    const numeric = sinqroOrder({ type: 'inside', serviceLocation: { code: '7' } });
    expect(toLskOrder(numeric, options()).body).toMatchObject({ tableNumber: '7' });
    const unmapped = toLskOrder(sinqroOrder({ type: 'inside', serviceLocation: { code: 'TZ10' } }), options());
    expect('tableNumber' in unmapped.body).toBe(false);
  });

  it('sends an eat-in order without a table', () => {
    const plan = toLskOrder(sinqroOrder({ type: 'insitu', dinersNumber: 2 }), options());
    expect(plan).toMatchObject({ kind: 'local', body: { clientCount: 2 } });
    expect('tableNumber' in plan.body).toBe(false);
  });
});

describe('lines K-Series cannot take', () => {
  it('a product without a SKU, or an option that is neither a modifier nor an instruction', () => {
    const noSku = sinqroOrder();
    (noSku.orderLines[1] as { product: unknown }).product = { id: 5 };
    expect(permanentCodeOf(() => toLskOrder(noSku, options()))).toBe('UNMAPPED_PRODUCT');
    const oddOption = sinqroOrder();
    const child = noSku.orderLines[0]?.childrenOrderLines?.[0] as { productOption: unknown };
    child.productOption = { externalId: '35' };
    (oddOption.orderLines[0] as { childrenOrderLines: unknown }).childrenOrderLines = [child];
    expect(permanentCodeOf(() => toLskOrder(oddOption, options()))).toBe('UNMAPPED_PRODUCT');
  });

  it('a SKU longer than an order line takes, and a fraction of an item', () => {
    const long = sinqroOrder();
    (long.orderLines[1] as { product: unknown }).product = { externalId: 'x'.repeat(ORDER_SKU_MAX + 1) };
    expect(permanentCodeOf(() => toLskOrder(long, options()))).toBe('SKU_TOO_LONG');
    const half = sinqroOrder({
      orderLines: [
        { type: 'PRODUCT', label: 'Cheese', quantity: 0.5, unitPrice: 4, totalAmount: 2, product: { externalId: '9' } },
      ],
      payments: [],
      totalAmount: 2,
    });
    expect(permanentCodeOf(() => toLskOrder(half, options()))).toBe('UNSUPPORTED_QUANTITY');
  });

  it('a line type it has no field for', () => {
    const discount = sinqroOrder({
      orderLines: [
        ...sinqroOrder().orderLines,
        { type: 'DISCOUNT', label: '-10%', quantity: 1, unitPrice: 0, totalAmount: 0 },
      ],
    });
    expect(permanentCodeOf(() => toLskOrder(discount, options()))).toBe('UNSUPPORTED_LINE');
  });
});
