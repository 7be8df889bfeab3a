/**
 * A Sinqro order or reservation event, by what it asks of the POS: a creation is injected, a
 * cancellation applied there; any other status change made in Sinqro is only recorded.
 */
import { type SinqroEvent, toIsoUtc } from '../core/sinqro-schemas';
import type { FlowContext } from '../pos/context';
import { auditOrder } from '../store/audit';
import { cancelInPos } from './cancel';
import { inject, kindOf } from './inject';

export async function handleSinqroEvent(event: SinqroEvent, restaurantId: number, ctx: FlowContext): Promise<void> {
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
