/**
 * The bridge's POS-neutral catalog model (F6). Each adapter maps its POS catalog to these entities;
 * the catalog sync maps them to Sinqro's model (docs/sinqro-api.md, Catalog), with the POS id as
 * Sinqro's `externalId`. Hierarchy: menu → menuSection → product → (productVariant,
 * productOptionCategory → productOption).
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';

export const CATALOG_ENTITY_TYPES = [
  'menu',
  'menuSection',
  'product',
  'productVariant',
  'productOptionCategory',
  'productOption',
] as const;
export type CatalogEntityType = (typeof CATALOG_ENTITY_TYPES)[number];

const PosId = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const Name = v.pipe(v.string(), v.minLength(1), v.maxLength(255));
const Text = v.optional(v.pipe(v.string(), v.maxLength(4000)));
const Price = v.pipe(v.number(), v.finite(), v.minValue(0));
const Position = v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0)));
const Selection = v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0)));

/** One entity as the adapter read it from the POS; `parents` names the containing entities by POS id. */
export const CatalogEntitySchema = v.variant('type', [
  v.object({
    type: v.literal('menu'),
    posId: PosId,
    name: Name,
    description: Text,
    position: Position,
    isAvailable: v.boolean(),
  }),
  v.object({
    type: v.literal('menuSection'),
    posId: PosId,
    menuPosId: PosId,
    name: Name,
    description: Text,
    position: Position,
    isAvailable: v.boolean(),
  }),
  v.object({
    type: v.literal('product'),
    posId: PosId,
    sectionPosIds: v.array(PosId),
    name: Name,
    description: Text,
    price: Price,
    position: Position,
    isAvailable: v.boolean(),
    optionCategoryPosIds: v.optional(v.array(PosId), []),
  }),
  v.object({
    type: v.literal('productVariant'),
    posId: PosId,
    productPosId: PosId,
    name: Name,
    price: Price,
    position: Position,
    isAvailable: v.boolean(),
  }),
  v.object({
    type: v.literal('productOptionCategory'),
    posId: PosId,
    name: Name,
    position: Position,
    minSelection: Selection,
    maxSelection: Selection,
    isAvailable: v.boolean(),
  }),
  v.object({
    type: v.literal('productOption'),
    posId: PosId,
    categoryPosId: PosId,
    name: Name,
    price: Price,
    position: Position,
    isAvailable: v.boolean(),
  }),
]);
export type CatalogEntity = v.InferOutput<typeof CatalogEntitySchema>;
export type CatalogRef = { type: CatalogEntityType; posId: string };

/** A page of one entity type, as read from the POS. Entities that failed validation come back in `rejected`. */
export type CatalogPage = {
  entities: CatalogEntity[];
  rejected: { ref: Partial<CatalogRef>; error: string }[];
  nextCursor?: string;
};

/** A catalog sync's id: sortable by start time, unique enough for one restaurant. */
export const newSyncId = () => `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`;
