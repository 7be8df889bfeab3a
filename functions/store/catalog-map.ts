/**
 * The catalog's share of the table (F6): the map of POS entities pushed to Sinqro
 * (`CAT#<restaurantId>` / `<entityType>#<posId>`: content hash, Sinqro id, when synced, when last seen)
 * and each sync's report (`REST#<restaurantId>` / `CATSYNC#<syncId>`). Single-item writes only.
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { CATALOG_ENTITY_TYPES, type CatalogEntityType, type CatalogRef } from '../core/catalog-model';
import type { SyncTrigger } from '../core/messages';
import { conditionHeld, ddb, epochSeconds, isConditionFailure, tableName } from '../infra/ddb';
import { keys } from './table';

// ---- the catalog map ----

export type CatalogEntry = CatalogRef & {
  hash: string;
  sinqroId?: number | string;
  syncedAt: string;
  /** When a sync last read the entity from the POS, and which sync it was (deletions are decided on it). */
  seenAt: string;
  seenSyncId: string;
};

/**
 * Marks an entity a sync read from the POS as seen, and returns what the map knew of it before
 * (undefined when it is new). One conditional UpdateItem both reads the old hash and marks it.
 */
export async function markCatalogEntitySeen(
  restaurantId: number,
  ref: CatalogRef,
  syncId: string,
): Promise<CatalogEntry | undefined> {
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.catalogEntity(restaurantId, ref.type, ref.posId),
        UpdateExpression: 'SET seenAt = :now, seenSyncId = :sync',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':now': new Date().toISOString(), ':sync': syncId },
        ReturnValues: 'ALL_OLD',
      }),
    );
    return toEntry(out.Attributes);
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

export async function getCatalogEntry(restaurantId: number, ref: CatalogRef): Promise<CatalogEntry | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keys.catalogEntity(restaurantId, ref.type, ref.posId) }),
  );
  return toEntry(out.Item);
}

/** Written by the publisher once Sinqro accepted the entity, never before. */
export async function putCatalogEntry(
  restaurantId: number,
  entry: Omit<CatalogEntry, 'syncedAt' | 'seenAt'>,
): Promise<void> {
  const now = new Date().toISOString();
  const { type, ...rest } = entry;
  await ddb.send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.catalogEntity(restaurantId, type, entry.posId),
        entityType: type,
        ...rest,
        syncedAt: now,
        seenAt: now,
      },
    }),
  );
}

/** Removed by the publisher once Sinqro no longer has the entity. */
export async function deleteCatalogEntry(restaurantId: number, ref: CatalogRef): Promise<void> {
  await ddb.send(
    new DeleteCommand({ TableName: tableName(), Key: keys.catalogEntity(restaurantId, ref.type, ref.posId) }),
  );
}

/** Whether any catalog was ever synced for the restaurant (then orders are checked against it). */
export async function hasCatalog(restaurantId: number): Promise<boolean> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.catalogPartition(restaurantId) },
      ProjectionExpression: 'SK',
      Limit: 1,
    }),
  );
  return (out.Items ?? []).length > 0;
}

/** Entities no sync has seen since `since`: what the POS no longer has, after a full read of it. */
export async function listCatalogEntriesNotSeenSince(restaurantId: number, since: string): Promise<CatalogRef[]> {
  const refs: CatalogRef[] = [];
  const pages = paginateQuery(
    { client: ddb },
    {
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      FilterExpression: 'attribute_not_exists(seenAt) OR seenAt < :since',
      ExpressionAttributeValues: { ':pk': keys.catalogPartition(restaurantId), ':since': since },
      ProjectionExpression: 'entityType, posId',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) refs.push({ type: item.entityType, posId: item.posId });
  }
  return refs;
}

/** Every map entry of the restaurant (the CLI and the tests inspect it). */
export async function listCatalogEntries(restaurantId: number): Promise<CatalogEntry[]> {
  const entries: CatalogEntry[] = [];
  const pages = paginateQuery(
    { client: ddb },
    {
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': keys.catalogPartition(restaurantId) },
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) entries.push(toEntry(item) as CatalogEntry);
  }
  return entries;
}

function toEntry(item: Record<string, unknown> | undefined): CatalogEntry | undefined {
  if (!item) return undefined;
  const { PK, SK, entityType, ...rest } = item;
  return { ...(rest as Omit<CatalogEntry, 'type'>), type: entityType as CatalogEntityType };
}

// ---- sync reports ----

export const SYNC_METRICS = ['seen', 'changed', 'unchanged', 'deleted', 'rejected'] as const;
export type SyncMetric = (typeof SYNC_METRICS)[number];
export type SyncTally = Record<CatalogEntityType, Record<SyncMetric, number>>;
export type SyncError = { type?: CatalogEntityType; posId?: string; error: string };

export type SyncReport = {
  syncId: string;
  restaurantId: number;
  posCode: string;
  mode: 'full' | 'incremental';
  trigger: SyncTrigger;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Every page read and its changes queued for Sinqro. */
  done: boolean;
  /** Why the sync stopped early (a permanent failure), when it did. */
  failure?: string;
  /** Incremental syncs run in parts of a bounded number of entities. */
  parts?: number;
  pages: number;
  counts: SyncTally;
  totals: Record<SyncMetric, number>;
  /** What Sinqro has accepted of what the sync queued for it. */
  sinqro: { upsertsAccepted: number; deletesAccepted: number };
  /** Done, and Sinqro accepted every change the sync queued. */
  settled: boolean;
  errors: SyncError[];
  errorCount: number;
};

/** Per-entity errors kept in the report (the count keeps going). */
export const MAX_REPORT_ERRORS = 100;
/** Reports expire (the table's TTL attribute) after a month: the CLI shows recent syncs. */
const REPORT_TTL_DAYS = 30;

export const emptyTally = (): SyncTally =>
  Object.fromEntries(
    CATALOG_ENTITY_TYPES.map((t) => [t, Object.fromEntries(SYNC_METRICS.map((m) => [m, 0]))]),
  ) as SyncTally;

const counter = (type: CatalogEntityType, metric: SyncMetric) => `n_${type}_${metric}`;

export async function createSyncReport(
  report: Pick<SyncReport, 'syncId' | 'restaurantId' | 'posCode' | 'mode' | 'trigger' | 'parts'>,
): Promise<void> {
  const now = new Date().toISOString();
  // Already there: a redelivered first page.
  await conditionHeld(
    ddb.send(
      new PutCommand({
        TableName: tableName(),
        Item: {
          ...keys.catalogSync(report.restaurantId, report.syncId),
          ...report,
          startedAt: now,
          updatedAt: now,
          done: false,
          errors: [],
          errorCount: 0,
          expiresAt: epochSeconds(REPORT_TTL_DAYS),
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    ),
  );
}

/** The raw report item, with the pages already processed (a redelivered page is recognised by it). */
export async function getSyncReportItem(
  restaurantId: number,
  syncId: string,
): Promise<(SyncReport & { pagesDone: Set<string> }) | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keys.catalogSync(restaurantId, syncId), ConsistentRead: true }),
  );
  return out.Item ? toReport(out.Item) : undefined;
}

export type PageRecord = {
  pageKey: string;
  tally: SyncTally;
  errors: SyncError[];
  /** Errors the report already holds, so it keeps at most MAX_REPORT_ERRORS. */
  errorsHeld: number;
  done?: boolean;
};

/**
 * Adds one page's counts and errors to the report, once: the page key goes into `pagesDone` in the
 * same conditional write, so a redelivered page does not count twice. Returns false for a repeat,
 * else the report as it is now.
 */
export async function recordSyncPage(
  restaurantId: number,
  syncId: string,
  page: PageRecord,
): Promise<false | (SyncReport & { pagesDone: Set<string> })> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':page': new Set([page.pageKey]),
    ':pageKey': page.pageKey,
    ':now': new Date().toISOString(),
    ':errorCount': page.errors.length,
    ':one': 1,
  };
  const adds = ['pagesDone :page', 'errorCount :errorCount', 'pages :one'];
  for (const type of CATALOG_ENTITY_TYPES) {
    for (const metric of SYNC_METRICS) {
      const n = page.tally[type][metric];
      if (!n) continue;
      const name = counter(type, metric);
      names[`#${name}`] = name;
      values[`:${name}`] = n;
      adds.push(`#${name} :${name}`);
    }
  }
  const sets = ['updatedAt = :now'];
  const kept = page.errors.slice(0, Math.max(0, MAX_REPORT_ERRORS - page.errorsHeld));
  if (kept.length > 0) {
    sets.push('errors = list_append(if_not_exists(errors, :empty), :errors)');
    values[':errors'] = kept;
    values[':empty'] = [];
  }
  if (page.done) {
    sets.push('done = :true', 'finishedAt = :now');
    values[':true'] = true;
  }
  try {
    const out = await ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.catalogSync(restaurantId, syncId),
        UpdateExpression: `SET ${sets.join(', ')} ADD ${adds.join(', ')}`,
        ConditionExpression: 'attribute_exists(PK) AND NOT contains(pagesDone, :pageKey)',
        ExpressionAttributeNames: Object.keys(names).length > 0 ? names : undefined,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toReport(out.Attributes as Record<string, unknown>);
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Ends a sync: all its parts are in, or it failed for good (`failure` says why). */
export async function finishSync(restaurantId: number, syncId: string, failure?: string): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.catalogSync(restaurantId, syncId),
      UpdateExpression: failure
        ? 'SET done = :true, finishedAt = :now, updatedAt = :now, failure = :failure'
        : 'SET done = :true, finishedAt = :now, updatedAt = :now',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: {
        ':true': true,
        ':now': new Date().toISOString(),
        ...(failure ? { ':failure': failure.slice(0, 500) } : {}),
      },
    }),
  );
}

/** The publisher counts what Sinqro accepted; a report that is gone (or never was) is no reason to fail. */
export async function countAcceptedBySinqro(
  restaurantId: number,
  syncId: string,
  what: 'upsertsAccepted' | 'deletesAccepted',
  n: number,
): Promise<void> {
  await conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.catalogSync(restaurantId, syncId),
        UpdateExpression: 'ADD #what :n SET updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#what': what },
        ExpressionAttributeValues: { ':n': n, ':now': new Date().toISOString() },
      }),
    ),
  );
}

export async function getSyncReport(restaurantId: number, syncId: string): Promise<SyncReport | undefined> {
  const item = await getSyncReportItem(restaurantId, syncId);
  if (!item) return undefined;
  const { pagesDone: _pages, ...report } = item;
  return report;
}

/** The restaurant's most recent syncs, newest first (sync ids sort by their start time). */
export async function listSyncReports(restaurantId: number, limit = 10): Promise<SyncReport[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.link(restaurantId).PK, ':prefix': keys.catalogSyncPrefix },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((item) => {
    const { pagesDone: _pages, ...report } = toReport(item);
    return report;
  });
}

function toReport(item: Record<string, unknown>): SyncReport & { pagesDone: Set<string> } {
  const counts = emptyTally();
  const totals = Object.fromEntries(SYNC_METRICS.map((m) => [m, 0])) as Record<SyncMetric, number>;
  for (const type of CATALOG_ENTITY_TYPES) {
    for (const metric of SYNC_METRICS) {
      const n = Number(item[counter(type, metric)] ?? 0);
      counts[type][metric] = n;
      totals[metric] += n;
    }
  }
  const sinqro = {
    upsertsAccepted: Number(item.upsertsAccepted ?? 0),
    deletesAccepted: Number(item.deletesAccepted ?? 0),
  };
  const done = item.done === true;
  return {
    syncId: item.syncId as string,
    restaurantId: item.restaurantId as number,
    posCode: item.posCode as string,
    mode: item.mode as SyncReport['mode'],
    trigger: item.trigger as SyncTrigger,
    startedAt: item.startedAt as string,
    updatedAt: item.updatedAt as string,
    finishedAt: item.finishedAt as string | undefined,
    done,
    failure: item.failure as string | undefined,
    parts: item.parts as number | undefined,
    pages: Number(item.pages ?? 0),
    counts,
    totals,
    sinqro,
    settled: done && sinqro.upsertsAccepted >= totals.changed && sinqro.deletesAccepted >= totals.deleted,
    errors: (item.errors as SyncError[] | undefined) ?? [],
    errorCount: Number(item.errorCount ?? 0),
    pagesDone: new Set((item.pagesDone as Set<string> | undefined) ?? []),
  };
}

// ---- incremental read point ----

/**
 * Where the next "changed since" read starts (for POSes whose catalog webhook names no entity): the
 * time of the last complete read. It only moves forward (one conditional write), so a slow sync that
 * finishes late cannot move it back.
 */
export async function getCatalogWatermark(restaurantId: number): Promise<string | undefined> {
  const out = await ddb.send(
    new GetCommand({ TableName: tableName(), Key: keys.catalogWatermark(restaurantId), ConsistentRead: true }),
  );
  return typeof out.Item?.readUpTo === 'string' ? out.Item.readUpTo : undefined;
}

export async function advanceCatalogWatermark(restaurantId: number, readUpTo: string): Promise<void> {
  // A later read point already there stays.
  await conditionHeld(
    ddb.send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.catalogWatermark(restaurantId),
        UpdateExpression: 'SET readUpTo = :t, updatedAt = :now',
        ConditionExpression: 'attribute_not_exists(readUpTo) OR readUpTo < :t',
        ExpressionAttributeValues: { ':t': readUpTo, ':now': new Date().toISOString() },
      }),
    ),
  );
}
