/** The order state item (`ORDER#<id>` / `STATE`) as the table holds it, for tests of the flows that read it. */
import { type CanonicalStatus, isFinal, rankOf } from '../../../functions/core/statuses';

export const ORDER_KEY = { PK: 'ORDER#900001', SK: 'STATE' };

/** Order 900001 of restaurant 5120 on the reference POS, in `status`; `overrides` for anything else. */
export function stateItem(status: CanonicalStatus, overrides: Record<string, unknown> = {}) {
  return {
    ...ORDER_KEY,
    orderId: 900001,
    kind: 'order',
    orderType: 'collection',
    restaurantId: 5120,
    posCode: 'reference',
    status,
    statusRank: rankOf('order', status),
    isFinal: isFinal(status),
    sourceTs: '2025-03-14T19:00:00.000Z',
    source: 'reference',
    version: 2,
    attempts: 0,
    updatedAt: '2025-03-14T19:00:00.000Z',
    ...overrides,
  };
}
