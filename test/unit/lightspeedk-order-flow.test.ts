/**
 * The worker with the K-Series adapter against a local HTTP server: injection (and its 409), a
 * cancellation K-Series cannot make (print message + audit), reservations pushed and cancelled with
 * what was kept at injection, a CLOSED order read back from its account before it is made final, and
 * polling of orders K-Series cannot tell about yet.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as v from 'valibot';
import { lightspeedKAdapter } from '../../adapters/lightspeed-k';
import type { PosOrderStatusEvent, WorkMessage } from '../../functions/core/messages';
import { SinqroEventSchema } from '../../functions/core/sinqro-schemas';
import { type CanonicalStatus, rankOf } from '../../functions/core/statuses';
import { Logger } from '../../functions/infra/logger';
import { pollOrders } from '../../functions/orders/polling';
import { handlePosStatus } from '../../functions/orders/pos-status';
import { handleWorkMessage } from '../../functions/worker/dispatch';
import { captureLogs, clearBridgeEnv, setBridgeEnv, writeBridgeSecrets } from './support/bridge-env';
import { envelope, setPath } from './support/fixtures';
import { startServer, type TestServer } from './support/http-server';
import {
  fixture,
  LSK_ACCOUNT_SECRET_NAME,
  LSK_APP_SECRET_NAME,
  LSK_LOCATION,
  LSK_RESTAURANT,
  lskAccountSecret,
  lskAppSecret,
  lskLinkItem,
  router,
} from './support/lightspeedk';
import { stateItem as baseState } from './support/order-state';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
let lsk: TestServer;
let logs: string[];

const ORDER_ID = 900001;
const RESERVATION_ID = 900002;

const stateItem = (status: CanonicalStatus, overrides: Record<string, unknown> = {}) =>
  baseState(status, {
    restaurantId: LSK_RESTAURANT,
    posCode: 'lightspeedk',
    posOrderId: String(ORDER_ID),
    source: 'lightspeedk',
    ...overrides,
  });
const reservationState = (status: CanonicalStatus, overrides: Record<string, unknown> = {}) =>
  stateItem(status, {
    PK: `RESV#${RESERVATION_ID}`,
    orderId: RESERVATION_ID,
    kind: 'reservation',
    orderType: 'reservation',
    posOrderId: String(RESERVATION_ID),
    ...overrides,
  });

beforeEach(async () => {
  setBridgeEnv();
  logs = captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets, {
    [LSK_APP_SECRET_NAME]: lskAppSecret(),
    [LSK_ACCOUNT_SECRET_NAME]: lskAccountSecret(),
    'bridge/test/restaurants/5122': { userAccessToken: 'user-token-5122' },
  });
  lsk = await startServer(
    router({
      'POST /o/op/1/order/toGo': { status: 200, body: { status: 'ok' } },
      'POST /o/op/1/printMsg': { status: 200, body: { status: 'ok' } },
      [`PUT /reservation/api/1/platform/SINQRO/restaurant/${LSK_LOCATION}/reservation/${RESERVATION_ID}/push`]: {
        status: 202,
        body: fixture('reply-reservation-push-accepted.json', { platformReservationId: String(RESERVATION_ID) }),
      },
      'GET /o/op/1/order/accounts/A17700.3': { status: 200, body: fixture('reply-account-open.json') },
    }),
  );
  Object.assign(process.env, {
    POS_BASE_URL_LIGHTSPEEDK: lsk.url,
    POS_SECRET_NAME_LIGHTSPEEDK: LSK_APP_SECRET_NAME,
    POS_SETTINGS_LIGHTSPEEDK: JSON.stringify({ platformCode: 'SINQRO' }),
  });
  ddb.on(GetCommand, { Key: { PK: `REST#${LSK_RESTAURANT}`, SK: 'LINK' } }).resolves({ Item: lskLinkItem() });
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(async () => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
  delete process.env.POS_BASE_URL_LIGHTSPEEDK;
  delete process.env.POS_SECRET_NAME_LIGHTSPEEDK;
  delete process.env.POS_SETTINGS_LIGHTSPEEDK;
  await lsk.close();
});

const ctx = () => ({ adapter: lightspeedKAdapter, budget: { deadline: Date.now() + 10_000 }, logger: new Logger('t') });

function sinqroMessage(
  type: Parameters<typeof envelope>[0],
  mutate: (e: Record<string, unknown>) => unknown = () => undefined,
): WorkMessage {
  const e = envelope(type);
  setPath(e, 'sellingPointId', LSK_RESTAURANT);
  if ((e.data as { sellingPoint?: unknown }).sellingPoint) setPath(e, 'data.sellingPoint.id', LSK_RESTAURANT);
  mutate(e);
  return {
    type: 'sinqro-event',
    restaurantId: LSK_RESTAURANT,
    posCode: 'lightspeedk',
    receivedAt: new Date().toISOString(),
    event: v.parse(SinqroEventSchema, e),
  };
}

/** A sample order line set K-Series can take: SKUs, no options. */
const kSeriesLines = (e: Record<string, unknown>) => {
  setPath(e, 'data.orderLines', [
    { type: 'PRODUCT', label: 'Burger', quantity: 2, unitPrice: 10, totalAmount: 20, product: { externalId: '25' } },
    { type: 'PRODUCT', label: 'Appetizer 2', quantity: 1, unitPrice: 3, totalAmount: 3, product: { externalId: '21' } },
  ]);
};

const audits = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item ?? {})
    .filter((item) => String(item.SK).startsWith('EVT#'));
const statusWrites = () =>
  ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] !== undefined);
const published = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .map((c) => JSON.parse(c.args[0].input.MessageBody as string) as { status?: string });

/** Status writes apply and answer the state `make` gives for the new status; other updates answer nothing. */
const statusWritesGive = (make: (status: CanonicalStatus) => Record<string, unknown>) =>
  ddb.on(UpdateCommand).callsFake(async (input) => {
    const status = input.ExpressionAttributeValues?.[':status'] as CanonicalStatus | undefined;
    return status ? { Attributes: make(status) } : {};
  });

describe('orders', () => {
  beforeEach(() => statusWritesGive((status) => stateItem(status)));

  it('places a takeaway order with the exact location id and the Sinqro id as its reference', async () => {
    await handleWorkMessage(sinqroMessage('order.created', kSeriesLines), ctx());
    const [request] = lsk.requests;
    expect(`${request?.method} ${request?.url}`).toBe('POST /o/op/1/order/toGo');
    expect(request?.headers.authorization).toBe('Bearer lsk-access-token');
    expect(request?.body.startsWith(`{"businessLocationId":${LSK_LOCATION},`)).toBe(true);
    expect(JSON.parse(request?.body ?? '')).toMatchObject({
      thirdPartyReference: String(ORDER_ID),
      endpointId: 'SINQRO-247158188015618',
    });
    expect(statusWrites()[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':status': 'INJECTED',
      ':posOrderId': String(ORDER_ID),
    });
  });

  it('takes a 409 "reference has already been used" as already injected, not as a failure', async () => {
    lsk.reply({ status: 409, body: fixture('reply-409.json') });
    await handleWorkMessage(sinqroMessage('order.created', kSeriesLines), ctx());
    expect(statusWrites().map((c) => c.args[0].input.ExpressionAttributeValues?.[':status'])).toEqual(['INJECTED']);
    expect(published()).toEqual([expect.objectContaining({ status: 'INJECTED' })]);
  });

  it('fails an order K-Series refuses (400) with the reason, without retrying', async () => {
    lsk.reply({ status: 400, body: fixture('reply-400-to-go.json') });
    await handleWorkMessage(sinqroMessage('order.created', kSeriesLines), ctx());
    expect(published()).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect(audits()).toEqual([expect.objectContaining({ outcome: 'permanent failure', code: 'BAD_REQUEST' })]);
  });

  it('cannot cancel: prints a message to staff naming the Sinqro order and records that the POS could not cancel it', async () => {
    ddb
      .on(UpdateCommand)
      .resolves({ Attributes: stateItem('CANCELLED', { posOrderId: 'A17700.3', source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.cancelled'), ctx());
    const [request] = lsk.requests;
    expect(`${request?.method} ${request?.url}`).toBe(`POST /o/op/1/printMsg?businessLocationId=${LSK_LOCATION}`);
    const { message, alsoToPrinter } = JSON.parse(request?.body ?? '');
    expect(alsoToPrinter).toBe(true);
    expect(message).toContain(`order ${ORDER_ID} (POS account A17700.3)`);
    expect(audits()).toEqual([
      expect.objectContaining({
        what: 'cancel',
        status: 'CANCELLED',
        outcome: 'not cancelled in POS: staff notified',
        code: 'A17700.3',
        detail: 'POST /o/op/1/printMsg',
      }),
    ]);
    // The consumer's comment reaches the till, never the audit.
    expect(JSON.stringify(audits())).not.toContain('consumer changed their mind');
  });
});

describe('reservations', () => {
  beforeEach(() => statusWritesGive((status) => reservationState(status)));

  it('pushes a new reservation SCHEDULED with sequence 1, and keeps its time and party size (no name) with the state', async () => {
    const at = (e: Record<string, unknown>) => setPath(e, 'data.executionTime', '2030-03-14T21:00:00+0000');
    await handleWorkMessage(sinqroMessage('reservation.created', at), ctx());
    const body = JSON.parse(lsk.requests[0]?.body ?? '');
    expect(body).toMatchObject({
      status: 'SCHEDULED',
      sequenceId: 1,
      partySize: 4,
      utcScheduledAt: '2030-03-14T21:00:00',
    });
    expect(body).not.toHaveProperty('tableNumbers');
    const kept = statusWrites()[0]?.args[0].input.ExpressionAttributeValues?.[':posContext'];
    expect(kept).toEqual({ scheduledAt: '2030-03-14T21:00:00', partySize: 4, guestId: `sinqro-r${RESERVATION_ID}` });
    expect(JSON.stringify(kept)).not.toContain('Laura');
  });

  it('cancels by pushing CANCELLED with sequence 100 and the time and party size kept at injection', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: reservationState('CANCELLED', {
        source: 'sinqro',
        posContext: { scheduledAt: '2025-03-14T21:00:00', partySize: 4, guestId: `sinqro-r${RESERVATION_ID}` },
      }),
    });
    await handleWorkMessage(sinqroMessage('reservation.cancelled'), ctx());
    const body = JSON.parse(lsk.requests[0]?.body ?? '');
    expect(body).toMatchObject({
      status: 'CANCELLED',
      sequenceId: 100,
      partySize: 4,
      utcScheduledAt: '2025-03-14T21:00:00',
      guest: { platformGuestId: `sinqro-r${RESERVATION_ID}` },
    });
    expect(audits()).toEqual([expect.objectContaining({ what: 'cancel', outcome: 'applied in POS' })]);
  });
});

describe('a CLOSED order is read back before it is made final', () => {
  const closed = (posOrderId: string): PosOrderStatusEvent => ({
    type: 'order.status',
    eventId: 'evt-closed',
    posLocationId: LSK_LOCATION,
    posOrderId,
    sinqroOrderId: ORDER_ID,
    kind: 'order',
    posStatus: 'CLOSED',
    occurredAt: '2026-11-27T13:30:00.000Z',
    refresh: true,
  });
  /** The order's state; a status write applies only if it moves forward, as the store's condition says. */
  const given = (state: ReturnType<typeof stateItem>) => {
    ddb.on(GetCommand, { Key: { PK: `ORDER#${ORDER_ID}`, SK: 'STATE' } }).resolves({ Item: state });
    ddb.on(UpdateCommand).callsFake(async (input) => {
      const status = input.ExpressionAttributeValues?.[':status'] as CanonicalStatus | undefined;
      if (status && rankOf('order', status) <= state.statusRank)
        throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
      return { Attributes: status ? stateItem(status, { posOrderId: 'A17700.3' }) : state };
    });
  };

  it('completes it when its account has a close date', async () => {
    given(stateItem('READY', { posOrderId: 'A17700.3' }));
    lsk.reply(
      router({ 'GET /o/op/1/order/accounts/A17700.3': { status: 200, body: fixture('reply-account-closed.json') } }),
    );
    await handlePosStatus(closed('A17700.3'), LSK_RESTAURANT, ctx());
    expect(lsk.requests.map((r) => r.url)).toEqual([
      `/o/op/1/order/accounts/A17700.3?businessLocationId=${LSK_LOCATION}`,
    ]);
    expect(published()).toEqual([expect.objectContaining({ status: 'COMPLETED' })]);
  });

  it('reads the account the POS named for the order, not the one a body claims', async () => {
    given(stateItem('READY', { posOrderId: 'A17700.3' }));
    await handlePosStatus(closed('A99999.9'), LSK_RESTAURANT, ctx());
    expect(lsk.requests.map((r) => r.url)).toEqual([
      `/o/op/1/order/accounts/A17700.3?businessLocationId=${LSK_LOCATION}`,
    ]);
    // Still open: the order stays READY, Sinqro hears nothing.
    expect(published()).toEqual([]);
  });

  it('ignores it, and records why, when K-Series cannot show the account', async () => {
    given(stateItem('READY', { posOrderId: 'A17700.3' }));
    lsk.reply({ status: 404, body: fixture('reply-404-account.json') });
    await handlePosStatus(closed('A17700.3'), LSK_RESTAURANT, ctx());
    expect(published()).toEqual([]);
    expect(audits()).toEqual([
      expect.objectContaining({ what: 'pos-status', outcome: 'ignored (the POS could not confirm it)' }),
    ]);
  });
});

describe('polling', () => {
  // The order is open (its marker), so the poll asks about it.
  beforeEach(() => {
    const marker = { PK: `OPEN#${LSK_RESTAURANT}`, SK: `ORDER#${ORDER_ID}`, orderId: ORDER_ID, kind: 'order' };
    ddb.on(QueryCommand).resolves({ Items: [{ ...marker, openedAt: new Date().toISOString() }] });
  });

  it('asks nothing of an order K-Series has not named an account for, and warns of nothing', async () => {
    ddb.on(GetCommand, { Key: { PK: `ORDER#${ORDER_ID}`, SK: 'STATE' } }).resolves({ Item: stateItem('INJECTED') });
    await pollOrders(LSK_RESTAURANT, 'schedule', ctx());
    expect(lsk.requests).toHaveLength(0);
    expect(statusWrites()).toHaveLength(0);
    expect(logs.join('\n')).not.toContain('could not poll order');
  });

  it('reads the account of an order K-Series named, and applies what it shows', async () => {
    ddb
      .on(GetCommand, { Key: { PK: `ORDER#${ORDER_ID}`, SK: 'STATE' } })
      .resolves({ Item: stateItem('INJECTED', { posOrderId: 'A17700.3' }) });
    statusWritesGive((status) => stateItem(status, { posOrderId: 'A17700.3' }));
    await pollOrders(LSK_RESTAURANT, 'schedule', ctx());
    expect(statusWrites().map((c) => c.args[0].input.ExpressionAttributeValues?.[':status'])).toEqual(['ACCEPTED']);
  });
});
