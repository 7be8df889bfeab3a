/**
 * Reference POS catalog → the bridge's catalog entities (F6). Each item is checked on its own, first
 * against the contract, then against the bridge model: a bad item is rejected with its error, and
 * the rest of the page still syncs.
 */
import * as v from 'valibot';
import {
  type CatalogEntity,
  CatalogEntitySchema,
  type CatalogEntityType,
  type CatalogPage,
  type CatalogRef,
} from '../../functions/core/catalog-model';
import type { PosCatalogChangedEvent } from '../../functions/core/messages';
import { truncate } from '../../functions/core/text';
import { parseOrThrow } from '../../functions/core/validation';
import {
  REF_CATALOG_COLLECTIONS,
  type RefCatalogCollection,
  type RefCatalogItem,
  RefCatalogItemSchemas,
  type RefCatalogWebhook,
} from './contract';

const COLLECTION_OF = Object.fromEntries(
  Object.entries(REF_CATALOG_COLLECTIONS).map(([collection, type]) => [type, collection]),
) as Record<CatalogEntityType, RefCatalogCollection>;

/** The URL segment (and webhook `type`) of a bridge entity type. */
export const refCollectionOf = (type: CatalogEntityType): RefCatalogCollection => COLLECTION_OF[type];

/** Contract prices are integer minor units; the bridge model (like Sinqro) uses decimal major units. */
const fromMinor = (minor: number) => minor / 100;
const orUndefined = <T>(x: T | null | undefined): T | undefined => x ?? undefined;

type Mappers = { [C in RefCatalogCollection]: (item: RefCatalogItem<C>) => CatalogEntity };

const MAPPERS: Mappers = {
  menus: (m) => ({
    type: 'menu',
    posId: m.id,
    name: m.name,
    description: orUndefined(m.description),
    position: orUndefined(m.position),
    isAvailable: m.available,
  }),
  sections: (s) => ({
    type: 'menuSection',
    posId: s.id,
    menuPosId: s.menuId,
    name: s.name,
    description: orUndefined(s.description),
    position: orUndefined(s.position),
    isAvailable: s.available,
  }),
  products: (p) => ({
    type: 'product',
    posId: p.id,
    sectionPosIds: p.sectionIds,
    name: p.name,
    description: orUndefined(p.description),
    price: fromMinor(p.priceMinor),
    position: orUndefined(p.position),
    isAvailable: p.available,
    optionCategoryPosIds: p.optionCategoryIds ?? [],
  }),
  variants: (x) => ({
    type: 'productVariant',
    posId: x.id,
    productPosId: x.productId,
    name: x.name,
    price: fromMinor(x.priceMinor),
    position: orUndefined(x.position),
    isAvailable: x.available,
  }),
  'option-categories': (c) => ({
    type: 'productOptionCategory',
    posId: c.id,
    name: c.name,
    position: orUndefined(c.position),
    minSelection: orUndefined(c.minSelection),
    maxSelection: orUndefined(c.maxSelection),
    isAvailable: c.available,
  }),
  options: (o) => ({
    type: 'productOption',
    posId: o.id,
    categoryPosId: o.categoryId,
    name: o.name,
    price: fromMinor(o.priceMinor),
    position: orUndefined(o.position),
    isAvailable: o.available,
  }),
};

/** One POS item → one entity; throws ValidationError naming the failing field. */
export function toCatalogEntity(collection: RefCatalogCollection, raw: unknown): CatalogEntity {
  const item = parseOrThrow(RefCatalogItemSchemas[collection], raw, `${collection} item`);
  const entity = (MAPPERS[collection] as (i: typeof item) => CatalogEntity)(item);
  return parseOrThrow(CatalogEntitySchema, entity, `${collection} item`);
}

/** A page of raw items → valid entities, and the rejected ones with their error. */
export function mapCatalogItems(
  collection: RefCatalogCollection,
  items: unknown[],
): Pick<CatalogPage, 'entities' | 'rejected'> {
  const page: Pick<CatalogPage, 'entities' | 'rejected'> = { entities: [], rejected: [] };
  for (const raw of items) {
    try {
      page.entities.push(toCatalogEntity(collection, raw));
    } catch (error) {
      const id = (raw as { id?: unknown } | null)?.id;
      page.rejected.push({
        ref: {
          type: REF_CATALOG_COLLECTIONS[collection],
          posId: typeof id === 'string' && id.length > 0 ? truncate(id, 255) : undefined,
        },
        error: truncate((error as Error).message, 300),
      });
    }
  }
  return page;
}

/** The product-changed webhook → a bridge event; no entities means "something changed: re-read". */
export function toCatalogChangedEvent(body: RefCatalogWebhook): PosCatalogChangedEvent {
  const entities: CatalogRef[] | undefined = body.data.entities?.map((e) => ({
    type: REF_CATALOG_COLLECTIONS[e.type],
    posId: e.id,
  }));
  return {
    type: 'catalog.changed',
    eventId: body.eventId,
    posLocationId: body.locationId,
    occurredAt: new Date(body.occurredAt).toISOString(),
    entities: entities && entities.length > 0 ? dedupeRefs(entities) : undefined,
  };
}

function dedupeRefs(refs: CatalogRef[]): CatalogRef[] {
  const seen = new Map(refs.map((r) => [`${r.type}#${r.posId}`, r]));
  return [...seen.values()];
}

/** True when the body is the catalog webhook (checked before the status webhook's schema). */
export const isCatalogWebhook = (body: unknown): boolean =>
  v.is(v.object({ type: v.literal('catalog.changed') }), body);
