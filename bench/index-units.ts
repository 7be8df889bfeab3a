/**
 * GSI write units, as DynamoDB bills them. dynalite keeps its indexes up to date but reports only the
 * table's capacity, so the bench meters index upkeep itself from each write's old and new item.
 */
export type AttrMap = Record<string, unknown>;
type IndexDef = {
  KeySchema: { AttributeName: string }[];
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
};
export type TableDef = { KeySchema: { AttributeName: string }[]; GlobalSecondaryIndexes?: IndexDef[] };
export type DynaliteDb = {
  itemSize: (item: AttrMap) => number;
  updateIndexes: (store: unknown, table: TableDef, existing: AttrMap | null, item: AttrMap | null, cb: unknown) => void;
};

const stable = (value: unknown): string =>
  value !== null && typeof value === 'object'
    ? Array.isArray(value)
      ? `[${value.map(stable).join(',')}]`
      : `{${Object.keys(value as AttrMap)
          .sort()
          .map((k) => `${k}:${stable((value as AttrMap)[k])}`)
          .join(',')}}`
    : JSON.stringify(value);

/**
 * The write units one table write costs in the global secondary indexes, as DynamoDB bills them: an item
 * entering or leaving an index is one index write, a change of its index key two (delete + put), a change
 * of a projected attribute one, anything else none; each rounded up per KB of the projected entry.
 */
export function indexWriteUnits(
  db: Pick<DynaliteDb, 'itemSize'>,
  table: TableDef,
  old: AttrMap | null,
  next: AttrMap | null,
) {
  let units = 0;
  const tableKeys = table.KeySchema.map((k) => k.AttributeName);
  for (const index of table.GlobalSecondaryIndexes ?? []) {
    const indexKeys = index.KeySchema.map((k) => k.AttributeName);
    const view = (item: AttrMap | null): AttrMap | undefined => {
      if (!item || !indexKeys.every((k) => item[k] != null)) return undefined;
      if (index.Projection.ProjectionType === 'ALL') return item;
      const names = [...indexKeys, ...tableKeys, ...(index.Projection.NonKeyAttributes ?? [])];
      return Object.fromEntries(names.filter((n) => item[n] != null).map((n) => [n, item[n]]));
    };
    const size = (entry: AttrMap) => Math.max(1, Math.ceil(db.itemSize(entry) / 1024));
    const before = view(old);
    const after = view(next);
    if (!before && !after) continue;
    if (!before) units += size(after as AttrMap);
    else if (!after) units += size(before);
    else if (indexKeys.some((k) => stable(before[k]) !== stable(after[k]))) units += size(before) + size(after);
    else if (stable(before) !== stable(after)) units += size(after);
  }
  return units;
}
