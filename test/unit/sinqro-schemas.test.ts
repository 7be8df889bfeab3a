import * as v from 'valibot';
import {
  parseSinqroDate,
  SinqroEventSchema,
  SinqroOrderSchema,
  SinqroReservationSchema,
  toIsoUtc,
} from '../../functions/core/sinqro-schemas';
import { envelope, SELLING_POINT_ID, sampleOrder, sampleReservation, setPath } from './support/fixtures';

const issuePaths = (result: v.SafeParseResult<v.GenericSchema>) => (result.issues ?? []).map((i) => v.getDotPath(i));

describe('SinqroOrderSchema', () => {
  it('accepts the illustrative order of docs/sinqro-api.md', () => {
    expect(v.safeParse(SinqroOrderSchema, sampleOrder()).success).toBe(true);
  });

  it('keeps fields the schema does not name, because Sinqro’s model is only partly documented', () => {
    const out = v.parse(SinqroOrderSchema, sampleOrder());
    expect(out).toMatchObject({
      isAcceptable: true,
      marketOrderCode: 'K7P2QD',
      consumer: { notificationsChannel: '0f3c9a7e5b2d4c61a8e9f0b1c2d3e4f5' },
      sellingPoint: { name: 'Trattoria Demo' },
      currency: { symbol: '€' },
    });
    expect(out.orderLines[0]).toMatchObject({ baseAmount: 19.09, vatValue: 10 });
    expect(out.orderLines[0]?.childrenOrderLines?.[0]).toMatchObject({ vatAmount: 0.14 });
  });

  it('rejects an order without lines (an order must sell something)', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'orderLines', []));
    expect(issuePaths(result)).toContain('orderLines');
  });

  it('rejects the reservation type on an order', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'type', 'reservation'));
    expect(issuePaths(result)).toContain('type');
  });

  it('rejects an id sent as a string instead of a number', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'id', '900001'));
    expect(issuePaths(result)).toContain('id');
  });

  it('rejects a total amount sent as a string instead of a number', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'totalAmount', '23.0'));
    expect(issuePaths(result)).toContain('totalAmount');
  });

  it('rejects a negative quantity on a line', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'orderLines.0.quantity', -1));
    expect(issuePaths(result)).toContain('orderLines.0.quantity');
  });

  it('rejects a negative unit price on a nested option line', () => {
    const result = v.safeParse(
      SinqroOrderSchema,
      setPath(sampleOrder(), 'orderLines.0.childrenOrderLines.0.unitPrice', -1.5),
    );
    expect(issuePaths(result)).toContain('orderLines.0.childrenOrderLines.0.unitPrice');
  });

  it('rejects a negative payment amount', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'payments.0.amount', -23));
    expect(issuePaths(result)).toContain('payments.0.amount');
  });

  it('rejects an order without a selling point', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'sellingPoint', undefined));
    expect(issuePaths(result)).toContain('sellingPoint');
  });

  it('rejects an execution time that is not a date', () => {
    const result = v.safeParse(SinqroOrderSchema, setPath(sampleOrder(), 'executionTime', 'tomorrow-ish'));
    expect(issuePaths(result)).toContain('executionTime');
  });
});

describe('SinqroReservationSchema', () => {
  it('accepts a reservation without order lines', () => {
    const reservation = setPath(sampleReservation(), 'orderLines', undefined);
    expect(v.parse(SinqroReservationSchema, reservation).orderLines).toEqual([]);
  });

  it('accepts a reservation with an empty order-line list (as Sinqro sends it)', () => {
    expect(v.safeParse(SinqroReservationSchema, sampleReservation()).success).toBe(true);
  });

  it('rejects a reservation that carries order lines', () => {
    const reservation = setPath(sampleReservation(), 'orderLines', sampleOrder().orderLines);
    expect(issuePaths(v.safeParse(SinqroReservationSchema, reservation))).toContain('orderLines');
  });

  it('rejects a reservation for zero diners', () => {
    const result = v.safeParse(SinqroReservationSchema, setPath(sampleReservation(), 'dinersNumber', 0));
    expect(issuePaths(result)).toContain('dinersNumber');
  });
});

describe('SinqroEventSchema (the bridge envelope)', () => {
  it.each([
    'order.created',
    'order.cancelled',
    'order.status_changed',
    'reservation.created',
    'reservation.cancelled',
    'reservation.status_changed',
  ] as const)('accepts a well-formed %s envelope', (type) => {
    const result = v.safeParse(SinqroEventSchema, envelope(type));
    expect(result.issues).toBeUndefined();
    expect(result.output).toMatchObject({ type, sellingPointId: SELLING_POINT_ID });
  });

  it('keeps unknown fields of the order inside an order.created envelope', () => {
    const out = v.parse(SinqroEventSchema, envelope('order.created'));
    expect(out.data).toMatchObject({ isCancellable: true, marketOrderId: 'WL-55812' });
  });

  it('refuses a cancellation whose data.sellingPoint is null with an issue, not a crash', () => {
    const event = envelope('order.cancelled');
    (event.data as Record<string, unknown>).sellingPoint = null;
    const result = v.safeParse(SinqroEventSchema, event);
    expect(result.success).toBe(false);
    expect(result.issues?.[0]?.message).toBe('data.sellingPoint.id must equal sellingPointId');
  });

  it('rejects an envelope type the bridge does not know', () => {
    const result = v.safeParse(SinqroEventSchema, envelope('order.created', { type: 'order.refunded' }));
    expect(issuePaths(result)).toContain('type');
  });

  it('rejects order.created whose data is a reservation (data must match the type)', () => {
    const result = v.safeParse(SinqroEventSchema, envelope('order.created', { data: sampleReservation() }));
    expect(result.success).toBe(false);
  });

  it('rejects an envelope without an id, since the id is the dedupe key', () => {
    const result = v.safeParse(SinqroEventSchema, envelope('order.cancelled', { id: undefined }));
    expect(issuePaths(result)).toContain('id');
  });

  it('rejects an envelope with an empty id', () => {
    const result = v.safeParse(SinqroEventSchema, envelope('order.cancelled', { id: '' }));
    expect(issuePaths(result)).toContain('id');
  });

  it('rejects a status change without a status code', () => {
    const result = v.safeParse(SinqroEventSchema, setPath(envelope('order.status_changed'), 'data.status', {}));
    expect(issuePaths(result)).toContain('data.status.code');
  });

  it('rejects a sellingPointId sent as a string', () => {
    const result = v.safeParse(
      SinqroEventSchema,
      envelope('order.cancelled', { sellingPointId: String(SELLING_POINT_ID) }),
    );
    expect(issuePaths(result)).toContain('sellingPointId');
  });

  it('rejects an order whose sellingPoint differs from the envelope’s sellingPointId (misrouted event)', () => {
    const result = v.safeParse(SinqroEventSchema, envelope('order.created', { sellingPointId: SELLING_POINT_ID + 1 }));
    expect(result.success).toBe(false);
    expect(result.issues?.[0]?.message).toBe('data.sellingPoint.id must equal sellingPointId');
  });

  it('rejects a reservation whose sellingPoint differs from the envelope’s sellingPointId', () => {
    const result = v.safeParse(SinqroEventSchema, envelope('reservation.created', { sellingPointId: 1 }));
    expect(result.issues?.[0]?.message).toBe('data.sellingPoint.id must equal sellingPointId');
  });
});

describe('parseSinqroDate', () => {
  it('reads Sinqro’s usual offset without a colon (+0000)', () => {
    expect(parseSinqroDate('2020-07-23T07:06:52+0000')).toBe(Date.UTC(2020, 6, 23, 7, 6, 52));
  });

  it('applies a non-zero offset without a colon', () => {
    expect(parseSinqroDate('2020-07-23T09:06:52+0200')).toBe(Date.UTC(2020, 6, 23, 7, 6, 52));
  });

  it('reads the order-creation form with a space and no offset as UTC, whatever the host zone', () => {
    expect(parseSinqroDate('2020-07-23 14:07:04')).toBe(Date.UTC(2020, 6, 23, 14, 7, 4));
  });

  it.each(['1', '2020', '2020-07-23', 'July 23 2020 10:00', '2020-07-23T07:06:52+00'])(
    'refuses %s, which Date.parse would accept or half-read',
    (s) => {
      expect(parseSinqroDate(s)).toBeNaN();
    },
  );

  it('returns NaN for text that is not a date, so the schema can refuse it', () => {
    expect(parseSinqroDate('not a date')).toBeNaN();
  });

  it('normalises a Sinqro date to ISO UTC for the POS', () => {
    expect(toIsoUtc('2020-07-23T07:06:52+0000')).toBe('2020-07-23T07:06:52.000Z');
  });
});
