/**
 * Partial batch processing for SQS consumers: every record is processed, and only the ones whose
 * work failed (and may pass later) are reported back, so SQS redelivers just those and, after
 * maxReceiveCount, moves them to the DLQ.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { errorFields, type Logger } from './logger';

export async function processBatch(
  event: SQSEvent,
  logger: Logger,
  work: (record: SQSRecord) => Promise<void>,
): Promise<SQSBatchResponse> {
  const results = await Promise.allSettled(event.Records.map((record) => work(record)));
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  results.forEach((result, i) => {
    const record = event.Records[i] as SQSRecord;
    if (result.status === 'rejected') {
      logger.warn('message will be retried', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0),
        ...errorFields(result.reason),
      });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  });
  return { batchItemFailures };
}
