/** What travels on the queues: work for an adapter worker, and status news for the Sinqro publisher. */

import type { SinqroEvent } from './sinqro-schemas';
import type { CanonicalStatus, Kind } from './statuses';

/** A POS-side fact as an adapter's webhook parser (or poller) reports it, in POS terms. */
export type PosOrderStatusEvent = {
  type: 'order.status';
  eventId: string;
  posLocationId: string;
  posOrderId: string;
  /** Our reference on the POS object (the Sinqro order id), when the POS echoes it. */
  sinqroOrderId?: number;
  kind: Kind;
  /** The POS's own status code; the adapter maps it to a canonical status in the worker. */
  posStatus: string;
  occurredAt: string;
  reason?: string;
};

export type PosEvent = PosOrderStatusEvent;

export type WorkMessage =
  | { type: 'sinqro-event'; restaurantId: number; posCode: string; receivedAt: string; event: SinqroEvent }
  | { type: 'pos-event'; restaurantId: number; posCode: string; receivedAt: string; event: PosEvent };

export type StatusNews = {
  type: 'status';
  orderId: number;
  kind: Kind;
  orderType: string;
  restaurantId: number;
  status: CanonicalStatus;
  posOrderId?: string;
  reason?: string;
  occurredAt: string;
};

export type PublishMessage = StatusNews;
