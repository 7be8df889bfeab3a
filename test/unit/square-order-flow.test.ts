/**
 * The worker with Square's status events: an event that says too little is completed by reading the
 * order, and an event from an order version older than one already applied is dropped (the version
 * claim is one conditional write on the order's state item).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { squareAdapter } from '../../adapters/square';
import type { PosOrderStatusEvent } from '../../functions/core/messages';
import type { CanonicalStatus } from '../../functions/core/statuses';
import { Logger } from '../../functions/infra/logger';
import { handlePosStatus } from '../../functions/orders/pos-status';
import { captureLogs, clearBridgeEnv, linkItem, setBridgeEnv, writeBridgeSecrets } from './support/bridge-env';
import { startServer, type TestServer } from './support/http-server';
import { stateItem as orderState } from './support/order-state';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
let square: TestServer;
let claimed: number[];
let writtenStatuses: string[];

const RESTAURANT = 5120;
const MERCHANT_SECRET = 'bridge/test/pos/square/MERCHANT1';

const stateItem = (status: CanonicalStatus, overrides: Record<string, unknown> = {}) =>
  orderState(status, {
    restaurantId: RESTAURANT,
    posCode: 'square',
    posOrderId: 'SQORDER1',
    source: 'square',
    ...overrides,
  });

function given(state: Record<string, unknown>, newerVersionApplied = false) {
  // The index holds keys only: the order itself is read by its key.
  ddb.on(QueryCommand).resolves({ Items: [{ PK: state.PK, SK: state.SK, GSI1PK: 'POSORDER#square#SQORDER1' }] });
  ddb.on(GetCommand, { Key: { PK: state.PK, SK: state.SK } }).resolves({ Item: state });
  ddb
    .on(UpdateCommand)
    .callsFake((input: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> }) => {
      if (input.UpdateExpression === 'SET posVersion = :v') {
        if (newerVersionApplied)
          throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        claimed.push(input.ExpressionAttributeValues[':v'] as number);
        return {};
      }
      const status = input.ExpressionAttributeValues[':status'] as CanonicalStatus | undefined;
      if (status) writtenStatuses.push(status);
      return { Attributes: status ? stateItem(status) : state };
    });
}

beforeEach(async () => {
  claimed = [];
  writtenStatuses = [];
  setBridgeEnv();
  captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets, {
    'bridge/test/pos/square': {},
    [MERCHANT_SECRET]: { accessToken: 'merchant-token' },
  });
  square = await startServer({
    status: 200,
    body: {
      order: {
        id: 'SQORDER1',
        location_id: 'L1',
        state: 'OPEN',
        version: 9,
        updated_at: '2025-03-14T19:05:00.000Z',
        fulfillments: [{ uid: 'F1', type: 'PICKUP', state: 'PREPARED' }],
      },
    },
  });
  process.env.POS_BASE_URL_SQUARE = square.url;
  process.env.POS_SECRET_NAME_SQUARE = 'bridge/test/pos/square';
  ddb
    .on(GetCommand, { Key: { PK: `REST#${RESTAURANT}`, SK: 'LINK' } })
    .resolves({ Item: linkItem({ posCode: 'square', posLocationId: 'L1', posSecret: MERCHANT_SECRET }) });
  ddb.on(PutCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(async () => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
  delete process.env.POS_BASE_URL_SQUARE;
  delete process.env.POS_SECRET_NAME_SQUARE;
  await square.close();
});

const ctx = () => ({ adapter: squareAdapter, budget: { deadline: Date.now() + 10_000 }, logger: new Logger('test') });
const event = (overrides: Partial<PosOrderStatusEvent> = {}): PosOrderStatusEvent => ({
  type: 'order.status',
  eventId: 'evt-1',
  posLocationId: 'L1',
  posOrderId: 'SQORDER1',
  kind: 'order',
  posStatus: 'RESERVED',
  posVersion: 6,
  occurredAt: '2025-03-14T19:02:00.000Z',
  ...overrides,
});
const published = () =>
  sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody as string).status);

test('a fulfillment event claims its order version, then moves the status', async () => {
  given(stateItem('INJECTED'));
  await handlePosStatus(event(), RESTAURANT, ctx());
  expect(claimed).toEqual([6]);
  expect(writtenStatuses).toEqual(['ACCEPTED']);
  expect(published()).toEqual(['ACCEPTED']);
  expect(square.requests).toHaveLength(0); // the webhook said enough
});

test('an event from an older order version than one applied is dropped: no status write, nothing for Sinqro', async () => {
  // By rank alone RESERVED would still apply to INJECTED: only the version says it is old news.
  given(stateItem('INJECTED'), true);
  await handlePosStatus(event({ posStatus: 'RESERVED', posVersion: 6 }), RESTAURANT, ctx());
  expect(writtenStatuses).toEqual([]);
  expect(published()).toEqual([]);
});

test('an event that says too little reads the order, and applies its fulfillment state and version', async () => {
  given(stateItem('ACCEPTED'));
  await handlePosStatus(event({ posStatus: 'OPEN', posVersion: 7, refresh: true }), RESTAURANT, ctx());
  expect(square.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /v2/orders/SQORDER1']);
  expect(square.requests[0]?.headers.authorization).toBe('Bearer merchant-token');
  expect(claimed).toEqual([9]);
  expect(writtenStatuses).toEqual(['READY']);
  expect(published()).toEqual(['READY']);
});

test('an order already final is not read again for an event that says too little', async () => {
  given(stateItem('CANCELLED', { source: 'sinqro' }));
  await handlePosStatus(event({ posStatus: 'OPEN', refresh: true }), RESTAURANT, ctx());
  expect(square.requests).toHaveLength(0);
  expect(writtenStatuses).toEqual([]);
  expect(published()).toEqual([]);
});
