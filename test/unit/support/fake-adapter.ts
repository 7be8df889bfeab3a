/** An adapter declaration to test capability-driven code without depending on what the reference adapter declares today. */
import type { Capabilities, FeatureSupport, PosAdapter } from '../../../adapters/port';

const webhook = (note: string): FeatureSupport => ({ mechanism: 'webhook', note });

export function fakeCapabilities(): Capabilities {
  return {
    orders: {
      F1: { mechanism: 'api', note: 'POST /orders' },
      F2: webhook('order.accepted'),
      F3: webhook('order.cancelled'),
      F4: webhook('order.updated'),
      F5: { mechanism: 'api' },
      F6: webhook('catalog.changed'),
      F7: webhook('location.closed'),
      F8: webhook('hours.changed'),
    },
    reservations: {
      F1: { mechanism: 'api' },
      F2: webhook('reservation.confirmed'),
      F3: webhook('reservation.cancelled'),
      F4: { mechanism: 'polling', note: 'the POS only lets us read seatings' },
      F5: { mechanism: 'unsupported', reason: 'the POS cannot cancel a reservation through its API' },
      F6: { mechanism: 'unsupported', reason: 'catalog does not apply to reservations' },
      F7: webhook('location.closed'),
      F8: webhook('hours.changed'),
    },
  };
}

export function fakeAdapter(
  capabilities: Capabilities = fakeCapabilities(),
): Pick<PosAdapter, 'code' | 'name' | 'capabilities'> {
  return { code: 'fakepos', name: 'Fake POS', capabilities };
}
