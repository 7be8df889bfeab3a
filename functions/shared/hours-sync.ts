/** Temporary closures (F7) and opening hours (F8). Placeholder entry points: built in the all-features issue (#3). */
import { PermanentError } from './errors';
import type { PosAvailabilityChangedEvent, PosHoursChangedEvent, SyncTrigger } from './messages';
import type { FlowContext } from './order-flow';

export async function onHoursChanged(
  _event: PosAvailabilityChangedEvent | PosHoursChangedEvent,
  _restaurantId: number,
  _ctx: FlowContext,
): Promise<void> {
  throw new PermanentError('availability and opening hours are not built yet', 'NOT_SUPPORTED');
}

export async function syncHours(_restaurantId: number, _trigger: SyncTrigger, _ctx: FlowContext): Promise<void> {
  throw new PermanentError('availability and opening hours are not built yet', 'NOT_SUPPORTED');
}
