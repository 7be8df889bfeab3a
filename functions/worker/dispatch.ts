/**
 * What an adapter worker does with each work message: Sinqro order and reservation events, POS events
 * (statuses, catalog, availability and hours), catalog and hours syncs and order polls, each routed to its
 * feature's flow. Every flow goes through the monotonic state in DynamoDB, so duplicates and reordering
 * change nothing.
 */
import { onCatalogChanged, runCatalogSyncPage } from '../catalog/sync';
import type { WorkMessage } from '../core/messages';
import { onHoursChanged, syncHours } from '../hours/sync';
import { pollOrders } from '../orders/polling';
import { handlePosStatus } from '../orders/pos-status';
import { handleSinqroEvent } from '../orders/sinqro-event';
import type { FlowContext } from '../pos/context';

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
