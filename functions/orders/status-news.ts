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
 * The order's current status, set by this POS, was never published, and this very message wrote it: an
 * earlier attempt that died after the write, before its news reached the queue, or an earlier try of this
 * attempt's own write whose reply was lost (the SDK tried again and found it done). A copy of the message
 * under another id finds the news on its way and sends nothing, so Sinqro hears of a status once however
 * many copies ran. Only a status this POS set: one that came from Sinqro (its own cancellation) is never
 * echoed back. A state written before `appliedBy` existed counts as a retry's (SQS receive count > 1).
 */
export function newsLost(state: OrderState, ctx: FlowContext): boolean {
  if (!newsDue(state, ctx)) return false;
  return state.appliedBy === undefined ? ctx.redelivered === true : state.appliedBy === ctx.messageId;
}

/** The order's current status was set by this POS and Sinqro was not told of it yet (queued, or lost). */
export const newsDue = (state: OrderState, ctx: FlowContext): boolean =>
  (state.publishedRank ?? 0) < state.statusRank && state.source === ctx.adapter.code;

/** A status this message wrote earlier, whose news never reached the queue (newsLost), sent now. */
export function resendLostNews(
  state: OrderState,
  log: Logger,
  audit: Omit<AuditEntry, 'status' | 'outcome'>,
  reason = state.status === 'FAILED' ? state.lastError : undefined,
) {
  log.info('status written earlier by this message; its news for Sinqro is sent now', { status: state.status });
  return queueStatusNews(state, state.status, reason, log, {
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
