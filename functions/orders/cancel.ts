/**
 * Sinqro-side cancellations applied in the POS: recorded first (CANCELLED, monotonic), then cancelled
 * there when the order reached it, or left for the injection to see when it did not; and an order Sinqro
 * cancelled while it was being injected, which the injection cancels in the POS right after.
 */
import type { CancelOutcome } from '../../adapters/port';
import { PermanentError } from '../core/errors';
import type { AuditEntry } from '../core/records';
import type { SinqroEvent } from '../core/sinqro-schemas';
import type { Kind } from '../core/statuses';
import type { Logger } from '../infra/logger';
import { posClient } from '../pos/client';
import type { FlowContext } from '../pos/context';
import { auditOrder } from '../store/audit';
import { markClosed } from '../store/open-orders';
import { type OrderState, setPosOrderId, transition } from '../store/orders';
import { refuseForeign } from './refuse-foreign';

/**
 * The audit record of a cancellation the POS took: applied, or — for a POS that cannot cancel such an
 * order through its API — shown to staff instead, which the record says (`detail`: how, ids only).
 */
export function cancelRecord(done: CancelOutcome, posOrderId: string, when?: string): AuditEntry {
  const applied = done.outcome === 'cancelled';
  return {
    what: 'cancel',
    source: 'sinqro',
    status: 'CANCELLED',
    outcome: `${applied ? 'applied in POS' : 'not cancelled in POS: staff notified'}${when ? ` ${when}` : ''}`,
    code: posOrderId,
    ...(done.outcome === 'staff-notified' ? { detail: done.detail } : {}),
  };
}

/** The order type a cancellation records for an order it saw first (its creation had not arrived). */
const UNKNOWN_ORDER_TYPE = 'unknown';

/**
 * Sinqro cancelled an order whose injection had already begun (the state was recorded by `inject`, not by
 * the cancellation): an earlier attempt may have created it in the POS and then lost the reply, timed out
 * or died before the state write, or created it and failed to cancel it. Checked again on every delivery.
 */
export const cancelledDuringInjection = (state: OrderState) =>
  state.status === 'CANCELLED' && state.source === 'sinqro' && state.orderType !== UNKNOWN_ORDER_TYPE;

/**
 * Makes sure the POS does not keep an order Sinqro cancelled while it was being injected: the create is
 * repeated with the same idempotency key (it finds the order an earlier attempt created, or creates it to
 * cancel it at once), then the cancellation is applied there. Both calls are idempotent.
 */
export async function cancelInterruptedInjection(
  kind: Kind,
  event: Extract<SinqroEvent, { type: 'order.created' | 'reservation.created' }>,
  state: OrderState,
  restaurantId: number,
  ctx: FlowContext,
  log: Logger,
) {
  const order = event.data;
  const client = await posClient(restaurantId, ctx);
  let posOrderId = state.posOrderId;
  let posContext = state.posContext;
  let done: CancelOutcome;
  try {
    if (!posOrderId) {
      const key = `sinqro-${kind}-${order.id}`;
      const result =
        kind === 'order'
          ? await client.injectOrder(order as never, key)
          : await client.injectReservation(order as never, key);
      posOrderId = result.posOrderId;
      posContext = result.posContext;
      await setPosOrderId(kind, order.id, ctx.adapter.code, posOrderId, posContext);
    }
    done = await client.cancel(kind, posOrderId, 'cancelled in Sinqro', { sinqroOrderId: order.id, posContext });
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    await auditOrder(kind, order.id, {
      what: 'cancel',
      source: 'sinqro',
      status: 'CANCELLED',
      outcome: 'refused by POS',
      code: error.code,
      detail: error.message.slice(0, 200),
    });
    log.warn('POS refused the cancellation of an interrupted injection', { posOrderId, code: error.code });
    return;
  }
  await auditOrder(kind, order.id, cancelRecord(done, posOrderId, 'after an interrupted injection'));
  log.info('cancellation applied in POS after an interrupted injection', { posOrderId, outcome: done.outcome });
}

export async function cancelInPos(
  what: SinqroEvent['type'],
  kind: Kind,
  orderId: number,
  restaurantId: number,
  sourceTs: string,
  reason: string | undefined,
  ctx: FlowContext,
  log: Logger,
) {
  const result = await transition({
    orderId,
    kind,
    status: 'CANCELLED',
    sourceTs,
    source: 'sinqro',
    // The consumer's free-text comment goes to the POS only: the table keeps ids and codes.
    createIfMissing: { orderType: UNKNOWN_ORDER_TYPE, posCode: ctx.adapter.code },
    owner: { restaurantId },
    appliedBy: ctx.messageId,
  });
  if (!result.applied && result.verdict === 'foreign') return refuseForeign(what, kind, orderId, restaurantId, log);
  const state = result.state;
  if (result.applied) await markClosed(restaurantId, kind, orderId);
  if (!result.applied && result.verdict !== 'duplicate') {
    await auditOrder(kind, orderId, {
      what: 'cancel',
      source: 'sinqro',
      status: state?.status,
      outcome: `ignored (${result.verdict})`,
    });
    log.info('cancellation ignored: order already final', { status: state?.status });
    return;
  }
  if (!state?.posOrderId) {
    // Not in the POS yet: the injection sees CANCELLED and will not create it (or cancels right after).
    await auditOrder(kind, orderId, {
      what: 'cancel',
      source: 'sinqro',
      status: 'CANCELLED',
      outcome: 'recorded before injection',
    });
    log.info('cancelled before reaching the POS');
    return;
  }
  const client = await posClient(restaurantId, ctx);
  let done: CancelOutcome;
  try {
    done = await client.cancel(kind, state.posOrderId, reason, {
      sinqroOrderId: orderId,
      posContext: state.posContext,
    });
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    // e.g. the POS already completed it: retrying cannot change that, so it is recorded for people to see.
    await auditOrder(kind, orderId, {
      what: 'cancel',
      source: 'sinqro',
      status: 'CANCELLED',
      outcome: 'refused by POS',
      code: error.code,
      detail: error.message.slice(0, 200),
    });
    log.warn('POS refused the cancellation', { posOrderId: state.posOrderId, code: error.code });
    return;
  }
  await auditOrder(kind, orderId, cancelRecord(done, state.posOrderId));
  if (done.outcome === 'cancelled') log.info('cancellation applied in POS', { posOrderId: state.posOrderId });
  else log.warn('the POS cannot cancel this order: staff were notified', { posOrderId: state.posOrderId });
}
