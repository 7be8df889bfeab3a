/**
 * Bridge catalog entities → Sinqro's catalog items (docs/sinqro-api.md, Catalog), and the content hash
 * the sync compares to decide what changed. Every item carries the POS id as `externalId` and names
 * its parents by their external ids. Sinqro documents `isAvailable` on products and options only;
 * sending it on the other entities is the bridge's assumption (to confirm with Sinqro).
 */
import { createHash } from 'node:crypto';
import type { CatalogEntity, CatalogEntityType } from '../core/catalog-model';

/** Sinqro's collection name of each entity type (its JSON keys, e.g. `productOptionsCategories`). */
export const SINQRO_COLLECTIONS: Record<CatalogEntityType, string> = {
  menu: 'menus',
  menuSection: 'menuSections',
  product: 'products',
  productVariant: 'productVariants',
  productOptionCategory: 'productOptionsCategories',
  productOption: 'productOptions',
};

export type SinqroCatalogItem = { externalId: string } & Record<string, unknown>;

export function toSinqroCatalogItem(entity: CatalogEntity): SinqroCatalogItem {
  switch (entity.type) {
    case 'menu':
      // A standard menu: the client picks freely and pays per product, so the menu has no price.
      return {
        externalId: entity.posId,
        type: 'menu',
        name: entity.name,
        shortDescription: entity.description,
        position: entity.position,
        price: null,
        isAvailable: entity.isAvailable,
      };
    case 'menuSection':
      return {
        externalId: entity.posId,
        menuExternalId: entity.menuPosId,
        name: entity.name,
        shortDescription: entity.description,
        position: entity.position,
        isAvailable: entity.isAvailable,
      };
    case 'product':
      return {
        externalId: entity.posId,
        menuSectionExternalIds: entity.sectionPosIds,
        productOptionsCategoryExternalIds: entity.optionCategoryPosIds,
        name: entity.name,
        description: entity.description,
        price: entity.price,
        position: entity.position,
        isAvailable: entity.isAvailable,
      };
    case 'productVariant':
      return {
        externalId: entity.posId,
        productExternalId: entity.productPosId,
        name: entity.name,
        price: entity.price,
        position: entity.position,
        isAvailable: entity.isAvailable,
      };
    case 'productOptionCategory':
      return {
        externalId: entity.posId,
        name: entity.name,
        position: entity.position,
        minSelection: entity.minSelection ?? null,
        maxSelection: entity.maxSelection ?? null,
        isAvailable: entity.isAvailable,
      };
    case 'productOption':
      return {
        externalId: entity.posId,
        productOptionsCategoryExternalId: entity.categoryPosId,
        name: entity.name,
        price: entity.price,
        position: entity.position,
        isAvailable: entity.isAvailable,
      };
  }
}

/** JSON with object keys sorted at every level and undefined left out: equal content, equal text. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : stableJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** What the map keeps to tell a changed entity from an unchanged one: sha256 of what Sinqro would get. */
export const contentHash = (item: SinqroCatalogItem): string =>
  createHash('sha256').update(stableJson(item)).digest('hex');
