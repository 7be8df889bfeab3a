/**
 * An order's status news for Sinqro: queued for the publisher (to-sinqro queue) with the audit record it
 * carries, once per status; and the check that finds news an earlier attempt of a message applied but
 * never queued.
 */
import type { StatusNews } from '../core/messages';
import type { AuditEntry } from '../core/records';
import type { CanonicalStatus } from '../core/statuses';
import type { Logger } from '../infra/logger';
import type { FlowContext } from '../pos/context';
import { sendToSinqro } from '../sinqro/to-sinqro';
import { markClosed } from '../store/open-orders';
import type { OrderState } from '../store/orders';

/**
 * The message is a retry (SQS receive count > 1) and the order's current status, set by this POS, was
 * never published: an earlier attempt applied it but its news did not reach the queue. Only a status
 * this POS set: one that came from Sinqro (its own cancellation) is never echoed back.
 */
export function newsLost(state: OrderState, ctx: FlowContext): boolean {
  return ctx.redelivered === true && (state.publishedRank ?? 0) < state.statusRank && state.source === ctx.adapter.code;
}

/** Queues the status for the publisher; an order now final stops being polled (its open-order marker goes). */
export async function queueStatusNews(
  state: OrderState,
  status: CanonicalStatus,
  reason: string | undefined,
  log: Logger,
  audit?: AuditEntry,
): Promise<void> {
  if (state.isFinal) await markClosed(state.restaurantId, state.kind, state.orderId);
  const news: StatusNews = {
    type: 'status',
    orderId: state.orderId,
    kind: state.kind,
    orderType: state.orderType,
    restaurantId: state.restaurantId,
    status,
    posOrderId: state.posOrderId,
    reason,
    occurredAt: state.sourceTs,
    audit: audit && { ...audit, at: new Date().toISOString() },
  };
  await sendToSinqro(news, { orderId: String(state.orderId) });
  log.debug('status queued for Sinqro', { status });
}
