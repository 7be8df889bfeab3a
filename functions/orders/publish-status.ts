/**
 * Tells Sinqro one status change. A status is sent only if nothing of a higher rank was sent before,
 * so a late or redelivered message never moves Sinqro backwards. The claim orders the claims; that the
 * posts reach Sinqro in the same order comes from the FIFO to-sinqro queue (to-sinqro.ts): one post per
 * order in flight.
 */

import type { StatusNews } from '../core/messages';
import { rankOf } from '../core/statuses';
import type { Logger } from '../infra/logger';
import type { Budget } from '../infra/outbound';
import type { SinqroClient } from '../sinqro/client';
import { auditOrder } from '../store/audit';
import { claimPublication, releasePublication } from '../store/publication';

export async function publishStatus(
  news: StatusNews,
  client: SinqroClient,
  budget: Budget,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ orderId: news.orderId, status: news.status });
  const rank = rankOf(news.kind, news.status);
  const claim = await claimPublication(news.kind, news.orderId, rank);
  if (!claim.claimed) {
    await auditOutcome(news, 'skipped: Sinqro already has a later status');
    log.info('not sent: Sinqro already has a later status');
    return;
  }
  try {
    await client.postStatus(
      {
        kind: news.kind,
        orderType: news.orderType,
        id: news.orderId,
        status: news.status,
        posOrderId: news.posOrderId,
        comment: news.reason,
      },
      budget,
    );
  } catch (error) {
    await releasePublication(news.kind, news.orderId, claim.token, claim.previousRank);
    // Each failed attempt is a record of its own, with the step it publishes (so a status that ends in the
    // DLQ still shows in the trail which event applied it); the attempt that succeeds writes another.
    await auditOutcome(news, 'failed', (error as Error).message.slice(0, 200));
    throw error;
  }
  await auditOutcome(news, 'sent to Sinqro');
  log.info('status sent to Sinqro');
}

/** A status a newer one of the same order (in the same batch) makes moot: recorded, not sent. */
export async function skipSuperseded(news: StatusNews, logger: Logger): Promise<void> {
  await auditOutcome(news, 'skipped: a later status of the order was in the same batch');
  logger.child({ orderId: news.orderId, status: news.status }).info('not sent: a later status follows in this batch');
}

/**
 * The publication's record. A news that carries the worker's record (the status applied, the order
 * created in the POS) is written as that one record with Sinqro's outcome added, at the worker's time.
 */
function auditOutcome(news: StatusNews, outcome: string, detail?: string): Promise<void> {
  if (!news.audit) {
    return auditOrder(news.kind, news.orderId, {
      what: 'publish',
      source: 'bridge',
      status: news.status,
      outcome,
      detail,
    });
  }
  const { at, ...entry } = news.audit;
  return auditOrder(
    news.kind,
    news.orderId,
    { ...entry, sinqro: outcome, sinqroAt: new Date().toISOString(), ...(detail ? { detail } : {}) },
    at,
  );
}
