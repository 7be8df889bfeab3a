/**
 * What a feature flow (orders, catalog, hours) gets from the worker with each message: the adapter of
 * the worker's POS, the invocation's time budget and its logger. Below the features, so they can name it
 * without importing the worker's dispatcher (functions/worker/dispatch.ts).
 */
import type { PosAdapter } from '../../adapters/port';
import type { Budget } from '../core/budget';
import type { Logger } from '../infra/logger';

export type FlowContext = {
  adapter: PosAdapter;
  budget: Budget;
  logger: Logger;
  /** The message was received before (SQS ApproximateReceiveCount > 1): an earlier attempt may have failed midway. */
  redelivered?: boolean;
  /** The SQS message being worked: a status write records it (`appliedBy`), so only its retry resends the news. */
  messageId?: string;
};
