import * as v from 'valibot';
import { toReferenceOrder, toReferenceReservation } from '../../adapters/reference/mapping';
import { PermanentError } from '../../functions/core/errors';
import { type SinqroOrder, SinqroOrderSchema, SinqroReservationSchema } from '../../functions/core/sinqro-schemas';
import { sampleOrder, sampleReservation, setPath } from './support/fixtures';

const order = (mutate: (o: ReturnType<typeof sampleOrder>) => unknown = () => undefined): SinqroOrder => {
  const o = sampleOrder();
  mutate(o);
  return v.parse(SinqroOrderSchema, o);
};

/** A simple PRODUCT line (no options) of the given price. */
const productLine = (overrides: Record<string, unknown> = {}) => ({
  type: 'PRODUCT',
  label: 'Sparkling water',
  quantity: 1,
  unitPrice: 2,
  totalAmount: 2,
  comment: null,
  product: { id: 77009, externalId: 'POS-ART-40' },
  childrenOrderLines: [],
  ...overrides,
});

/** A delivery order: one 12.00 product plus a 2.50 DELIVERY line, total 14.50. */
function deliveryOrder(): SinqroOrder {
  return order((o) => {
    o.type = 'delivery';
    o.orderLines = [
      productLine({
        label: 'Lasagna',
        unitPrice: 12,
        totalAmount: 12,
        product: { id: 77020, externalId: 'POS-ART-7' },
      }),
      productLine({
        type: 'DELIVERY',
        label: 'Delivery',
        unitPrice: 2.5,
        totalAmount: 2.5,
        product: undefined,
        distance: 1200,
      }),
    ] as never;
    o.totalAmount = 14.5;
    Object.assign(o, {
      deliveryAmount: 2.5,
      deliveryAddress: {
        street: 'Calle Mayor 1',
        details: '2º B',
        city: 'Madrid',
        postalCode: '28013',
        latitude: 40.4,
      },
    });
  });
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('toReferenceOrder', () => {
  it('converts prices to integer minor units', () => {
    const items = toReferenceOrder(order()).items;
    expect(items.map((i) => i.unitPriceMinor)).toEqual([1050, 200]);
    expect(toReferenceOrder(order()).totalMinor).toBe(2300);
  });

  it('converts a price that float multiplication gets wrong (0.29 → 29) exactly', () => {
    const req = toReferenceOrder(
      order((o) => {
        o.orderLines = [productLine({ unitPrice: 0.29, totalAmount: 0.29 })] as never;
        o.totalAmount = 0.29;
      }),
    );
    expect(req.items[0]?.unitPriceMinor).toBe(29);
    expect(req.totalMinor).toBe(29);
  });

  it('keeps chosen options as modifiers without adding their price to the product again', () => {
    const [margherita] = toReferenceOrder(order()).items;
    expect(margherita).toMatchObject({ sku: 'POS-ART-12', quantity: 2, unitPriceMinor: 1050 });
    expect(margherita?.modifiers).toEqual([
      { sku: 'POS-MOD-3', name: 'Extra mozzarella', quantity: 1, unitPriceMinor: 150 },
    ]);
  });

  it('adds up the illustrative order to its total, proving option prices are counted once', () => {
    const req = toReferenceOrder(order());
    const itemsTotal = req.items.reduce((sum, i) => sum + i.unitPriceMinor * i.quantity, 0);
    expect(itemsTotal).toBe(req.totalMinor);
  });

  it('maps Sinqro order types to the contract’s types', () => {
    expect(toReferenceOrder(order()).type).toBe('pickup');
    expect(toReferenceOrder(order((o) => (o.type = 'insitu'))).type).toBe('dine_in');
    expect(toReferenceOrder(order((o) => (o.type = 'inside'))).type).toBe('table');
  });

  it('sends the delivery fee as its own amount, not as an item', () => {
    const req = toReferenceOrder(deliveryOrder());
    expect(req.deliveryFeeMinor).toBe(250);
    expect(req.items.map((i) => i.sku)).toEqual(['POS-ART-7']);
    expect(req.totalMinor).toBe(1450);
  });

  it('passes the delivery address through without Sinqro-only fields', () => {
    expect(toReferenceOrder(deliveryOrder()).deliveryAddress).toEqual({
      street: 'Calle Mayor 1',
      details: '2º B',
      city: 'Madrid',
      postalCode: '28013',
    });
  });

  it('leaves the delivery fee out when there is no delivery line', () => {
    expect(toReferenceOrder(order()).deliveryFeeMinor).toBeUndefined();
  });

  it('refuses an order whose lines do not add up to its total, as a permanent TOTAL_MISMATCH', () => {
    const error = caught(() => toReferenceOrder(order((o) => (o.totalAmount = 23.01))));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ code: 'TOTAL_MISMATCH', message: expect.stringContaining('2301') });
  });

  it('refuses a product without a POS mapping, naming the product so staff can fix the catalog', () => {
    const error = caught(() => toReferenceOrder(order((o) => setPath(o, 'orderLines.1.product.externalId', null))));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({
      code: 'UNMAPPED_PRODUCT',
      message: expect.stringMatching(/product 77009 "Sparkling water"/),
    });
  });

  it('refuses an option without a POS mapping, naming the option', () => {
    const error = caught(() =>
      toReferenceOrder(order((o) => setPath(o, 'orderLines.0.childrenOrderLines.0.productOption.externalId', ''))),
    );
    expect(error).toMatchObject({
      code: 'UNMAPPED_PRODUCT',
      message: expect.stringMatching(/option 88004 "Extra mozzarella"/),
    });
  });

  it('refuses a line type it does not know rather than dropping it silently', () => {
    const error = caught(() =>
      toReferenceOrder(order((o) => o.orderLines.push(productLine({ type: 'DISCOUNT' }) as never))),
    );
    expect(error).toMatchObject({ code: 'UNSUPPORTED_LINE' });
  });

  it('uses the Sinqro id as the external reference, so POS webhooks lead back to the order', () => {
    expect(toReferenceOrder(order()).externalReference).toBe('900001');
  });

  it('sends the due time in ISO UTC', () => {
    expect(toReferenceOrder(order()).dueAt).toBe('2025-03-14T19:30:00.000Z');
  });

  it('joins the consumer’s name and passes phone and email', () => {
    expect(toReferenceOrder(order()).customer).toEqual({
      name: 'Laura Gómez',
      phone: '+34611222333',
      email: 'laura@example.org',
    });
  });

  it('marks an order paid at pickup as not prepaid', () => {
    expect(toReferenceOrder(order()).prepaid).toBe(false);
  });

  it('marks an order whose every payment is prepaid as prepaid', () => {
    expect(toReferenceOrder(order((o) => setPath(o, 'payments.0.prepaid', true))).prepaid).toBe(true);
  });

  it('does not treat an order without payments as prepaid', () => {
    expect(toReferenceOrder(order((o) => (o.payments = []))).prepaid).toBe(false);
  });

  it('takes the currency from the order', () => {
    expect(toReferenceOrder(order((o) => setPath(o, 'currency.isoCode', 'GBP'))).currency).toBe('GBP');
  });
});

describe('toReferenceReservation', () => {
  it('maps party size, start time, note and reference', () => {
    const reservation = v.parse(SinqroReservationSchema, sampleReservation());
    expect(toReferenceReservation(reservation)).toEqual({
      externalReference: '900002',
      partySize: 4,
      startsAt: '2025-03-14T21:00:00.000Z',
      note: 'Window table if possible',
      customer: { name: 'Laura Gómez', phone: '+34611222333', email: undefined },
    });
  });
});
