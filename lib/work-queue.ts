/**
 * A standard SQS queue with its dead-letter queue and the two alarms that say work is stuck: any
 * message in the DLQ, and a source queue whose oldest message is getting old. Both queues are
 * encrypted (SQS-managed keys) and refuse non-TLS access.
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MAX_MESSAGE_BYTES, QUEUE_BATCHING_WINDOW_SECONDS } from '../functions/shared/limits';

/** Receives before a message is parked in the DLQ. */
export const MAX_RECEIVE_COUNT = 5;
/** The longest SQS allows; standard DLQs keep the original enqueue time, so they must outlive the source. */
export const DLQ_RETENTION = Duration.days(14);
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
};

export class WorkQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      retentionPeriod: DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      maxMessageSizeBytes: MAX_MESSAGE_BYTES,
    });
    this.visibilityTimeout = Duration.seconds(props.consumerTimeout.toSeconds() * VISIBILITY_FACTOR);
    this.queue = new Queue(this, 'Queue', {
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
        maxBatchingWindow: Duration.seconds(QUEUE_BATCHING_WINDOW_SECONDS),
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
