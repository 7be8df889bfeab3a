import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { StatusNews } from '../../functions/core/messages';
import { ROUTES } from '../../functions/sinqro/client';
import { handler } from '../../functions/sinqro-publisher';
import { captureLogs, SINQRO_SECRET_NAME, writeBridgeSecrets } from './support/bridge-env';
import { lambdaContext, sqsEvent, sqsRecord, statusNews } from './support/fixtures';
import { auditsWritten, usePublisherEnv } from './support/publisher-env';
import { useSecretsFile } from './support/secrets-file';

const ddb = mockClient(DynamoDBDocumentClient);
const env = usePublisherEnv(ddb, { status: 204 });

beforeEach(() => {
  // The claim's UPDATED_OLD: rank 1 (INJECTED) was published before.
  ddb.on(UpdateCommand).resolves({ Attributes: { publishedRank: 1 } });
});

const news = statusNews;

const run = (...items: StatusNews[]) =>
  handler(sqsEvent(items.map((n, i) => sqsRecord(n, `m-${i + 1}`))), lambdaContext());
const claimCalls = () =>
  ddb
    .commandCalls(UpdateCommand)
    .filter((c) => c.args[0].input.UpdateExpression === 'SET publishedRank = :r, publishClaim = :t');

describe('sinqro-publisher handler', () => {
  it('posts the status to Sinqro’s order route with the module’s and the restaurant’s tokens', async () => {
    await expect(run(news())).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests[0]).toMatchObject({
      url: `/pos-app/v1/${ROUTES.orderStatus(900001)}`,
      headers: { 'x-api-server-access-token': 'server-token', 'x-api-user-access-token': 'user-token-5120' },
    });
    expect(JSON.parse(env.sinqro.requests[0]?.body ?? '')).toMatchObject({
      statusCode: 'accepted',
      posOrderId: 'pos-123',
    });
  });

  it('refuses a Sinqro secret without its server token before calling Sinqro, naming the secret and the field', async () => {
    const secrets = useSecretsFile();
    try {
      // e.g. only the webhook half of an old combined secret was put back
      writeBridgeSecrets(secrets, { [SINQRO_SECRET_NAME]: { webhookSigningSecrets: ['x'.repeat(32)] } });
      const logs = captureLogs();
      await expect(run(news())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
      expect(env.sinqro.requests).toEqual([]);
      expect(logs.join('\n')).toContain(
        `secret ${SINQRO_SECRET_NAME} is malformed: serverAccessToken is not a non-empty string`,
      );
    } finally {
      secrets.remove();
    }
  });

  it('reports an unreadable message as failed before any work, and publishes the others of the batch', async () => {
    const logs = captureLogs();
    const event = sqsEvent([
      sqsRecord(news(), 'm-1'),
      sqsRecord('{"type":"status","consumer":"Jane Doe"', 'm-2'),
      sqsRecord({ ...news({ orderId: 7 }), status: 'LOST', v: 1 }, 'm-3'),
      sqsRecord({ ...news({ orderId: 8 }), v: 9 }, 'm-4'),
      sqsRecord({ ...news({ orderId: 9, kind: 'reservation' }), v: 1 }, 'm-5'),
    ]);
    await expect(handler(event, lambdaContext())).resolves.toEqual({
      batchItemFailures: ['m-2', 'm-3', 'm-4', 'm-5'].map((itemIdentifier) => ({ itemIdentifier })),
    });
    expect(env.sinqro.requests.map((r) => r.url)).toEqual([`/pos-app/v1/${ROUTES.orderStatus(900001)}`]);
    const unreadable = logs.map((l) => JSON.parse(l)).filter((l) => l.msg?.startsWith('unreadable message'));
    expect(unreadable.map((l) => [l.level, l.messageId, l.version, l.paths])).toEqual([
      ['error', 'm-2', 'none', ''],
      ['error', 'm-3', 1, 'status'],
      ['error', 'm-4', 9, 'v'],
      ['error', 'm-5', 1, 'status'],
    ]);
    expect(logs.join('\n')).not.toContain('Jane');
  });

  it('claims the status rank before calling Sinqro, so a late message cannot move Sinqro backwards', async () => {
    await run(news({ status: 'PREPARING' }));
    expect(claimCalls()[0]?.args[0].input.ExpressionAttributeValues).toEqual({ ':r': 3, ':t': expect.any(String) });
  });

  it('reads no order state: the claim itself returns the rank it replaced', async () => {
    await run(news({ status: 'PREPARING' }));
    expect(ddb.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.PK === 'ORDER#900001')).toHaveLength(0);
  });

  it('sends the completion code that fits the order type (a delivered delivery)', async () => {
    await run(news({ status: 'COMPLETED' }));
    expect(JSON.parse(env.sinqro.requests[0]?.body ?? '')).toMatchObject({ statusCode: 'delivered' });
  });

  it('skips, without failing, a status when Sinqro already has a later one', async () => {
    ddb
      .on(UpdateCommand, { UpdateExpression: 'SET publishedRank = :r, publishClaim = :t' })
      .rejects(Object.assign(new Error('no'), { name: 'ConditionalCheckFailedException' }));
    await expect(run(news())).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests).toHaveLength(0);
  });

  it('reports the message for retry when Sinqro answers 503, and gives the claim back to the previous rank', async () => {
    env.sinqro.reply({ status: 503, body: {} });
    await expect(run(news({ status: 'READY' }))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    const release = ddb
      .commandCalls(UpdateCommand)
      .find((c) => c.args[0].input.ConditionExpression === 'publishClaim = :t');
    const token = claimCalls()[0]?.args[0].input.ExpressionAttributeValues?.[':t'];
    expect(release?.args[0].input.ExpressionAttributeValues).toEqual({ ':t': token, ':prev': 1 });
  });

  it('reports the message as failed when the restaurant is no longer linked, without calling Sinqro', async () => {
    await expect(run(news({ restaurantId: 777 }))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(env.sinqro.requests).toHaveLength(0);
  });

  it('sends only the newest status of an order in a batch, and records the older ones as skipped', async () => {
    await expect(
      run(news({ status: 'ACCEPTED' }), news({ status: 'READY' }), news({ status: 'PREPARING' }), news({ orderId: 7 })),
    ).resolves.toEqual({ batchItemFailures: [] });
    expect(env.sinqro.requests.map((r) => [r.url, JSON.parse(r.body ?? '').statusCode]).sort()).toEqual([
      [`/pos-app/v1/${ROUTES.orderStatus(7)}`, 'accepted'],
      [`/pos-app/v1/${ROUTES.orderStatus(900001)}`, 'ready'],
    ]);
    const skipped = auditsWritten(ddb).filter((a) => String(a.outcome).includes('later status'));
    expect(skipped.map((a) => a.status).sort()).toEqual(['ACCEPTED', 'PREPARING']);
  });

  it('writes a batch’s audit records together, in one BatchWriteItem', async () => {
    await expect(run(news(), news({ orderId: 900002, status: 'PREPARING' }))).resolves.toEqual({
      batchItemFailures: [],
    });
    const batches = ddb.commandCalls(BatchWriteCommand);
    expect(batches).toHaveLength(1);
    expect(auditsWritten(ddb).map((a) => [a.status, a.outcome])).toEqual([
      ['ACCEPTED', 'sent to Sinqro'],
      ['PREPARING', 'sent to Sinqro'],
    ]);
    expect(ddb.commandCalls(PutCommand).filter((c) => String(c.args[0].input.Item?.SK).startsWith('EVT#'))).toEqual([]);
  });

  it('writes the worker’s record carried by the news as one record, with what Sinqro made of it', async () => {
    const applied = {
      what: 'pos-status',
      source: 'reference',
      status: 'ACCEPTED',
      outcome: 'applied',
      code: 'evt-7',
      at: '2025-03-14T19:10:01.000Z',
    };
    await expect(run(news({ audit: applied }))).resolves.toEqual({ batchItemFailures: [] });
    ddb.on(UpdateCommand).resolves({ Attributes: { publishedRank: 4 } });
    ddb
      .on(UpdateCommand, { UpdateExpression: 'SET publishedRank = :r, publishClaim = :t' })
      .rejects(Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' }));
    await run(news({ status: 'PREPARING', audit: { ...applied, status: 'PREPARING', code: 'evt-8' } }));
    expect(auditsWritten(ddb)).toEqual([
      expect.objectContaining({
        ...applied,
        SK: expect.stringMatching(/^EVT#2025-03-14T19:10:01.000Z#/),
        sinqro: 'sent to Sinqro',
        sinqroAt: expect.any(String),
      }),
      expect.objectContaining({
        code: 'evt-8',
        outcome: 'applied',
        sinqro: 'skipped: Sinqro already has a later status',
      }),
    ]);
    expect(auditsWritten(ddb).some((a) => a.what === 'publish')).toBe(false);
  });

  it('writes the carried record with each attempt’s outcome: the failed one, then the one that was sent', async () => {
    const applied = {
      what: 'pos-status',
      source: 'reference',
      status: 'READY',
      outcome: 'applied',
      code: 'evt-9',
      at: '2025-03-14T19:20:01.000Z',
    };
    env.sinqro.reply({ status: 503, body: {} });
    await expect(run(news({ status: 'READY', audit: applied }))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }],
    });
    env.sinqro.reply({ status: 204 });
    await expect(run(news({ status: 'READY', audit: applied }))).resolves.toEqual({ batchItemFailures: [] });
    const records = auditsWritten(ddb);
    expect(records.map((a) => [a.what, a.code, a.outcome, a.sinqro])).toEqual([
      ['pos-status', 'evt-9', 'applied', 'failed'],
      ['pos-status', 'evt-9', 'applied', 'sent to Sinqro'],
    ]);
    expect(records[0]?.detail).toEqual(expect.stringContaining('503'));
    expect(records.every((a) => String(a.SK).startsWith('EVT#2025-03-14T19:20:01.000Z#'))).toBe(true);
  });

  it('reports a message for retry when its audit record could not be written after retries', async () => {
    ddb.on(BatchWriteCommand).callsFake(async (input) => ({ UnprocessedItems: input.RequestItems }));
    await expect(run(news())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(ddb.commandCalls(BatchWriteCommand)).toHaveLength(3);
  });

  it('reports only the failed message of a mixed batch', async () => {
    await expect(run(news(), news({ restaurantId: 777 }))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-2' }],
    });
  });
});
