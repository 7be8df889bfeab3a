/**
 * The stuck-order sweep: an open order that stays RECEIVED or INJECTED too long is flagged once — audit
 * record, `StuckOrders` metric (alarmed), warning — so none is forgotten. Runs on the sweep trigger of the
 * polling job (polling.ts), after the order's status was read.
 */
import { emitMetric } from '../infra/logger';
import { METRICS } from '../infra/metrics';
import type { FlowContext } from '../pos/context';
import { auditOrder } from '../store/audit';
import { markStuck, type OpenOrder } from '../store/open-orders';
import { getOrder } from '../store/orders';

/** An order still RECEIVED or INJECTED after this long is stuck (env STUCK_AFTER_MINUTES). */
export function stuckAfterMs(): number {
  const minutes = Number(process.env.STUCK_AFTER_MINUTES ?? 15);
  return (Number.isFinite(minutes) && minutes >= 0 ? minutes : 15) * 60_000;
}

/** Flags the order if it is stuck and was not flagged before: true when this call flagged it. */
export async function flagIfStuck(restaurantId: number, marker: OpenOrder, ctx: FlowContext): Promise<boolean> {
  const state = await getOrder(marker.kind, marker.orderId);
  if (!state || state.isFinal || (state.status !== 'RECEIVED' && state.status !== 'INJECTED')) return false;
  if (Date.now() - Date.parse(marker.openedAt) < stuckAfterMs()) return false;
  if (!(await markStuck(restaurantId, marker.kind, marker.orderId))) return false;
  const why =
    state.status === 'RECEIVED'
      ? 'not in the POS yet: its message is being retried or is in the DLQ (pos-bridge dlq)'
      : 'in the POS but nobody accepted or rejected it there';
  await auditOrder(state.kind, state.orderId, {
    what: 'sweep',
    source: 'bridge',
    status: state.status,
    outcome: 'stuck',
    detail: why,
  });
  ctx.logger.warn('order is stuck', {
    orderId: state.orderId,
    status: state.status,
    attempts: state.attempts,
    lastError: state.lastError?.slice(0, 120),
  });
  emitMetric(METRICS.stuckOrders, 1);
  return true;
}
