import { MAX_MESSAGE_BYTES } from '../../functions/core/limits';
import { DEFAULT_RETRY_FLOOR_SECONDS, retryBudgetSeconds } from '../../functions/core/retry-backoff';
import { MAX_RECEIVE_COUNT } from '../../lib/work-queue';
import { type Built, buildStack, deadLetterQueueIds, queueId, resources, sourceQueueIds } from './fixture';

let built: Built;
beforeAll(() => {
  built = buildStack();
});

const queues = () => resources(built, 'AWS::SQS::Queue');

test('there is one work queue per adapter plus the to-sinqro queue, each with its own DLQ', () => {
  const expected = Object.keys(built.stack.workers).length + 1;
  expect(sourceQueueIds(built)).toHaveLength(expected);
  // + the event bus's DLQ
  expect(Object.keys(queues())).toHaveLength(expected * 2 + 1);
});

test('every queue is either a DLQ or sends to one, so no message can be lost silently', () => {
  const dlqs = deadLetterQueueIds(built);
  for (const [id, queue] of Object.entries(queues())) {
    expect(dlqs.has(id) || queue.Properties.RedrivePolicy !== undefined).toBe(true);
  }
});

test('a message moves to the DLQ after 14 receives: backed off from 30 s, more than a day of retries', () => {
  for (const id of sourceQueueIds(built)) {
    expect(queues()[id]?.Properties.RedrivePolicy).toMatchObject({ maxReceiveCount: 14 });
  }
  expect(retryBudgetSeconds(MAX_RECEIVE_COUNT, DEFAULT_RETRY_FLOOR_SECONDS)).toBeGreaterThan(86_400);
});

test('source queues keep messages 14 days, far longer than the retries before the DLQ', () => {
  for (const id of sourceQueueIds(built)) expect(queues()[id]?.Properties.MessageRetentionPeriod).toBe(1209600);
});

test('DLQs keep messages 14 days (the maximum), longer than their source queues', () => {
  for (const id of deadLetterQueueIds(built)) {
    expect(queues()[id]?.Properties.MessageRetentionPeriod).toBe(1209600);
  }
});

test('the to-sinqro queue and its DLQ are FIFO (one post per order in flight); the work queues are standard', () => {
  const toSinqro = queueId(built, built.stack.toSinqro.queue);
  const toSinqroDlq = queueId(built, built.stack.toSinqro.deadLetterQueue);
  for (const [id, queue] of Object.entries(queues())) {
    if (id === toSinqro || id === toSinqroDlq) expect(queue.Properties.FifoQueue).toBe(true);
    else expect(queue.Properties.FifoQueue).toBeUndefined();
  }
  // Explicit deduplication ids, and throughput per message group (one per order) rather than per queue.
  expect(queues()[toSinqro]?.Properties).toMatchObject({
    ContentBasedDeduplication: false,
    DeduplicationScope: 'messageGroup',
    FifoThroughputLimit: 'perMessageGroupId',
  });
});

test('every queue is encrypted at rest with SQS-managed keys', () => {
  for (const queue of Object.values(queues())) {
    expect(queue.Properties.SqsManagedSseEnabled).toBe(true);
    expect(queue.Properties.KmsMasterKeyId).toBeUndefined();
  }
});

test('every queue refuses requests not made over TLS', () => {
  const policies = Object.values(resources(built, 'AWS::SQS::QueuePolicy'));
  for (const id of Object.keys(queues())) {
    const policy = policies.find((p) => JSON.stringify(p.Properties.Queues).includes(`"${id}"`));
    expect(policy?.Properties.PolicyDocument).toMatchObject({
      Statement: expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 'sqs:*',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    });
  }
});

test('queues accept messages up to the size the functions check before sending (MAX_MESSAGE_BYTES)', () => {
  for (const queue of Object.values(queues())) expect(queue.Properties.MaximumMessageSize).toBe(MAX_MESSAGE_BYTES);
});

test("each adapter's work queue has its own DLQ, so one POS's failures never mix with another's", () => {
  const dlqTargets = Object.values(built.stack.workers).map((w) => queueId(built, w.work.deadLetterQueue));
  expect(new Set(dlqTargets).size).toBe(dlqTargets.length);
});
