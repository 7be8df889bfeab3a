/**
 * Tells Sinqro one status change. A status is sent only if nothing of a higher rank was sent before,
 * so a late or redelivered message never moves Sinqro backwards.
 */
import type { Logger } from './logger';
import type { StatusNews } from './messages';
import type { Budget } from './outbound';
import type { SinqroClient } from './sinqro-client';
import { rankOf } from './statuses';
import * as store from './store';

/** Past the budget's deadline the invocation still has up to 1.5 s (outbound.ts SAFETY_MS) before its timeout. */
const CLAIM_MARGIN_MS = 2000;

export async function publishStatus(
  news: StatusNews,
  client: SinqroClient,
  budget: Budget,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ orderId: news.orderId, status: news.status });
  const rank = rankOf(news.kind, news.status);
  // The claim is this attempt's until its invocation surely ended (the budget keeps a margin before the timeout).
  const claim = await store.claimPublication(news.orderId, rank, budget.deadline + CLAIM_MARGIN_MS);
  if (!claim.claimed) {
    await store.auditOrder(news.orderId, {
      what: 'publish',
      source: 'bridge',
      status: news.status,
      outcome: 'skipped: Sinqro already has a later status',
    });
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
    await store.releasePublication(news.orderId, claim.token, claim.previousRank, rank);
    await store.auditOrder(news.orderId, {
      what: 'publish',
      source: 'bridge',
      status: news.status,
      outcome: 'failed',
      detail: (error as Error).message.slice(0, 200),
    });
    throw error;
  }
  await store.completePublication(news.orderId, claim.token);
  await store.auditOrder(news.orderId, {
    what: 'publish',
    source: 'bridge',
    status: news.status,
    outcome: 'sent to Sinqro',
  });
  log.info('status sent to Sinqro');
}
