/** Catalog sync (F6). Placeholder entry points: built in the all-features issue (#3). */
import { PermanentError } from './errors';
import type { PosCatalogChangedEvent, WorkMessage } from './messages';
import type { FlowContext } from './order-flow';

export async function onCatalogChanged(
  _event: PosCatalogChangedEvent,
  _restaurantId: number,
  _ctx: FlowContext,
): Promise<void> {
  throw new PermanentError('catalog sync is not built yet', 'NOT_SUPPORTED');
}

export async function runCatalogSyncPage(
  _message: Extract<WorkMessage, { type: 'catalog-sync' }>,
  _ctx: FlowContext,
): Promise<void> {
  throw new PermanentError('catalog sync is not built yet', 'NOT_SUPPORTED');
}
