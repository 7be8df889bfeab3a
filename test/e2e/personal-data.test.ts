/**
 * Personal data stays out of the logs and the table: after the demo flows (a delivery order with an
 * address, a reservation, a consumer cancellation, a failed order), no log line and no stored item
 * contains any demo consumer's name, phone, email or street.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DEMO_CONSUMERS, demoOrder, demoReservation } from '../../local/demo-data';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(40_000);
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.rt.stop();
});

test('no log line and no table item holds a consumer’s personal data', async () => {
  const delivered = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(delivered, { type: 'delivery', consumer: 0 })));
  const pos = await h.waitForPosOrder(delivered);
  for (const status of ['accepted', 'preparing', 'ready', 'out_for_delivery', 'completed'])
    await h.staff(pos.id, status);
  await h.waitForSinqroStatus(delivered, 'delivered');

  const cancelled = h.nextId();
  await h.sendEvent(envelope('order.created', demoOrder(cancelled, { type: 'delivery', consumer: 1 })));
  await h.waitForSinqroStatus(cancelled, 'waiting_sp_validation');
  await h.sendEvent(envelope('order.cancelled', { id: cancelled, comment: `call me on ${DEMO_CONSUMERS[1]?.phone}` }));
  await waitFor('the cancellation in the POS', () => h.posOrderOf(cancelled)?.status === 'cancelled');

  const failed = h.nextId();
  const order = demoOrder(failed, { consumer: 0 });
  (order.orderLines[0] as { product: { externalId: string | null } }).product.externalId = null;
  await h.sendEvent(envelope('order.created', order));
  await h.waitForSinqroStatus(failed, 'pos_integration_failed');

  const booked = h.nextId();
  await h.sendEvent(envelope('reservation.created', demoReservation(booked)));
  await h.waitForSinqroStatus(booked, 'waiting_sp_validation');
  await h.settle(500);

  // The POS really received the personal data (the search below would find it if it leaked).
  expect(JSON.stringify(h.posOrderOf(delivered)?.request)).toContain(DEMO_CONSUMERS[0]?.phone);

  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  const items = (await ddb.send(new ScanCommand({ TableName: h.rt.tableName }))).Items ?? [];
  expect(items.length).toBeGreaterThan(10);
  const stored = JSON.stringify(items);
  const logs = h.logs.join('\n');
  expect(logs.length).toBeGreaterThan(1000);
  const needles = DEMO_CONSUMERS.flatMap((c) => [c.name, c.lastname, c.phone, c.email]).concat(['Carrer de la Demo']);
  for (const needle of needles) {
    expect({ needle, inLogs: logs.includes(needle as string), inTable: stored.includes(needle as string) }).toEqual({
      needle,
      inLogs: false,
      inTable: false,
    });
  }
});
