/**
 * Polling fallback and stuck-order sweep (one job, two triggers). For each open order of a restaurant
 * the POS is asked for the current status, which then goes through the same path as a webhook
 * (`handlePosStatus`): monotonic, deduplicated, published once. On the sweep trigger each open order is
 * also checked for being stuck (stuck-sweep.ts).
 */
import { PermanentError, PosAuthError } from '../core/errors';
import { errorFields } from '../infra/logger';
import { posClient } from '../pos/client';
import type { FlowContext } from '../pos/context';
import { getLink } from '../store/links';
import { listOpen, markClosed } from '../store/open-orders';
import { getOrder } from '../store/orders';
import { handlePosStatus } from './pos-status';
import { newsLost } from './status-news';
import { flagIfStuck } from './stuck-sweep';

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
