/**
 * What an adapter worker does with each message: inject new orders and reservations into the POS,
 * apply Sinqro-side cancellations there, and turn POS status events into canonical statuses — all
 * through the monotonic state in DynamoDB, so duplicates and reordering change nothing.
 */
import type { CancelOutcome, PosAdapter, PosClient, PosContext } from '../../adapters/port';
import { onCatalogChanged, runCatalogSyncPage } from '../catalog/sync';
import { PermanentError } from '../core/errors';
import type { PosOrderStatusEvent, StatusNews, WorkMessage } from '../core/messages';
import type { AuditEntry } from '../core/records';
import { parseSinqroDate, type SinqroEvent, toIsoUtc } from '../core/sinqro-schemas';
import type { CanonicalStatus, Kind } from '../core/statuses';
import { onHoursChanged, syncHours } from '../hours/sync';
import { orderExpiryGraceMs } from '../infra/env';
import type { Logger } from '../infra/logger';
import type { Budget } from '../infra/outbound';
import { posClient } from '../pos/client';
import { sendToSinqro } from '../sinqro/to-sinqro';
import { audit, auditOrder } from '../store/audit';
import { markClosed, markOpen } from '../store/open-orders';
import {
  claimPosVersion,
  createOrder,
  findOrderByPosOrderId,
  getOrder,
  type OrderState,
  recordAttempt,
  setPosOrderId,
  transition,
} from '../store/orders';
import { keys } from '../store/table';
import { assertOrderInCatalog } from './catalog-check';
import { pollOrders } from './polling';

export type FlowContext = {
  adapter: PosAdapter;
  budget: Budget;
  logger: Logger;
  /** The message was received before (SQS ApproximateReceiveCount > 1): an earlier attempt may have failed midway. */
  redelivered?: boolean;
};

export async function handleWorkMessage(message: WorkMessage, ctx: FlowContext): Promise<void> {
  switch (message.type) {
    case 'sinqro-event':
      return handleSinqroEvent(message.event, message.restaurantId, ctx);
    case 'pos-event':
      switch (message.event.type) {
        case 'order.status':
          return handlePosStatus(message.event, message.restaurantId, ctx);
        case 'catalog.changed':
          return onCatalogChanged(message.event, message.restaurantId, ctx);
        case 'availability.changed':
        case 'hours.changed':
          return onHoursChanged(message.event, message.restaurantId, ctx);
      }
      return;
    case 'catalog-sync':
      return runCatalogSyncPage(message, ctx);
    case 'hours-sync':
      return syncHours(message.restaurantId, message.trigger, ctx);
    case 'poll-orders':
      return pollOrders(message.restaurantId, message.trigger, ctx);
  }
}

const kindOf = (type: SinqroEvent['type']): Kind => (type.startsWith('reservation.') ? 'reservation' : 'order');

async function handleSinqroEvent(event: SinqroEvent, restaurantId: number, ctx: FlowContext): Promise<void> {
  const kind = kindOf(event.type);
  const orderId = event.data.id;
  const log = ctx.logger.child({ orderId, kind });
  switch (event.type) {
    case 'order.created':
    case 'reservation.created':
      return inject(event, restaurantId, ctx, log);
    case 'order.cancelled':
    case 'reservation.cancelled':
      return cancelInPos(
        event.type,
        kind,
        orderId,
        restaurantId,
        toIsoUtc(event.occurredAt),
        event.data.comment ?? undefined,
        ctx,
        log,
      );
    case 'order.status_changed':
    case 'reservation.status_changed':
      if (event.data.status.code === 'cancelled') {
        return cancelInPos(event.type, kind, orderId, restaurantId, toIsoUtc(event.occurredAt), undefined, ctx, log);
      }
      // Only a cancellation has a meaning in the POS; other changes made in Sinqro are recorded.
      await auditOrder(kind, orderId, {
        what: event.type,
        source: 'sinqro',
        status: event.data.status.code,
        outcome: 'no POS action',
      });
      log.info('Sinqro status change has no POS action', { code: event.data.status.code });
  }
}

async function inject(
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
    return cancelInterruptedInjection(event, state, restaurantId, ctx, log);
  if (!created && (state.posOrderId || state.isFinal || state.status !== 'RECEIVED')) {
    // A retry of a message whose order was created in the POS but whose news never reached the queue.
    if (state.status === 'INJECTED' && newsLost(state, ctx)) {
      log.info('order already injected; its news for Sinqro is sent again', { posOrderId: state.posOrderId });
      return publish(state, 'INJECTED', undefined, log, {
        what: 'inject',
        source: ctx.adapter.code,
        status: 'INJECTED',
        outcome: 'created in POS earlier; news sent again',
        code: state.posOrderId,
      });
    }
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
  if (result.applied) return publish(result.state, 'INJECTED', undefined, log, injected);
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
 * The audit record of a cancellation the POS took: applied, or — for a POS that cannot cancel such an
 * order through its API — shown to staff instead, which the record says (`detail`: how, ids only).
 */
function cancelRecord(done: CancelOutcome, posOrderId: string, when?: string): AuditEntry {
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

/** The order type a cancellation records for an order it saw first (its creation had not arrived). */
const UNKNOWN_ORDER_TYPE = 'unknown';

/**
 * Sinqro cancelled an order whose injection had already begun (the state was recorded by `inject`, not by
 * the cancellation): an earlier attempt may have created it in the POS and then lost the reply, timed out
 * or died before the state write, or created it and failed to cancel it. Checked again on every delivery.
 */
const cancelledDuringInjection = (state: OrderState) =>
  state.status === 'CANCELLED' && state.source === 'sinqro' && state.orderType !== UNKNOWN_ORDER_TYPE;

/**
 * Makes sure the POS does not keep an order Sinqro cancelled while it was being injected: the create is
 * repeated with the same idempotency key (it finds the order an earlier attempt created, or creates it to
 * cancel it at once), then the cancellation is applied there. Both calls are idempotent.
 */
async function cancelInterruptedInjection(
  event: Extract<SinqroEvent, { type: 'order.created' | 'reservation.created' }>,
  state: OrderState,
  restaurantId: number,
  ctx: FlowContext,
  log: Logger,
) {
  const kind = kindOf(event.type);
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

async function cancelInPos(
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

export async function handlePosStatus(
  received: PosOrderStatusEvent,
  restaurantId: number,
  ctx: FlowContext,
): Promise<void> {
  let event = received;
  const log = ctx.logger.child({ posOrderId: event.posOrderId, posStatus: event.posStatus });
  // An order that did not come from Sinqro (e.g. a walk-in ticket), or not this restaurant's.
  const notOurs = () => log.info('POS order is not a Sinqro order of this restaurant; ignored', { restaurantId });
  const ours = (s: OrderState | undefined): s is OrderState =>
    s !== undefined && s.restaurantId === restaurantId && s.kind === event.kind;
  // A POS that versions its orders (Square) is read against the order first. Otherwise, when the POS
  // echoes our reference, the status write itself checks the order is ours (no read first).
  const versioned = event.refresh === true || event.posVersion !== undefined;
  let found: OrderState | undefined;
  if (!event.sinqroOrderId)
    found = await findOrderByPosOrderId(ctx.adapter.code, event.posOrderId, { restaurantId, kind: event.kind });
  else if (versioned) found = await getOrder(event.kind, event.sinqroOrderId);
  if ((versioned || !event.sinqroOrderId) && !ours(found)) return notOurs();
  const orderId = (event.sinqroOrderId ?? found?.orderId) as number;
  if (versioned && found) {
    if (event.refresh && found.isFinal) {
      log.info('order already final; POS event not read further', { orderId, status: found.status });
      return;
    }
    const fresh = await freshen(event, found, restaurantId, ctx);
    if (fresh === 'stale' || fresh === 'unconfirmed') {
      const why = fresh === 'stale' ? 'older POS version' : 'the POS could not confirm it';
      await auditOrder(event.kind, orderId, {
        what: 'pos-status',
        source: ctx.adapter.code,
        status: event.posStatus,
        outcome: `ignored (${why})`,
        code: event.eventId,
      });
      log.info(`POS event ignored: ${why}`, { orderId });
      return;
    }
    event = fresh;
  }
  const status = ctx.adapter.mapStatus(event.kind, event.posStatus);
  if (!status) {
    const state = found ?? (await getOrder(event.kind, orderId));
    if (!ours(state)) return notOurs();
    await auditOrder(state.kind, state.orderId, {
      what: 'pos-status',
      source: ctx.adapter.code,
      status: event.posStatus,
      outcome: 'unmapped POS status ignored',
    });
    log.warn('POS status has no canonical meaning; ignored', { orderId: state.orderId });
    return;
  }
  const result = await transition({
    orderId,
    kind: event.kind,
    status,
    sourceTs: event.occurredAt,
    source: ctx.adapter.code,
    posCode: ctx.adapter.code,
    posOrderId: event.posOrderId,
    owner: { restaurantId },
    // Staff's free-text reason goes on to Sinqro (publish below) but is not kept in the table.
  });
  if (!result.applied && result.verdict === 'foreign') return notOurs();
  const record = (outcome: string): AuditEntry => ({
    what: 'pos-status',
    source: ctx.adapter.code,
    status,
    outcome,
    code: event.eventId,
  });
  if (!result.applied) {
    log.info(`status ${status} ignored (${result.verdict})`, { orderId, current: result.state?.status });
    // A retry whose status an earlier attempt wrote but whose news never reached the queue (newsLost). A
    // first delivery of a duplicate (Square sends two webhooks per change) leaves the news to the message
    // that applied the status.
    const state = result.state;
    if (result.verdict === 'duplicate' && state !== undefined && newsLost(state, ctx)) {
      return publish(state, status, event.reason, log, record('applied earlier; news sent again'));
    }
    await auditOrder(event.kind, orderId, record(`ignored (${result.verdict})`));
    return;
  }
  log.info(`status ${status} applied`, { orderId });
  // The record travels with the news: the publisher writes it once, with what Sinqro made of it.
  await publish(result.state, status, event.reason, log, record('applied'));
}

/**
 * Reads the order when the event said too little or claims what the POS must confirm (`refresh`), by
 * the POS id the bridge recorded for it (not one the body names), and, for a POS that versions its
 * orders, drops the event when a newer version of the order was already applied (`stale`). A POS that
 * cannot tell leaves the event `unconfirmed`.
 */
async function freshen(
  event: PosOrderStatusEvent,
  found: OrderState,
  restaurantId: number,
  ctx: FlowContext,
): Promise<PosOrderStatusEvent | 'stale' | 'unconfirmed'> {
  let current = event;
  if (event.refresh) {
    const client = await posClient(restaurantId, ctx);
    if (client.getStatus) {
      const read = await client.getStatus(event.kind, found.posOrderId ?? event.posOrderId);
      if (!read) return 'unconfirmed';
      current = {
        ...event,
        posStatus: read.posStatus,
        occurredAt: read.occurredAt ?? event.occurredAt,
        posVersion: read.posVersion ?? event.posVersion,
        refresh: false,
      };
    }
  }
  if (current.posVersion !== undefined && !(await claimPosVersion(event.kind, found.orderId, current.posVersion)))
    return 'stale';
  return current;
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
  if (result.applied) await publish(result.state, 'FAILED', error.message, log);
}

/**
 * A Sinqro event for an order (or reservation) of another restaurant: the sender's restaurant is not the
 * order's, so nothing is applied, in the bridge or in any POS. Recorded on the sender's restaurant (ids
 * only), not in the order's trail, which belongs to its own restaurant.
 */
async function refuseForeign(what: string, kind: Kind, orderId: number, restaurantId: number, log: Logger) {
  await audit(keys.restaurantAudit(restaurantId), {
    what,
    source: 'sinqro',
    outcome: 'refused: not this restaurant’s order',
    code: `${kind} ${orderId}`,
  });
  log.warn('event refused: the order belongs to another restaurant', { restaurantId });
}

/**
 * The message is a retry (SQS receive count > 1) and the order's current status, set by this POS, was
 * never published: an earlier attempt applied it but its news did not reach the queue. Only a status
 * this POS set: one that came from Sinqro (its own cancellation) is never echoed back.
 */
export function newsLost(state: OrderState, ctx: FlowContext): boolean {
  return ctx.redelivered === true && (state.publishedRank ?? 0) < state.statusRank && state.source === ctx.adapter.code;
}

async function publish(
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
