/**
 * The queue messages' schemas (messages.ts describes them), read by their consumers before any work: the
 * adapter worker (work queue) and the Sinqro publisher (to-sinqro queue).
 *
 * Every body carries its version `v`, stamped by its producer (`withVersion`, messages.ts). A DLQ keeps a message 14
 * days, so a redrive can bring back a body written by an older deploy: a body without `v` (written before
 * versions) is read as version 1; a version this code does not know, JSON that does not parse or a body
 * not of its kind's shape is an UnreadableMessageError, which the batch reports failed (and SQS parks in
 * the DLQ after its receives), never dropped. A new version gets its own schema here, and its reader turns
 * the older versions it still meets into the current shape.
 *
 * Objects are loose (a field the schema does not name is kept, never refused): during a deploy an older
 * consumer may meet a newer producer's body with a field added.
 */
import * as v from 'valibot';
import { CATALOG_ENTITY_TYPES } from './catalog-model';
import { UnreadableMessageError } from './errors';
import { MESSAGE_VERSION, type PublishMessage, type Versioned, type WorkMessage } from './messages';
import { SinqroEventSchema } from './sinqro-schemas';
import { isValidStatus, ORDER_STATUSES, RESERVATION_STATUSES } from './statuses';

const Version = v.optional(v.literal(MESSAGE_VERSION));
const Id = v.pipe(v.number(), v.safeInteger());
const Text = v.string();
const Kind = v.picklist(['order', 'reservation']);
const Status = v.picklist([...ORDER_STATUSES, ...RESERVATION_STATUSES]);
const EntityType = v.picklist(CATALOG_ENTITY_TYPES);
const CatalogRef = v.looseObject({ type: EntityType, posId: Text });
const Trigger = v.picklist(['webhook', 'operator', 'schedule']);

// ---- work queue ----

const posEventBase = { eventId: Text, posLocationId: Text, occurredAt: Text };

const PosEventSchema = v.variant('type', [
  v.looseObject({
    ...posEventBase,
    type: v.literal('order.status'),
    posOrderId: Text,
    sinqroOrderId: v.optional(Id),
    kind: Kind,
    posStatus: Text,
    reason: v.optional(Text),
    posVersion: v.optional(v.number()),
    refresh: v.optional(v.boolean()),
  }),
  v.looseObject({
    ...posEventBase,
    type: v.literal('catalog.changed'),
    posAccountId: v.optional(Text),
    entities: v.optional(v.array(CatalogRef)),
  }),
  v.looseObject({
    ...posEventBase,
    type: v.literal('availability.changed'),
    availability: v.optional(
      v.variant('closed', [
        v.looseObject({ closed: v.literal(false) }),
        v.looseObject({ closed: v.literal(true), from: Text, until: v.optional(Text), reason: v.optional(Text) }),
      ]),
    ),
  }),
  v.looseObject({ ...posEventBase, type: v.literal('hours.changed') }),
]);

const work = { v: Version, restaurantId: Id, posCode: Text };

/** Version 1 of a work-queue body. */
export const WorkMessageSchema = v.variant('type', [
  v.looseObject({ ...work, type: v.literal('sinqro-event'), receivedAt: Text, event: SinqroEventSchema }),
  v.looseObject({ ...work, type: v.literal('pos-event'), receivedAt: Text, event: PosEventSchema }),
  v.looseObject({
    ...work,
    type: v.literal('catalog-sync'),
    syncId: Text,
    mode: v.picklist(['full', 'incremental']),
    trigger: Trigger,
    entityType: v.optional(EntityType),
    cursor: v.optional(Text),
    entities: v.optional(v.array(CatalogRef)),
    since: v.optional(Text),
    part: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  }),
  v.looseObject({ ...work, type: v.literal('hours-sync'), trigger: Trigger }),
  v.looseObject({ ...work, type: v.literal('poll-orders'), trigger: v.picklist(['schedule', 'sweep']) }),
]);

// ---- to-sinqro queue ----

const PendingAuditSchema = v.looseObject({
  what: Text,
  source: Text,
  status: v.optional(Text),
  outcome: Text,
  call: v.optional(Text),
  code: v.optional(Text),
  detail: v.optional(Text),
  sinqro: v.optional(Text),
  sinqroAt: v.optional(Text),
  at: Text,
});

const news = { v: Version, restaurantId: Id };
const hoursNews = { ...news, hash: Text, observedAt: Text };
const Day = v.looseObject({ id: Id });

/** Version 1 of a to-sinqro body. */
export const PublishMessageSchema = v.variant('type', [
  v.pipe(
    v.looseObject({
      ...news,
      type: v.literal('status'),
      orderId: Id,
      kind: Kind,
      orderType: Text,
      status: Status,
      posOrderId: v.optional(Text),
      reason: v.optional(Text),
      occurredAt: Text,
      audit: v.optional(PendingAuditSchema),
    }),
    v.forward(
      v.check((n) => isValidStatus(n.kind, n.status), 'must be a status of its kind'),
      ['status'],
    ),
  ),
  v.looseObject({
    ...news,
    type: v.literal('catalog-upsert'),
    syncId: Text,
    entityType: EntityType,
    items: v.array(v.looseObject({ posId: Text, hash: Text, body: v.record(v.string(), v.unknown()) })),
  }),
  v.looseObject({
    ...news,
    type: v.literal('catalog-delete'),
    syncId: Text,
    entityType: EntityType,
    posIds: v.array(Text),
  }),
  v.looseObject({
    ...hoursNews,
    type: v.literal('closure'),
    closure: v.nullable(v.looseObject({ startsAt: Text, expiresAt: v.nullable(Text) })),
  }),
  v.looseObject({
    ...hoursNews,
    type: v.literal('schedule'),
    ranges: v.array(v.looseObject({ startDay: Day, endDay: Day, startTime: Text, endTime: Text, timezone: Text })),
  }),
]);

/**
 * The types and the schemas describe the same messages, or this does not compile: what a producer writes
 * the schema reads (here), and what the schema reads is what the consumer works (the readers' return types).
 */
type Holds<T extends true> = T;
export type SchemasReadWhatProducersWrite = Holds<
  [Versioned<WorkMessage>] extends [v.InferInput<typeof WorkMessageSchema>]
    ? [Versioned<PublishMessage>] extends [v.InferInput<typeof PublishMessageSchema>]
      ? true
      : false
    : false
>;

/** A work-queue body as the adapter worker works it; throws UnreadableMessageError. */
export function readWorkMessage(body: string): WorkMessage {
  return read(body, WorkMessageSchema, 'work message');
}

/** A to-sinqro body as the publisher sends it; throws UnreadableMessageError. */
export function readPublishMessage(body: string): PublishMessage {
  return read(body, PublishMessageSchema, 'message for Sinqro');
}

function read<const S extends v.GenericSchema>(body: string, schema: S, what: string): v.InferOutput<S> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new UnreadableMessageError(`${what} is not JSON`, 'none');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UnreadableMessageError(`${what} is not a JSON object`, 'none', ['(body)']);
  const raw = (parsed as { v?: unknown }).v;
  const version = raw === undefined ? 'none' : typeof raw === 'number' ? raw : 'not a number';
  if (raw !== undefined && raw !== MESSAGE_VERSION)
    throw new UnreadableMessageError(`${what} has a version this code does not read`, version, ['v']);
  const result = v.safeParse(schema, parsed);
  if (result.success) return result.output;
  const paths = [...new Set(result.issues.slice(0, 10).map((issue) => v.getDotPath(issue) ?? '(body)'))];
  throw new UnreadableMessageError(`${what} does not have its kind's shape (${paths.join(', ')})`, version, paths);
}
