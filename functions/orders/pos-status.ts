/**
 * A POS status event (webhook or poll) turned into the order's canonical status: only for a Sinqro order
 * of this restaurant, read back from the POS when the event asks, dropped when older than what was applied,
 * written monotonically and its news queued for Sinqro once.
 */
import type { PosOrderStatusEvent } from '../core/messages';
import type { AuditEntry } from '../core/records';
import { posClient } from '../pos/client';
import type { FlowContext } from '../pos/context';
import { auditOrder } from '../store/audit';
import { claimPosVersion, findOrderByPosOrderId, getOrder, type OrderState, transition } from '../store/orders';
import { newsLost, queueStatusNews, resendLostNews } from './status-news';

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
  const trail = { what: 'pos-status', source: ctx.adapter.code, code: event.eventId };
  const record = (status: string, outcome: string): AuditEntry => ({ ...trail, status, outcome });
  // A retry of this message, whose earlier attempt applied the order's status and died before its news
  // reached the queue: the news goes now, whatever the POS says meanwhile (the order may be final by now).
  if (found && newsLost(found, ctx)) return resendLostNews(found, log, trail);
  if (versioned && found) {
    if (event.refresh && found.isFinal) {
      log.info('order already final; POS event not read further', { orderId, status: found.status });
      return;
    }
    const fresh = await freshen(event, found, restaurantId, ctx);
    if (fresh === 'stale' || fresh === 'unconfirmed') {
      const why = fresh === 'stale' ? 'older POS version' : 'the POS could not confirm it';
      await auditOrder(event.kind, orderId, record(event.posStatus, `ignored (${why})`));
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
    appliedBy: ctx.messageId,
    // Staff's free-text reason goes on to Sinqro (publish below) but is not kept in the table.
  });
  if (!result.applied && result.verdict === 'foreign') return notOurs();
  if (!result.applied) {
    log.info(`status ${status} ignored (${result.verdict})`, { orderId, current: result.state?.status });
    // A retry of this message whose earlier attempt wrote the status (or the one the order holds now) and
    // died before its news reached the queue. A copy (Square sends two webhooks per change) leaves the
    // news to the message that applied the status.
    const state = result.state;
    // Staff's reason goes with it when the status is this event's.
    if (state !== undefined && newsLost(state, ctx))
      return resendLostNews(state, log, trail, state.status === status ? event.reason : undefined);
    await auditOrder(event.kind, orderId, record(status, `ignored (${result.verdict})`));
    return;
  }
  log.info(`status ${status} applied`, { orderId });
  // The record travels with the news: the publisher writes it once, with what Sinqro made of it.
  await queueStatusNews(result.state, status, event.reason, log, record(status, 'applied'));
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
      const read = await client.getStatus(event.kind, found.posOrderId ?? event.posOrderId, event.posStatus);
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
