/**
 * The catalog part of the published reference POS contract (docs/reference-pos.openapi.json) checked
 * against the code: collections, item fields and which are required, paging parameters, the paths
 * the client calls, and the catalog webhook (payload, example, signature, route).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { ReferencePosClient } from '../../adapters/reference/client';
import {
  REF_CATALOG_COLLECTION_NAMES,
  REF_CATALOG_MAX_LIMIT,
  REF_CATALOG_PAGE_LIMIT,
  RefCatalogItemSchemas,
  RefCatalogWebhookSchema,
  SIGNATURE_HEADER,
} from '../../adapters/reference/contract';
import { CATALOG_ENTITY_TYPES } from '../../functions/core/catalog-model';
import { verifySignature } from '../../functions/infra/signature';
import { posWebhooksPrefix } from '../../functions/routes';
import secrets from '../../local/runtime/secrets.json';
import { startServer, type TestServer } from './support/http-server';

const openapi = JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'reference-pos.openapi.json'), 'utf8'));
const schemas = openapi.components.schemas;
const parameter = (ref: { $ref?: string }) =>
  openapi.components.parameters[(ref.$ref ?? '').split('/').pop() as string];

const ITEM_SCHEMA_OF: Record<string, string> = {
  menus: 'CatalogMenu',
  sections: 'CatalogSection',
  products: 'CatalogProduct',
  variants: 'CatalogVariant',
  'option-categories': 'CatalogOptionCategory',
  options: 'CatalogOption',
};

it('lists exactly the collections the adapter reads, in the order a full sync reads them', () => {
  expect(schemas.CatalogCollection.enum).toEqual(REF_CATALOG_COLLECTION_NAMES);
  expect(REF_CATALOG_COLLECTION_NAMES).toHaveLength(CATALOG_ENTITY_TYPES.length);
});

describe.each(REF_CATALOG_COLLECTION_NAMES)('the %s item', (collection) => {
  const doc = () => schemas[ITEM_SCHEMA_OF[collection] as string];
  const schema = RefCatalogItemSchemas[collection];

  it('documents every field the adapter reads, and no other', () => {
    expect(Object.keys(doc().properties).sort()).toEqual(Object.keys(schema.entries).sort());
  });

  it('marks as required exactly the fields the adapter cannot do without', () => {
    const required = Object.entries(schema.entries)
      .filter(([, field]) => !v.safeParse(field as v.GenericSchema, undefined).success)
      .map(([key]) => key);
    expect([...doc().required].sort()).toEqual(required.sort());
  });
});

it('documents the page limit the bridge asks for and the largest a POS must serve', () => {
  const limit = parameter({ $ref: '#/components/parameters/CatalogLimit' }).schema;
  expect(limit).toMatchObject({ default: REF_CATALOG_PAGE_LIMIT, maximum: REF_CATALOG_MAX_LIMIT });
});

describe('the catalog webhook', () => {
  const post = () => openapi.webhooks.catalogChanged.post;
  const example = () => post().requestBody.content['application/json'].example;

  it('is sent to the route the bridge serves for the reference adapter', () => {
    const path = `${posWebhooksPrefix('reference')}catalog`;
    expect(post().description).toContain(`POST {bridge}${path}`);
  });

  it('documents an example the adapter accepts', () => {
    expect(v.safeParse(RefCatalogWebhookSchema, example()).issues).toBeUndefined();
  });

  it('documents every field of RefCatalogWebhookSchema', () => {
    expect(Object.keys(schemas.CatalogWebhook.properties).sort()).toEqual(
      Object.keys(RefCatalogWebhookSchema.entries).sort(),
    );
  });

  it('shows a signature example that really signs the example body (demo secret, at its own time)', () => {
    const header = post().parameters.find((p: { name: string }) => p.name === SIGNATURE_HEADER).example as string;
    const signedAt = Number(/^t=(\d+),/.exec(header)?.[1]);
    const secret = secrets['sinqro-pos-bridge/local/webhooks/pos/reference'].webhookSigningSecrets[0] as string;
    expect(verifySignature(header, JSON.stringify(example()), [secret], signedAt)).toBe(signedAt);
  });
});

describe('what the reference client reads', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ status: 200, body: { items: [] } });
  });
  afterEach(async () => {
    await server.close();
  });

  const client = () =>
    new ReferencePosClient({
      link: {
        restaurantId: 5120,
        posCode: 'reference',
        posLocationId: 'loc-9',
        sinqroTokenSecret: 's',
        enabled: true,
        createdAt: '2025-03-01T00:00:00.000Z',
      },
      secret: { apiKey: 'k' },
      baseUrl: `${server.url}/base`,
      budget: { deadline: Date.now() + 10_000 },
    });

  it('calls only documented paths, with only documented query parameters', async () => {
    await client().fetchCatalogPage('product', 'cursor-1');
    server.reply({ status: 404, body: { error: { code: 'NOT_FOUND', message: 'x' } } });
    await client().fetchCatalogEntities([{ type: 'productOption', posId: 'O1' }]);
    for (const request of server.requests) {
      const url = new URL(request.url, 'http://x');
      const path = url.pathname.replace(/^\/base/, '');
      const template = Object.keys(openapi.paths).find((t) =>
        new RegExp(`^${t.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
      );
      expect({ path, template }).toEqual({ path, template: expect.any(String) });
      const operation = openapi.paths[template as string][request.method.toLowerCase()];
      const documented = operation.parameters
        .map(parameter)
        .filter((p: { in: string }) => p.in === 'query')
        .map((p: { name: string }) => p.name);
      expect([...url.searchParams.keys()].filter((k) => !documented.includes(k))).toEqual([]);
    }
  });
});
