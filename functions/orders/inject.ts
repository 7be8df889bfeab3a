/**
 * A Sinqro order or reservation created in the POS, once: the idempotency key is derived from the Sinqro
 * id, a retry finds what an earlier attempt did, an order of another restaurant is refused, one whose time
 * long passed or that the POS refuses for good fails (FAILED, Sinqro told), anything else is retried.
 */
import type { PosClient, PosContext } from '../../adapters/port';
import { PermanentError } from '../core/errors';
import type { AuditEntry } from '../core/records';
import { parseSinqroDate, type SinqroEvent, toIsoUtc } from '../core/sinqro-schemas';
import type { Kind } from '../core/statuses';
import { orderExpiryGraceMs } from '../infra/env';
import type { Logger } from '../infra/logger';
import { posClient } from '../pos/client';
import type { FlowContext } from '../pos/context';
import { auditOrder } from '../store/audit';
import { markOpen } from '../store/open-orders';
import { createOrder, recordAttempt, setPosOrderId, transition } from '../store/orders';
import { cancelInterruptedInjection, cancelledDuringInjection, cancelRecord } from './cancel';
import { assertOrderInCatalog } from './catalog-check';
import { refuseForeign } from './refuse-foreign';
import { newsLost, queueStatusNews, resendLostNews } from './status-news';

/** Whether a Sinqro event is about an order or a reservation. */
export const kindOf = (type: SinqroEvent['type']): Kind => (type.startsWith('reservation.') ? 'reservation' : 'order');

export async function inject(
  event: Extract<SinqroEvent, { type: 'order.created' | 'reservation.created' }>,
  restaurantId: number,
  ctx: FlowContext,
  log: Logger,
) {
  const kind = kindOf(event.type);
  const order = event.data;
  const { created, state } = await createOrder(
    { orderId: order.id, kind, orderType: order.type, restaurantId, posCode: ctx.adapter.code },
    toIsoUtc(event.occurredAt),
  );
  if (!created && state.restaurantId !== restaurantId)
    return refuseForeign(event.type, kind, order.id, restaurantId, log);
  if (!created && cancelledDuringInjection(state))
    return cancelInterruptedInjection(kind, event, state, restaurantId, ctx, log);
  if (!created && (state.posOrderId || state.isFinal || state.status !== 'RECEIVED')) {
    // A retry of this message, whose earlier attempt injected the order (or failed it for good) and died
    // before the news reached the queue.
    if (newsLost(state, ctx))
      return resendLostNews(state, log, { what: 'inject', source: ctx.adapter.code, code: state.posOrderId });
    await auditOrder(kind, order.id, {
      what: event.type,
      source: 'sinqro',
      status: state.status,
      outcome: 'already handled',
    });
    log.info('order already handled, not injected again', { status: state.status });
    return;
  }
  const expired = expiry(order.executionTime);
  if (expired) return fail(kind, order.id, restaurantId, order.type, expired, ctx, log);
  // No record of the recording itself: the injection's outcome (created, retry, permanent failure) says it.
  // The open-order marker, the catalog check and the POS client (the restaurant's link and secret) touch
  // different items: started together, they cost one round trip before the POS call instead of three.
  const [marked, checked, made] = await Promise.allSettled([
    markOpen(restaurantId, order.id, kind),
    kind === 'order' ? assertOrderInCatalog(order as never, restaurantId) : undefined,
    posClient(restaurantId, ctx),
  ]);
  if (marked.status === 'rejected') throw marked.reason;

  let client: PosClient;
  let posOrderId: string;
  let posContext: PosContext | undefined;
  try {
    // In this order, as if they had run one after the other: an unknown product before a client problem.
    if (checked.status === 'rejected') throw checked.reason;
    if (made.status === 'rejected') throw made.reason;
    client = made.value;
    // The idempotency key is derived from the Sinqro id: a retry after a lost reply finds the same POS order.
    const key = `sinqro-${kind}-${order.id}`;
    const result =
      kind === 'order'
        ? await client.injectOrder(order as never, key)
        : await client.injectReservation(order as never, key);
    posOrderId = result.posOrderId;
    posContext = result.posContext;
  } catch (error) {
    if (error instanceof PermanentError) return fail(kind, order.id, restaurantId, order.type, error, ctx, log);
    await recordAttempt(kind, order.id, (error as Error).message);
    await auditOrder(kind, order.id, {
      what: 'inject',
      source: ctx.adapter.code,
      outcome: 'retry',
      detail: (error as Error).message.slice(0, 200),
    });
    throw error;
  }

  const result = await transition({
    orderId: order.id,
    kind,
    status: 'INJECTED',
    sourceTs: new Date().toISOString(),
    source: ctx.adapter.code,
    posCode: ctx.adapter.code,
    posOrderId,
    posContext,
    owner: { restaurantId },
    appliedBy: ctx.messageId,
    // Copies of one order under other event ids may be injecting it at the same moment (same POS order,
    // by the idempotency key): the first to write INJECTED reports it, the others find it done.
    advanceOnly: true,
  });
  // Checked before the injection; only a writer racing this one could have made it another's.
  if (!result.applied && result.verdict === 'foreign')
    return refuseForeign(event.type, kind, order.id, restaurantId, log);
  const injected: AuditEntry = {
    what: 'inject',
    source: ctx.adapter.code,
    status: 'INJECTED',
    outcome: 'created in POS',
    code: posOrderId,
  };
  log.info('injected into POS', { posOrderId });
  // The record travels with the news: the publisher writes it once, with what Sinqro made of it.
  if (result.applied) return queueStatusNews(result.state, 'INJECTED', undefined, log, injected);
  // The write landed but its reply was lost, and the SDK's next try found it done: still ours to report.
  if (result.state && newsLost(result.state, ctx))
    return queueStatusNews(result.state, 'INJECTED', undefined, log, injected);
  if (result.verdict === 'duplicate' && result.state?.posOrderId === posOrderId) {
    await auditOrder(kind, order.id, { ...injected, outcome: 'already injected by a concurrent delivery' });
    log.info('order injected by a concurrent delivery; not reported again', { posOrderId });
    return;
  }
  await auditOrder(kind, order.id, injected);

  // The POS moved faster than us (its webhook already advanced the status, and may have named its own id
  // for the order, K-Series' account), or Sinqro cancelled meanwhile.
  if (!result.state?.posOrderId) await setPosOrderId(kind, order.id, ctx.adapter.code, posOrderId, posContext);
  if (result.state?.status === 'CANCELLED' && result.state.source === 'sinqro') {
    const ref = { sinqroOrderId: order.id, posContext };
    const done = await client.cancel(kind, posOrderId, 'cancelled in Sinqro', ref);
    await auditOrder(kind, order.id, cancelRecord(done, posOrderId, 'after late injection'));
    log.info('cancellation applied in POS after injection', { posOrderId, outcome: done.outcome });
  }
}

/**
 * An order or reservation whose time passed more than the stage's grace period ago (a message redriven
 * from the DLQ a day later, a long outage): made in the POS now, it would only send staff to cook for
 * nobody. It fails for good (EXPIRED) and Sinqro is told. A missing or unreadable time never expires it.
 */
function expiry(executionTime: string | undefined): PermanentError | undefined {
  const due = executionTime ? parseSinqroDate(executionTime) : Number.NaN;
  const grace = orderExpiryGraceMs();
  if (Number.isNaN(due) || Date.now() <= due + grace) return undefined;
  const past = `${new Date(due).toISOString()} is more than ${grace / 60_000} minutes past`;
  return new PermanentError(`EXPIRED: its time ${past}; not injected`, 'EXPIRED');
}

async function fail(
  kind: Kind,
  orderId: number,
  restaurantId: number,
  orderType: string,
  error: PermanentError,
  ctx: FlowContext,
  log: Logger,
) {
  const result = await transition({
    orderId,
    kind,
    status: 'FAILED',
    sourceTs: new Date().toISOString(),
    source: ctx.adapter.code,
    reason: error.message,
    createIfMissing: { orderType, posCode: ctx.adapter.code },
    owner: { restaurantId },
    appliedBy: ctx.messageId,
  });
  if (!result.applied && result.verdict === 'foreign') return refuseForeign('inject', kind, orderId, restaurantId, log);
  await auditOrder(kind, orderId, {
    what: 'inject',
    source: ctx.adapter.code,
    status: 'FAILED',
    outcome: 'permanent failure',
    code: error.code,
    detail: error.message.slice(0, 300),
  });
  log.warn('order FAILED: not retried', { code: error.code, reason: error.message.slice(0, 200) });
  if (result.applied) await queueStatusNews(result.state, 'FAILED', error.message, log);
}
