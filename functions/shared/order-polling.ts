/** Polling fallback and stuck-order sweep. Placeholder entry point: built in the all-features issue (#3). */
import { PermanentError } from './errors';
import type { FlowContext } from './order-flow';

export async function pollOrders(
  _restaurantId: number,
  _trigger: 'schedule' | 'sweep',
  _ctx: FlowContext,
): Promise<void> {
  throw new PermanentError('order polling is not built yet', 'NOT_SUPPORTED');
}
