/**
 * Square catalog objects → the bridge's catalog entities for one location (F6).
 *
 * - The location is the menu (Square has no menu object; its categories are usually flat).
 * - CATEGORY → menu section of that menu (nested categories are kept as sections of their own).
 * - ITEM → product (price: its first variation's); ITEM_VARIATION → product variant.
 * - MODIFIER_LIST → option category (min/max selections); MODIFIER → option.
 * - Presence: `present_at_all_locations` / `present_at_location_ids` / `absent_at_location_ids`;
 *   an object absent from the location is not the location's (a full sync deletes it in Sinqro).
 * - Availability: a variation's or modifier's `location_overrides[].sold_out` for the location.
 */
import type * as v from 'valibot';
import {
  type CatalogEntity,
  CatalogEntitySchema,
  type CatalogEntityType,
  type CatalogRef,
} from '../../functions/core/catalog-model';
import { truncate } from '../../functions/core/text';
import { parseOrThrow } from '../../functions/core/validation';
import {
  CatalogObjectSchema,
  CategoryDataSchema,
  ItemDataSchema,
  ModifierDataSchema,
  ModifierListDataSchema,
  type MoneySchema,
  type SquareCatalogObject,
  VariationDataSchema,
} from './api';
import { decimalsOf } from './order-mapping';

/** The Square object type behind each bridge entity type (the menu is the location itself). */
export const SQUARE_TYPE_OF: Record<Exclude<CatalogEntityType, 'menu'>, string> = {
  menuSection: 'CATEGORY',
  product: 'ITEM',
  productVariant: 'ITEM_VARIATION',
  productOptionCategory: 'MODIFIER_LIST',
  productOption: 'MODIFIER',
};
const ENTITY_TYPE_OF: Record<string, CatalogEntityType> = Object.fromEntries(
  Object.entries(SQUARE_TYPE_OF).map(([entity, square]) => [square, entity as CatalogEntityType]),
);
export const entityTypeOf = (squareType: string): CatalogEntityType | undefined =>
  Object.hasOwn(ENTITY_TYPE_OF, squareType) ? ENTITY_TYPE_OF[squareType] : undefined;

/** The one menu of a location: its id in the catalog map. */
export const menuPosIdOf = (locationId: string) => `location:${locationId}`;

export function toMenuEntity(locationId: string, locationName: string | undefined): CatalogEntity {
  return {
    type: 'menu',
    posId: menuPosIdOf(locationId),
    name: truncate(locationName || 'Menu', 255),
    isAvailable: true,
  };
}

/** Whether the object is offered at the location (Square's default: present everywhere). */
export function isPresentAt(object: SquareCatalogObject, locationId: string): boolean {
  if (object.is_deleted) return false;
  if (object.present_at_all_locations === false) return (object.present_at_location_ids ?? []).includes(locationId);
  return !(object.absent_at_location_ids ?? []).includes(locationId);
}

const fromMinor = (m: v.InferOutput<typeof MoneySchema> | undefined) =>
  m?.amount === undefined ? undefined : m.amount / 10 ** decimalsOf(m.currency ?? 'EUR');
const position = (ordinal: number | undefined) =>
  ordinal !== undefined && Number.isSafeInteger(ordinal) && ordinal >= 0 ? ordinal : undefined;
type Overrides = { location_id?: string; price_money?: v.InferOutput<typeof MoneySchema>; sold_out?: boolean }[];
const overrideAt = (overrides: Overrides | undefined, locationId: string) =>
  overrides?.find((o) => o.location_id === locationId);

function variationPrice(data: v.InferOutput<typeof VariationDataSchema>, locationId: string): number {
  const price = fromMinor(overrideAt(data.location_overrides, locationId)?.price_money ?? data.price_money);
  if (price === undefined)
    throw new Error(
      `${data.pricing_type === 'VARIABLE_PRICING' ? 'variable price' : 'no price'}: cannot be sold online`,
    );
  return price;
}

function toEntity(object: SquareCatalogObject, locationId: string): CatalogEntity {
  const data = (key: string) => object[key];
  switch (object.type) {
    case 'CATEGORY': {
      const c = parseOrThrow(CategoryDataSchema, data('category_data'), 'category_data');
      return {
        type: 'menuSection',
        posId: object.id,
        menuPosId: menuPosIdOf(locationId),
        name: c.name,
        isAvailable: true,
      };
    }
    case 'ITEM': {
      const item = parseOrThrow(ItemDataSchema, data('item_data'), 'item_data');
      const variations = (item.variations ?? [])
        .map((raw) => parseOrThrow(CatalogObjectSchema, raw, 'item_data.variations[]') as SquareCatalogObject)
        .filter((x) => isPresentAt(x, locationId))
        .map((x) => parseOrThrow(VariationDataSchema, x.item_variation_data, 'item_variation_data'));
      const first = variations[0];
      const sections = item.categories?.map((c) => c.id) ?? (item.category_id ? [item.category_id] : []);
      return {
        type: 'product',
        posId: object.id,
        sectionPosIds: [...new Set(sections)],
        name: item.name,
        description: truncate(item.description_plaintext ?? item.description ?? '', 4000) || undefined,
        price: first ? variationPrice(first, locationId) : 0,
        isAvailable:
          !item.is_archived &&
          variations.some((x) => x.sellable !== false && !overrideAt(x.location_overrides, locationId)?.sold_out),
        optionCategoryPosIds: (item.modifier_list_info ?? [])
          .filter((m) => m.enabled !== false)
          .map((m) => m.modifier_list_id),
      };
    }
    case 'ITEM_VARIATION': {
      const x = parseOrThrow(VariationDataSchema, data('item_variation_data'), 'item_variation_data');
      return {
        type: 'productVariant',
        posId: object.id,
        productPosId: x.item_id,
        name: x.name || 'Regular',
        price: variationPrice(x, locationId),
        position: position(x.ordinal),
        isAvailable: x.sellable !== false && !overrideAt(x.location_overrides, locationId)?.sold_out,
      };
    }
    case 'MODIFIER_LIST': {
      const l = parseOrThrow(ModifierListDataSchema, data('modifier_list_data'), 'modifier_list_data');
      // -1 (not set) and 0 mean no minimum / no maximum; the deprecated SINGLE still means one at most.
      const min = l.min_selected_modifiers !== undefined && l.min_selected_modifiers > 0 ? l.min_selected_modifiers : 0;
      const max =
        l.max_selected_modifiers !== undefined && l.max_selected_modifiers > 0
          ? l.max_selected_modifiers
          : l.selection_type === 'SINGLE'
            ? 1
            : undefined;
      return {
        type: 'productOptionCategory',
        posId: object.id,
        name: l.name,
        position: position(l.ordinal),
        minSelection: min,
        maxSelection: max,
        isAvailable: true,
      };
    }
    case 'MODIFIER': {
      const m = parseOrThrow(ModifierDataSchema, data('modifier_data'), 'modifier_data');
      const override = overrideAt(m.location_overrides, locationId);
      return {
        type: 'productOption',
        posId: object.id,
        categoryPosId: m.modifier_list_id,
        name: m.name,
        price: fromMinor(override?.price_money ?? m.price_money) ?? 0,
        position: position(m.ordinal),
        isAvailable: !override?.sold_out && !m.hidden_online,
      };
    }
    default:
      throw new Error(`Square object type ${object.type} is not part of the menu`);
  }
}

export type MappedObjects = {
  entities: CatalogEntity[];
  rejected: { ref: Partial<CatalogRef>; error: string }[];
  /** Deleted in Square, or no longer offered at the location. */
  gone: CatalogRef[];
};

/**
 * Square objects (a search page) → entities of the location. `expandNested` also maps the
 * variations inside items and the modifiers inside modifier lists (an incremental read returns
 * whichever objects changed, and a variation edit may come only inside its item).
 */
export function mapSquareObjects(raw: unknown[], locationId: string, expandNested = false): MappedObjects {
  const out: MappedObjects = { entities: [], rejected: [], gone: [] };
  const seen = new Set<string>();
  const visit = (item: unknown) => {
    const id = (item as { id?: unknown } | null)?.id;
    const squareType = (item as { type?: unknown } | null)?.type;
    const type = typeof squareType === 'string' ? entityTypeOf(squareType) : undefined;
    const posId = typeof id === 'string' && id.length > 0 ? truncate(id, 255) : undefined;
    if (!type || !posId) {
      // e.g. a TAX or IMAGE object: not part of the menu, nothing to report.
      if (!type && typeof squareType === 'string') return;
      out.rejected.push({ ref: { type, posId }, error: 'catalog object without a usable id or type' });
      return;
    }
    if (seen.has(`${type}#${posId}`)) return;
    seen.add(`${type}#${posId}`);
    try {
      const object = parseOrThrow(CatalogObjectSchema, item, 'catalog object') as SquareCatalogObject;
      if (!isPresentAt(object, locationId)) {
        out.gone.push({ type, posId });
        return;
      }
      out.entities.push(parseOrThrow(CatalogEntitySchema, toEntity(object, locationId), `${object.type} ${posId}`));
      if (expandNested) {
        const nested =
          object.type === 'ITEM'
            ? (object.item_data as { variations?: unknown[] } | undefined)?.variations
            : object.type === 'MODIFIER_LIST'
              ? (object.modifier_list_data as { modifiers?: unknown[] } | undefined)?.modifiers
              : undefined;
        for (const child of nested ?? []) visit(child);
      }
    } catch (error) {
      out.rejected.push({ ref: { type, posId }, error: truncate((error as Error).message, 300) });
    }
  };
  for (const item of raw) visit(item);
  return out;
}
