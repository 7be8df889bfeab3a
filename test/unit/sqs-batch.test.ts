import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { PermanentError, RetryableError } from '../../functions/core/errors';
import type { StatusNews } from '../../functions/core/messages';
import { Logger } from '../../functions/infra/logger';
import { sendToSinqro } from '../../functions/sinqro/to-sinqro';
import { processBatch, queueUrlOf } from '../../functions/worker/sqs-batch';
import { captureLogs, clearBridgeEnv, setBridgeEnv, TO_SINQRO_QUEUE_URL } from './support/bridge-env';
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

const sqs = mockClient(SQSClient);

describe('backing off by receive count', () => {
  beforeEach(() => sqs.reset());
  afterEach(() => sqs.reset());
  const received = (n: number, record = sqsRecord({}, 'm-1')) => {
    record.attributes.ApproximateReceiveCount = String(n);
    return record;
  };
  const visibilities = () => sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => c.args[0].input);

  it('a 429 with Retry-After: 1 comes back after the 30 s floor, not after 1 s', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const record = received(1);
    await processBatch(sqsEvent([record]), new Logger('test'), async () => {
      throw new RetryableError('sinqro answered 429', { retryAfterMs: 1000 });
    });
    expect(visibilities()).toHaveLength(1);
    expect(visibilities()[0]).toMatchObject({ QueueUrl: queueUrlOf(record), ReceiptHandle: record.receiptHandle });
    expect(visibilities()[0]?.VisibilityTimeout).toBeGreaterThanOrEqual(30);
    expect(visibilities()[0]?.VisibilityTimeout).toBeLessThanOrEqual(45);
    expect(queueUrlOf(record)).toMatch(/^https:\/\/sqs\.[a-z0-9-]+\.amazonaws\.com\/\d+\/[\w-]+$/);
  });

  it('backs off every retryable failure by its receive count, with or without Retry-After', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await processBatch(sqsEvent([received(4)]), new Logger('test'), async () => {
      throw new RetryableError('POS timed out');
    });
    const v = visibilities()[0]?.VisibilityTimeout as number;
    expect(v).toBeGreaterThanOrEqual(240);
    expect(v).toBeLessThanOrEqual(360);
  });

  it('honours a Retry-After longer than the step it is on', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await processBatch(sqsEvent([received(1)]), new Logger('test'), async () => {
      throw new RetryableError('Sinqro in maintenance', { retryAfterMs: 900_000 });
    });
    expect(visibilities()[0]?.VisibilityTimeout).toBe(900);
  });

  it('gives a failure that will not pass (not retryable) only the floor each time: it reaches the DLQ soon', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    await processBatch(sqsEvent([received(9)]), new Logger('test'), async () => {
      throw new PermanentError('restaurant 1 is not linked', 'RESTAURANT_NOT_LINKED');
    });
    expect(visibilities()[0]?.VisibilityTimeout).toBe(30);
  });

  it('still reports the failure when the visibility cannot be changed', async () => {
    sqs.on(ChangeMessageVisibilityCommand).rejects(new Error('throttled'));
    const result = await processBatch(sqsEvent([sqsRecord({}, 'm-1')]), new Logger('test'), async () => {
      throw new RetryableError('429', { retryAfterMs: 1000 });
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});

describe('FIFO message groups', () => {
  const inGroup = (group: string, messageId: string) => {
    const record = sqsRecord({}, messageId);
    record.attributes.MessageGroupId = group;
    return record;
  };

  it('works the records of one group one after the other, in order, and other groups beside them', async () => {
    const log: string[] = [];
    const event = sqsEvent([inGroup('a', 'a-1'), inGroup('b', 'b-1'), inGroup('a', 'a-2'), inGroup('a', 'a-3')]);
    await processBatch(event, new Logger('test'), async (record) => {
      log.push(`start ${record.messageId}`);
      await new Promise((r) => setTimeout(r, record.messageId === 'a-1' ? 30 : 5));
      log.push(`end ${record.messageId}`);
    });
    const a = log.filter((l) => l.includes(' a-'));
    expect(a).toEqual(['start a-1', 'end a-1', 'start a-2', 'end a-2', 'start a-3', 'end a-3']);
    expect(log.indexOf('end b-1')).toBeLessThan(log.indexOf('end a-1'));
  });

  it('after a record fails, reports the later records of its group failed without working them', async () => {
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const seen: string[] = [];
    const event = sqsEvent([inGroup('a', 'a-1'), inGroup('a', 'a-2'), inGroup('b', 'b-1'), inGroup('a', 'a-3')]);
    const result = await processBatch(event, new Logger('test'), async (record) => {
      seen.push(record.messageId);
      if (record.messageId === 'a-2') throw new RetryableError('Sinqro answered 503');
    });
    expect(seen.sort()).toEqual(['a-1', 'a-2', 'b-1']);
    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'a-2' }, { itemIdentifier: 'a-3' }]);
    sqs.reset();
  });
});

describe('status news for Sinqro in a batch', () => {
  const news = (orderId: number): StatusNews => ({
    type: 'status',
    orderId,
    kind: 'order',
    orderType: 'delivery',
    restaurantId: 5120,
    status: 'ACCEPTED',
    occurredAt: '2025-03-14T19:10:00.000Z',
  });
  const records = (n: number) => sqsEvent(Array.from({ length: n }, (_, i) => sqsRecord({ i }, `m-${i + 1}`)));
  const publishEach = async (record: { messageId: string }) => {
    await sendToSinqro(news(Number(record.messageId.slice(2))), { orderId: record.messageId });
  };
  beforeEach(() => setBridgeEnv());
  afterEach(() => {
    sqs.reset();
    clearBridgeEnv();
  });

  it('are sent together after the work, ten per SendMessageBatch, and not one by one', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.map((e) => ({ Id: e.Id })),
      Failed: [],
    }));
    await expect(processBatch(records(12), new Logger('test'), publishEach)).resolves.toEqual({
      batchItemFailures: [],
    });
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.Entries?.length).sort()).toEqual([10, 2]);
    expect(calls[0]?.QueueUrl).toBe(TO_SINQRO_QUEUE_URL);
    const bodies = calls.flatMap((c) => c.Entries ?? []).map((e) => JSON.parse(e.MessageBody as string));
    expect(bodies.map((b) => b.orderId).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(bodies.every((b) => b.v === 1)).toBe(true);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('report the record whose news SQS did not take, and only that one', async () => {
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: input.Entries.filter((e) => e.Id !== '1').map((e) => ({ Id: e.Id })),
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
    }));
    await expect(processBatch(records(3), new Logger('test'), publishEach)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-2' }],
    });
  });

  it('report every record of a batch call that failed as a whole', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('SQS unavailable'));
    await expect(processBatch(records(2), new Logger('test'), publishEach)).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }],
    });
  });

  it('of a record whose work then failed are not sent', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const result = await processBatch(records(1), new Logger('test'), async (record) => {
      await publishEach(record);
      throw new Error('failed after publishing');
    });
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});
