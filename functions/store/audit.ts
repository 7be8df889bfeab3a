/**
 * The audit trail: what happened to an order, reservation or restaurant, as items in its own partition
 * (`ORDER#<id>`, `RESV#<id>` or `REST#<id>` / `EVT#<at>#<random>`), expiring after AUDIT_TTL_DAYS. Ids and
 * codes only, never personal data.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../core/records';
import type { Kind } from '../core/statuses';
import { ddb, epochSeconds, tableName } from '../infra/ddb';
import { keys, stripKeys } from './table';

const AUDIT_TTL_DAYS = 90;

const heldAudits = new AsyncLocalStorage<Record<string, unknown>[]>();

export async function audit(pk: string, entry: AuditEntry, at = new Date().toISOString()): Promise<void> {
  const item = {
    PK: pk,
    SK: `${keys.auditPrefix}${at}#${randomBytes(3).toString('hex')}`,
    at,
    ...entry,
    expiresAt: epochSeconds(AUDIT_TTL_DAYS),
  };
  const held = heldAudits.getStore();
  if (held) held.push(item);
  else await ddb.send(new PutCommand({ TableName: tableName(), Item: item }));
}

/** Runs `work` with its audit records held in `held`, to be written together by writeHeldAudits. */
export function holdingAudits<T>(held: Record<string, unknown>[], work: () => Promise<T>): Promise<T> {
  return heldAudits.run(held, work);
}

const BATCH_WRITE_ITEMS = 25;
const BATCH_WRITE_TRIES = 3;

/**
 * Writes held audit records with BatchWriteItem (25 puts per request; the items left unprocessed are
 * tried again twice). Returns, per holder, whether all of its records were written.
 */
export async function writeHeldAudits(holders: Record<string, unknown>[][]): Promise<boolean[]> {
  const entries = holders.flatMap((items, holder) => items.map((item) => ({ holder, item })));
  const ok = holders.map(() => true);
  const chunks: (typeof entries)[] = [];
  for (let i = 0; i < entries.length; i += BATCH_WRITE_ITEMS) chunks.push(entries.slice(i, i + BATCH_WRITE_ITEMS));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk;
      for (let attempt = 1; pending.length > 0 && attempt <= BATCH_WRITE_TRIES; attempt++) {
        if (attempt > 1) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        try {
          const out = await ddb.send(
            new BatchWriteCommand({
              RequestItems: { [tableName()]: pending.map((e) => ({ PutRequest: { Item: e.item } })) },
            }),
          );
          const left = new Set(
            (out.UnprocessedItems?.[tableName()] ?? []).map(
              (r) => `${r.PutRequest?.Item?.PK}|${r.PutRequest?.Item?.SK}`,
            ),
          );
          pending = pending.filter((e) => left.has(`${e.item.PK}|${e.item.SK}`));
        } catch {
          // The whole call failed: try the same items again.
        }
      }
      for (const e of pending) ok[e.holder] = false;
    }),
  );
  return ok;
}

export const auditOrder = (kind: Kind, orderId: number, entry: AuditEntry, at?: string) =>
  audit(keys.order(kind, orderId).PK, entry, at);

export async function listAudit(pk: string): Promise<(AuditEntry & { at: string })[]> {
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :evt)',
      ExpressionAttributeValues: { ':pk': pk, ':evt': keys.auditPrefix },
    }),
  );
  return (out.Items ?? []).map((i) => stripKeys<AuditEntry & { at: string }>(i) as AuditEntry & { at: string });
}
