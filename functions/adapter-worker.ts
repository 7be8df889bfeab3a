/**
 * One SQS consumer per POS adapter (POS_CODE picks the adapter): injects orders, applies Sinqro-side
 * cancellations, turns POS webhooks into canonical statuses. Reports partial batch failures.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { PosAdapter } from '../adapters/port';
import { findAdapter } from '../adapters/registry';
import type { WorkMessage } from './core/messages';
import { envNames, requireEnv } from './infra/env';
import { Logger } from './infra/logger';
import { budgetFrom } from './infra/outbound';
import { handleWorkMessage } from './worker/dispatch';
import { processBatch } from './worker/sqs-batch';

/** The worker for one adapter; the deployed function picks its adapter from POS_CODE. */
export function workerFor(adapter: PosAdapter) {
  const logger = new Logger(`${adapter.code}-worker`);
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const budget = budgetFrom(context);
    return processBatch(event, logger, async (record) => {
      const message = JSON.parse(record.body) as WorkMessage;
      await handleWorkMessage(message, {
        adapter,
        budget,
        logger: logger.child({ messageId: record.messageId }),
        redelivered: Number(record.attributes?.ApproximateReceiveCount ?? 1) > 1,
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
