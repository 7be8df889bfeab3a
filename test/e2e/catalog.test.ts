/**
 * Catalog sync (F6) end to end: the reference POS simulator's catalog, its signed catalog webhook,
 * the worker's paged sync, the publisher, and the Sinqro simulator's catalog. The tests run in
 * order on one restaurant: each starts from the catalog the previous ones left.
 */
import { demoOrder } from '../../local/demo/data';
import type { SimCatalogItem, SinqroCall } from '../../local/sims/sinqro/server';
import { envelope, type Harness, startHarness, waitFor } from './harness';

jest.setTimeout(90_000);

const RESTAURANT = 5120;
const LOCATION = 'loc-trattoria';
let h: Harness;
let sync: typeof import('../../functions/catalog/sync');
let catalogStore: typeof import('../../functions/store/catalog-map');
let orderStore: typeof import('../../functions/store/orders');

beforeAll(async () => {
  h = await startHarness(12);
  // Imported once the runtime has pointed the AWS clients at the local endpoints.
  sync = await import('../../functions/catalog/sync');
  catalogStore = await import('../../functions/store/catalog-map');
  orderStore = await import('../../functions/store/orders');
});
afterAll(async () => {
  await h.rt.stop();
});

type SyncReport = NonNullable<Awaited<ReturnType<typeof sync.getSyncReport>>>;

const sinqroCatalog = () => h.rt.sinqro.catalogView(RESTAURANT);
const sinqroItem = (collection: string, externalId: string): SimCatalogItem | undefined =>
  sinqroCatalog()[collection]?.find((i) => i.externalId === externalId);
const posCatalog = () => h.rt.referencePos.catalog.of(LOCATION);
const catalogCallCount = () => h.rt.sinqro.catalogCalls().length;

async function settled(syncId: string, timeoutMs = 30_000): Promise<SyncReport> {
  return waitFor(
    `catalog sync ${syncId} to be settled`,
    async () => {
      const report = await sync.getSyncReport(RESTAURANT, syncId);
      return report?.settled ? report : undefined;
    },
    timeoutMs,
    100,
  );
}

/** Runs an operator sync to the end, and returns its report and the Sinqro catalog calls it made. */
async function fullSync(timeoutMs?: number): Promise<{ report: SyncReport; calls: SinqroCall[] }> {
  const before = catalogCallCount();
  const syncId = await sync.requestCatalogSync(RESTAURANT, 'reference', 'full', 'operator');
  const report = await settled(syncId, timeoutMs);
  await h.settle(300); // nothing else may follow
  return { report, calls: h.rt.sinqro.catalogCalls().slice(before) };
}

/** Waits for the sync a POS webhook started after `since`, and returns it with the calls since `callsBefore`. */
async function webhookSync(since: string, callsBefore: number) {
  const syncId = await waitFor('a webhook-triggered catalog sync', async () => {
    const latest = (await sync.listSyncReports(RESTAURANT, 1))[0];
    return latest && latest.trigger === 'webhook' && latest.startedAt >= since ? latest.syncId : undefined;
  });
  const report = await settled(syncId);
  await h.settle(300);
  return { report, calls: h.rt.sinqro.catalogCalls().slice(callsBefore) };
}

// biome-ignore lint/suspicious/noExplicitAny: simulator replies are read ad hoc.
async function simCatalog(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${h.rt.urls.referencePos}/_sim/catalog${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

test('a full sync brings all six entity types to Sinqro, with POS ids as external ids and parents by them', async () => {
  const { report } = await fullSync();
  const catalog = sinqroCatalog();
  expect(Object.fromEntries(Object.entries(catalog).map(([c, items]) => [c, items.length]))).toEqual({
    menus: 1,
    menuSections: 2,
    products: 3,
    productVariants: 1,
    productOptionsCategories: 1,
    productOptions: 2,
  });
  expect(sinqroItem('products', 'POS-ART-12')).toMatchObject({
    name: 'Margherita',
    price: 10.5,
    isAvailable: true,
    menuSectionExternalIds: ['S-PIZZA'],
    productOptionsCategoryExternalIds: ['OC-EXTRAS'],
  });
  expect(sinqroItem('productOptions', 'POS-MOD-3')).toMatchObject({
    price: 1.5,
    productOptionsCategoryExternalId: 'OC-EXTRAS',
  });
  expect(report).toMatchObject({ done: true, mode: 'full', trigger: 'operator', errorCount: 0 });
  expect(report.totals).toMatchObject({ seen: 10, changed: 10, unchanged: 0, deleted: 0, rejected: 0 });
});

test('the catalog map keeps the id Sinqro gave each entity', async () => {
  const entries = await catalogStore.listCatalogEntries(RESTAURANT);
  const margherita = entries.find((e) => e.type === 'product' && e.posId === 'POS-ART-12');
  expect(margherita?.sinqroId).toBe(sinqroItem('products', 'POS-ART-12')?.id);
  expect(margherita?.hash).toMatch(/^[0-9a-f]{64}$/);
});

test('a second full sync with nothing changed makes no call to Sinqro', async () => {
  const { report, calls } = await fullSync();
  expect(calls).toEqual([]);
  expect(report.totals).toMatchObject({ seen: 10, changed: 0, unchanged: 10, deleted: 0 });
});

test('one product edited in the POS sends exactly one product update to Sinqro', async () => {
  const since = new Date().toISOString();
  const before = catalogCallCount();
  const edit = await simCatalog('PATCH', '/products/POS-ART-13', { priceMinor: 1300 });
  expect(edit.body.webhookStatus).toBe(200);
  const { report, calls } = await webhookSync(since, before);
  expect(calls.map((c) => ({ method: c.method, collection: c.collection, items: c.items }))).toEqual([
    { method: 'PUT', collection: 'products', items: 1 },
  ]);
  expect(sinqroItem('products', 'POS-ART-13')?.price).toBe(13);
  expect(report).toMatchObject({ mode: 'incremental', trigger: 'webhook' });
});

test('a product marked unavailable in the POS becomes unavailable in Sinqro', async () => {
  const since = new Date().toISOString();
  const before = catalogCallCount();
  await simCatalog('POST', '/products/POS-ART-40/availability', { available: false });
  await webhookSync(since, before);
  expect(sinqroItem('products', 'POS-ART-40')?.isAvailable).toBe(false);
});

test('an option marked unavailable in the POS becomes unavailable in Sinqro', async () => {
  const since = new Date().toISOString();
  const before = catalogCallCount();
  await simCatalog('POST', '/options/POS-MOD-4/availability', { available: false });
  const { calls } = await webhookSync(since, before);
  expect(sinqroItem('productOptions', 'POS-MOD-4')?.isAvailable).toBe(false);
  expect(calls.map((c) => c.collection)).toEqual(['productOptions']);
});

test('a product deleted in the POS is deleted in Sinqro and leaves the catalog map', async () => {
  const since = new Date().toISOString();
  const before = catalogCallCount();
  await simCatalog('DELETE', '/products/POS-ART-13');
  const { report, calls } = await webhookSync(since, before);
  expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
    'DELETE /pos-app/v1/sellingPoints/5120/catalog/products/POS-ART-13',
  ]);
  expect(sinqroItem('products', 'POS-ART-13')).toBeUndefined();
  expect(await catalogStore.getCatalogEntry(RESTAURANT, { type: 'product', posId: 'POS-ART-13' })).toBeUndefined();
  expect(report.counts.product.deleted).toBe(1);
});

test('an entity missing from a full read of the POS is deleted in Sinqro (no webhook needed)', async () => {
  posCatalog().get('variants')?.delete('POS-ART-12-XL'); // gone without the POS saying so
  const { report, calls } = await fullSync();
  expect(calls.map((c) => `${c.method} ${c.collection}`)).toEqual(['DELETE productVariants']);
  expect(sinqroItem('productVariants', 'POS-ART-12-XL')).toBeUndefined();
  expect(report.counts.productVariant.deleted).toBe(1);
});

test('an invalid entity is skipped with its error in the report while the rest syncs', async () => {
  const products = posCatalog().get('products');
  products?.set('BAD-1', { id: 'BAD-1', sectionIds: ['S-PIZZA'], name: 'Broken', priceMinor: -5, available: true });
  products?.set('POS-ART-50', {
    id: 'POS-ART-50',
    sectionIds: ['S-PIZZA'],
    name: 'Capricciosa',
    priceMinor: 1350,
    available: true,
  });
  const { report } = await fullSync();
  expect(report.counts.product).toMatchObject({ rejected: 1, changed: 1 });
  expect(report.errors).toEqual([{ type: 'product', posId: 'BAD-1', error: expect.stringContaining('priceMinor') }]);
  expect(sinqroItem('products', 'POS-ART-50')?.name).toBe('Capricciosa');
  expect(sinqroItem('products', 'BAD-1')).toBeUndefined();
  products?.delete('BAD-1');
});

test('an invalid edit of a synced product keeps its last good version in Sinqro', async () => {
  const products = posCatalog().get('products');
  const good = products?.get('POS-ART-50') as { id: string };
  products?.set('POS-ART-50', { ...good, name: '' });
  const { report } = await fullSync();
  expect(report.counts.product).toMatchObject({ rejected: 1, deleted: 0 });
  expect(sinqroItem('products', 'POS-ART-50')?.name).toBe('Capricciosa');
  products?.set('POS-ART-50', good);
});

test('a webhook that names no entity re-reads the catalog and pushes only what changed', async () => {
  const section = posCatalog().get('sections')?.get('S-DRINKS') as Record<string, unknown>;
  section.name = 'Drinks & more';
  const since = new Date().toISOString();
  const before = catalogCallCount();
  await simCatalog('POST', '/notify', {});
  const { report, calls } = await webhookSync(since, before);
  expect(report.mode).toBe('full');
  expect(calls.map((c) => `${c.method} ${c.collection} ${c.items}`)).toEqual(['PUT menuSections 1']);
  expect(sinqroItem('menuSections', 'S-DRINKS')?.name).toBe('Drinks & more');
});

test('a catalog larger than one page and one queue message syncs completely, in several calls', async () => {
  // 250 products of about 3 KB each: three POS pages, and each full page is too big for one queue message.
  const generated = await simCatalog('POST', '/generate', { products: 250, descriptionLength: 3000, notify: false });
  expect(generated.status).toBe(200);
  const { report, calls } = await fullSync(60_000);
  const productPuts = calls.filter((c) => c.collection === 'products');
  expect(sinqroCatalog().products?.filter((p) => p.externalId.startsWith('G-P-'))).toHaveLength(250);
  expect(sinqroCatalog().productVariants?.filter((p) => p.externalId.startsWith('G-P-'))).toHaveLength(250);
  expect(report.counts.product.changed).toBe(250);
  expect(productPuts.reduce((n, c) => n + (c.items ?? 0), 0)).toBe(250);
  expect(productPuts.length).toBeGreaterThan(3); // more calls than pages: pages were split to fit a message
  expect(Math.max(...productPuts.map((c) => c.items ?? 0))).toBeLessThanOrEqual(100);
});

describe('orders against the synced catalog', () => {
  test('an order with a product the synced catalog does not know is FAILED, naming the product', async () => {
    const id = h.nextId();
    const order = demoOrder(id);
    (order.orderLines[0] as { product: { externalId: string } }).product.externalId = 'POS-ART-99';
    await h.sendEvent(envelope('order.created', order));
    await h.waitForSinqroStatus(id, 'pos_integration_failed');
    expect((await orderStore.getOrder('order', id))?.lastError).toBe(
      'product 77001 "Margherita" (POS POS-ART-99) is not in the synced catalog',
    );
    expect(h.posOrderOf(id)).toBeUndefined();
  });

  test('an order with an option the synced catalog does not know is FAILED, naming the option', async () => {
    const id = h.nextId();
    const order = demoOrder(id);
    const line = order.orderLines[0] as { childrenOrderLines: { productOption: { externalId: string } }[] };
    (line.childrenOrderLines[0] as { productOption: { externalId: string } }).productOption.externalId = 'POS-MOD-77';
    await h.sendEvent(envelope('order.created', order));
    await h.waitForSinqroStatus(id, 'pos_integration_failed');
    expect((await orderStore.getOrder('order', id))?.lastError).toContain(
      'option 88004 "Extra mozzarella" (POS POS-MOD-77)',
    );
  });

  test('an order whose products are all in the synced catalog reaches the POS', async () => {
    const id = h.nextId();
    await h.sendEvent(envelope('order.created', demoOrder(id)));
    await h.waitForPosOrder(id);
    await h.waitForSinqroStatus(id, 'waiting_sp_validation');
  });
});
