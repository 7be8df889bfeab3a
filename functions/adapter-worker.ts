/**
 * One SQS consumer per POS adapter (POS_CODE picks the adapter): injects orders, applies Sinqro-side
 * cancellations, turns POS webhooks into canonical statuses. Reports partial batch failures.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { PosAdapter } from '../adapters/port';
import { findAdapter } from '../adapters/registry';
import { readWorkMessage } from './core/message-schemas';
import { envNames, requireEnv } from './infra/env';
import { Logger } from './infra/logger';
import { budgetFrom } from './infra/outbound';
import { handleWorkMessage } from './worker/dispatch';
import { processBatch, readBodies } from './worker/sqs-batch';

/** The worker for one adapter; the deployed function picks its adapter from POS_CODE. */
export function workerFor(adapter: PosAdapter) {
  const logger = new Logger(`${adapter.code}-worker`);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const budget = budgetFrom(context);
    // Every body is read (version, shape) before any work; one that cannot be is reported failed.
    const bodies = readBodies(event.Records, readWorkMessage);
    return processBatch(event, logger, async (record) => {
      await handleWorkMessage(bodies.messageOf(record), {
        adapter,
        budget,
        logger: logger.child({ messageId: record.messageId }),
        redelivered: Number(record.attributes?.ApproximateReceiveCount ?? 1) > 1,
        messageId: record.messageId,
      });
    });
  };
}

let bound: ReturnType<typeof workerFor> | undefined;

export function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  if (!bound) {
    const posCode = requireEnv(envNames.posCode);
    const adapter = findAdapter(posCode);
    if (!adapter) throw new Error(`POS_CODE ${posCode} names no registered adapter`);
    bound = workerFor(adapter);
  }
  return bound(event, context);
}
