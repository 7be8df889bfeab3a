/** The reference adapter's catalog: item mapping and validation, the catalog webhook, and the client's reads. */
import type { PosCallContext } from '../../adapters/port';
import { referenceAdapter } from '../../adapters/reference';
import {
  mapCatalogItems,
  refCollectionOf,
  toCatalogChangedEvent,
  toCatalogEntity,
} from '../../adapters/reference/catalog-mapping';
import { ReferencePosClient } from '../../adapters/reference/client';
import { REF_CATALOG_COLLECTION_NAMES } from '../../adapters/reference/contract';
import { CATALOG_ENTITY_TYPES } from '../../functions/core/catalog-model';
import { PermanentError, RetryableError, ValidationError } from '../../functions/core/errors';
import { demoCatalog } from '../../local/sims/reference-pos/demo-catalog';
import { startServer, type TestServer } from './support/http-server';

const product = (overrides: Record<string, unknown> = {}) => ({
  id: 'POS-ART-12',
  sectionIds: ['S-PIZZA'],
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil',
  priceMinor: 1050,
  position: 1,
  available: true,
  optionCategoryIds: ['OC-EXTRAS'],
  ...overrides,
});

describe('toCatalogEntity', () => {
  it('maps a product with its price in major units and its parents by POS id', () => {
    expect(toCatalogEntity('products', product())).toEqual({
      type: 'product',
      posId: 'POS-ART-12',
      sectionPosIds: ['S-PIZZA'],
      name: 'Margherita',
      description: 'Tomato, mozzarella, basil',
      price: 10.5,
      position: 1,
      isAvailable: true,
      optionCategoryPosIds: ['OC-EXTRAS'],
    });
  });

  it('maps `available: false` to an unavailable entity', () => {
    expect(
      toCatalogEntity('options', { id: 'O1', categoryId: 'OC', name: 'Basil', priceMinor: 50, available: false }),
    ).toMatchObject({ type: 'productOption', isAvailable: false, price: 0.5, categoryPosId: 'OC' });
  });

  it('gives a product without option categories an empty list, not undefined', () => {
    expect(toCatalogEntity('products', product({ optionCategoryIds: null }))).toMatchObject({
      optionCategoryPosIds: [],
    });
  });

  it('turns null optional fields into absent ones', () => {
    const entity = toCatalogEntity('option-categories', {
      id: 'OC',
      name: 'Extras',
      position: null,
      minSelection: null,
      maxSelection: 3,
      available: true,
    });
    expect(entity).toEqual({
      type: 'productOptionCategory',
      posId: 'OC',
      name: 'Extras',
      maxSelection: 3,
      isAvailable: true,
    });
  });

  it('maps every item of the demo catalog, one entity type per collection', () => {
    const catalog = demoCatalog();
    for (const collection of REF_CATALOG_COLLECTION_NAMES) {
      for (const item of catalog[collection])
        expect(toCatalogEntity(collection, item).type).toBe(
          CATALOG_ENTITY_TYPES[REF_CATALOG_COLLECTION_NAMES.indexOf(collection)],
        );
    }
  });

  it('refuses a negative price, naming the field', () => {
    expect(() => toCatalogEntity('products', product({ priceMinor: -5 }))).toThrow(/priceMinor/);
  });

  it('refuses a price that is not whole minor units', () => {
    expect(() => toCatalogEntity('products', product({ priceMinor: 10.5 }))).toThrow(ValidationError);
  });

  it('refuses an empty name', () => {
    expect(() => toCatalogEntity('products', product({ name: '' }))).toThrow(/name/);
  });

  it('refuses a description longer than the bridge model allows', () => {
    expect(() => toCatalogEntity('products', product({ description: 'x'.repeat(4001) }))).toThrow(/description/);
  });
});

describe('mapCatalogItems', () => {
  it('rejects only the bad item of a page, with its id and error, and keeps the rest', () => {
    const page = mapCatalogItems('products', [
      product(),
      product({ id: 'BAD-1', priceMinor: -1 }),
      product({ id: 'P3' }),
    ]);
    expect(page.entities.map((e) => e.posId)).toEqual(['POS-ART-12', 'P3']);
    expect(page.rejected).toEqual([
      { ref: { type: 'product', posId: 'BAD-1' }, error: expect.stringContaining('priceMinor') },
    ]);
  });

  it('rejects an item without a usable id with no POS id in its reference', () => {
    const page = mapCatalogItems('menus', [{ name: 'No id', available: true }, null]);
    expect(page.rejected.map((r) => r.ref)).toEqual([
      { type: 'menu', posId: undefined },
      { type: 'menu', posId: undefined },
    ]);
  });
});

describe('refCollectionOf', () => {
  it('gives the URL segment of each bridge entity type', () => {
    expect(CATALOG_ENTITY_TYPES.map(refCollectionOf)).toEqual(REF_CATALOG_COLLECTION_NAMES);
  });
});

describe('the catalog webhook', () => {
  const body = (data: Record<string, unknown>) => ({
    eventId: 'evt-1',
    type: 'catalog.changed',
    occurredAt: '2025-03-01T13:10:00+01:00',
    locationId: 'loc-9',
    data,
  });
  const raw = (value: unknown) => ({
    path: '/reference/webhooks/catalog',
    rawBody: Buffer.from(JSON.stringify(value)),
    headers: {},
  });

  it('becomes a catalog.changed event naming the entities in bridge terms, at a UTC time', () => {
    expect(
      referenceAdapter.parseWebhook(
        raw(
          body({
            entities: [
              { type: 'products', id: 'P1' },
              { type: 'options', id: 'O1' },
            ],
          }),
        ),
      ),
    ).toEqual([
      {
        type: 'catalog.changed',
        eventId: 'evt-1',
        posLocationId: 'loc-9',
        occurredAt: '2025-03-01T12:10:00.000Z',
        entities: [
          { type: 'product', posId: 'P1' },
          { type: 'productOption', posId: 'O1' },
        ],
      },
    ]);
  });

  it('names no entity when the POS names none (a full re-read follows)', () => {
    const [event] = referenceAdapter.parseWebhook(raw(body({})));
    expect(event).toMatchObject({ type: 'catalog.changed', entities: undefined });
  });

  it('names an entity listed twice once', () => {
    const event = toCatalogChangedEvent(
      body({
        entities: [
          { type: 'products', id: 'P1' },
          { type: 'products', id: 'P1' },
        ],
      }) as never,
    );
    expect(event.entities).toEqual([{ type: 'product', posId: 'P1' }]);
  });

  it('refuses an unknown collection in the entities', () => {
    expect(() => referenceAdapter.parseWebhook(raw(body({ entities: [{ type: 'dishes', id: 'P1' }] })))).toThrow(
      ValidationError,
    );
  });

  it('still reads status webhooks as before', () => {
    const [event] = referenceAdapter.parseWebhook(
      raw({
        eventId: 'e',
        type: 'order.status_changed',
        occurredAt: '2025-03-01T12:00:00Z',
        locationId: 'loc-9',
        data: { id: 'ord_1', externalReference: '900001', status: 'accepted' },
      }),
    );
    expect(event).toMatchObject({ type: 'order.status', posStatus: 'accepted', sinqroOrderId: 900001 });
  });
});

describe('capabilities', () => {
  it('declares F6 by webhook for orders and explains why not for reservations', () => {
    expect(referenceAdapter.capabilities.orders.F6.mechanism).toBe('webhook');
    expect(referenceAdapter.capabilities.reservations.F6).toEqual({
      mechanism: 'unsupported',
      reason: 'catalog does not apply to reservations',
    });
  });
});

describe('ReferencePosClient catalog reads', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ status: 200, body: { items: [product()], nextCursor: 'abc' } });
  });
  afterEach(async () => {
    await server.close();
  });
  const client = () =>
    new ReferencePosClient({
      link: {
        restaurantId: 5120,
        posCode: 'reference',
        posLocationId: 'loc 9/á',
        sinqroTokenSecret: 's',
        enabled: true,
        createdAt: '2025-03-01T00:00:00.000Z',
      },
      secret: { apiKey: 'refpos-api-key' },
      baseUrl: `${server.url}/api`,
      budget: { deadline: Date.now() + 10_000 },
    } satisfies PosCallContext);

  async function rejection(promise: Promise<unknown>): Promise<unknown> {
    try {
      await promise;
    } catch (error) {
      return error;
    }
    throw new Error('expected a rejection');
  }

  it('reads the first page of a collection with the page limit and no cursor', async () => {
    await client().fetchCatalogPage('product', undefined);
    expect(server.requests[0]).toMatchObject({
      method: 'GET',
      url: '/api/locations/loc%209%2F%C3%A1/catalog/products?limit=100',
      headers: { authorization: 'Bearer refpos-api-key' },
    });
  });

  it('passes the cursor of the previous page', async () => {
    await client().fetchCatalogPage('productOptionCategory', 'c/1');
    expect(server.requests[0]?.url).toBe(
      '/api/locations/loc%209%2F%C3%A1/catalog/option-categories?limit=100&cursor=c%2F1',
    );
  });

  it('returns the mapped entities and the next cursor', async () => {
    const page = await client().fetchCatalogPage('product', undefined);
    expect(page).toMatchObject({ entities: [{ posId: 'POS-ART-12', price: 10.5 }], rejected: [], nextCursor: 'abc' });
  });

  it('has no next cursor on the last page (null or absent)', async () => {
    server.reply({ status: 200, body: { items: [], nextCursor: null } });
    expect((await client().fetchCatalogPage('menu', undefined)).nextCursor).toBeUndefined();
  });

  it('fails permanently on a page whose envelope it cannot read', async () => {
    server.reply({ status: 200, body: { products: [] } });
    const error = await rejection(client().fetchCatalogPage('product', undefined));
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).code).toBe('UNREADABLE_CATALOG_PAGE');
  });

  it('leaves a 5xx to be retried', async () => {
    server.reply({ status: 503, body: { error: { code: 'UNAVAILABLE', message: 'down' } } });
    expect(await rejection(client().fetchCatalogPage('product', undefined))).toBeInstanceOf(RetryableError);
  });

  it('reads named entities one by one, by their collection and URL-encoded id', async () => {
    server.reply({ status: 200, body: product({ id: 'P/1' }) });
    await client().fetchCatalogEntities([{ type: 'product', posId: 'P/1' }]);
    expect(server.requests[0]?.url).toBe('/api/locations/loc%209%2F%C3%A1/catalog/products/P%2F1');
  });

  it('leaves out an entity the POS answers 404 for (it was deleted)', async () => {
    server.reply({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'gone' } } });
    await expect(client().fetchCatalogEntities([{ type: 'product', posId: 'P1' }])).resolves.toEqual({
      entities: [],
      rejected: [],
    });
  });

  it('rejects a named entity that fails validation, with its reference', async () => {
    server.reply({ status: 200, body: product({ id: 'P1', name: '' }) });
    const page = await client().fetchCatalogEntities([{ type: 'product', posId: 'P1' }]);
    expect(page.rejected).toEqual([{ ref: { type: 'product', posId: 'P1' }, error: expect.stringContaining('name') }]);
  });

  it('cuts the rejection of another entity at a whole character, never half an emoji', async () => {
    // The error names both ids; the answered one's emoji straddle the 300-unit limit.
    const asked = `Q${'😀'.repeat(127)}`;
    server.reply({ status: 200, body: product({ id: `R${'😀'.repeat(127)}` }) });
    const page = await client().fetchCatalogEntities([{ type: 'product', posId: asked }]);
    const error = page.rejected[0]?.error as string;
    expect(error).toMatch(/^asked for Q/);
    expect({ length: error.length, loneSurrogate: /[\uD800-\uDFFF]/u.test(error) }).toEqual({
      length: 299,
      loneSurrogate: false,
    });
  });

  it('rejects an answer about another entity than the one asked for', async () => {
    server.reply({ status: 200, body: product({ id: 'OTHER' }) });
    const page = await client().fetchCatalogEntities([{ type: 'product', posId: 'P1' }]);
    expect(page.rejected[0]?.error).toContain('OTHER');
  });
});
