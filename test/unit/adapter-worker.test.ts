import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { METRICS } from '../../functions/infra/metrics';
import { captureLogs, clearBridgeEnv, setBridgeEnv } from './support/bridge-env';
import { envelope, lambdaContext, setPath, sqsEvent, sqsRecord } from './support/fixtures';

const ddb = mockClient(DynamoDBDocumentClient);

/** A fresh copy of the worker module: it binds its adapter from POS_CODE once per container. */
async function freshWorker(): Promise<typeof import('../../functions/adapter-worker')> {
  let loaded: typeof import('../../functions/adapter-worker') | undefined;
  await jest.isolateModulesAsync(async () => {
    loaded = await import('../../functions/adapter-worker');
  });
  return loaded as typeof import('../../functions/adapter-worker');
}

beforeEach(() => {
  setBridgeEnv();
  captureLogs();
  ddb.on(PutCommand).resolves({});
});

afterEach(() => {
  ddb.reset();
  clearBridgeEnv();
});

/** A Sinqro status change the POS has no action for: the worker only records it. */
const noActionMessage = () => ({
  type: 'sinqro-event',
  restaurantId: 5120,
  posCode: 'reference',
  receivedAt: '2025-03-14T19:01:03.000Z',
  event: setPath(envelope('order.status_changed'), 'data.status.code', 'accepted'),
});

describe('adapter-worker handler', () => {
  it('reports only the records that failed, so SQS redelivers just those', async () => {
    const { handler } = await import('../../functions/adapter-worker');
    const event = sqsEvent([
      sqsRecord(noActionMessage(), 'm-1'),
      sqsRecord('{not json', 'm-2'),
      sqsRecord(noActionMessage(), 'm-3'),
    ]);
    await expect(handler(event, lambdaContext())).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }] });
  });

  it('reports an unreadable message (unknown version, wrong shape) as failed, without working it, and works the others', async () => {
    const { handler } = await import('../../functions/adapter-worker');
    await handler(sqsEvent([sqsRecord(noActionMessage(), 'm-1')]), lambdaContext());
    const callsForOne = ddb.calls().length;
    ddb.resetHistory();
    const logs = captureLogs();
    const marker = { ...noActionMessage(), posCode: 'Jane Doe +33 6 12 34 56 78' };
    const event = sqsEvent([
      sqsRecord(noActionMessage(), 'm-1'),
      sqsRecord({ ...noActionMessage(), v: 2 }, 'm-2'),
      sqsRecord({ ...marker, restaurantId: undefined, v: 1 }, 'm-3'),
    ]);
    await expect(handler(event, lambdaContext())).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }],
    });
    expect(ddb.calls()).toHaveLength(callsForOne);
    const unreadable = logs.map((l) => JSON.parse(l)).filter((l) => l.msg?.startsWith('unreadable message'));
    expect(unreadable).toEqual([
      expect.objectContaining({ level: 'error', messageId: 'm-2', queue: 'work', version: 2, paths: 'v' }),
      expect.objectContaining({ level: 'error', messageId: 'm-3', queue: 'work', version: 1, paths: 'restaurantId' }),
    ]);
    expect(logs.filter((l) => l.includes(`"${METRICS.unreadableMessages}":1`))).toHaveLength(2);
    expect(logs.join('\n')).not.toContain('Jane');
  });

  it('refuses to run with a POS_CODE no adapter is registered for', async () => {
    process.env.POS_CODE = 'nosuchpos';
    const { handler } = await freshWorker();
    await expect(async () => handler(sqsEvent([]), lambdaContext())).rejects.toThrow(
      'POS_CODE nosuchpos names no registered adapter',
    );
  });
});
