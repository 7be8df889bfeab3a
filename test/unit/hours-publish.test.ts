import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { ClosureNews, ScheduleNews } from '../../functions/core/messages';
import { ROUTES } from '../../functions/sinqro/client';
import { handler } from '../../functions/sinqro-publisher';
import { lambdaContext, sqsEvent, sqsRecord } from './support/fixtures';
import { auditsWritten, usePublisherEnv } from './support/publisher-env';

const ddb = mockClient(DynamoDBDocumentClient);
const env = usePublisherEnv(ddb, { status: 200, body: {} });

beforeEach(() => {
  ddb.on(UpdateCommand).resolves({});
});

const T0 = '2025-03-14T17:00:00.000Z';
const T1 = '2025-03-14T18:00:00.000Z';
const CLOSURE = { startsAt: T1, expiresAt: '2025-03-14T21:00:00.000Z' };
const RANGES: ScheduleNews['ranges'] = [
  { startDay: { id: 5 }, endDay: { id: 6 }, startTime: '20:00', endTime: '01:00', timezone: 'Europe/Madrid' },
];

const closureNews = (overrides: Partial<ClosureNews> = {}): ClosureNews => ({
  type: 'closure',
  restaurantId: 5120,
  hash: 'hash-closed',
  observedAt: T1,
  closure: CLOSURE,
  ...overrides,
});
const scheduleNews = (overrides: Partial<ScheduleNews> = {}): ScheduleNews => ({
  type: 'schedule',
  restaurantId: 5120,
  hash: 'hash-week',
  observedAt: T1,
  ranges: RANGES,
  ...overrides,
});

const run = (...items: (ClosureNews | ScheduleNews)[]) =>
  handler(sqsEvent(items.map((n, i) => sqsRecord(n, `m-${i + 1}`))), lambdaContext());

/** What Sinqro was last given, as the table item holds it. */
function stored(item: 'CLOSURE' | 'SCHEDULE', hash: string, observedAt: string, state: unknown = null) {
  ddb
    .on(GetCommand, { Key: { PK: 'REST#5120', SK: item } })
    .resolves({ Item: { PK: 'REST#5120', SK: item, hash, observedAt, sentAt: observedAt, state } });
}
/** The writes of what Sinqro accepted (not the touches of a repeat). */
const writes = (sk: string) =>
  ddb
    .commandCalls(UpdateCommand)
    .filter((c) => c.args[0].input.Key?.SK === sk && c.args[0].input.UpdateExpression?.includes('#hash = :hash'));
const audits = () => auditsWritten(ddb);

describe('publishHours: temporary closure (F7)', () => {
  it('puts the closure with its start and end on the selling point, with both tokens', async () => {
    await expect(run(closureNews())).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests).toHaveLength(1);
    expect(env.sinqro.requests[0]).toMatchObject({
      method: 'PUT',
      url: `/pos-app/v1/${ROUTES.closure(5120)}`,
      headers: { 'x-api-server-access-token': 'server-token', 'x-api-user-access-token': 'user-token-5120' },
    });
    expect(JSON.parse(env.sinqro.requests[0]?.body ?? '')).toEqual(CLOSURE);
  });

  it('sends an open-ended closure with expiresAt null', async () => {
    await run(closureNews({ closure: { startsAt: T1, expiresAt: null } }));
    expect(JSON.parse(env.sinqro.requests[0]?.body ?? '')).toEqual({ startsAt: T1, expiresAt: null });
  });

  it('deletes the closure when the restaurant opened again', async () => {
    await run(closureNews({ closure: null, hash: 'hash-open' }));
    expect(env.sinqro.requests[0]).toMatchObject({ method: 'DELETE', url: `/pos-app/v1/${ROUTES.closure(5120)}` });
  });

  it('counts “no closure to delete” (404) as done, and records it', async () => {
    env.sinqro.reply({
      status: 404,
      body: { errors: [], code: 'NOT_FOUND', message: 'none', httpResponseCode: '404' },
    });
    await expect(run(closureNews({ closure: null, hash: 'hash-open' }))).resolves.toEqual({ batchItemFailures: [] });
    expect(writes('CLOSURE')).toHaveLength(1);
  });

  it('records the hash, the state and when it was seen, after Sinqro accepted', async () => {
    await run(closureNews());
    expect(writes('CLOSURE')[0]?.args[0].input).toMatchObject({
      Key: { PK: 'REST#5120', SK: 'CLOSURE' },
      ConditionExpression: 'attribute_not_exists(observedAt) OR observedAt <= :observedAt',
      ExpressionAttributeValues: { ':hash': 'hash-closed', ':observedAt': T1, ':state': CLOSURE },
    });
  });

  it('records the sending in the restaurant’s audit trail', async () => {
    await run(closureNews());
    expect(audits()).toEqual([
      expect.objectContaining({ PK: 'REST#5120', what: 'closure', status: 'closed', outcome: 'sent to Sinqro' }),
    ]);
  });
});

describe('publishHours: schedule (F8)', () => {
  it('puts the whole week’s ranges on the selling point', async () => {
    await run(scheduleNews());
    expect(env.sinqro.requests[0]).toMatchObject({ method: 'PUT', url: `/pos-app/v1/${ROUTES.schedule(5120)}` });
    expect(JSON.parse(env.sinqro.requests[0]?.body ?? '')).toEqual({ ranges: RANGES });
  });

  it('records the schedule’s hash after Sinqro accepted', async () => {
    await run(scheduleNews());
    expect(writes('SCHEDULE')[0]?.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':hash': 'hash-week',
      ':state': RANGES,
    });
  });
});

describe('publishHours: only changes, only forwards', () => {
  it('does not send a state Sinqro already has (a redelivered message)', async () => {
    stored('SCHEDULE', 'hash-week', T1, RANGES);
    await expect(run(scheduleNews())).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests).toHaveLength(0);
    expect(writes('SCHEDULE')).toHaveLength(0);
  });

  it('remembers that Sinqro’s state was seen again later, so an older different state queued before loses to it', async () => {
    stored('SCHEDULE', 'hash-week', T0, RANGES);
    await run(scheduleNews({ observedAt: T1 }));
    const touch = ddb
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.UpdateExpression === 'SET observedAt = :observedAt');
    expect(touch?.args[0].input).toMatchObject({
      Key: { PK: 'REST#5120', SK: 'SCHEDULE' },
      ConditionExpression: '#hash = :hash AND observedAt < :observedAt',
      ExpressionAttributeValues: { ':hash': 'hash-week', ':observedAt': T1 },
    });
  });

  it('does not send a state older than the one Sinqro has (messages arrive out of order)', async () => {
    stored('CLOSURE', 'hash-open', T1, null);
    await expect(run(closureNews({ observedAt: T0 }))).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests).toHaveLength(0);
    expect(audits()[0]).toMatchObject({ what: 'closure', outcome: 'skipped: Sinqro already has a later state' });
  });

  it('sends a newer state over an older one', async () => {
    stored('CLOSURE', 'hash-open', T0, null);
    await run(closureNews({ observedAt: T1 }));
    expect(env.sinqro.requests).toHaveLength(1);
  });

  it('reports the message for retry when Sinqro answers 503, and records no hash (so the retry sends it)', async () => {
    env.sinqro.reply({ status: 503, body: {} });
    await expect(run(closureNews())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(writes('CLOSURE')).toHaveLength(0);
    expect(audits()[0]).toMatchObject({ what: 'closure', outcome: 'failed' });
  });

  it('reports the message as failed when Sinqro refuses the body (400), without recording it as sent', async () => {
    env.sinqro.reply({
      status: 400,
      body: { errors: [], code: 'INVALID_SCHEDULE', message: 'no', httpResponseCode: '400' },
    });
    await expect(run(scheduleNews())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(writes('SCHEDULE')).toHaveLength(0);
  });

  it('sends the later state again when an older one landed in Sinqro after it (concurrent publishers)', async () => {
    // Read before the call: nothing yet. The conditional write then finds a later state recorded meanwhile.
    ddb
      .on(GetCommand, { Key: { PK: 'REST#5120', SK: 'CLOSURE' } })
      .resolvesOnce({})
      .resolves({ Item: { hash: 'hash-open', observedAt: '2025-03-14T19:00:00.000Z', sentAt: T1, state: null } });
    ddb
      .on(UpdateCommand, { Key: { PK: 'REST#5120', SK: 'CLOSURE' } })
      .rejects(new ConditionalCheckFailedException({ message: 'newer', $metadata: {} }));
    await expect(run(closureNews())).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests.map((r) => r.method)).toEqual(['PUT', 'DELETE']);
  });
});
