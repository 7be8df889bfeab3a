import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { type CanonicalStatus, decideTransition, isFinal, type Kind, rankOf } from '../../functions/core/statuses';
import { setLogSink } from '../../functions/infra/logger';
import { auditOrder } from '../../functions/store/audit';
import { isEventSeen, recordEvent } from '../../functions/store/dedupe';
import { findLinkByPosLocation, getLink, putLink } from '../../functions/store/links';
import {
  createOrder,
  findOrderByPosOrderId,
  getOrder,
  type OrderState,
  recordAttempt,
  type TransitionRequest,
  transition,
} from '../../functions/store/orders';
import { claimPublication, releasePublication } from '../../functions/store/publication';
import { evaluateCondition } from './support/condition-eval';

const ddb = mockClient(DynamoDBDocumentClient);
// The store writes an OrdersByStatus metric line per status (checked in order-status-metric.test.ts): not here.
setLogSink(() => undefined);
const TABLE = 'bridge-test-table';

beforeEach(() => {
  process.env.TABLE_NAME = TABLE;
});

afterEach(() => {
  ddb.reset();
  delete process.env.TABLE_NAME;
});

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const T1 = '2025-03-14T19:00:00.000Z';
const T2 = '2025-03-14T19:05:00.000Z';

function stateItem(overrides: Partial<OrderState> = {}): Record<string, unknown> {
  const status = overrides.status ?? 'ACCEPTED';
  const kind = overrides.kind ?? 'order';
  return {
    PK: 'ORDER#900001',
    SK: 'STATE',
    orderId: 900001,
    kind,
    orderType: 'collection',
    restaurantId: 5120,
    posCode: 'reference',
    status,
    statusRank: rankOf(kind, status),
    isFinal: isFinal(status),
    sourceTs: T1,
    source: 'reference',
    version: 3,
    attempts: 0,
    updatedAt: T1,
    ...overrides,
  };
}

const request = (overrides: Partial<TransitionRequest> = {}): TransitionRequest => ({
  orderId: 900001,
  kind: 'order',
  status: 'PREPARING',
  sourceTs: T2,
  source: 'reference',
  owner: { restaurantId: 5120 },
  ...overrides,
});

function sentUpdate(index = 0) {
  const input = ddb.commandCalls(UpdateCommand)[index]?.args[0].input;
  if (!input) throw new Error(`no UpdateCommand #${index} was sent`);
  return input;
}

describe('transition: the conditional write', () => {
  it('sends one conditional UpdateItem on the order’s state item', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ status: 'PREPARING' }) });
    await transition(request());
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(sentUpdate()).toMatchObject({
      TableName: TABLE,
      Key: { PK: 'ORDER#900001', SK: 'STATE' },
      ReturnValues: 'ALL_NEW',
    });
  });

  it('writes the new status with its rank and finality, and bumps the version', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ status: 'CANCELLED' }) });
    await transition(request({ status: 'CANCELLED' }));
    const input = sentUpdate();
    expect(input.ExpressionAttributeValues).toMatchObject({
      ':status': 'CANCELLED',
      ':rank': 100,
      ':final': true,
      ':ts': T2,
    });
    expect(input.UpdateExpression).toMatch(/ADD version :one/);
  });

  it('returns the stored state without the table’s key attributes', async () => {
    ddb.on(UpdateCommand).resolves({
      Attributes: {
        ...stateItem({ status: 'PREPARING' }),
        GSI1PK: 'POSORDER#reference#pos-1',
        GSI1SK: 'ORDER#900001',
      },
    });
    const result = await transition(request());
    expect(result).toMatchObject({ applied: true, state: { status: 'PREPARING', orderId: 900001 } });
    expect(result.applied && Object.keys(result.state)).not.toEqual(expect.arrayContaining(['PK', 'SK', 'GSI1PK']));
  });

  it('indexes the POS order id so the POS’s webhooks can find the order', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ status: 'INJECTED' }) });
    await transition(request({ status: 'INJECTED', posCode: 'reference', posOrderId: 'pos-123' }));
    expect(sentUpdate().ExpressionAttributeValues).toMatchObject({
      ':posOrderId': 'pos-123',
      ':gsi1pk': 'POSORDER#reference#pos-123',
      ':gsi1sk': 'ORDER#900001',
    });
  });

  it('keeps at most 500 characters of a reason', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ status: 'FAILED' }) });
    await transition(request({ status: 'FAILED', reason: 'x'.repeat(2000) }));
    expect(sentUpdate().ExpressionAttributeValues?.[':reason']).toBe('x'.repeat(500));
  });

  type Case = [string, Kind, CanonicalStatus, string, CanonicalStatus, string];
  const cases: Case[] = [
    ['forward', 'order', 'ACCEPTED', T1, 'PREPARING', T2],
    ['forward, older source time', 'order', 'ACCEPTED', T2, 'READY', T1],
    ['backward', 'order', 'READY', T1, 'ACCEPTED', T2],
    ['same status, newer', 'order', 'PREPARING', T1, 'PREPARING', T2],
    ['same status, older', 'order', 'PREPARING', T2, 'PREPARING', T1],
    ['same status, same time', 'order', 'PREPARING', T1, 'PREPARING', T1],
    ['non-final to final', 'order', 'PREPARING', T1, 'CANCELLED', T2],
    ['final to other final', 'order', 'COMPLETED', T1, 'CANCELLED', T2],
    ['final repeated, newer', 'order', 'CANCELLED', T1, 'CANCELLED', T2],
    ['final to non-final', 'order', 'REJECTED', T1, 'ACCEPTED', T2],
    ['reservation forward', 'reservation', 'CONFIRMED', T1, 'SEATED', T2],
    ['reservation backward', 'reservation', 'SEATED', T1, 'CONFIRMED', T2],
    ['reservation after NO_SHOW', 'reservation', 'NO_SHOW', T1, 'COMPLETED', T2],
  ];

  it.each(cases)(
    'lets DynamoDB apply the write exactly when decideTransition says apply (%s)',
    async (_label, kind, current, currentTs, next, nextTs) => {
      ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ kind, status: next }) });
      await transition(request({ kind, status: next, sourceTs: nextTs }));
      const input = sentUpdate();
      const item = stateItem({ kind, status: current, sourceTs: currentTs });
      const conditionHolds = evaluateCondition(input.ConditionExpression as string, {
        item,
        names: input.ExpressionAttributeNames ?? {},
        values: input.ExpressionAttributeValues ?? {},
      });
      const verdict = decideTransition(
        kind,
        { status: current, sourceTs: currentTs },
        { status: next, sourceTs: nextTs },
      );
      expect(conditionHolds).toBe(verdict === 'apply');
    },
  );

  it('with advanceOnly, does not repeat the same status with a newer time (a concurrent copy of the injection)', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ status: 'INJECTED' }) });
    await transition(request({ status: 'INJECTED', sourceTs: T2, advanceOnly: true }));
    const input = sentUpdate();
    const holdsOn = (status: CanonicalStatus) =>
      evaluateCondition(input.ConditionExpression as string, {
        item: stateItem({ status, sourceTs: T1 }),
        names: input.ExpressionAttributeNames ?? {},
        values: input.ExpressionAttributeValues ?? {},
      });
    expect([holdsOn('RECEIVED'), holdsOn('INJECTED'), holdsOn('ACCEPTED')]).toEqual([true, false, false]);
  });

  it('refuses the write when the order does not exist (no blind upsert)', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem() });
    await transition(request());
    const input = sentUpdate();
    expect(
      evaluateCondition(input.ConditionExpression as string, {
        item: undefined,
        names: input.ExpressionAttributeNames ?? {},
        values: input.ExpressionAttributeValues ?? {},
      }),
    ).toBe(false);
  });
});

describe('transition: when the condition fails', () => {
  it.each([
    ['stale', stateItem({ status: 'READY', sourceTs: T1 }), request({ status: 'ACCEPTED' })],
    ['duplicate', stateItem({ status: 'PREPARING', sourceTs: T2 }), request({ status: 'PREPARING', sourceTs: T2 })],
    ['after-final', stateItem({ status: 'CANCELLED', sourceTs: T1 }), request({ status: 'READY' })],
  ] as const)('reads the item and reports %s with the current state', async (verdict, item, req) => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: item });
    const result = await transition(req);
    expect(result).toMatchObject({ applied: false, verdict, state: { status: item.status } });
  });

  it('with advanceOnly, reports the same status written with an older time as a duplicate, not conflicting', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'INJECTED', sourceTs: T1, posOrderId: 'pos-1' }) });
    const result = await transition(request({ status: 'INJECTED', sourceTs: T2, advanceOnly: true }));
    expect(result).toMatchObject({ applied: false, verdict: 'duplicate', state: { posOrderId: 'pos-1' } });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(1);
  });

  it('reads the item with a consistent read, so the verdict is not based on a stale copy', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'READY' }) });
    await transition(request({ status: 'ACCEPTED' }));
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { PK: 'ORDER#900001', SK: 'STATE' },
      ConsistentRead: true,
    });
  });

  it('recognises the condition failure by its name too (errors from another SDK copy)', async () => {
    const error = Object.assign(new Error('conditional request failed'), { name: 'ConditionalCheckFailedException' });
    ddb.on(UpdateCommand).rejects(error);
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'READY' }) });
    await expect(transition(request({ status: 'ACCEPTED' }))).resolves.toMatchObject({
      applied: false,
      verdict: 'stale',
    });
  });

  it('reports foreign for an order it has never seen and may not create (nobody owns it here)', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(transition(request())).resolves.toEqual({ applied: false, verdict: 'foreign' });
  });

  it('refuses another restaurant’s order in the write’s condition, and reports it foreign', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'INJECTED', restaurantId: 5999 }) });
    const result = await transition(
      request({ status: 'CANCELLED', createIfMissing: { orderType: 'unknown', posCode: 'reference' } }),
    );
    expect(result).toEqual({ applied: false, verdict: 'foreign' });
    const input = sentUpdate();
    const holds = (item: Record<string, unknown>) =>
      evaluateCondition(input.ConditionExpression as string, {
        item,
        names: input.ExpressionAttributeNames ?? {},
        values: input.ExpressionAttributeValues ?? {},
      });
    expect(holds(stateItem({ status: 'INJECTED' }))).toBe(true);
    expect(holds(stateItem({ status: 'INJECTED', restaurantId: 5999 }))).toBe(false);
    expect(holds(stateItem({ status: 'INJECTED', kind: 'reservation' }))).toBe(false);
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });

  it('writes a reservation under its own key, apart from an order with the same id', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: stateItem({ kind: 'reservation', status: 'SEATED' }) });
    await transition(request({ kind: 'reservation', status: 'SEATED', posCode: 'reference', posOrderId: 'T-1' }));
    expect(sentUpdate()).toMatchObject({
      Key: { PK: 'RESV#900001', SK: 'STATE' },
      ExpressionAttributeValues: { ':gsi1sk': 'RESV#900001' },
    });
  });

  it('creates a missing order as RECEIVED and then applies the change when asked to (a cancel that overtook the creation)', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: stateItem({ status: 'CANCELLED' }) });
    ddb.on(GetCommand).resolves({});
    ddb.on(PutCommand).resolves({});
    const result = await transition(
      request({
        status: 'CANCELLED',
        createIfMissing: { orderType: 'unknown', posCode: 'reference' },
      }),
    );
    expect(result).toMatchObject({ applied: true, state: { status: 'CANCELLED' } });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
      PK: 'ORDER#900001',
      status: 'RECEIVED',
      statusRank: 0,
      restaurantId: 5120,
    });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('tries again when the fresh read shows the change would now apply (the item moved between write and read)', async () => {
    ddb
      .on(UpdateCommand)
      .rejectsOnce(conditionFailed())
      .resolves({ Attributes: stateItem({ status: 'READY' }) });
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'ACCEPTED' }) });
    await expect(transition(request({ status: 'READY' }))).resolves.toMatchObject({ applied: true });
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('gives up with an error after repeated conflicts instead of looping forever', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'ACCEPTED' }) });
    await expect(transition(request({ status: 'READY' }))).rejects.toThrow(/kept conflicting/);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(4);
  });

  it('passes any other DynamoDB error on (throttling must be retried by the queue, not judged)', async () => {
    ddb
      .on(UpdateCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(transition(request())).rejects.toThrow('slow down');
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });
});

describe('isEventSeen', () => {
  it('reads the dedupe record consistently (a record written a moment ago counts)', async () => {
    ddb.on(GetCommand).resolves({ Item: { PK: 'DEDUPE#sinqro#evt-1', SK: '-' } });
    await expect(isEventSeen('sinqro', 'evt-1')).resolves.toBe(true);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      Key: { PK: 'DEDUPE#sinqro#evt-1', SK: '-' },
      ConsistentRead: true,
    });
  });

  it('answers false for an id never recorded', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(isEventSeen('reference', 'refevt-1')).resolves.toBe(false);
  });
});

describe('recordEvent', () => {
  it('records an enqueued event with a conditional put and a TTL', async () => {
    ddb.on(PutCommand).resolves({});
    await expect(recordEvent('sinqro', 'evt-1')).resolves.toBe(true);
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TableName: TABLE,
      Item: { PK: 'DEDUPE#sinqro#evt-1', SK: '-' },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    expect(input?.Item?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('returns false when a concurrent copy recorded the id first (the put’s condition fails)', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(recordEvent('sinqro', 'evt-1')).resolves.toBe(false);
  });

  it('passes other errors on', async () => {
    ddb.on(PutCommand).rejects(new Error('network down'));
    await expect(recordEvent('sinqro', 'evt-1')).rejects.toThrow('network down');
  });
});

describe('createOrder', () => {
  const newOrder = () => ({
    orderId: 900001,
    kind: 'order' as const,
    orderType: 'collection',
    restaurantId: 5120,
    posCode: 'reference',
  });

  it('creates the state item as RECEIVED, only if none exists (a reservation moved away does not count)', async () => {
    ddb.on(PutCommand).resolves({});
    const result = await createOrder(newOrder(), T1);
    expect(result).toMatchObject({
      created: true,
      state: { status: 'RECEIVED', statusRank: 0, isFinal: false, version: 1, sourceTs: T1 },
    });
    const input = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    const holds = (item: Record<string, unknown> | undefined) =>
      evaluateCondition(input?.ConditionExpression as string, { item, names: {}, values: {} });
    expect([
      holds(undefined),
      holds(stateItem()),
      holds({ ...stateItem({ kind: 'reservation', status: 'CONFIRMED' }), movedTo: 'RESV#900001' }),
    ]).toEqual([true, false, true]);
  });

  it('returns the existing state when the order was already created (a redelivered order.created)', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({ Item: stateItem({ status: 'INJECTED', posOrderId: 'pos-123' }) });
    await expect(createOrder(newOrder(), T2)).resolves.toMatchObject({
      created: false,
      state: { status: 'INJECTED', posOrderId: 'pos-123' },
    });
  });

  it('rethrows the conflict if the existing item cannot be read back', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    ddb.on(GetCommand).resolves({});
    await expect(createOrder(newOrder(), T2)).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });
});

describe('store links', () => {
  const linkItem = () => ({
    PK: 'REST#5120',
    SK: 'LINK',
    GSI1PK: 'POSLOC#reference#loc-9',
    GSI1SK: 'REST#5120',
    restaurantId: 5120,
    posCode: 'reference',
    posLocationId: 'loc-9',
    sinqroTokenSecret: 'sinqro/rest/5120',
    enabled: true,
    createdAt: T1,
  });

  it('reads a link by restaurant id and hides the key attributes', async () => {
    ddb.on(GetCommand).resolves({ Item: linkItem() });
    const link = await getLink(5120);
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input.Key).toEqual({ PK: 'REST#5120', SK: 'LINK' });
    expect(link).toEqual({
      restaurantId: 5120,
      posCode: 'reference',
      posLocationId: 'loc-9',
      sinqroTokenSecret: 'sinqro/rest/5120',
      enabled: true,
      createdAt: T1,
    });
  });

  it('finds a link from a POS location through the GSI (keys only), then reads the link by its key', async () => {
    const { PK, SK, GSI1PK, GSI1SK } = linkItem();
    ddb.on(QueryCommand).resolves({ Items: [{ PK, SK, GSI1PK, GSI1SK }] });
    ddb.on(GetCommand, { Key: { PK: 'REST#5120', SK: 'LINK' } }).resolves({ Item: linkItem() });
    await expect(findLinkByPosLocation('reference', 'loc-9')).resolves.toMatchObject({ restaurantId: 5120 });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI1',
      ExpressionAttributeValues: { ':pk': 'POSLOC#reference#loc-9' },
    });
  });

  it('does not trust a lagging index entry: a link moved to another location is not the answer', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ PK: 'REST#5120', SK: 'LINK', GSI1PK: 'POSLOC#reference#loc-9' }] });
    ddb.on(GetCommand).resolves({ Item: { ...linkItem(), posLocationId: 'loc-10' } });
    await expect(findLinkByPosLocation('reference', 'loc-9')).resolves.toBeUndefined();
  });

  it('answers undefined for a location nobody linked', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(findLinkByPosLocation('reference', 'nowhere')).resolves.toBeUndefined();
  });

  it('writes a link with its reverse-lookup index keys', async () => {
    ddb.on(PutCommand).resolves({});
    const { PK, SK, GSI1PK, GSI1SK, ...link } = linkItem();
    await putLink(link);
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({ PK, SK, GSI1PK, GSI1SK });
  });

  it('fails loudly when TABLE_NAME is not set instead of writing to an unnamed table', async () => {
    delete process.env.TABLE_NAME;
    await expect(getLink(5120)).rejects.toThrow('TABLE_NAME is not set');
  });
});

describe('store publication claims', () => {
  const holdsFor =
    (input: { ConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown> }) =>
    (item: Record<string, unknown>) =>
      evaluateCondition(input.ConditionExpression as string, {
        item,
        names: {},
        values: input.ExpressionAttributeValues ?? {},
      });

  it('claims a rank only if nothing of a higher rank was claimed, with a token and the rank it replaced', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { publishedRank: 2 } });
    const claim = await claimPublication('order', 900001, 3);
    if (!claim.claimed) throw new Error('not claimed');
    expect(claim.token).toMatch(/^[0-9a-f]{16}$/);
    expect(claim.previousRank).toBe(2);
    const input = sentUpdate();
    expect(input.ReturnValues).toBe('UPDATED_OLD');
    expect(input.ExpressionAttributeValues).toEqual({ ':r': 3, ':t': claim.token });
    const holds = holdsFor(input);
    expect([
      holds({ PK: 'x' }),
      holds({ PK: 'x', publishedRank: 2 }),
      holds({ PK: 'x', publishedRank: 4 }),
      holds({ PK: 'x', publishedRank: 100 }),
    ]).toEqual([true, true, false, false]);
  });

  it('takes over a claim of the same rank: its holder may have died before calling Sinqro', async () => {
    ddb.on(UpdateCommand).resolves({});
    await claimPublication('order', 900001, 100);
    expect(holdsFor(sentUpdate())({ PK: 'x', publishedRank: 100, publishClaim: 'a-dead-attempt' })).toBe(true);
  });

  it('does not claim when a later status was already claimed', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(claimPublication('order', 900001, 2)).resolves.toEqual({ claimed: false });
  });

  it('gives a failed claim back to the previous rank, only while the claim is still its own', async () => {
    ddb.on(UpdateCommand).resolves({});
    await releasePublication('order', 900001, 'tok-1', 2);
    const input = sentUpdate();
    expect(input).toMatchObject({
      UpdateExpression: 'SET publishedRank = :prev REMOVE publishClaim',
      ExpressionAttributeValues: { ':t': 'tok-1', ':prev': 2 },
    });
    const holds = holdsFor(input);
    expect([holds({ PK: 'x', publishClaim: 'tok-1' }), holds({ PK: 'x', publishClaim: 'tok-2' })]).toEqual([
      true,
      false,
    ]);
  });

  it('does not fail when another attempt claimed meanwhile', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(releasePublication('order', 900001, 'tok-1', undefined)).resolves.toBeUndefined();
  });
});

describe('recordAttempt', () => {
  it('ignores an order that no longer exists', async () => {
    ddb.on(UpdateCommand).rejects(conditionFailed());
    await expect(recordAttempt('order', 900001, 'POS timed out')).resolves.toBeUndefined();
  });

  it('passes other errors on', async () => {
    ddb.on(UpdateCommand).rejects(new Error('network down'));
    await expect(recordAttempt('order', 900001)).rejects.toThrow('network down');
  });
});

describe('audit', () => {
  it('writes an audit entry under the order with a sortable, unique sort key and a TTL', async () => {
    ddb.on(PutCommand).resolves({});
    await auditOrder('order', 900001, { what: 'inject', source: 'reference', outcome: 'created in POS' });
    await auditOrder('order', 900001, { what: 'inject', source: 'reference', outcome: 'created in POS' });
    const [a, b] = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item);
    expect(a).toMatchObject({
      PK: 'ORDER#900001',
      SK: expect.stringMatching(/^EVT#\d{4}-\d\d-\d\dT/),
      what: 'inject',
      outcome: 'created in POS',
    });
    expect(a?.SK).not.toBe(b?.SK);
    expect(a?.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('files a record carried from another step at the moment it happened, not when it is written', async () => {
    ddb.on(PutCommand).resolves({});
    await auditOrder(
      'order',
      900001,
      { what: 'pos-status', source: 'reference', status: 'ACCEPTED', outcome: 'applied', sinqro: 'sent to Sinqro' },
      T1,
    );
    const item = ddb.commandCalls(PutCommand)[0]?.args[0].input.Item;
    expect(item).toMatchObject({
      at: T1,
      SK: expect.stringMatching(/^EVT#2025-03-14T19:00:00.000Z#/),
      sinqro: 'sent to Sinqro',
    });
  });
});

describe('findOrderByPosOrderId', () => {
  const ours = { restaurantId: 5120, kind: 'order' as const };

  it('finds the key through the GSI (keys only), then reads the order consistently', async () => {
    ddb.on(QueryCommand).resolves({ Items: [{ PK: 'ORDER#900001', SK: 'STATE', GSI1PK: 'POSORDER#reference#pos-1' }] });
    ddb.on(GetCommand).resolves({ Item: stateItem({ posOrderId: 'pos-1' }) });
    await expect(findOrderByPosOrderId('reference', 'pos-1', ours)).resolves.toMatchObject({ orderId: 900001 });
    expect(ddb.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      IndexName: 'GSI1',
      ExpressionAttributeValues: { ':pk': 'POSORDER#reference#pos-1' },
    });
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
      Key: { PK: 'ORDER#900001', SK: 'STATE' },
      ConsistentRead: true,
    });
  });

  it('answers undefined when the POS id is unknown, or the index entry is stale', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    await expect(findOrderByPosOrderId('reference', 'walk-in', ours)).resolves.toBeUndefined();
    ddb.on(QueryCommand).resolves({ Items: [{ PK: 'ORDER#900001', SK: 'STATE' }] });
    ddb.on(GetCommand).resolves({ Item: stateItem({ posOrderId: 'pos-2' }) });
    await expect(findOrderByPosOrderId('reference', 'pos-1', ours)).resolves.toBeUndefined();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('reads every index entry of a POS id several locations use (all pages), and keeps this restaurant’s', async () => {
    ddb
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ PK: 'ORDER#900001', SK: 'STATE' }], LastEvaluatedKey: { PK: 'ORDER#900001' } })
      .resolves({
        Items: [
          { PK: 'RESV#900002', SK: 'STATE' },
          { PK: 'ORDER#900003', SK: 'STATE' },
        ],
      });
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({
      Item: stateItem({ posOrderId: 'T-1001', restaurantId: 6000 }),
    });
    ddb.on(GetCommand, { Key: { PK: 'RESV#900002', SK: 'STATE' } }).resolves({
      Item: stateItem({ orderId: 900002, kind: 'reservation', status: 'SEATED', posOrderId: 'T-1001' }),
    });
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900003', SK: 'STATE' } }).resolves({
      Item: stateItem({ orderId: 900003, posOrderId: 'T-1001' }),
    });
    await expect(findOrderByPosOrderId('reference', 'T-1001', ours)).resolves.toMatchObject({ orderId: 900003 });
    expect(ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.Limit)).toEqual([undefined, undefined]);
    expect(ddb.commandCalls(QueryCommand)[1]?.args[0].input.ExclusiveStartKey).toEqual({ PK: 'ORDER#900001' });
  });
});

describe('getOrder: a reservation stored under the old key', () => {
  it('moves it to its own partition on first read, out of the index, marked and expiring', async () => {
    const old = {
      ...stateItem({ kind: 'reservation', status: 'CONFIRMED', posOrderId: 'res_1' }),
      GSI1PK: 'POSORDER#reference#res_1',
      GSI1SK: 'ORDER#900001',
    };
    ddb
      .on(GetCommand, { Key: { PK: 'RESV#900001', SK: 'STATE' } })
      .resolvesOnce({})
      .resolves({ Item: { ...old, PK: 'RESV#900001', GSI1SK: 'RESV#900001' } });
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({ Item: old });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await expect(getOrder('reservation', 900001)).resolves.toMatchObject({
      kind: 'reservation',
      status: 'CONFIRMED',
    });
    expect(ddb.commandCalls(PutCommand)[0]?.args[0].input).toMatchObject({
      Item: {
        PK: 'RESV#900001',
        SK: 'STATE',
        GSI1PK: 'POSORDER#reference#res_1',
        GSI1SK: 'RESV#900001',
        status: 'CONFIRMED',
      },
      ConditionExpression: 'attribute_not_exists(PK)',
    });
    const moved = sentUpdate();
    expect(moved).toMatchObject({
      Key: { PK: 'ORDER#900001', SK: 'STATE' },
      ExpressionAttributeValues: { ':to': 'RESV#900001' },
    });
    expect(moved.UpdateExpression).toMatch(/REMOVE GSI1PK, GSI1SK/);
    expect(moved.ExpressionAttributeValues?.[':exp']).toBeGreaterThan(Date.now() / 1000);
  });

  it('leaves an order with the same id where it is, and answers undefined', async () => {
    ddb.on(GetCommand, { Key: { PK: 'RESV#900001', SK: 'STATE' } }).resolves({});
    ddb.on(GetCommand, { Key: { PK: 'ORDER#900001', SK: 'STATE' } }).resolves({ Item: stateItem() });
    await expect(getOrder('reservation', 900001)).resolves.toBeUndefined();
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('does not read an order’s key twice: only reservations had the old key', async () => {
    ddb.on(GetCommand).resolves({});
    await expect(getOrder('order', 900001)).resolves.toBeUndefined();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});
