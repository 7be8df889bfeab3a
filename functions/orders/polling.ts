/**
 * Polling fallback and stuck-order sweep (one job, two triggers). For each open order of a restaurant
 * the POS is asked for the current status, which then goes through the same path as a webhook
 * (`handlePosStatus`): monotonic, deduplicated, published once. The sweep also flags orders that stay
 * RECEIVED or INJECTED too long — audit record, `StuckOrders` metric (alarmed), warning — so none is
 * forgotten.
 */
import { PermanentError, PosAuthError } from '../core/errors';
import { emitMetric, errorFields } from '../infra/logger';
import { METRICS } from '../infra/metrics';
import { posClient } from '../pos/client';
import { auditOrder } from '../store/audit';
import { getLink } from '../store/links';
import { listOpen, markClosed, markStuck, type OpenOrder } from '../store/open-orders';
import { getOrder } from '../store/orders';
import { type FlowContext, handlePosStatus, newsLost } from './flow';

/** An order still RECEIVED or INJECTED after this long is stuck (env STUCK_AFTER_MINUTES). */
export function stuckAfterMs(): number {
  const minutes = Number(process.env.STUCK_AFTER_MINUTES ?? 15);
  return (Number.isFinite(minutes) && minutes >= 0 ? minutes : 15) * 60_000;
}

export async function pollOrders(restaurantId: number, trigger: 'schedule' | 'sweep', ctx: FlowContext): Promise<void> {
  const open = await listOpen(restaurantId);
  if (open.length === 0) return;
  const link = await getLink(restaurantId);
  if (!link) throw new PermanentError(`restaurant ${restaurantId} is not linked`, 'RESTAURANT_NOT_LINKED');
  const client = await posClient(restaurantId, ctx);
  let stuck = 0;
  let failed = 0;
  // Once the POS refuses the credential it refuses every read: the rest are not asked (it was reported
  // once, and is alarmed), but the sweep still flags the stuck ones.
  let credentialRefused = false;
  for (const marker of open) {
    const state = await getOrder(marker.kind, marker.orderId);
    if (!state || state.isFinal) {
      await markClosed(restaurantId, marker.kind, marker.orderId);
      continue;
    }
    try {
      // A POS that cannot tell (yet) about this order answers nothing: nothing to feed on.
      const read =
        state.posOrderId && client.getStatus && !credentialRefused
          ? await client.getStatus(state.kind, state.posOrderId)
          : undefined;
      if (state.posOrderId && read) {
        const { posStatus, occurredAt } = read;
        // Only news is fed on: re-reading an unchanged status every minute would rewrite the state for nothing.
        // Or a retried poll whose earlier attempt applied the status but whose news never reached the queue.
        if (ctx.adapter.mapStatus(state.kind, posStatus) !== state.status || newsLost(state, ctx)) {
          await handlePosStatus(
            {
              type: 'order.status',
              eventId: `poll-${state.posOrderId}-${posStatus}`,
              posLocationId: link.posLocationId,
              posOrderId: state.posOrderId,
              sinqroOrderId: state.orderId,
              kind: state.kind,
              posStatus,
              occurredAt: occurredAt ?? new Date().toISOString(),
            },
            restaurantId,
            ctx,
          );
        }
      }
    } catch (error) {
      // One unreadable order (or a POS outage) must not keep the others from being polled or swept:
      // the next run asks again.
      failed += 1;
      credentialRefused ||= error instanceof PosAuthError;
      ctx.logger.warn('could not poll order', { orderId: marker.orderId, ...errorFields(error) });
    }
    if (trigger === 'sweep' && (await flagIfStuck(restaurantId, marker, ctx))) stuck += 1;
  }
  if (trigger === 'sweep')
    ctx.logger.info('sweep done', { restaurantId, open: open.length, newlyStuck: stuck, pollFailures: failed });
}

async function flagIfStuck(restaurantId: number, marker: OpenOrder, ctx: FlowContext): Promise<boolean> {
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
