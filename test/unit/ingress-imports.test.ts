/**
 * What an ingress bundle does when Lambda loads it: it must not touch fetch (`Request`, `fetch`,
 * `Response`, `Headers`), whose first use loads Node's fetch implementation (a real part of a cold start,
 * measured in the README's Performance section;
 * ky's feature check does it at import, so functions/infra/outbound.ts loads ky on the first call).
 * Each bundle is built as deployed (bench/deployed-build.ts) and imported by a fresh node process whose
 * preload records any read of those globals.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { DEPLOYED_BUILD, INGRESS_ENTRIES } from '../../bench/deployed-build';

const ROOT = resolve(__dirname, '../..');
let dir: string;
let preload: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ingress-imports-'));
  preload = join(dir, 'watch-fetch.mjs');
  writeFileSync(
    preload,
    [
      'const touched = new Set();',
      "for (const name of ['Request', 'Response', 'Headers', 'fetch']) {",
      '  const original = Object.getOwnPropertyDescriptor(globalThis, name);',
      '  Object.defineProperty(globalThis, name, {',
      '    configurable: true,',
      '    get() { touched.add(name); return original.get ? original.get.call(globalThis) : original.value; },',
      '  });',
      '}',
      "process.on('exit', () => process.stdout.write(JSON.stringify([...touched])));",
      '',
    ].join('\n'),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Builds `source` as deployed and imports it in a fresh process: the fetch globals it read. */
async function fetchGlobalsReadAtImport(name: string, entryPoint: string): Promise<string[]> {
  const outfile = join(dir, name, 'index.mjs');
  await build({
    ...DEPLOYED_BUILD,
    sourcemap: false,
    entryPoints: [entryPoint],
    outfile,
    nodePaths: [join(ROOT, 'node_modules')],
  });
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      pathToFileURL(preload).href,
      '--input-type=module',
      '-e',
      `await import(${JSON.stringify(pathToFileURL(outfile).href)})`,
    ],
    {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', NODE_NO_WARNINGS: '1', AWS_REGION: 'eu-west-1', TABLE_NAME: 'test' },
    },
  );
  return JSON.parse(out) as string[];
}

test('the check itself sees a bundle that reads fetch at import (ky, imported eagerly)', async () => {
  const eager = join(dir, 'eager-ky.ts');
  writeFileSync(
    eager,
    "import ky from 'ky';\nexport const client = ky.create({ prefixUrl: 'https://example.invalid' });\n",
  );
  expect(await fetchGlobalsReadAtImport('eager-ky', eager)).toContain('Request');
}, 60_000);

test.each([...INGRESS_ENTRIES])(
  '%s reads no fetch global when it is loaded',
  async (entry) => {
    expect(await fetchGlobalsReadAtImport(entry, join(ROOT, 'functions', `${entry}.ts`))).toEqual([]);
  },
  60_000,
);
