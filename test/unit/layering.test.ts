/**
 * The layering of functions/ (docs/architecture.md): a file imports only from its own layer or lower
 * ones, type imports included. Layers, lowest first:
 *
 *   core → infra → store → pos, sinqro → ingress, orders, catalog, hours → worker → handlers (functions/*.ts)
 *
 * adapters/port.ts sits with core (it may import core types only); the adapters themselves sit between
 * infra and store (they may use core and infra, never the store or anything above). Import cycles inside
 * a layer are Biome's `noImportCycles` (biome.json), not this test's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

const FOLDER_RANK: Record<string, number> = {
  core: 0,
  infra: 1,
  store: 3,
  pos: 4,
  sinqro: 4,
  ingress: 5,
  orders: 5,
  catalog: 5,
  hours: 5,
  worker: 6,
};
const HANDLER_RANK = 7;
/** The adapters (not the port): above infra, below the store. */
const ADAPTER_RANK = 2;

/** The layer of a repo-relative .ts path, or undefined when it is outside the layering (lib/, test/, local/…). */
function rankOf(file: string): number | undefined {
  const parts = file.split('/');
  if (parts[0] === 'adapters') return file === 'adapters/port.ts' ? 0 : ADAPTER_RANK;
  if (parts[0] !== 'functions') return undefined;
  if (parts.length === 2) return HANDLER_RANK;
  const rank = FOLDER_RANK[parts[1] as string];
  if (rank === undefined) throw new Error(`${file}: functions/${parts[1]}/ is not a known layer (add it to this test)`);
  return rank;
}

const SPEC = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])(\.{1,2}\/[^'"]*)\1/g;

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every relative import of the layered files, resolved to a repo-relative path without extension. */
function importsOf(file: string, source: string): string[] {
  return [...source.matchAll(SPEC)].map((m) => relative(ROOT, resolve(ROOT, dirname(file), m[2] as string)));
}

const withTs = (p: string, files: Set<string>) => [`${p}.ts`, `${p}/index.ts`].find((f) => files.has(f));

/** `importer → imported` for every import that goes up a layer. */
function violations(sources: Map<string, string>): string[] {
  const files = new Set(sources.keys());
  const found: string[] = [];
  for (const [file, source] of sources) {
    const from = rankOf(file);
    if (from === undefined) continue;
    for (const spec of importsOf(file, source)) {
      const target = withTs(spec, files);
      if (!target) continue;
      const to = rankOf(target);
      if (to !== undefined && to > from) found.push(`${file} → ${target}`);
    }
  }
  return found.sort();
}

const layered = () =>
  new Map([...tsFiles('functions'), ...tsFiles('adapters')].map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));

test('no file of functions/ or adapters/ imports from a layer above its own (type imports included)', () => {
  expect(violations(layered())).toEqual([]);
});

test('adapters/port.ts imports core types only, and no adapter imports the store', () => {
  const sources = layered();
  const port = importsOf('adapters/port.ts', sources.get('adapters/port.ts') ?? '');
  expect(port.filter((p) => !p.startsWith('functions/core/'))).toEqual([]);
  const storeImports = [...sources]
    .filter(([f]) => f.startsWith('adapters/'))
    .flatMap(([f, s]) => importsOf(f, s).map((p) => `${f} → ${p}`))
    .filter((line) => line.includes('→ functions/store/'));
  expect(storeImports).toEqual([]);
});

test('every folder of functions/ is a known layer', () => {
  const folders = readdirSync(join(ROOT, 'functions'), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  expect(folders.filter((f) => FOLDER_RANK[f] === undefined)).toEqual([]);
});

test('the check itself: an import going up a layer is found, one going down or sideways is not', () => {
  const sources = new Map([
    ['functions/core/a.ts', "import type { X } from '../store/b';"],
    ['functions/store/b.ts', "import { y } from '../core/a';\nimport { z } from './c';"],
    ['functions/store/c.ts', "const m = await import('../worker/d');"],
    ['functions/worker/d.ts', "export { q } from '../orders/e';"],
    ['functions/orders/e.ts', "import { h } from '../hours/f';"],
    ['functions/hours/f.ts', ''],
    ['adapters/x/index.ts', "import { s } from '../../functions/store/b';"],
  ]);
  expect(violations(sources)).toEqual([
    'adapters/x/index.ts → functions/store/b.ts',
    'functions/core/a.ts → functions/store/b.ts',
    'functions/store/c.ts → functions/worker/d.ts',
  ]);
});
