/**
 * The local SQS keeps FIFO's rules, through the real SQS client: the to-sinqro queue's ordering per order
 * rests on them in every local run, test and chaos run.
 */
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LocalSqs } from '../../local/runtime/sqs-server';

let local: LocalSqs;
let sqs: SQSClient;
let url: string;
let dlqName: string;

beforeAll(async () => {
  local = new LocalSqs();
  const endpoint = await local.start();
  sqs = new SQSClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
});
afterAll(async () => {
  sqs.destroy();
  await local.stop();
});

let n = 0;
beforeEach(() => {
  n += 1;
  const dlq = local.createQueue(`q${n}-dlq.fifo`, { FifoQueue: 'true' });
  dlqName = dlq.name;
  url = local.createQueue(`q${n}.fifo`, {
    FifoQueue: 'true',
    VisibilityTimeout: '30',
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
  }).url;
});

const send = (group: string, body: string, dedupeId = `${group}-${body}`) =>
  sqs.send(
    new SendMessageCommand({
      QueueUrl: url,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: dedupeId,
    }),
  );
const receive = async (max = 10): Promise<Message[]> =>
  (
    await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: max, MessageSystemAttributeNames: ['All'] }),
    )
  ).Messages ?? [];
const bodies = (ms: Message[]) => ms.map((m) => m.Body);

test('a group with a message in flight gives nothing more; other groups still do', async () => {
  await send('order#1', 'accepted');
  await send('order#1', 'preparing');
  await send('order#2', 'accepted');
  const first = await receive(1);
  expect(bodies(first)).toEqual(['accepted']);
  expect(first[0]?.Attributes?.MessageGroupId).toBe('order#1');
  expect(bodies(await receive())).toEqual(['accepted']); // order#2's; order#1 is held
  expect(await receive()).toEqual([]);
  await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first[0]?.ReceiptHandle }));
  expect(bodies(await receive())).toEqual(['preparing']);
});

test('a group comes back in order after a failure, however the visibilities were set', async () => {
  await send('order#1', 'accepted');
  await send('order#1', 'preparing');
  const both = await receive();
  expect(bodies(both)).toEqual(['accepted', 'preparing']);
  // The later one becomes visible first: it still waits for the one before it.
  await sqs.send(
    new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: both[1]?.ReceiptHandle, VisibilityTimeout: 0 }),
  );
  expect(await receive()).toEqual([]);
  await sqs.send(
    new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: both[0]?.ReceiptHandle, VisibilityTimeout: 0 }),
  );
  const again = await receive();
  expect(bodies(again)).toEqual(['accepted', 'preparing']);
  expect(again.map((m) => m.Attributes?.ApproximateReceiveCount)).toEqual(['2', '2']);
});

test('a deduplication id seen in the last 5 minutes is taken but not queued again', async () => {
  const a = await send('order#1', 'accepted', 'same');
  const b = await send('order#1', 'accepted', 'same');
  expect(b.MessageId).toBe(a.MessageId);
  expect(bodies(await receive())).toEqual(['accepted']);
});

test('refuses a message without a group, or without a deduplication id, as SQS does', async () => {
  await expect(sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }))).rejects.toThrow(/MessageGroupId/);
  const out = await sqs.send(
    new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: '1', MessageBody: 'x', MessageGroupId: 'g' }] }),
  );
  expect(out.Failed?.map((f) => f.Id)).toEqual(['1']);
});

test('after maxReceiveCount receives the message goes to the FIFO DLQ, and its group moves on', async () => {
  await send('order#1', 'accepted');
  await send('order#1', 'preparing');
  for (let i = 0; i < 3; i++) {
    const [m] = await receive(1);
    expect(m?.Body).toBe('accepted');
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: m?.ReceiptHandle, VisibilityTimeout: 0 }),
    );
  }
  expect(bodies(await receive(1))).toEqual(['preparing']);
  expect(local.bodies(dlqName)).toEqual(['accepted']);
});

test('refuses a body with a character SQS does not carry (U+FFFF, U+FFFE, a control), as SQS does', async () => {
  for (const body of ['a\uFFFFb', '\uFFFE', 'a\u0001b']) {
    await expect(send('g', body)).rejects.toMatchObject({ name: 'InvalidMessageContents' });
  }
  await send('g', 'tab\t, newline\n, 😀 and \uFFFD are fine');
  expect(bodies(await receive())).toEqual(['tab\t, newline\n, 😀 and \uFFFD are fine']);
});
