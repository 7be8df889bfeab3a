/**
 * Catalog sync (F6), worker side. A full sync walks the entity types in hierarchy order, one POS page
 * per queue message (each page enqueues the next, so no catalog is ever truncated); an incremental
 * sync re-reads only the entities a webhook named. Either way each entity's Sinqro item is hashed and
 * compared with the catalog map, and only new or changed ones are queued for the publisher. After a
 * full read, what the map has and the POS no longer has is deleted in Sinqro. Progress, counts and
 * per-entity errors go to the sync's report item.
 */
import {
  CATALOG_ENTITY_TYPES,
  type CatalogEntityType,
  type CatalogPage,
  type CatalogRef,
  newSyncId,
} from '../core/catalog-model';
import { forEachLimit } from '../core/concurrency';
import { contentHash } from '../core/content-hash';
import { NotFoundError, PermanentError, ValidationError } from '../core/errors';
import { MAX_MESSAGE_BYTES } from '../core/limits';
import {
  type CatalogNews,
  type PosCatalogChangedEvent,
  type SyncTrigger,
  type WorkMessage,
  withVersion,
} from '../core/messages';
import { envNames, requireEnv } from '../infra/env';
import type { Logger } from '../infra/logger';
import { enqueue } from '../infra/queue';
import { posClient } from '../pos/client';
import type { FlowContext } from '../pos/context';
import { sendToSinqro } from '../sinqro/to-sinqro';
import {
  advanceCatalogWatermark,
  type CatalogEntry,
  createSyncReport,
  emptyTally,
  finishSync,
  getCatalogEntry,
  getCatalogWatermark,
  getSyncReportItem,
  listCatalogEntriesNotSeenSince,
  markCatalogEntitySeen,
  recordSyncPage,
  type SyncError,
  type SyncReport,
  type SyncTally,
} from '../store/catalog-map';
import { getLink } from '../store/links';
import { toSinqroCatalogItem } from './sinqro-catalog';

export { getSyncReport, listSyncReports } from '../store/catalog-map';

type CatalogSyncMessage = Extract<WorkMessage, { type: 'catalog-sync' }>;
type UpsertItem = Extract<CatalogNews, { type: 'catalog-upsert' }>['items'][number];

/** Items per Sinqro call (one upsert message is one call). */
export const UPSERT_MAX_ITEMS = 100;
/** Room kept free in a queue message for the message attributes and the envelope's growth. */
const MESSAGE_HEADROOM_BYTES = 8 * 1024;
/** Entities per incremental part, and per delete message (Sinqro deletes one by one). */
export const INCREMENTAL_PART_SIZE = 100;
export const DELETE_MAX_IDS = 100;
/** Parallel map reads/writes while diffing a page. */
const MAP_CONCURRENCY = 32;

const DELETE_ORDER = [...CATALOG_ENTITY_TYPES].reverse(); // children before parents

/** Sortable by start time, unique enough for one restaurant. */
export { newSyncId };

/**
 * Starts a sync (the operator CLI, the nightly schedule and the product-changed webhook all come
 * here): writes its report and enqueues its first page (a full sync) or its parts (an incremental
 * one). Returns the sync id, for `getSyncReport`.
 */
export async function requestCatalogSync(
  restaurantId: number,
  posCode: string,
  mode: 'full' | 'incremental',
  trigger: SyncTrigger,
  entities?: CatalogRef[],
  since?: string,
): Promise<string> {
  const link = await getLink(restaurantId);
  if (!link) throw new NotFoundError(`restaurant ${restaurantId} is not linked to a POS`, 'RESTAURANT_NOT_LINKED');
  if (link.posCode !== posCode)
    throw new ValidationError(`restaurant ${restaurantId} is linked to ${link.posCode}, not ${posCode}`);
  const queueUrl = requireEnv(envNames.workQueue(posCode));
  const syncId = newSyncId();
  // Without named entities (or a time to read changes from) there is nothing to be incremental about:
  // read everything, push what changed.
  const effective = mode === 'incremental' && (entities?.length || since) ? 'incremental' : 'full';
  const parts = effective === 'incremental' && !entities?.length ? [] : chunk(entities ?? [], INCREMENTAL_PART_SIZE);
  await createSyncReport({
    syncId,
    restaurantId,
    posCode,
    mode: effective,
    trigger,
    parts: effective === 'incremental' && parts.length > 0 ? parts.length : undefined,
  });
  const base = { type: 'catalog-sync', restaurantId, posCode, syncId, trigger } as const;
  const messages: CatalogSyncMessage[] =
    effective === 'full'
      ? [{ ...base, mode: 'full', entityType: CATALOG_ENTITY_TYPES[0] }]
      : parts.length === 0
        ? [{ ...base, mode: 'incremental', since }]
        : parts.map((part, i) => ({ ...base, mode: 'incremental', entities: part, part: i }));
  for (const message of messages) await enqueue(queueUrl, withVersion(message), { type: message.type, syncId });
  return syncId;
}

/** The product-changed webhook: the named entities only, or a full re-read when it names none. */
export async function onCatalogChanged(
  event: PosCatalogChangedEvent,
  restaurantId: number,
  ctx: FlowContext,
): Promise<void> {
  const named = event.entities?.length ?? 0;
  // A webhook that names nothing: a POS that can list what changed since the last complete read is
  // asked for just that; only the first time (nothing read yet) is everything read.
  let since: string | undefined;
  if (named === 0) {
    // A client that cannot be made here fails the same way in the sync, which records why in its report.
    const client = await posClient(restaurantId, ctx).catch(() => undefined);
    if (client?.fetchCatalogChanges) since = await getCatalogWatermark(restaurantId);
  }
  const syncId = await requestCatalogSync(
    restaurantId,
    ctx.adapter.code,
    named > 0 || since ? 'incremental' : 'full',
    'webhook',
    event.entities,
    since,
  );
  ctx.logger.info('catalog change: sync requested', { restaurantId, syncId, eventId: event.eventId, named, since });
}

/** One page of a full sync, or one part of an incremental one. */
export async function runCatalogSyncPage(message: CatalogSyncMessage, ctx: FlowContext): Promise<void> {
  const { restaurantId, syncId } = message;
  const log = ctx.logger.child({
    restaurantId,
    syncId,
    mode: message.mode,
    entityType: message.entityType,
    part: message.part,
  });
  let report = await getSyncReportItem(restaurantId, syncId);
  if (!report && !startsASync(message)) {
    // Without its report (and the start time in it) a full sync cannot tell stale entries from seen ones.
    log.warn('catalog page of a sync without a report; dropped');
    return;
  }
  if (!report) {
    // Enqueued by something that did not write a report first: start one, so progress is visible.
    await createSyncReport({
      syncId,
      restaurantId,
      posCode: message.posCode,
      mode: message.mode,
      trigger: message.trigger,
    });
    report = await getSyncReportItem(restaurantId, syncId);
  }
  if (!report) throw new Error(`catalog sync ${syncId}: report could not be read back`);
  const pageKey = pageKeyOf(message);
  if (report.done || report.pagesDone.has(pageKey)) {
    log.info('catalog page already processed; skipped', { pageKey });
    return;
  }
  try {
    if (message.mode === 'full') await fullSyncPage(message, report, ctx, log);
    else if (message.since) await changesPage(message, report, ctx, log);
    else await incrementalPart(message, report, ctx, log);
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    // Asking again gives the same answer: stop the sync and say why in its report.
    await finishSync(restaurantId, syncId, error.message);
    log.warn('catalog sync stopped: permanent failure', { code: error.code, reason: error.message.slice(0, 200) });
  }
}

const startsASync = (m: CatalogSyncMessage) =>
  m.mode === 'incremental' || ((m.entityType ?? CATALOG_ENTITY_TYPES[0]) === CATALOG_ENTITY_TYPES[0] && !m.cursor);

const pageKeyOf = (m: CatalogSyncMessage) =>
  m.mode === 'full'
    ? `${m.entityType ?? CATALOG_ENTITY_TYPES[0]}#${m.cursor ?? ''}`
    : m.since
      ? `since#${m.cursor ?? ''}`
      : `part#${m.part ?? 0}`;

async function fullSyncPage(message: CatalogSyncMessage, report: SyncReport, ctx: FlowContext, log: Logger) {
  const { restaurantId, syncId } = message;
  const type = message.entityType ?? CATALOG_ENTITY_TYPES[0];
  const client = await posClient(restaurantId, ctx);
  if (!client.fetchCatalogPage)
    throw new PermanentError(`${ctx.adapter.code} cannot read its catalog in pages`, 'NOT_SUPPORTED');
  const page = await client.fetchCatalogPage(type, message.cursor);
  if (page.nextCursor && page.nextCursor === message.cursor)
    throw new PermanentError(`the POS answered ${type} page ${message.cursor} with the same cursor`, 'CURSOR_LOOP');
  const tally = emptyTally();
  const errors: SyncError[] = [];
  await diffAndQueue(restaurantId, syncId, page, tally, errors);

  let done = false;
  const nextType = CATALOG_ENTITY_TYPES[CATALOG_ENTITY_TYPES.indexOf(type) + 1];
  if (page.nextCursor) await enqueueNext(message, { entityType: type, cursor: page.nextCursor });
  else if (nextType) await enqueueNext(message, { entityType: nextType, cursor: undefined });
  else {
    await queueDeletionsAfterFullRead(message, report, tally, errors, log);
    // The next "changed since" read starts where this full read started.
    if (client.fetchCatalogChanges) await advanceCatalogWatermark(restaurantId, report.startedAt);
    done = true;
  }
  const recorded = await recordSyncPage(restaurantId, syncId, {
    pageKey: pageKeyOf(message),
    tally,
    errors,
    errorsHeld: report.errors.length,
    done,
  });
  log.info(done ? 'catalog sync: last page done' : 'catalog sync: page done', {
    entityType: type,
    seen: tally[type].seen,
    changed: tally[type].changed,
    rejected: tally[type].rejected,
    repeat: recorded === false,
  });
}

async function incrementalPart(message: CatalogSyncMessage, report: SyncReport, ctx: FlowContext, log: Logger) {
  const { restaurantId, syncId } = message;
  const refs = message.entities ?? [];
  const client = await posClient(restaurantId, ctx);
  if (!client.fetchCatalogEntities)
    throw new PermanentError(`${ctx.adapter.code} cannot read single catalog entities`, 'NOT_SUPPORTED');
  const page = await client.fetchCatalogEntities(refs);
  const tally = emptyTally();
  const errors: SyncError[] = [];
  await diffAndQueue(restaurantId, syncId, page, tally, errors);

  // Asked for, and neither returned nor rejected: the POS no longer has it.
  const answered = new Set(
    [...page.entities.map((e) => ({ type: e.type, posId: e.posId })), ...page.rejected.map((r) => r.ref)].map(
      (r) => `${r.type}#${r.posId}`,
    ),
  );
  const absent = refs.filter((r) => !answered.has(`${r.type}#${r.posId}`));
  const known: CatalogRef[] = [];
  await forEachLimit(absent, MAP_CONCURRENCY, async (ref) => {
    if (await getCatalogEntry(restaurantId, ref)) known.push(ref);
  });
  await queueDeletions(message, known, tally);

  const recorded = await recordSyncPage(restaurantId, syncId, {
    pageKey: pageKeyOf(message),
    tally,
    errors,
    errorsHeld: report.errors.length,
  });
  if (recorded && recorded.pagesDone.size >= (recorded.parts ?? 1) && !recorded.done)
    await finishSync(restaurantId, syncId);
  log.info('catalog sync: incremental part done', {
    asked: refs.length,
    changed: sum(tally, 'changed'),
    unchanged: sum(tally, 'unchanged'),
    deleted: known.length,
    rejected: sum(tally, 'rejected'),
  });
}

/**
 * One page of what changed in the POS since `message.since`: changed entities are diffed like any
 * other, gone ones the map knows are deleted in Sinqro, and after the last page the next read point
 * moves to the POS's own catalog time (or this sync's start).
 */
async function changesPage(message: CatalogSyncMessage, report: SyncReport, ctx: FlowContext, log: Logger) {
  const { restaurantId, syncId } = message;
  const client = await posClient(restaurantId, ctx);
  if (!client.fetchCatalogChanges || !message.since)
    throw new PermanentError(`${ctx.adapter.code} cannot list catalog changes`, 'NOT_SUPPORTED');
  const page = await client.fetchCatalogChanges(message.since, message.cursor);
  if (page.nextCursor && page.nextCursor === message.cursor)
    throw new PermanentError(`the POS answered changes page ${message.cursor} with the same cursor`, 'CURSOR_LOOP');
  const tally = emptyTally();
  const errors: SyncError[] = [];
  await diffAndQueue(restaurantId, syncId, page, tally, errors);
  const known: CatalogRef[] = [];
  await forEachLimit(page.gone, MAP_CONCURRENCY, async (ref) => {
    if (await getCatalogEntry(restaurantId, ref)) known.push(ref);
  });
  await queueDeletions(message, known, tally);
  if (page.nextCursor) await enqueueNext(message, { entityType: undefined, cursor: page.nextCursor });
  const done = !page.nextCursor;
  await recordSyncPage(restaurantId, syncId, {
    pageKey: pageKeyOf(message),
    tally,
    errors,
    errorsHeld: report.errors.length,
    done,
  });
  if (done) {
    const posTime = page.catalogTime ? Date.parse(page.catalogTime) : Number.NaN;
    await advanceCatalogWatermark(
      restaurantId,
      Number.isNaN(posTime) ? report.startedAt : new Date(posTime).toISOString(),
    );
  }
  log.info(done ? 'catalog sync: changes read' : 'catalog sync: changes page done', {
    since: message.since,
    changed: sum(tally, 'changed'),
    unchanged: sum(tally, 'unchanged'),
    deleted: known.length,
    rejected: sum(tally, 'rejected'),
  });
}

/**
 * Hashes each entity's Sinqro item, marks it seen in the map (reading its previous hash in the same
 * write) and queues the new or changed ones for the publisher. Rejected entities are counted and
 * reported; one the map already has is marked seen, so a bad edit in the POS never deletes the
 * last good version from Sinqro.
 */
async function diffAndQueue(
  restaurantId: number,
  syncId: string,
  page: CatalogPage,
  tally: SyncTally,
  errors: SyncError[],
): Promise<void> {
  const changed = new Map<CatalogEntityType, UpsertItem[]>();
  await forEachLimit(page.entities, MAP_CONCURRENCY, async (entity) => {
    const body = toSinqroCatalogItem(entity);
    const hash = contentHash(body);
    const previous: CatalogEntry | undefined = await markCatalogEntitySeen(restaurantId, entity, syncId);
    tally[entity.type].seen += 1;
    if (previous?.hash === hash) {
      tally[entity.type].unchanged += 1;
      return;
    }
    const list = changed.get(entity.type) ?? [];
    list.push({ posId: entity.posId, hash, body });
    changed.set(entity.type, list);
  });
  for (const rejected of page.rejected) {
    const type = rejected.ref.type;
    if (type) tally[type].rejected += 1;
    errors.push({ type, posId: rejected.ref.posId, error: rejected.error });
  }
  await forEachLimit(
    page.rejected.filter((r) => r.ref.type && r.ref.posId),
    MAP_CONCURRENCY,
    async (r) => {
      await markCatalogEntitySeen(restaurantId, r.ref as CatalogRef, syncId);
    },
  );
  for (const type of CATALOG_ENTITY_TYPES) {
    const items = changed.get(type);
    if (!items) continue;
    const { batches, tooLarge } = batchUpserts({ restaurantId, syncId, entityType: type }, items);
    for (const item of tooLarge) {
      tally[type].rejected += 1;
      errors.push({ type, posId: item.posId, error: 'too large for one queue message; not sent to Sinqro' });
    }
    for (const batch of batches) {
      await sendToSinqro({ type: 'catalog-upsert', restaurantId, syncId, entityType: type, items: batch }, { syncId });
      tally[type].changed += batch.length;
    }
  }
}

/**
 * Splits changed items into upsert messages that each fit a queue message and one Sinqro call;
 * an item that cannot fit even alone is returned apart (reported, never silently dropped).
 */
export function batchUpserts(
  header: { restaurantId: number; syncId: string; entityType: CatalogEntityType },
  items: UpsertItem[],
  limits = { maxItems: UPSERT_MAX_ITEMS, maxBytes: MAX_MESSAGE_BYTES - MESSAGE_HEADROOM_BYTES },
): { batches: UpsertItem[][]; tooLarge: UpsertItem[] } {
  const emptyBytes = Buffer.byteLength(JSON.stringify({ type: 'catalog-upsert', ...header, items: [] }));
  const batches: UpsertItem[][] = [];
  const tooLarge: UpsertItem[] = [];
  let current: UpsertItem[] = [];
  let bytes = emptyBytes;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item)) + 1; // + the comma between items
    if (emptyBytes + size > limits.maxBytes) {
      tooLarge.push(item);
      continue;
    }
    if (current.length >= limits.maxItems || bytes + size > limits.maxBytes) {
      batches.push(current);
      current = [];
      bytes = emptyBytes;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return { batches, tooLarge };
}

/**
 * After the last page of a full read: everything in the map that no sync has seen since this one
 * started is gone from the POS. A POS that answered with no entity at all is not believed (an empty
 * catalog is far likelier an outage than a restaurant that sells nothing): deletions are withheld.
 */
async function queueDeletionsAfterFullRead(
  message: CatalogSyncMessage,
  report: SyncReport,
  tally: SyncTally,
  errors: SyncError[],
  log: Logger,
) {
  const stale = await listCatalogEntriesNotSeenSince(message.restaurantId, report.startedAt);
  const readThisSync = report.totals.seen + report.totals.rejected + sum(tally, 'seen') + sum(tally, 'rejected');
  if (stale.length > 0 && readThisSync === 0) {
    errors.push({ error: `the POS returned an empty catalog; ${stale.length} deletions withheld` });
    log.warn('empty catalog from the POS: deletions withheld', { stale: stale.length });
    return;
  }
  await queueDeletions(message, stale, tally);
}

async function queueDeletions(message: CatalogSyncMessage, refs: CatalogRef[], tally: SyncTally) {
  for (const type of DELETE_ORDER) {
    const posIds = refs.filter((r) => r.type === type).map((r) => r.posId);
    for (const ids of chunk(posIds, DELETE_MAX_IDS)) {
      await sendToSinqro(
        {
          type: 'catalog-delete',
          restaurantId: message.restaurantId,
          syncId: message.syncId,
          entityType: type,
          posIds: ids,
        },
        { syncId: message.syncId },
      );
      tally[type].deleted += ids.length;
    }
  }
}

async function enqueueNext(message: CatalogSyncMessage, next: Pick<CatalogSyncMessage, 'entityType' | 'cursor'>) {
  const { cursor: _c, entityType: _t, ...rest } = message;
  const body: CatalogSyncMessage = { ...rest, ...next };
  await enqueue(requireEnv(envNames.workQueue(message.posCode)), withVersion(body), {
    type: body.type,
    syncId: body.syncId,
  });
}

const sum = (tally: SyncTally, metric: keyof SyncTally[CatalogEntityType]) =>
  CATALOG_ENTITY_TYPES.reduce((n, t) => n + tally[t][metric], 0);

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
