/** Refusal of a Sinqro event about another restaurant's order or reservation. */
import type { Kind } from '../core/statuses';
import type { Logger } from '../infra/logger';
import { audit } from '../store/audit';
import { keys } from '../store/table';

/**
 * A Sinqro event for an order (or reservation) of another restaurant: the sender's restaurant is not the
 * order's, so nothing is applied, in the bridge or in any POS. Recorded on the sender's restaurant (ids
 * only), not in the order's trail, which belongs to its own restaurant.
 */
export async function refuseForeign(what: string, kind: Kind, orderId: number, restaurantId: number, log: Logger) {
  await audit(keys.restaurantAudit(restaurantId), {
    what,
    source: 'sinqro',
    outcome: 'refused: not this restaurant’s order',
    code: `${kind} ${orderId}`,
  });
  log.warn('event refused: the order belongs to another restaurant', { restaurantId });
}
