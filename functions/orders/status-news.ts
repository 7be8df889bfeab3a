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
 * The message is a retry (SQS receive count > 1), an earlier attempt of this very message applied the
 * order's current status (`appliedBy`), and that status was never published: the attempt died after the
 * write, before its news reached the queue. A copy of the message under another id finds the news on its
 * way and sends nothing, so Sinqro hears of a status once however many copies ran. Only a status this POS
 * set: one that came from Sinqro (its own cancellation) is never echoed back. A state written before
 * `appliedBy` existed counts as this message's.
 */
export function newsLost(state: OrderState, ctx: FlowContext): boolean {
  if (ctx.redelivered !== true || (state.publishedRank ?? 0) >= state.statusRank) return false;
  if (state.source !== ctx.adapter.code) return false;
  return state.appliedBy === undefined || state.appliedBy === ctx.messageId;
}

/** A status an earlier attempt of this message applied, whose news never reached the queue, sent now. */
export function resendLostNews(state: OrderState, log: Logger, audit: Omit<AuditEntry, 'status' | 'outcome'>) {
  log.info('status applied by an earlier attempt; its news for Sinqro is sent now', { status: state.status });
  return queueStatusNews(state, state.status, state.status === 'FAILED' ? state.lastError : undefined, log, {
    ...audit,
    status: state.status,
    outcome:
      state.status === 'INJECTED' ? 'created in POS earlier; news sent again' : 'applied earlier; news sent again',
  });
}

/**
 * Queues the status for the publisher. An order now final stops being polled: its open-order marker goes
 * once the news is in the queue (not before, so a poll retried after a failed send still finds the order).
 */
export async function queueStatusNews(
  state: OrderState,
  status: CanonicalStatus,
  reason: string | undefined,
  log: Logger,
  audit?: AuditEntry,
): Promise<void> {
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
  const close = state.isFinal ? () => markClosed(state.restaurantId, state.kind, state.orderId) : undefined;
  await sendToSinqro(news, { orderId: String(state.orderId) }, close);
  log.debug('status queued for Sinqro', { status });
}
