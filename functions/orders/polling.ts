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
import { listOpen, markClosed, type OpenOrder } from '../store/open-orders';
import { getOrder, type OrderState } from '../store/orders';
import { handlePosStatus } from './pos-status';
import { newsDue, newsLost, resendLostNews } from './status-news';
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
  // The first failure after a status was read: the job is retried for it once the others are done.
  let notApplied: unknown;
  for (const marker of open) {
    const state = await getOrder(marker.kind, marker.orderId);
    if (!state || state.isFinal) {
      await closeFinal(restaurantId, marker, state, ctx);
      continue;
    }
    let read: Awaited<ReturnType<NonNullable<typeof client.getStatus>>> | undefined;
    try {
      // A POS that cannot tell (yet) about this order answers nothing: nothing to feed on.
      read =
        state.posOrderId && client.getStatus && !credentialRefused
          ? await client.getStatus(state.kind, state.posOrderId)
          : undefined;
    } catch (error) {
      // One unreadable order (or a POS outage) must not keep the others from being polled or swept:
      // the next run asks again.
      failed += 1;
      credentialRefused ||= error instanceof PosAuthError;
      ctx.logger.warn('could not poll order', { orderId: marker.orderId, ...errorFields(error) });
    }
    // Only news is fed on: re-reading an unchanged status every minute would rewrite the state for nothing.
    // Or a retried poll whose earlier attempt applied the status but whose news never reached the queue.
    if (
      state.posOrderId &&
      read &&
      (ctx.adapter.mapStatus(state.kind, read.posStatus) !== state.status || newsLost(state, ctx))
    ) {
      try {
        await handlePosStatus(
          {
            type: 'order.status',
            eventId: `poll-${state.posOrderId}-${read.posStatus}`,
            posLocationId: link.posLocationId,
            posOrderId: state.posOrderId,
            sinqroOrderId: state.orderId,
            kind: state.kind,
            posStatus: read.posStatus,
            occurredAt: read.occurredAt ?? new Date().toISOString(),
          },
          restaurantId,
          ctx,
        );
      } catch (error) {
        // The status may be written with its news not queued: only a retry of this job (newsLost) sends it,
        // since the next poll finds the order final. The others are polled first.
        notApplied ??= error;
        ctx.logger.warn('could not apply a polled status; the poll is retried', {
          orderId: marker.orderId,
          ...errorFields(error),
        });
      }
    }
    if (trigger === 'sweep' && (await flagIfStuck(restaurantId, marker, ctx))) stuck += 1;
  }
  if (trigger === 'sweep')
    ctx.logger.info('sweep done', { restaurantId, open: open.length, newlyStuck: stuck, pollFailures: failed });
  if (notApplied !== undefined) throw notApplied;
}

/**
 * The marker of an order that is gone or final goes, unless the order's news for Sinqro is still due: sent
 * now when this job's earlier attempt applied the status and died before queuing it, else left for the
 * message that applied it (queued, the news closes the marker; its retry sends it if it died first).
 */
async function closeFinal(restaurantId: number, marker: OpenOrder, state: OrderState | undefined, ctx: FlowContext) {
  if (state && newsLost(state, ctx))
    return resendLostNews(state, ctx.logger.child({ orderId: state.orderId }), {
      what: 'poll',
      source: ctx.adapter.code,
      code: state.posOrderId,
    });
  if (!state || !newsDue(state, ctx)) await markClosed(restaurantId, marker.kind, marker.orderId);
}
