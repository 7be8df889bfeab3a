/**
 * The local SQS's long poll and the local event source mapping (local/runtime/queue-poller.ts), through the real
 * SQS client. A long poll answers when a message can be received (a send, a delete freeing a FIFO group,
 * a visibility change), not at the end of its wait; a caller that went away takes nothing; the poller
 * hands what one receive returned to the handler at once, deletes only what the handler did not report
 * failed, and stops without waiting out its long polls.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { QueuePoller } from '../../local/runtime/queue-poller';
import { LocalSqs } from '../../local/runtime/sqs-server';

let local: LocalSqs;
let sqs: SQSClient;
let endpoint: string;

beforeAll(async () => {
  local = new LocalSqs();
  endpoint = await local.start();
  process.env.AWS_ENDPOINT_URL_SQS = endpoint;
  process.env.AWS_REGION = 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID = 'x';
  process.env.AWS_SECRET_ACCESS_KEY = 'x';
  sqs = new SQSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  sqs.destroy();
  await local.stop();
});

let n = 0;
const newQueue = (fifo = false) => {
  n += 1;
  return local.createQueue(`long-poll-${n}${fifo ? '.fifo' : ''}`, {
    VisibilityTimeout: '30',
    ...(fifo ? { FifoQueue: 'true' } : {}),
  });
};
/**
 * A long poll of 20 s, as Lambda's pollers make: one that answered only at the end of its wait would
 * outlast the test's 5 s timeout, so each test below fails if the poll does not answer when it should.
 */
const longPoll = (url: string, abortSignal?: AbortSignal) =>
  sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 20 }), {
    abortSignal,
  });
/** Lets the long poll reach the server and start waiting. */
const waiting = () => new Promise((r) => setTimeout(r, 100));

test('a long poll answers with a message sent while it waits', async () => {
  const { url } = newQueue();
  const poll = longPoll(url);
  await waiting();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'order.created' }));
  expect((await poll).Messages?.map((m) => m.Body)).toEqual(['order.created']);
});

test('a long poll takes a whole batch sent at once, not just its first message', async () => {
  const { url } = newQueue();
  const poll = longPoll(url);
  await waiting();
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: url,
      Entries: ['a', 'b', 'c'].map((body) => ({ Id: body, MessageBody: body })),
    }),
  );
  expect((await poll).Messages?.map((m) => m.Body)).toEqual(['a', 'b', 'c']);
});

test('a long poll on a FIFO queue gets the next message of a group as soon as the one in flight is deleted', async () => {
  const { url } = newQueue(true);
  for (const body of ['accepted', 'preparing'])
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: body,
        MessageGroupId: 'order#1',
        MessageDeduplicationId: body,
      }),
    );
  const [first] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 1 }))).Messages ?? [];
  expect(first?.Body).toBe('accepted');
  const poll = longPoll(url); // the group is held: nothing yet
  await waiting();
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first?.ReceiptHandle }));
  expect((await poll).Messages?.map((m) => m.Body)).toEqual(['preparing']);
});

test('a long poll gets a message whose visibility timeout is cut to 0 while it waits', async () => {
  const { url } = newQueue();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'retry me' }));
  const [taken] = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }))).Messages ?? [];
  const poll = longPoll(url);
  await waiting();
  await sqs.send(
    new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: taken?.ReceiptHandle, VisibilityTimeout: 0 }),
  );
  const [again] = (await poll).Messages ?? [];
  expect(again?.Body).toBe('retry me');
  expect(again?.Attributes?.ApproximateReceiveCount ?? '2').toBe('2');
});

test('a long poll whose caller went away takes nothing: the message goes to the next receive', async () => {
  const { name, url } = newQueue();
  const abort = new AbortController();
  const gone = longPoll(url, abort.signal).catch((error: Error) => error);
  await waiting();
  abort.abort();
  await gone;
  await waiting();
  await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'for the living' }));
  await waiting();
  expect(local.depth(name)).toEqual({ visible: 1, inFlight: 0 });
  const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
  expect(out.Messages?.map((m) => m.Body)).toEqual(['for the living']);
});

describe('the local event source mapping', () => {
  const pollerFor = (
    q: { url: string; arn: string },
    handler: (event: SQSEvent) => Promise<{ batchItemFailures: { itemIdentifier: string }[] } | undefined>,
  ) =>
    new QueuePoller({
      functionName: 'test-consumer',
      queueUrl: q.url,
      queueArn: q.arn,
      handler: (event) => handler(event),
      concurrency: 1,
      batchSize: 10,
      timeoutMs: 5000,
    });

  test('invokes with the messages one receive returned, and deletes all but those reported failed', async () => {
    const q = newQueue();
    const batches: string[][] = [];
    let delivered!: () => void;
    const done = new Promise<void>((r) => {
      delivered = r;
    });
    const poller = pollerFor(q, async (event) => {
      batches.push(event.Records.map((r) => r.body));
      delivered();
      const failed = event.Records.filter((r) => r.body === 'bad');
      return { batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    poller.start();
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: ['good', 'bad', 'fine'].map((body) => ({ Id: body, MessageBody: body })),
      }),
    );
    await done;
    await poller.stop();
    expect(batches).toEqual([['good', 'bad', 'fine']]);
    // Only the failed record is left, in flight until its visibility timeout ends.
    expect(local.depth(q.name)).toEqual({ visible: 0, inFlight: 1 });
    expect(local.bodies(q.name)).toEqual(['bad']);
  });

  test('stops without waiting out its long polls (20 s each), and invokes nothing after it stopped', async () => {
    const q = newQueue();
    const poller = pollerFor(q, async () => undefined);
    poller.start();
    await waiting();
    await poller.stop();
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'after stop' }));
    await waiting();
    expect(poller.invocations).toBe(0);
  });
});
