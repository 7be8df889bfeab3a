/**
 * An SQS queue (standard, or FIFO) with its dead-letter queue and the two alarms that say work is stuck: any
 * message in the DLQ, and a source queue whose oldest message is getting old. Both queues are
 * encrypted (SQS-managed keys) and refuse non-TLS access.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { DeduplicationScope, FifoThroughputLimit, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_MESSAGE_BYTES, MAX_RECEIVE_COUNT } from '../functions/core/limits';

/** Receives before a message is parked in the DLQ (more than a day of backed-off retries). */
export { MAX_RECEIVE_COUNT };
/** The longest SQS allows; standard DLQs keep the original enqueue time, so they must outlive the source. */
export const DLQ_RETENTION = Duration.days(14);
/** Source queues keep messages as long as SQS allows too: the retries before the DLQ take up to about 2 days. */
export const QUEUE_RETENTION = Duration.days(14);
/** Messages per invocation: SQS's default, and what a partial batch response is sized for. */
export const BATCH_SIZE = 10;
/** Lambda's guidance: visibility ≥ 6 × the consumer's timeout, so throttled retries fit in one window. */
export const VISIBILITY_FACTOR = 6;

export type WorkQueueProps = {
  /** What the queue carries, for alarm descriptions. */
  purpose: string;
  /** Timeout of the Lambda that consumes the queue. */
  consumerTimeout: Duration;
  oldestMessageAge: Duration;
  /**
   * A FIFO queue (and FIFO DLQ): messages of one group are delivered in order, one batch at a time. Senders
   * give each message a group id and a deduplication id; throughput is per message group.
   */
  fifo?: boolean;
};

export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const fifo = props.fifo
      ? {
          fifo: true,
          contentBasedDeduplication: false,
          deduplicationScope: DeduplicationScope.MESSAGE_GROUP,
          fifoThroughputLimit: FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        }
      : {};
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      ...(props.fifo ? { fifo: true } : {}),
      retentionPeriod: DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    });
    this.visibilityTimeout = Duration.seconds(props.consumerTimeout.toSeconds() * VISIBILITY_FACTOR);
    this.queue = new Queue(this, 'Queue', {
      ...fifo,
      retentionPeriod: QUEUE_RETENTION,
      visibilityTimeout: this.visibilityTimeout,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: MAX_RECEIVE_COUNT },
    });
    dlqNotEmptyAlarm(this, 'DlqNotEmpty', this.deadLetterQueue, props.purpose);
    new Alarm(this, 'OldestMessageAge', {
      alarmDescription: `${props.purpose}: oldest message older than ${props.oldestMessageAge.toSeconds()} s (consumer failing or not keeping up)`,
      metric: this.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: props.oldestMessageAge.toSeconds(),
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /**
   * Feeds the queue to its one consumer. Failed messages are reported one by one, and
   * `maxConcurrency` (not reserved concurrency) protects the API the consumer calls. Refuses a
   * consumer slower than the queue was sized for.
   */
  consumeWith(fn: LambdaFunction, maxConcurrency: number): void {
    const timeout = fn.timeout?.toSeconds() ?? 3;
    if (this.visibilityTimeout.toSeconds() < VISIBILITY_FACTOR * timeout) {
      throw new Error(
        `${this.node.path}: visibility timeout must be ≥ ${VISIBILITY_FACTOR} × the consumer's ${timeout} s timeout`,
      );
    }
    fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: BATCH_SIZE,
        // No batching window: the mapping invokes as soon as a receive returns messages. A window saved
        // a receive, a delete and an invocation per batch under load, but a lone order waited it at
        // every hop (1 s each; README, Performance). Under load batches still fill while the consumers are busy.
        reportBatchItemFailures: true,
        maxConcurrency: clampConcurrency(maxConcurrency),
      }),
    );
  }
}

/** The event source mapping accepts 2–1,000 concurrent batches. */
export function clampConcurrency(requested: number): number {
  if (!Number.isFinite(requested)) throw new Error(`maxConcurrency must be a number, got ${requested}`);
  return Math.min(1000, Math.max(2, Math.floor(requested)));
}

/** Any message in a dead-letter queue is work the bridge gave up on: someone must look. */
export function dlqNotEmptyAlarm(scope: Construct, id: string, dlq: Queue, purpose: string): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: `${purpose}: messages in the dead-letter queue (inspect, then redrive with the CLI)`,
    metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 0,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
