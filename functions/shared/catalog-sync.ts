/** Catalog sync (F6). Placeholder entry points: built in the all-features issue (#3). */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { envNames, requireEnv } from './env';
import { PermanentError } from './errors';
import type { PosCatalogChangedEvent, SyncTrigger, WorkMessage } from './messages';
import type { FlowContext } from './order-flow';
import { enqueue } from './queue';

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function onCatalogChanged(
  _event: PosCatalogChangedEvent,
  _restaurantId: number,
  _ctx: FlowContext,
): Promise<void> {
  throw new PermanentError('catalog sync is not built yet', 'NOT_SUPPORTED');
}

export async function runCatalogSyncPage(
  _message: Extract<WorkMessage, { type: 'catalog-sync' }>,
  _ctx: FlowContext,
): Promise<void> {
  throw new PermanentError('catalog sync is not built yet', 'NOT_SUPPORTED');
}

// ---- operator and schedule entry points (thin stand-ins: the catalog sync replaces them) ----

export type SyncCounts = { seen: number; changed: number; unchanged: number; deleted: number; rejected: number };
export type SyncReport = {
  done: boolean;
  counts: Record<string, SyncCounts>;
  errors: { ref: unknown; error: string }[];
};

/** Starts a sync by enqueueing its first page for the POS's worker; answers the sync's id. */
export async function requestCatalogSync(
  restaurantId: number,
  posCode: string,
  mode: 'full' | 'incremental',
  trigger: SyncTrigger,
): Promise<string> {
  const syncId = `sync-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
  const message: WorkMessage = { type: 'catalog-sync', restaurantId, posCode, syncId, mode, trigger };
  await enqueue(requireEnv(envNames.workQueue(posCode)), message, { type: message.type, syncId });
  return syncId;
}

/** The sync's progress as the worker records it; undefined until the worker has started it. */
export async function getSyncReport(restaurantId: number, syncId: string): Promise<SyncReport | undefined> {
  const out = await ddb.send(
    new GetCommand({
      TableName: requireEnv(envNames.table),
      Key: { PK: `CAT#${restaurantId}`, SK: `SYNC#${syncId}` },
      ConsistentRead: true,
    }),
  );
  if (!out.Item) return undefined;
  return { done: out.Item.done === true, counts: out.Item.counts ?? {}, errors: out.Item.errors ?? [] };
}
