import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import * as v from 'valibot';
import { referenceAdapter } from '../../adapters/reference';
import { RetryableError } from '../../functions/core/errors';
import type { PosOrderStatusEvent, StatusNews, WorkMessage } from '../../functions/core/messages';
import { SinqroEventSchema } from '../../functions/core/sinqro-schemas';
import { rankOf } from '../../functions/core/statuses';
import { Logger } from '../../functions/infra/logger';
import { handleWorkMessage } from '../../functions/worker/dispatch';
import {
  captureLogs,
  clearBridgeEnv,
  linkItem,
  setBridgeEnv,
  TO_SINQRO_QUEUE_URL,
  writeBridgeSecrets,
} from './support/bridge-env';
import { evaluateCondition } from './support/condition-eval';
import { envelope, setPath } from './support/fixtures';
import { startServer, type TestServer } from './support/http-server';
import { ORDER_KEY, stateItem } from './support/order-state';
import { type SecretsFile, useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let secrets: SecretsFile;
let pos: TestServer;

beforeEach(async () => {
  setBridgeEnv();
  captureLogs();
  secrets = useSecretsFile();
  writeBridgeSecrets(secrets);
  pos = await startServer({ status: 201, body: { id: 'pos-123', status: 'new' } });
  process.env.POS_BASE_URL_REFERENCE = `${pos.url}/api`;
  ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem() });
  ddb.on(PutCommand).resolves({});
  ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CAT#5120' } }).resolves({ Items: [] }); // no catalog synced
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

afterEach(async () => {
  ddb.reset();
  sqs.reset();
  secrets.remove();
  clearBridgeEnv();
  await pos.close();
});

const ctx = () => ({
  adapter: referenceAdapter,
  budget: { deadline: Date.now() + 10_000 },
  logger: new Logger('test-worker'),
});
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function sinqroMessage(
  type: Parameters<typeof envelope>[0],
  mutate: (e: Record<string, unknown>) => unknown = () => undefined,
): WorkMessage {
  const e = envelope(type);
  mutate(e);
  return {
    type: 'sinqro-event',
    restaurantId: 5120,
    posCode: 'reference',
    receivedAt: '2025-03-14T19:01:03.000Z',
    event: v.parse(SinqroEventSchema, e),
  };
}

function posMessage(overrides: Partial<PosOrderStatusEvent> = {}): WorkMessage {
  return {
    type: 'pos-event',
    restaurantId: 5120,
    posCode: 'reference',
    receivedAt: '2025-03-14T19:10:01.000Z',
    event: {
      type: 'order.status',
      eventId: 'refevt-1',
      posLocationId: 'loc-9',
      posOrderId: 'pos-123',
      sinqroOrderId: 900001,
      kind: 'order',
      posStatus: 'accepted',
      occurredAt: '2025-03-14T19:10:00.000Z',
      ...overrides,
    },
  };
}

const published = (): StatusNews[] =>
  sqs
    .commandCalls(SendMessageCommand)
    .filter((c) => c.args[0].input.QueueUrl === TO_SINQRO_QUEUE_URL)
    .map((c) => JSON.parse(c.args[0].input.MessageBody ?? '') as StatusNews);
const audits = () =>
  ddb
    .commandCalls(PutCommand)
    .map((c) => c.args[0].input.Item ?? {})
    .filter((item) => String(item.SK).startsWith('EVT#'));
const updatesWith = (status: string) =>
  ddb.commandCalls(UpdateCommand).filter((c) => c.args[0].input.ExpressionAttributeValues?.[':status'] === status);

describe('order.created', () => {
  beforeEach(() => {
    ddb.on(UpdateCommand).callsFake(async (input) => {
      const status = input.ExpressionAttributeValues[':status'];
      return status ? { Attributes: stateItem(status, { posOrderId: 'pos-123' }) } : {};
    });
  });

  it('creates the order in the POS once, with an idempotency key derived from the Sinqro id', async () => {
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests).toHaveLength(1);
    expect(pos.requests[0]).toMatchObject({
      url: '/api/locations/loc-9/orders',
      headers: { 'idempotency-key': 'sinqro-order-900001' },
    });
  });

  it('records the order as INJECTED with the POS order id', async () => {
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(updatesWith('INJECTED')[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':posOrderId': 'pos-123',
    });
  });

  it('tells Sinqro the order reached the POS', async () => {
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(published()).toEqual([
      expect.objectContaining({
        type: 'status',
        orderId: 900001,
        status: 'INJECTED',
        posOrderId: 'pos-123',
        orderType: 'collection',
      }),
    ]);
  });

  it('does not create the order again when a redelivered message finds it already injected', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('INJECTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests).toHaveLength(0);
    expect(published()).toHaveLength(0);
    expect(audits().map((a) => a.outcome)).toEqual(['already handled']);
  });

  it('sends the INJECTED news again, with its record, when a retried message finds it never published', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('INJECTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(sinqroMessage('order.created'), { ...ctx(), redelivered: true });
    expect(pos.requests).toHaveLength(0);
    expect(audits()).toEqual([]);
    expect(published()).toEqual([
      expect.objectContaining({
        status: 'INJECTED',
        posOrderId: 'pos-123',
        audit: expect.objectContaining({
          what: 'inject',
          outcome: 'created in POS earlier; news sent again',
          code: 'pos-123',
        }),
      }),
    ]);
  });

  it('records which message wrote the status, so only its retry sends the news again', async () => {
    await handleWorkMessage(sinqroMessage('order.created'), { ...ctx(), messageId: 'msg-a' });
    expect(updatesWith('INJECTED')[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':appliedBy': 'msg-a',
    });
  });

  it('a retried copy under another message id leaves the INJECTED news to the message that wrote it', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({
      Item: stateItem('INJECTED', { posOrderId: 'pos-123', appliedBy: 'msg-a' }),
    });
    await handleWorkMessage(sinqroMessage('order.created'), { ...ctx(), redelivered: true, messageId: 'msg-b' });
    expect(published()).toHaveLength(0);
    expect(audits().map((a) => a.outcome)).toEqual(['already handled']);
  });

  it('the retry of the message that wrote INJECTED sends its news', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({
      Item: stateItem('INJECTED', { posOrderId: 'pos-123', appliedBy: 'msg-a' }),
    });
    await handleWorkMessage(sinqroMessage('order.created'), { ...ctx(), redelivered: true, messageId: 'msg-a' });
    expect(published().map((n) => n.status)).toEqual(['INJECTED']);
  });

  it('sends the FAILED news, with its reason, when the retry of the message that failed the order finds it never published', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({
      Item: stateItem('FAILED', { appliedBy: 'msg-a', lastError: 'EXPIRED: its time passed; not injected' }),
    });
    await handleWorkMessage(sinqroMessage('order.created'), { ...ctx(), redelivered: true, messageId: 'msg-a' });
    expect(published()).toEqual([
      expect.objectContaining({
        status: 'FAILED',
        reason: 'EXPIRED: its time passed; not injected',
        audit: expect.objectContaining({ what: 'inject', outcome: 'applied earlier; news sent again' }),
      }),
    ]);
  });

  it('does not send the INJECTED news again once it was published', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({
      Item: stateItem('INJECTED', { posOrderId: 'pos-123', publishedRank: rankOf('order', 'INJECTED') }),
    });
    await handleWorkMessage(sinqroMessage('order.created'), { ...ctx(), redelivered: true });
    expect(published()).toHaveLength(0);
    expect(audits().map((a) => a.outcome)).toEqual(['already handled']);
  });

  it('does not create an order in the POS that Sinqro cancelled before it got there', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    // The cancellation came first: it recorded the order itself, with no type (its creation had not arrived).
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolves({ Item: stateItem('CANCELLED', { source: 'sinqro', orderType: 'unknown' }) });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests).toHaveLength(0);
  });

  it('hands the record of an order created in the POS to its news, for the publisher to write once', async () => {
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(audits()).toEqual([]);
    expect(published()).toHaveLength(1);
    expect(published()[0]?.audit).toEqual({
      what: 'inject',
      source: 'reference',
      status: 'INJECTED',
      outcome: 'created in POS',
      code: 'pos-123',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('reports nothing when a concurrent copy of the order (another event id) wrote INJECTED first', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    // Recorded by the other copy, still RECEIVED when this one read it; INJECTED by the time it writes.
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolvesOnce({ Item: stateItem('RECEIVED', { source: 'sinqro' }) })
      .resolves({ Item: stateItem('INJECTED', { posOrderId: 'pos-123' }) });
    ddb.on(UpdateCommand, { Key: ORDER_KEY, ReturnValues: 'ALL_NEW' }).rejects(conditionFailed());
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests[0]?.headers['idempotency-key']).toBe('sinqro-order-900001');
    expect(updatesWith('INJECTED')).toHaveLength(1);
    expect(published()).toEqual([]);
    expect(audits().map((a) => a.outcome)).toEqual(['already injected by a concurrent delivery']);
  });

  it('audits an order that did not reach the POS as a retry, with the error', async () => {
    pos.reply({ status: 502, body: {} });
    await expect(handleWorkMessage(sinqroMessage('order.created'), ctx())).rejects.toBeInstanceOf(RetryableError);
    expect(audits().map((a) => [a.what, a.outcome])).toEqual([['inject', 'retry']]);
    expect(published()).toEqual([]);
  });

  it('cancels in the POS an order Sinqro cancelled while an earlier attempt was injecting it (reply lost)', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    // Recorded by the injection (typed), cancelled by Sinqro since, and no POS id: the POS may hold it.
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('CANCELLED', { source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests.map((r) => r.url)).toEqual(['/api/locations/loc-9/orders', '/api/orders/pos-123/status']);
    expect(pos.requests[0]?.headers['idempotency-key']).toBe('sinqro-order-900001');
    expect(JSON.parse(pos.requests[1]?.body ?? '')).toMatchObject({ status: 'cancelled' });
    const posIdWrite = ddb
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.UpdateExpression?.includes('posOrderId'));
    expect(posIdWrite?.args[0].input.ExpressionAttributeValues).toMatchObject({ ':p': 'pos-123' });
    expect(published()).toHaveLength(0);
  });

  it('applies the cancellation again when an earlier attempt created the order but could not cancel it', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolves({ Item: stateItem('CANCELLED', { source: 'sinqro', posOrderId: 'pos-123' }) });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests.map((r) => r.url)).toEqual(['/api/orders/pos-123/status']);
    expect(JSON.parse(pos.requests[0]?.body ?? '')).toMatchObject({ status: 'cancelled' });
  });

  it('leaves an order the POS completed as it is when Sinqro’s cancellation of it comes too late', async () => {
    ddb.on(PutCommand, { Item: ORDER_KEY }).rejects(conditionFailed());
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolves({ Item: stateItem('CANCELLED', { source: 'sinqro', posOrderId: 'pos-123' }) });
    pos.reply({ status: 409, body: { error: { code: 'ALREADY_FINAL', message: 'pos-123 is already completed' } } });
    await expect(handleWorkMessage(sinqroMessage('order.created'), ctx())).resolves.toBeUndefined();
    expect(pos.requests).toHaveLength(1);
  });

  it('leaves the message to be retried when the POS answers 5xx, counting the attempt', async () => {
    pos.reply({ status: 502, body: {} });
    await expect(handleWorkMessage(sinqroMessage('order.created'), ctx())).rejects.toBeInstanceOf(RetryableError);
    expect(
      ddb.commandCalls(UpdateCommand).some((c) => c.args[0].input.UpdateExpression?.includes('ADD attempts')),
    ).toBe(true);
    expect(published()).toHaveLength(0);
  });

  it('marks the order FAILED and tells Sinqro, without retrying, when the POS refuses it (4xx)', async () => {
    pos.reply({ status: 422, body: { error: { code: 'INVALID_ITEMS', message: 'unknown sku' } } });
    await expect(handleWorkMessage(sinqroMessage('order.created'), ctx())).resolves.toBeUndefined();
    expect(updatesWith('FAILED')[0]?.args[0].input.ExpressionAttributeValues?.[':reason']).toContain('unknown sku');
    expect(published()).toEqual([expect.objectContaining({ status: 'FAILED' })]);
  });

  it('marks an order with an unmapped product FAILED without calling the POS', async () => {
    await handleWorkMessage(
      sinqroMessage('order.created', (e) => setPath(e, 'data.orderLines.1.product.externalId', null)),
      ctx(),
    );
    expect(pos.requests).toHaveLength(0);
    expect(published()).toEqual([
      expect.objectContaining({ status: 'FAILED', reason: expect.stringContaining('Sparkling water') }),
    ]);
  });

  it('checks the catalog and reads the link while the open-order marker is written: one round trip before the POS call, not three', async () => {
    // No link cached (setBridgeEnv clears the cache): a quiet restaurant's worker reads it.
    const steps: string[] = [];
    const later = () => new Promise((r) => setTimeout(r, 5));
    ddb.on(UpdateCommand).callsFake(async (input) => {
      if (!String(input.Key.PK).startsWith('OPEN#'))
        return { Attributes: stateItem('INJECTED', { posOrderId: 'pos-123' }) };
      steps.push('marker: sent');
      await later();
      steps.push('marker: written');
      return {};
    });
    ddb.on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'CAT#5120' } }).callsFake(async () => {
      steps.push('catalog: sent');
      return { Items: [] };
    });
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).callsFake(async () => {
      steps.push('link: sent');
      return { Item: linkItem() };
    });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests).toHaveLength(1);
    expect(steps.slice(0, 3).sort()).toEqual(['catalog: sent', 'link: sent', 'marker: sent']);
  });

  it('does not call the POS when the open-order marker could not be written (the message is retried)', async () => {
    ddb.on(UpdateCommand).callsFake(async (input) => {
      if (String(input.Key.PK).startsWith('OPEN#')) throw new Error('throttled');
      return { Attributes: stateItem('INJECTED', { posOrderId: 'pos-123' }) };
    });
    await expect(handleWorkMessage(sinqroMessage('order.created'), ctx())).rejects.toThrow('throttled');
    expect(pos.requests).toHaveLength(0);
  });

  it('does not inject another restaurant’s order: refused, recorded on the sender’s restaurant', async () => {
    ddb.on(PutCommand, { Item: { PK: 'ORDER#900001' } }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('RECEIVED', { restaurantId: 6000 }) });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    const audits = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item ?? {});
    expect(audits.filter((i) => String(i.SK).startsWith('EVT#'))).toEqual([
      expect.objectContaining({
        PK: 'REST#5120',
        what: 'order.created',
        outcome: 'refused: not this restaurant’s order',
      }),
    ]);
  });

  it('cancels in the POS right after injecting when Sinqro’s cancellation overtook the injection', async () => {
    ddb.on(UpdateCommand, { ExpressionAttributeValues: { ':status': 'INJECTED' } }).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('CANCELLED', { source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.created'), ctx());
    expect(pos.requests.map((r) => r.url)).toEqual(['/api/locations/loc-9/orders', '/api/orders/pos-123/status']);
    expect(JSON.parse(pos.requests[1]?.body ?? '')).toMatchObject({ status: 'cancelled' });
  });
});

describe('an order or reservation past its time (executionTime plus the grace period)', () => {
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+0000');
  const dueAt = (type: 'order.created' | 'reservation.created', executionTime: string) =>
    sinqroMessage(type, (e) => setPath(e, 'data.executionTime', executionTime));

  beforeEach(() => {
    ddb.on(UpdateCommand).callsFake(async (input) => {
      const status = input.ExpressionAttributeValues[':status'];
      return status ? { Attributes: stateItem(status, { posOrderId: 'pos-123' }) } : {};
    });
  });
  afterEach(() => {
    delete process.env.ORDER_EXPIRY_GRACE_MINUTES;
  });

  it('fails an order due 2 days ago as EXPIRED without creating it in the POS, and tells Sinqro', async () => {
    await expect(handleWorkMessage(dueAt('order.created', hoursAgo(48)), ctx())).resolves.toBeUndefined();
    expect(pos.requests).toHaveLength(0);
    expect(updatesWith('INJECTED')).toHaveLength(0);
    expect(updatesWith('FAILED')[0]?.args[0].input.ExpressionAttributeValues?.[':reason']).toMatch(/^EXPIRED: /);
    expect(published()).toEqual([
      expect.objectContaining({ status: 'FAILED', reason: expect.stringMatching(/^EXPIRED/) }),
    ]);
    expect(audits()).toContainEqual(expect.objectContaining({ what: 'inject', status: 'FAILED', code: 'EXPIRED' }));
  });

  it('fails a reservation due 2 days ago the same way: a table for a time that is over means nothing', async () => {
    await handleWorkMessage(dueAt('reservation.created', hoursAgo(48)), ctx());
    expect(pos.requests).toHaveLength(0);
    expect(published()).toEqual([
      expect.objectContaining({ status: 'FAILED', reason: expect.stringMatching(/^EXPIRED/) }),
    ]);
  });

  it('still injects an order due an hour ago: within the default grace of 2 hours', async () => {
    await handleWorkMessage(dueAt('order.created', hoursAgo(1)), ctx());
    expect(pos.requests).toHaveLength(1);
    expect(published()).toEqual([expect.objectContaining({ status: 'INJECTED' })]);
  });

  it('takes the grace period from the stage (ORDER_EXPIRY_GRACE_MINUTES)', async () => {
    process.env.ORDER_EXPIRY_GRACE_MINUTES = '30';
    await handleWorkMessage(dueAt('order.created', hoursAgo(1)), ctx());
    expect(pos.requests).toHaveLength(0);
    expect(published()).toEqual([expect.objectContaining({ status: 'FAILED' })]);
  });
});

describe('order.cancelled from Sinqro', () => {
  it('applies CANCELLED and cancels the order in the POS with Sinqro’s comment', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('CANCELLED', { posOrderId: 'pos-123', source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.cancelled'), ctx());
    expect(pos.requests[0]?.url).toBe('/api/orders/pos-123/status');
    expect(JSON.parse(pos.requests[0]?.body ?? '')).toEqual({
      status: 'cancelled',
      reason: 'consumer changed their mind',
    });
  });

  it('does not echo a Sinqro cancellation back to Sinqro', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('CANCELLED', { posOrderId: 'pos-123', source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.cancelled'), ctx());
    expect(published()).toHaveLength(0);
  });

  it('records the cancellation of an order not yet in the POS without calling the POS', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('CANCELLED', { source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.cancelled'), ctx());
    expect(pos.requests).toHaveLength(0);
  });

  it('ignores a cancellation of an order the restaurant already completed', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('COMPLETED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(sinqroMessage('order.cancelled'), ctx());
    expect(pos.requests).toHaveLength(0);
  });

  it('leaves another restaurant’s order alone, in the table and in the POS, and records the refusal', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolves({ Item: stateItem('INJECTED', { posOrderId: 'pos-123', restaurantId: 6000 }) });
    await handleWorkMessage(sinqroMessage('order.cancelled'), ctx());
    expect(pos.requests).toHaveLength(0);
    const update = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    expect(update?.ExpressionAttributeValues).toMatchObject({ ':rid': 5120, ':kind': 'order' });
    const audits = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item ?? {});
    expect(audits).toEqual([
      expect.objectContaining({ PK: 'REST#5120', what: 'order.cancelled', code: 'order 900001', source: 'sinqro' }),
    ]);
    expect(JSON.stringify(audits)).not.toContain('consumer changed their mind');
  });

  it('treats order.status_changed to cancelled like a cancellation', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('CANCELLED', { posOrderId: 'pos-123', source: 'sinqro' }) });
    await handleWorkMessage(sinqroMessage('order.status_changed'), ctx());
    expect(pos.requests[0]?.url).toBe('/api/orders/pos-123/status');
  });

  it('only records other Sinqro status changes, since they mean nothing to the POS', async () => {
    await handleWorkMessage(
      sinqroMessage('order.status_changed', (e) => setPath(e, 'data.status.code', 'accepted')),
      ctx(),
    );
    expect(pos.requests).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });
});

describe('POS status events', () => {
  beforeEach(() => {
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('INJECTED', { posOrderId: 'pos-123' }) });
  });

  it('applies a mapped POS status and tells Sinqro', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('ACCEPTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(posMessage(), ctx());
    expect(updatesWith('ACCEPTED')[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':ts': '2025-03-14T19:10:00.000Z',
    });
    expect(published()).toEqual([expect.objectContaining({ orderId: 900001, status: 'ACCEPTED' })]);
  });

  it('hands the record of an applied status to its news, and writes none itself', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('ACCEPTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(posMessage(), ctx());
    expect(audits()).toEqual([]);
    expect(published()[0]?.audit).toEqual({
      what: 'pos-status',
      source: 'reference',
      status: 'ACCEPTED',
      outcome: 'applied',
      code: 'refevt-1',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('passes the POS’s rejection reason on to Sinqro', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('REJECTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(posMessage({ posStatus: 'rejected', reason: 'kitchen closed' }), ctx());
    expect(published()).toEqual([expect.objectContaining({ status: 'REJECTED', reason: 'kitchen closed' })]);
  });

  it('tells Sinqro again about a repeated status whose news never reached the queue (a retried message)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolves({ Item: stateItem('ACCEPTED', { posOrderId: 'pos-123', sourceTs: '2025-03-14T19:10:00.000Z' }) });
    await handleWorkMessage(posMessage(), { ...ctx(), redelivered: true });
    expect(published()).toEqual([
      expect.objectContaining({
        orderId: 900001,
        status: 'ACCEPTED',
        audit: expect.objectContaining({ outcome: 'applied earlier; news sent again', code: 'refevt-1' }),
      }),
    ]);
    expect(audits()).toEqual([]);
  });

  it('leaves the news to the first message when a duplicate webhook is delivered for the first time', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb
      .on(GetCommand, { Key: ORDER_KEY })
      .resolves({ Item: stateItem('ACCEPTED', { posOrderId: 'pos-123', sourceTs: '2025-03-14T19:10:00.000Z' }) });
    await handleWorkMessage(posMessage(), ctx());
    expect(published()).toHaveLength(0);
    expect(audits().map((a) => [a.what, a.outcome, a.code])).toEqual([
      ['pos-status', 'ignored (duplicate)', 'refevt-1'],
    ]);
  });

  it('does not echo to Sinqro the POS’s webhook about a cancellation that came from Sinqro', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({
      Item: stateItem('CANCELLED', { posOrderId: 'pos-123', source: 'sinqro', sourceTs: '2025-03-14T19:10:00.000Z' }),
    });
    await handleWorkMessage(posMessage({ posStatus: 'cancelled' }), { ...ctx(), redelivered: true });
    expect(published()).toHaveLength(0);
  });

  it('does not tell Sinqro again about a repeated status it was already sent', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({
      Item: stateItem('ACCEPTED', {
        posOrderId: 'pos-123',
        sourceTs: '2025-03-14T19:10:00.000Z',
        publishedRank: rankOf('order', 'ACCEPTED'),
      }),
    });
    await handleWorkMessage(posMessage(), { ...ctx(), redelivered: true });
    expect(published()).toHaveLength(0);
  });

  it('does not tell Sinqro about a stale status that arrived out of order', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand, { Key: ORDER_KEY }).resolves({ Item: stateItem('READY', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(posMessage({ posStatus: 'accepted' }), ctx());
    expect(published()).toHaveLength(0);
  });

  it('finds the order by its POS id when the POS did not echo our reference', async () => {
    // The index holds keys only; the order is then read by its key (the Get stub above).
    ddb
      .on(QueryCommand)
      .resolves({ Items: [{ ...ORDER_KEY, GSI1PK: 'POSORDER#reference#pos-123', GSI1SK: 'ORDER#900001' }] });
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('ACCEPTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(posMessage({ sinqroOrderId: undefined }), ctx());
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input.ExpressionAttributeValues).toEqual({
      ':pk': 'POSORDER#reference#pos-123',
    });
    expect(published()).toHaveLength(1);
  });

  it('ignores a POS order that did not come from Sinqro (a walk-in ticket)', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await handleWorkMessage(posMessage({ sinqroOrderId: undefined, posOrderId: 'walk-in-7' }), ctx());
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(published()).toHaveLength(0);
  });

  it('ignores an event that names another restaurant’s order: the status write’s condition refuses it', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await handleWorkMessage({ ...posMessage(), restaurantId: 6000 }, ctx());
    const input = ddb.commandCalls(UpdateCommand)[0]?.args[0].input;
    const holds = (item: Record<string, unknown>) =>
      evaluateCondition(input?.ConditionExpression as string, {
        item,
        names: input?.ExpressionAttributeNames ?? {},
        values: input?.ExpressionAttributeValues ?? {},
      });
    expect([holds(stateItem('INJECTED')), holds(stateItem('INJECTED', { restaurantId: 6000 }))]).toEqual([false, true]);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0); // no audit on another restaurant's order
    expect(published()).toHaveLength(0);
  });

  it('reads no order state before the status write when the POS echoes our reference', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem('ACCEPTED', { posOrderId: 'pos-123' }) });
    await handleWorkMessage(posMessage(), ctx());
    expect(ddb.commandCalls(GetCommand, { Key: ORDER_KEY })).toHaveLength(0);
  });

  it('records but does not apply a POS status with no canonical meaning', async () => {
    await handleWorkMessage(posMessage({ posStatus: 'on_hold' }), ctx());
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(
      ddb.commandCalls(PutCommand).some((c) => c.args[0].input.Item?.outcome === 'unmapped POS status ignored'),
    ).toBe(true);
  });
});
