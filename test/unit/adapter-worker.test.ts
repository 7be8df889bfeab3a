import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
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

  it('refuses to run with a POS_CODE no adapter is registered for', async () => {
    process.env.POS_CODE = 'nosuchpos';
    const { handler } = await freshWorker();
    await expect(async () => handler(sqsEvent([]), lambdaContext())).rejects.toThrow(
      'POS_CODE nosuchpos names no registered adapter',
    );
  });
});
