/**
 * Content hashes: the catalog map and the hours record keep the hash of what Sinqro was last given, and a
 * sync sends only what hashes differently. Stored hashes are compared with new ones, so each kind keeps the
 * serialisation it was first hashed with: catalog items their sorted-key JSON (equal content, equal hash,
 * whatever the key order), hours their JSON as built (one builder, one key order).
 */
import { createHash } from 'node:crypto';

/** sha256 of a text, in hex (also the to-sinqro queue's FIFO deduplication id). */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** JSON with object keys sorted at every level and undefined left out: equal content, equal text. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/**
 * The hash the table keeps for content sent to Sinqro: sha256 of its JSON, `sorted` (catalog items) or
 * `as-built` (hours: JSON.stringify's key order, as their stored hashes were made).
 */
export function contentHash(value: unknown, json: 'sorted' | 'as-built' = 'sorted'): string {
  return sha256Hex(json === 'sorted' ? stableJson(value) : JSON.stringify(value));
}
