/** What travels on the queues: work for an adapter worker, and status news for the Sinqro publisher. */

import type { CatalogEntityType, CatalogRef } from './catalog-model';
import type { PosAvailability } from './hours-model';
import type { PendingAudit } from './records';
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
  /** The POS's version of the order, when it has one: an event older than one already applied is dropped. */
  posVersion?: number;
  /** The event does not say enough: the worker reads the order's status from the POS first. */
  refresh?: boolean;
};

/** The POS says catalog entities changed (F6): the named ones, or — when it names none — something. */
export type PosCatalogChangedEvent = {
  type: 'catalog.changed';
  eventId: string;
  /** Empty when the change is the whole POS account's (`posAccountId`): every linked location of it. */
  posLocationId: string;
  /** The POS account (e.g. Square merchant) the event belongs to, for events that name no location. */
  posAccountId?: string;
  occurredAt: string;
  entities?: CatalogRef[];
};

/** The POS says the restaurant closed temporarily or opened again (F7), or its opening hours changed (F8). */
export type PosAvailabilityChangedEvent = {
  type: 'availability.changed';
  eventId: string;
  posLocationId: string;
  occurredAt: string;
  /** What the body said; never acted on: the worker reads the availability back from the POS API. */
  availability?: PosAvailability;
};
export type PosHoursChangedEvent = {
  type: 'hours.changed';
  eventId: string;
  posLocationId: string;
  occurredAt: string;
};

export type PosEvent =
  | PosOrderStatusEvent
  | PosCatalogChangedEvent
  | PosAvailabilityChangedEvent
  | PosHoursChangedEvent;

/** Who asked for a sync: a POS webhook, an operator (CLI), or the nightly schedule. */
export type SyncTrigger = 'webhook' | 'operator' | 'schedule';

export type WorkMessage =
  | { type: 'sinqro-event'; restaurantId: number; posCode: string; receivedAt: string; event: SinqroEvent }
  | { type: 'pos-event'; restaurantId: number; posCode: string; receivedAt: string; event: PosEvent }
  /** One page of a catalog sync; the worker enqueues the next page itself, so no catalog is ever truncated. */
  | {
      type: 'catalog-sync';
      restaurantId: number;
      posCode: string;
      syncId: string;
      mode: 'full' | 'incremental';
      trigger: SyncTrigger;
      entityType?: CatalogEntityType;
      cursor?: string;
      entities?: CatalogRef[];
      /** An incremental sync of whatever changed since this time (ISO), page by page with `cursor`. */
      since?: string;
      /** Incremental syncs of many entities run in parts (0-based); the report counts them. */
      part?: number;
    }
  /** Re-read availability and opening hours from the POS and push what changed (F7, F8). */
  | { type: 'hours-sync'; restaurantId: number; posCode: string; trigger: SyncTrigger }
  /** Ask the POS for the status of the restaurant's open orders (polling fallback, stuck-order sweep). */
  | { type: 'poll-orders'; restaurantId: number; posCode: string; trigger: 'schedule' | 'sweep' };

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
  /** The worker's record of what produced this status; the publisher writes it with what Sinqro made of it. */
  audit?: PendingAudit;
};

/** Catalog changes for Sinqro, at most one page of one entity type; the map is updated after Sinqro took them. */
export type CatalogNews =
  | {
      type: 'catalog-upsert';
      restaurantId: number;
      syncId: string;
      entityType: CatalogEntityType;
      items: { posId: string; hash: string; body: Record<string, unknown> }[];
    }
  | { type: 'catalog-delete'; restaurantId: number; syncId: string; entityType: CatalogEntityType; posIds: string[] };

/**
 * A temporary closure (or its end), and the weekly schedule, in Sinqro's terms; `hash` is what the table
 * keeps. `observedAt` is when the POS state was seen: the publisher never lets an older one overwrite a
 * newer one (queues do not keep order).
 */
export type ClosureNews = {
  type: 'closure';
  restaurantId: number;
  hash: string;
  observedAt: string;
  closure: { startsAt: string; expiresAt: string | null } | null;
};
export type ScheduleNews = {
  type: 'schedule';
  restaurantId: number;
  hash: string;
  observedAt: string;
  ranges: { startDay: { id: number }; endDay: { id: number }; startTime: string; endTime: string; timezone: string }[];
};

export type PublishMessage = StatusNews | CatalogNews | ClosureNews | ScheduleNews;

/**
 * The version of the queue bodies every producer writes today. Each message goes on its queue with it
 * (`withVersion`); its consumer reads it with message-schemas.ts, which knows what each version looks like.
 */
export const MESSAGE_VERSION = 1;

export type Versioned<M> = M & { v: typeof MESSAGE_VERSION };

/** A message as its producer puts it on a queue: with the current version. */
export function withVersion<M extends WorkMessage | PublishMessage>(message: M): Versioned<M> {
  return { ...message, v: MESSAGE_VERSION };
}
