/**
 * Partial batch processing for SQS consumers: every record is processed, and only the ones whose
 * work failed (and may pass later) are reported back, so SQS redelivers just those and, after
 * maxReceiveCount, moves them to the DLQ. When the failing API said when to come back (429/503 with
 * Retry-After), the record's visibility is shortened to that, instead of waiting out the full
 * visibility timeout.
 */
import { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AWS_CLIENT_CONFIG } from './aws-clients';
import { RetryableError } from './errors';
import { errorFields, type Logger } from './logger';
import type { QueuedMessage } from './queue';
import { holdingAudits, writeHeldAudits } from './store';
import { holdingNews, sendHeldNews } from './to-sinqro';

// The queue URL is rebuilt from the record's ARN (its canonical form); the endpoint stays the client's own
// (the Region's, or AWS_ENDPOINT_URL_SQS locally) rather than the URL's host.
const sqs = new SQSClient({ ...AWS_CLIENT_CONFIG, useQueueUrlAsEndpoint: false });
/** Never come back sooner than this, and never later than SQS allows for a visibility change. */
const MIN_RETRY_SECONDS = 1;
const MAX_RETRY_SECONDS = 12 * 3600;

export type BatchOptions = {
  /**
   * Hold every record's audit records and write them together after the work with BatchWriteItem
   * (store.ts). Only for a role that may make BatchWriteItem calls (lib/bind.ts): the publisher.
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
  const outboxes = event.Records.map((): QueuedMessage[] => []);
  const audits = event.Records.map((): Record<string, unknown>[] => []);
  const results = await Promise.allSettled(
    event.Records.map((record, i) => {
      const run = () => holdingNews(outboxes[i] as QueuedMessage[], () => work(record));
      return options.batchAudits ? holdingAudits(audits[i] as Record<string, unknown>[], run) : run();
    }),
  );
  const [sent, audited] = await Promise.all([
    sendHeldNews(outboxes.map((outbox, i) => (results[i]?.status === 'fulfilled' ? outbox : []))),
    writeHeldAudits(audits),
  ]);
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const retryLater: Promise<void>[] = [];
  results.forEach((result, i) => {
    const record = event.Records[i] as SQSRecord;
    if (result.status === 'fulfilled' && !(sent[i] && audited[i])) {
      logger.warn('message will be retried: its news for Sinqro or its audit records could not be written', {
        messageId: record.messageId,
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    } else if (result.status === 'rejected') {
      logger.warn('message will be retried', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
        ...errorFields(result.reason),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
      const after = result.reason instanceof RetryableError ? result.reason.retryAfterMs : undefined;
      if (after !== undefined) retryLater.push(retryAfter(record, after, logger));
    }
  });
  await Promise.all(retryLater);
  return { batchItemFailures };
}

/** The queue URL of a record, from its ARN (arn:aws:sqs:<region>:<account>:<name>). */
export function queueUrlOf(record: SQSRecord): string {
  const [, , , region, account, name] = record.eventSourceARN.split(':');
  return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
}

async function retryAfter(record: SQSRecord, ms: number, logger: Logger): Promise<void> {
  const seconds = Math.min(MAX_RETRY_SECONDS, Math.max(MIN_RETRY_SECONDS, Math.ceil(ms / 1000)));
  try {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrlOf(record),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  } catch (error) {
    // The message still comes back after the queue's own visibility timeout: later, but not lost.
    logger.warn('could not shorten the retry delay', { messageId: record.messageId, ...errorFields(error) });
  }
}
