/**
 * Partial batch processing for SQS consumers: every record is processed, and only the ones whose
 * work failed (and may pass later) are reported back, so SQS redelivers just those and, after
 * maxReceiveCount, moves them to the DLQ. Each failed record's visibility is set by its receive count
 * (retry-backoff.ts: exponential from a 30 s floor, a longer Retry-After honoured), so an outage does
 * not burn the receives in seconds; a failure that will not pass (a bridge error that is not
 * retryable) waits only the floor each time and reaches the DLQ within minutes.
 *
 * On a FIFO queue, records of one message group are worked one after the other in their order, and
 * once one fails the later ones of its group are reported failed unworked (so SQS keeps their order);
 * other groups go on beside it.
 */
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { BridgeError, RetryableError, UnreadableMessageError } from '../core/errors';
import { backoffSeconds, retryCapSeconds, retryFloorSeconds } from '../core/retry-backoff';
import { emitMetric, errorFields, type Logger } from '../infra/logger';
import { METRICS } from '../infra/metrics';
import { sqs } from '../infra/queue';
import { type HeldNews, holdingNews, sendHeldNews } from '../sinqro/to-sinqro';
import { holdingAudits, writeHeldAudits } from '../store/audit';

export type BatchOptions = {
  /**
   * Hold every record's audit records and write them together after the work with BatchWriteItem
   * (store/audit.ts). Only for a role that may make BatchWriteItem calls (lib/bind.ts): the publisher.
   */
  batchAudits?: boolean;
};

export async function processBatch(
  event: SQSEvent,
  logger: Logger,
  work: (record: SQSRecord) => Promise<void>,
  options: BatchOptions = {},
): Promise<SQSBatchResponse> {
  // Status news for Sinqro are held per record and sent together after the work (to-sinqro.ts).
  const outboxes = event.Records.map((): HeldNews[] => []);
  const audits = event.Records.map((): Record<string, unknown>[] => []);
  const runOne = (i: number) => {
    const record = event.Records[i] as SQSRecord;
    const run = () => holdingNews(outboxes[i] as HeldNews[], () => work(record));
    return options.batchAudits ? holdingAudits(audits[i] as Record<string, unknown>[], run) : run();
  };
  const results = await workInGroups(event.Records, runOne);
  const [sent, audited] = await Promise.all([
    sendHeldNews(outboxes.map((outbox, i) => (worked(results[i]) ? outbox : []))),
    writeHeldAudits(audits),
  ]);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const retryLater: Promise<void>[] = [];
  // Per FIFO group with a failure: how long its first failed record waits. The records after it in the
  // group wait as long, so they come back together, in order.
  const failedGroups = new Map<string, number>();
  results.forEach((result, i) => {
    const record = event.Records[i] as SQSRecord;
    const group = record.attributes?.MessageGroupId;
    let wait: number | undefined;
    if (result === SKIPPED || (result.status === 'fulfilled' && sent[i] && audited[i])) {
      // Not worked (an earlier record of its group failed), or done while an earlier one failed after its work.
      wait = group ? failedGroups.get(group) : undefined;
    } else if (result.status === 'rejected' && result.reason instanceof UnreadableMessageError) {
      logUnreadable(record, result.reason, logger);
      wait = retryDelay(record, result.reason);
    } else if (result.status === 'rejected') {
      logger.warn('message will be retried', {
        messageId: record.messageId,
        receiveCount: receiveCountOf(record),
        ...errorFields(result.reason),
      });
      wait = retryDelay(record, result.reason);
    } else {
      logger.warn('message will be retried: its news for Sinqro or its audit records could not be written', {
        messageId: record.messageId,
      });
      wait = retryDelay(record, undefined);
    }
    if (wait === undefined) return;
    batchItemFailures.push({ itemIdentifier: record.messageId });
    retryLater.push(retryAfter(record, wait, logger));
    if (group && !failedGroups.has(group)) failedGroups.set(group, wait);
  });
  await Promise.all(retryLater);
  return { batchItemFailures };
}

/**
 * One error line for a body the consumer cannot read, and its metric: the message id, the queue, the version
 * and the failing paths, never the body (it may hold a consumer's name or phone).
 */
function logUnreadable(record: SQSRecord, error: UnreadableMessageError, logger: Logger): void {
  logger.error('unreadable message: reported failed, it goes to the DLQ after its receives', {
    messageId: record.messageId,
    queue: queueNameOf(record),
    receiveCount: receiveCountOf(record),
    version: error.version,
    paths: error.paths.join(','),
    reason: error.message,
  });
  emitMetric(METRICS.unreadableMessages, 1);
}

/**
 * Reads every record's body before any work (`read` throws UnreadableMessageError for one it cannot read).
 * `messageOf` gives a record's message, or throws its error inside that record's work, so the record is
 * reported failed like any other.
 */
export function readBodies<T>(records: SQSRecord[], read: (body: string) => T) {
  const bodies = new Map<SQSRecord, { message: T } | { error: unknown }>();
  for (const record of records) {
    try {
      bodies.set(record, { message: read(record.body) });
    } catch (error) {
      bodies.set(record, { error });
    }
  }
  return {
    /** The records that could be read, with their messages. */
    readable: [...bodies].flatMap(([record, b]) => ('message' in b ? [{ record, message: b.message }] : [])),
    messageOf(record: SQSRecord): T {
      const b = bodies.get(record) ?? { message: read(record.body) };
      if ('error' in b) throw b.error;
      return b.message;
    },
  };
}

/** The queue name of a record, from its ARN (no id, no personal data). */
export const queueNameOf = (record: SQSRecord) => record.eventSourceARN.split(':')[5] ?? 'unknown';

/** The queue URL of a record, from its ARN (arn:aws:sqs:<region>:<account>:<name>). */
export function queueUrlOf(record: SQSRecord): string {
  const [, , , region, account, name] = record.eventSourceARN.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

const SKIPPED = Symbol('skipped');
type Outcome = PromiseSettledResult<void> | typeof SKIPPED;
const worked = (o: Outcome | undefined) => o !== undefined && o !== SKIPPED && o.status === 'fulfilled';

/**
 * Works every record: those of one FIFO message group one after the other (in the batch's order, which is
 * the group's), stopping the group at its first failure; records without a group all at once.
 */
async function workInGroups(records: SQSRecord[], runOne: (i: number) => Promise<void>): Promise<Outcome[]> {
  const outcomes: Outcome[] = records.map(() => SKIPPED);
  const lanes = new Map<string, number[]>();
  const loose: number[] = [];
  records.forEach((record, i) => {
    const group = record.attributes?.MessageGroupId;
    if (!group) loose.push(i);
    else lanes.set(group, [...(lanes.get(group) ?? []), i]);
  });
  const settle = async (i: number) => {
    try {
      await runOne(i);
      outcomes[i] = { status: 'fulfilled', value: undefined };
    } catch (reason) {
      outcomes[i] = { status: 'rejected', reason };
    }
    return (outcomes[i] as PromiseSettledResult<void>).status === 'fulfilled';
  };
  await Promise.all([
    ...loose.map(settle),
    ...[...lanes.values()].map(async (lane) => {
      for (const i of lane) if (!(await settle(i))) return;
    }),
  ]);
  return outcomes;
}

const receiveCountOf = (record: SQSRecord) => Number(record.attributes?.ApproximateReceiveCount ?? 0);

/**
 * Seconds before a failed record comes back. A bridge error that is not retryable will fail the same way
 * every time: it waits only the floor, so it reaches the DLQ (and its alarm) within minutes.
 */
function retryDelay(record: SQSRecord, reason: unknown): number {
  const floorSeconds = retryFloorSeconds();
  if (reason instanceof BridgeError && !(reason instanceof RetryableError))
    return backoffSeconds(1, { floorSeconds, random: () => 0 });
  const retryAfterMs = reason instanceof RetryableError ? reason.retryAfterMs : undefined;
  return backoffSeconds(receiveCountOf(record), {
    floorSeconds,
    capSeconds: retryCapSeconds(),
    retryAfterSeconds: retryAfterMs === undefined ? undefined : retryAfterMs / 1000,
  });
}

async function retryAfter(record: SQSRecord, seconds: number, logger: Logger): Promise<void> {
  try {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(record),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  } catch (error) {
    // The message still comes back after the queue's own visibility timeout: sooner, but not lost.
    logger.warn('could not set the retry delay', { messageId: record.messageId, ...errorFields(error) });
  }
}
