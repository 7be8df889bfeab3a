import { indexWriteUnits, type TableDef } from '../../bench/index-units';

// dynalite's own item sizing, as the bench uses it.
const db = require('dynalite/db') as { itemSize: (item: Record<string, unknown>) => number };

const table = (ProjectionType: string): TableDef => ({
  KeySchema: [{ AttributeName: 'PK' }, { AttributeName: 'SK' }],
  GlobalSecondaryIndexes: [
    { KeySchema: [{ AttributeName: 'GSI1PK' }, { AttributeName: 'GSI1SK' }], Projection: { ProjectionType } },
  ],
});
const keysOnly = table('KEYS_ONLY');
const all = table('ALL');

const order = (status: string, indexed = true, extra: Record<string, unknown> = {}) => ({
  PK: { S: 'ORDER#1' },
  SK: { S: 'STATE' },
  status: { S: status },
  ...(indexed ? { GSI1PK: { S: 'POSORDER#reference#p-1' }, GSI1SK: { S: 'ORDER#1' } } : {}),
  ...extra,
});

test('an item without index keys costs the index nothing', () => {
  expect(indexWriteUnits(db, all, null, order('RECEIVED', false))).toBe(0);
  expect(indexWriteUnits(db, all, order('RECEIVED', false), order('CANCELLED', false))).toBe(0);
});

test('an item entering or leaving the index is one index write', () => {
  expect(indexWriteUnits(db, keysOnly, order('RECEIVED', false), order('INJECTED'))).toBe(1);
  expect(indexWriteUnits(db, keysOnly, order('INJECTED'), null)).toBe(1);
});

test('a status write on an indexed item costs one more unit with all attributes projected, none with keys only', () => {
  expect(indexWriteUnits(db, all, order('INJECTED'), order('ACCEPTED'))).toBe(1);
  expect(indexWriteUnits(db, keysOnly, order('INJECTED'), order('ACCEPTED'))).toBe(0);
});

test('rewriting the same value is no change; a new index key is a delete and a put', () => {
  expect(indexWriteUnits(db, all, order('ACCEPTED'), order('ACCEPTED'))).toBe(0);
  const moved = { ...order('ACCEPTED'), GSI1PK: { S: 'POSORDER#reference#p-2' } };
  expect(indexWriteUnits(db, keysOnly, order('ACCEPTED'), moved)).toBe(2);
});

test('an entry is billed per started KB of what the index holds', () => {
  const big = order('INJECTED', true, { note: { S: 'x'.repeat(2500) } });
  expect(indexWriteUnits(db, all, null, big)).toBe(3);
  expect(indexWriteUnits(db, keysOnly, null, big)).toBe(1);
});
