/**
 * `npm run bench:catalog` (`npx tsx bench/catalog-sync.ts [--products 2000] [--concurrency 2]`):
 * boots the local runtime, generates a large realistic catalog in the reference POS simulator, runs
 * a full catalog sync to the end (every change accepted by the Sinqro simulator), then a second full
 * sync with nothing changed, then one product edit through the POS webhook. Prints wall time, calls
 * made to Sinqro (from the simulator's call log) and entities pushed. Numbers only: no assertions.
 */
import { setLogSink } from '../functions/infra/logger';
import config from '../local/runtime/config.json';
import { startLocalRuntime } from '../local/runtime/runtime';
import { waitFor } from '../local/runtime/wait';
import type { SinqroCall } from '../local/sims/sinqro/server';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
  return value;
};
const PRODUCTS = arg('products', 2000);
const CONCURRENCY = arg('concurrency', 2);
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main() {
  const restaurant = config.restaurants.find((r) => r.posCode === 'reference');
  if (!restaurant) throw new Error('local/runtime/config.json links no restaurant to the reference POS');
  setLogSink(() => undefined);
  const rt = await startLocalRuntime({
    ports: { gateway: 0, referencePos: 0, sinqro: 0 },
    log: () => undefined,
    workerConcurrency: CONCURRENCY,
  });
  try {
    const sync = await import('../functions/catalog/sync');
    const generated = await fetch(`${rt.urls.referencePos}/_sim/catalog/generate`, {
      method: 'POST',
      body: JSON.stringify({ products: PRODUCTS, notify: false }),
    });
    const { entities } = (await generated.json()) as { entities: number };
    const total = Object.values(rt.referencePos.catalog.view(restaurant.posLocationId)).reduce(
      (n, items) => n + items.length,
      0,
    );
    out(`catalog: ${PRODUCTS} products generated (${entities} entities; ${total} in the POS with the demo menu)`);
    out(`worker and publisher concurrency: ${CONCURRENCY} batches of 10 messages each`);

    const measure = async (label: string, start: () => Promise<string>) => {
      const before = rt.sinqro.catalogCalls().length;
      const t0 = performance.now();
      const syncId = await start();
      const report = await waitFor(
        `${label} to settle`,
        async () => {
          const r = await sync.getSyncReport(restaurant.restaurantId, syncId);
          return r?.settled ? r : undefined;
        },
        600_000,
        20,
      );
      const ms = performance.now() - t0;
      const calls: SinqroCall[] = rt.sinqro.catalogCalls().slice(before);
      const puts = calls.filter((c) => c.method === 'PUT');
      const deletes = calls.filter((c) => c.method === 'DELETE');
      const pushed = puts.reduce((n, c) => n + (c.items ?? 0), 0);
      out(`\n${label}`);
      out(`  wall time:           ${(ms / 1000).toFixed(2)} s (request → every change accepted by Sinqro)`);
      out(`  POS pages read:      ${report.pages}`);
      out(
        `  entities read:       ${report.totals.seen} (changed ${report.totals.changed}, unchanged ${report.totals.unchanged}, rejected ${report.totals.rejected})`,
      );
      out(
        `  calls to Sinqro:     ${calls.length} (${puts.length} PUT, ${deletes.length} DELETE, ${calls.filter((c) => c.httpStatus >= 300).length} failed)`,
      );
      out(`  entities pushed:     ${pushed} upserted, ${deletes.length} deleted`);
      return { ms, calls: calls.length, pushed };
    };

    const first = await measure('full sync #1 (empty Sinqro catalog)', () =>
      sync.requestCatalogSync(restaurant.restaurantId, 'reference', 'full', 'operator'),
    );
    const second = await measure('full sync #2 (nothing changed)', () =>
      sync.requestCatalogSync(restaurant.restaurantId, 'reference', 'full', 'operator'),
    );
    const products = rt.referencePos.catalog.view(restaurant.posLocationId).products;
    const edited = products[Math.floor(products.length / 2)] as { id: string; priceMinor: number };
    const third = await measure(`one product edited in the POS (${edited.id}, via the catalog webhook)`, async () => {
      const since = new Date().toISOString();
      await fetch(`${rt.urls.referencePos}/_sim/catalog/products/${edited.id}`, {
        method: 'PATCH',
        body: JSON.stringify({ priceMinor: edited.priceMinor + 100 }),
      });
      return waitFor('the webhook-triggered sync', async () => {
        const latest = (await sync.listSyncReports(restaurant.restaurantId, 1))[0];
        return latest && latest.startedAt >= since ? latest.syncId : undefined;
      });
    });
    out('\nsummary');
    out(
      `  full sync of ${PRODUCTS} products: ${(first.ms / 1000).toFixed(2)} s, ${first.calls} Sinqro calls, ${first.pushed} entities pushed`,
    );
    out(`  second full sync, nothing changed: ${(second.ms / 1000).toFixed(2)} s, ${second.calls} Sinqro calls`);
    out(
      `  one product edited:                ${(third.ms / 1000).toFixed(2)} s, ${third.calls} Sinqro call(s), ${third.pushed} entity pushed`,
    );
  } finally {
    await rt.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`✘ benchmark failed: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
