import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { RetryableError } from '../../functions/shared/errors';
import { Logger } from '../../functions/shared/logger';
import { processBatch, queueUrlOf } from '../../functions/shared/sqs-batch';
import { captureLogs } from './support/bridge-env';
import { sqsEvent, sqsRecord } from './support/fixtures';

let logs: string[];
beforeEach(() => {
  logs = captureLogs();
});

describe('processBatch', () => {
  it('reports only the records whose work failed', async () => {
    const event = sqsEvent([
      sqsRecord({ n: 1 }, 'm-1'),
      sqsRecord({ n: 2 }, 'm-2'),
      sqsRecord({ n: 3 }, 'm-3'),
      sqsRecord({ n: 4 }, 'm-4'),
    ]);
    const result = await processBatch(event, new Logger('test'), async (record) => {
      if (record.messageId === 'm-2' || record.messageId === 'm-4') throw new Error('POS timed out');
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-4' }] });
  });

  it('reports no failures when every record succeeds', async () => {
    const result = await processBatch(
      sqsEvent([sqsRecord({}, 'm-1'), sqsRecord({}, 'm-2')]),
      new Logger('test'),
      async () => undefined,
    );
    expect(result).toEqual({ batchItemFailures: [] });
  });

  it('processes every record even after one has failed', async () => {
    const seen: string[] = [];
    await processBatch(
      sqsEvent([sqsRecord({}, 'm-1'), sqsRecord({}, 'm-2'), sqsRecord({}, 'm-3')]),
      new Logger('test'),
      async (record) => {
        seen.push(record.messageId);
        if (record.messageId === 'm-1') throw new Error('boom');
      },
    );
    expect(seen.sort()).toEqual(['m-1', 'm-2', 'm-3']);
  });

  it('reports a record whose work threw something that is not an Error', async () => {
    const result = await processBatch(sqsEvent([sqsRecord({}, 'm-1')]), new Logger('test'), async () => {
      throw 'plain string';
    });
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
  });

  it('logs the failed message id and its receive count, but not its body', async () => {
    await processBatch(sqsEvent([sqsRecord({ consumer: 'Laura Gómez' }, 'm-7')]), new Logger('test'), async () => {
      throw new Error('boom');
    });
    expect(logs.join('\n')).toContain('"messageId":"m-7"');
    expect(logs.join('\n')).toContain('"receiveCount":1');
    expect(logs.join('\n')).not.toContain('Laura');
  });
});

describe('retrying after Retry-After', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('shortens a record’s visibility to the Retry-After the API gave, so it comes back then', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const record = sqsRecord({}, 'm-1');
    await processBatch(sqsEvent([record]), new Logger('test'), async () => {
      throw new RetryableError('sinqro answered 429', { retryAfterMs: 2500 });
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input)).toEqual([
      { QueueUrl: queueUrlOf(record), ReceiptHandle: record.receiptHandle, VisibilityTimeout: 3 },
    ]);
    expect(queueUrlOf(record)).toMatch(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d+\/[\w-]+$/);
  });

  it('leaves the visibility alone when the failure gave no time to come back', async () => {
    await processBatch(sqsEvent([sqsRecord({}, 'm-1')]), new Logger('test'), async () => {
      throw new RetryableError('POS timed out');
    });
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand)).toHaveLength(0);
  });

  it('still reports the failure when the visibility cannot be changed', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('throttled'));
    const result = await processBatch(sqsEvent([sqsRecord({}, 'm-1')]), new Logger('test'), async () => {
      throw new RetryableError('429', { retryAfterMs: 1000 });
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});
