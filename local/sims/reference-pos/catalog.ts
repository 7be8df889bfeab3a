/**
 * The reference POS simulator's catalog (F6): the paginated catalog API of the contract, the
 * signed `catalog.changed` webhook, and `/_sim/catalog` controls to edit the catalog as restaurant
 * staff would (each edit fires the webhook naming what changed). Each location starts with the
 * demo catalog. Items are stored as given, so tests can store invalid ones.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  REF_CATALOG_COLLECTION_NAMES,
  REF_CATALOG_MAX_LIMIT,
  REF_CATALOG_PAGE_LIMIT,
  type RefCatalogCollection,
} from '../../../adapters/reference/contract';
import { parseJsonBody, type Route, sendJson } from '../../runtime/http-util';
import { demoCatalog, generateCatalog, type RefCatalog } from './demo-catalog';

type Item = Record<string, unknown> & { id: string };
type LocationCatalog = Map<RefCatalogCollection, Map<string, Item>>;
export type CatalogEntityRef = { type: RefCatalogCollection; id: string };

/** The simulator's `api()` wrapper: checks the API key and injected faults, then handles the call. */
export type ApiWrapper = (
  handle: (ctx: { res: ServerResponse; params: string[]; url: URL }) => Promise<void> | void,
) => Route['handle'];

export type CatalogSimOptions = {
  /** Signs and posts a catalog webhook to the bridge (`…/reference/webhooks/catalog`), unless that webhook is switched off (then 0). */
  deliver: (payload: string, attempts: number) => Promise<number>;
  /** The location `/_sim/catalog` controls act on unless `?location=` says otherwise. */
  defaultLocationId: string;
  log?: (line: string) => void;
};

const error = (code: string, message: string) => ({ error: { code, message } });
const COLLECTIONS = REF_CATALOG_COLLECTION_NAMES.join('|');
const isCollection = (c: string): c is RefCatalogCollection => (REF_CATALOG_COLLECTION_NAMES as string[]).includes(c);
const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

export class ReferencePosCatalog {
  private readonly locations = new Map<string, LocationCatalog>();
  readonly webhooks: {
    eventId: string;
    locationId: string;
    entities?: CatalogEntityRef[];
    httpStatus: number;
    at: string;
  }[] = [];

  constructor(private readonly opts: CatalogSimOptions) {}

  /** A location's catalog, seeded with the demo catalog on first use. */
  of(locationId: string): LocationCatalog {
    let catalog = this.locations.get(locationId);
    if (!catalog) {
      catalog = new Map(REF_CATALOG_COLLECTION_NAMES.map((c) => [c, new Map<string, Item>()]));
      this.locations.set(locationId, catalog);
      this.load(locationId, demoCatalog());
    }
    return catalog;
  }

  /** Adds (or overwrites) every item of a catalog in a location. */
  load(locationId: string, catalog: RefCatalog): number {
    const target = this.of(locationId);
    let count = 0;
    for (const collection of REF_CATALOG_COLLECTION_NAMES) {
      for (const item of catalog[collection]) {
        (target.get(collection) as Map<string, Item>).set(String(item.id), item as Item);
        count++;
      }
    }
    return count;
  }

  reset(): void {
    this.locations.clear();
    this.webhooks.length = 0;
  }

  /** The contract's read endpoints, behind the simulator's API-key and fault checks. */
  apiRoutes(api: ApiWrapper): Route[] {
    return [
      {
        method: 'GET',
        pattern: new RegExp(`^/locations/([^/]+)/catalog/(${COLLECTIONS})$`),
        handle: api(({ res, params, url }) =>
          this.list(params[0] as string, params[1] as RefCatalogCollection, url, res),
        ),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^/locations/([^/]+)/catalog/(${COLLECTIONS})/([^/]+)$`),
        handle: api(({ res, params }) => {
          const item = this.of(params[0] as string)
            .get(params[1] as RefCatalogCollection)
            ?.get(params[2] as string);
          if (!item) return sendJson(res, 404, error('NOT_FOUND', `${params[1]} ${params[2]} does not exist`));
          sendJson(res, 200, item);
        }),
      },
    ];
  }

  /** Staff editing the catalog; each change fires the webhook and answers with the bridge's reply status. */
  simRoutes(): Route[] {
    const location = (url: URL) => url.searchParams.get('location') || this.opts.defaultLocationId;
    const one = new RegExp(`^/_sim/catalog/(${COLLECTIONS})/([^/]+)$`);
    return [
      {
        method: 'GET',
        pattern: /^\/_sim\/catalog$/,
        handle: ({ res, url }) => sendJson(res, 200, this.view(location(url))),
      },
      {
        method: 'GET',
        pattern: /^\/_sim\/catalog\/webhooks$/,
        handle: ({ res }) => sendJson(res, 200, this.webhooks),
      },
      {
        method: 'GET',
        pattern: one,
        handle: ({ res, params, url }) => {
          const item = this.of(location(url))
            .get(params[0] as RefCatalogCollection)
            ?.get(params[1] as string);
          if (!item) return sendJson(res, 404, error('NOT_FOUND', `${params[0]} ${params[1]} does not exist`));
          sendJson(res, 200, item);
        },
      },
      {
        method: 'PUT',
        pattern: one,
        handle: ({ res, params, body, url }) => this.edit('replace', location(url), params, body, res),
      },
      {
        method: 'PATCH',
        pattern: one,
        handle: ({ res, params, body, url }) => this.edit('merge', location(url), params, body, res),
      },
      {
        method: 'DELETE',
        pattern: one,
        handle: async ({ res, params, url }) => {
          const [collection, id] = params as [RefCatalogCollection, string];
          const loc = location(url);
          if (!this.of(loc).get(collection)?.delete(id))
            return sendJson(res, 404, error('NOT_FOUND', `${collection} ${id} does not exist`));
          this.log(`catalog ${collection} ${id} deleted at ${loc}`);
          sendJson(res, 200, { deleted: id, webhookStatus: await this.notify(loc, [{ type: collection, id }]) });
        },
      },
      {
        method: 'POST',
        pattern: new RegExp(`^/_sim/catalog/(${COLLECTIONS})/([^/]+)/availability$`),
        handle: async ({ res, params, body, url }) => {
          const [collection, id] = params as [RefCatalogCollection, string];
          const loc = location(url);
          const item = this.of(loc).get(collection)?.get(id);
          const req = parseJsonBody<{ available?: unknown }>(body);
          if (!item) return sendJson(res, 404, error('NOT_FOUND', `${collection} ${id} does not exist`));
          if (typeof req?.available !== 'boolean')
            return sendJson(res, 400, error('INVALID_BODY', 'available must be true or false'));
          item.available = req.available;
          this.log(`catalog ${collection} ${id} is now ${req.available ? 'available' : 'unavailable'} at ${loc}`);
          sendJson(res, 200, { item, webhookStatus: await this.notify(loc, [{ type: collection, id }]) });
        },
      },
      {
        method: 'POST',
        pattern: /^\/_sim\/catalog\/generate$/,
        handle: async ({ res, body, url }) => {
          const req = parseJsonBody<{
            products?: unknown;
            descriptionLength?: unknown;
            prefix?: unknown;
            notify?: unknown;
          }>(body);
          const products = Number(req?.products);
          if (!Number.isInteger(products) || products < 1 || products > 100_000)
            return sendJson(res, 400, error('INVALID_BODY', 'products must be an integer from 1 to 100000'));
          const loc = location(url);
          const count = this.load(
            loc,
            generateCatalog({
              products,
              descriptionLength: typeof req?.descriptionLength === 'number' ? req.descriptionLength : undefined,
              prefix: typeof req?.prefix === 'string' ? req.prefix : undefined,
            }),
          );
          this.log(`catalog generated at ${loc}: ${products} products, ${count} entities`);
          // A bulk change names no entity: the bridge re-reads the whole catalog.
          const webhookStatus = req?.notify === false ? undefined : await this.notify(loc);
          sendJson(res, 200, { entities: count, webhookStatus });
        },
      },
      {
        method: 'POST',
        pattern: /^\/_sim\/catalog\/notify$/,
        handle: async ({ res, body, url }) => {
          const req = parseJsonBody<{ entities?: CatalogEntityRef[] }>(body);
          sendJson(res, 200, { webhookStatus: await this.notify(location(url), req?.entities) });
        },
      },
      {
        method: 'POST',
        pattern: /^\/_sim\/catalog\/reset$/,
        handle: ({ res }) => {
          this.reset();
          sendJson(res, 200, { reset: true });
        },
      },
    ];
  }

  /** Sends the signed `catalog.changed` webhook; retries a few times on failure, as real POSes do. */
  async notify(locationId: string, entities?: CatalogEntityRef[], attempts = 3): Promise<number> {
    const eventId = `evt_${randomUUID()}`;
    const payload = JSON.stringify({
      eventId,
      type: 'catalog.changed',
      occurredAt: new Date().toISOString(),
      locationId,
      data: entities ? { entities } : {},
    });
    const httpStatus = await this.opts.deliver(payload, attempts);
    this.webhooks.push({ eventId, locationId, entities, httpStatus, at: new Date().toISOString() });
    return httpStatus;
  }

  view(locationId: string): Record<RefCatalogCollection, Item[]> {
    const catalog = this.of(locationId);
    return Object.fromEntries(
      REF_CATALOG_COLLECTION_NAMES.map((c) => [c, [...(catalog.get(c)?.values() ?? [])]]),
    ) as Record<RefCatalogCollection, Item[]>;
  }

  private list(locationId: string, collection: RefCatalogCollection, url: URL, res: ServerResponse) {
    const limitParam = url.searchParams.get('limit');
    const limit = limitParam === null ? REF_CATALOG_PAGE_LIMIT : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > REF_CATALOG_MAX_LIMIT)
      return sendJson(res, 400, error('INVALID_LIMIT', `limit must be an integer from 1 to ${REF_CATALOG_MAX_LIMIT}`));
    const cursor = url.searchParams.get('cursor');
    const after = cursor ? decodeCursor(cursor) : undefined;
    if (cursor && (!after || encodeCursor(after) !== cursor))
      return sendJson(res, 400, error('INVALID_CURSOR', 'cursor is not one this API gave out'));
    // Ordered by id, and the cursor is the last id served: edits during a walk never skip an item.
    const ids = [...(this.of(locationId).get(collection)?.keys() ?? [])].sort();
    const start = after === undefined ? 0 : ids.findIndex((id) => id > after);
    const pageIds = start < 0 ? [] : ids.slice(start, start + limit);
    const items = pageIds.map((id) => this.of(locationId).get(collection)?.get(id));
    const last = pageIds[pageIds.length - 1];
    const more = start >= 0 && start + limit < ids.length;
    sendJson(res, 200, { items, ...(more && last ? { nextCursor: encodeCursor(last) } : {}) });
  }

  private async edit(
    how: 'replace' | 'merge',
    locationId: string,
    params: string[],
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    const [collection, id] = params as [string, string];
    if (!isCollection(collection)) return sendJson(res, 404, error('NOT_FOUND', `no collection ${collection}`));
    const fields = parseJsonBody<Record<string, unknown>>(body);
    if (!fields || typeof fields !== 'object' || Array.isArray(fields))
      return sendJson(res, 400, error('INVALID_BODY', 'the body must be a JSON object of the item fields'));
    const items = this.of(locationId).get(collection) as Map<string, Item>;
    const item: Item = { ...(how === 'merge' ? items.get(id) : {}), ...fields, id };
    items.set(id, item);
    this.log(`catalog ${collection} ${id} ${how === 'merge' ? 'edited' : 'saved'} at ${locationId}`);
    sendJson(res, 200, { item, webhookStatus: await this.notify(locationId, [{ type: collection, id }]) });
  }

  private log(line: string) {
    this.opts.log?.(`[reference-pos] ${line}`);
  }
}
