import { fieldsText, messageSummary, table } from '../../bin/cli/format';
import { sampleOrder } from './support/fixtures';

const PERSONAL = ['Laura', 'Gómez', '+34611222333', 'laura@example.org', 'No cutlery'];
const expectNoPersonalData = (text: string) => {
  for (const value of PERSONAL) expect(text).not.toContain(value);
};

test("a work message shows its type, restaurant and the event's ids, and none of the order's personal data", () => {
  const body = JSON.stringify({
    type: 'sinqro-event',
    restaurantId: 5120,
    posCode: 'reference',
    receivedAt: '2026-03-01T10:00:00.000Z',
    event: { id: 'evt-1', type: 'order.created', sellingPointId: 5120, data: sampleOrder() },
  });
  const summary = messageSummary(body);
  expect(summary).toEqual({
    type: 'sinqro-event',
    restaurantId: '5120',
    posCode: 'reference',
    event: 'order.created',
    eventId: 'evt-1',
    sinqroId: '900001',
  });
  expectNoPersonalData(fieldsText(summary));
});

test('a POS event shows its event id and POS order id', () => {
  const body = JSON.stringify({
    type: 'pos-event',
    restaurantId: 5120,
    posCode: 'reference',
    event: {
      type: 'order.status',
      eventId: 'pe-1',
      posOrderId: 'ord_1',
      sinqroOrderId: 900001,
      reason: 'Laura changed her mind',
    },
  });
  expect(messageSummary(body)).toEqual({
    type: 'pos-event',
    restaurantId: '5120',
    posCode: 'reference',
    event: 'order.status',
    eventId: 'pe-1',
    sinqroId: '900001',
    posOrderId: 'ord_1',
  });
});

test('a status for Sinqro shows the order and the status, never its free-text reason', () => {
  const body = JSON.stringify({
    type: 'status',
    orderId: 900001,
    restaurantId: 5120,
    status: 'CANCELLED',
    reason: 'Laura called',
  });
  expect(messageSummary(body)).toEqual({
    type: 'status',
    orderId: '900001',
    restaurantId: '5120',
    status: 'CANCELLED',
  });
});

test("an EventBridge delivery Lambda gave up on shows the envelope's type and ids", () => {
  const body = JSON.stringify({
    requestContext: { condition: 'RetriesExhausted' },
    requestPayload: {
      id: 'eb-1',
      detail: { id: 'evt-9', type: 'order.created', sellingPointId: 5120, data: sampleOrder() },
    },
  });
  const summary = messageSummary(body);
  expect(summary).toEqual({ type: 'order.created', eventId: 'evt-9', sinqroId: '900001', restaurantId: '5120' });
  expectNoPersonalData(fieldsText(summary));
});

test('an EventBridge event EventBridge could not deliver shows the same', () => {
  const body = JSON.stringify({ id: 'eb-1', detail: { id: 'evt-9', type: 'order.created', data: { id: 900002 } } });
  expect(messageSummary(body)).toEqual({ type: 'order.created', eventId: 'evt-9', sinqroId: '900002' });
});

test('a listed field holding free text (spaces) is left out rather than shown', () => {
  expect(messageSummary(JSON.stringify({ type: 'Laura Gómez', restaurantId: 5120 }))).toEqual({ restaurantId: '5120' });
});

test('a body that is not JSON is reported as such, not printed', () => {
  expect(messageSummary('Laura +34611222333')).toEqual({ type: '(not JSON)' });
});

test('a JSON body that is not an object is reported as such', () => {
  expect(messageSummary('["Laura"]')).toEqual({ type: '(not an object)' });
});

test('tables align columns under capitalised headers', () => {
  expect(
    table(
      ['id', 'pos', 'location'],
      [
        [5120, 'reference', 'loc-trattoria'],
        [7, 'x', undefined],
      ],
    ),
  ).toEqual(['ID    POS        LOCATION', '5120  reference  loc-trattoria', '7     x']);
});
