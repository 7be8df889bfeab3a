/**
 * The Square simulator's catalog: `CatalogObject`s (OpenAPI `CatalogObject`, `CatalogItem`,
 * `CatalogItemVariation`, `CatalogCategory`, `CatalogModifierList`, `CatalogModifier`) stored flat, as
 * Square does, and served nested (an ITEM carries its variations, a MODIFIER_LIST its modifiers) by
 * SearchCatalogObjects (`POST /v2/catalog/search`) and RetrieveCatalogObject. Every edit stamps the
 * objects it touches with a new `version` and `updated_at` and tells the simulator, which fires
 * `catalog.version.updated`.
 */
import { type Clock, catalogId, invalid, isObject, notFound } from './shapes';

export type CatalogObjectType = 'ITEM' | 'ITEM_VARIATION' | 'CATEGORY' | 'MODIFIER_LIST' | 'MODIFIER';
export const CATALOG_OBJECT_TYPES: readonly string[] = [
  // OpenAPI `CatalogObjectType` (all of it is accepted in `object_types`; the simulator stores the first five).
  'ITEM',
  'ITEM_VARIATION',
  'CATEGORY',
  'MODIFIER_LIST',
  'MODIFIER',
  'IMAGE',
  'TAX',
  'DISCOUNT',
  'PRICING_RULE',
  'PRODUCT_SET',
  'TIME_PERIOD',
  'MEASUREMENT_UNIT',
  'SUBSCRIPTION_PLAN_VARIATION',
  'ITEM_OPTION',
  'ITEM_OPTION_VAL',
  'CUSTOM_ATTRIBUTE_DEFINITION',
  'QUICK_AMOUNTS_SETTINGS',
  'SUBSCRIPTION_PLAN',
  'AVAILABILITY_PERIOD',
];

/** OpenAPI `CatalogObject` (the fields the simulator keeps); `*_data` as given, children held apart. */
export type CatalogObject = {
  type: CatalogObjectType;
  id: string;
  updated_at: string;
  version: number;
  is_deleted: boolean;
  present_at_all_locations?: boolean;
  present_at_location_ids?: string[];
  absent_at_location_ids?: string[];
  item_data?: Record<string, unknown>;
  item_variation_data?: Record<string, unknown>;
  category_data?: Record<string, unknown>;
  modifier_list_data?: Record<string, unknown>;
  modifier_data?: Record<string, unknown>;
};

const DATA_FIELD: Record<CatalogObjectType, keyof CatalogObject> = {
  ITEM: 'item_data',
  ITEM_VARIATION: 'item_variation_data',
  CATEGORY: 'category_data',
  MODIFIER_LIST: 'modifier_list_data',
  MODIFIER: 'modifier_data',
};
const STORED_TYPES = Object.keys(DATA_FIELD) as CatalogObjectType[];

/** SearchCatalogObjectsRequest fields the simulator honours (OpenAPI `SearchCatalogObjectsRequest`). */
export type SearchCatalogObjectsRequest = {
  object_types?: unknown;
  include_deleted_objects?: unknown;
  include_related_objects?: unknown;
  begin_time?: unknown;
  cursor?: unknown;
  limit?: unknown;
};

export type CatalogOptions = {
  currency: string;
  /** The location the demo catalog's location-scoped item is present at. */
  locationId: string;
  /** Most objects per page of SearchCatalogObjects (Square's own page is larger; small here so paging is exercised). */
  pageSize: number;
  clock: Clock;
  /** Called after every edit with the catalog's new `updated_at`. */
  onChange: (updatedAt: string) => void;
};

/** The input of an upsert: a `CatalogObject` as a client sends it (id may be `#temp`, nested children allowed). */
export type CatalogObjectInput = Record<string, unknown> & { type?: unknown; id?: unknown };

export class SquareSimCatalog {
  private readonly objects = new Map<string, CatalogObject>();
  latestTime = '';

  constructor(private readonly opts: CatalogOptions) {
    this.reset();
  }

  reset(): void {
    this.objects.clear();
    this.write(demoCatalog(this.opts.currency, this.opts.locationId), false);
  }

  get(id: string): CatalogObject | undefined {
    return this.objects.get(id);
  }

  /** Every stored object, deleted ones too, flat (for `/_sim/catalog`). */
  all(): CatalogObject[] {
    return [...this.objects.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** A live ITEM_VARIATION and its ITEM, for order line items priced from the catalog. */
  variation(id: string): { variation: CatalogObject; item?: CatalogObject } | undefined {
    const variation = this.objects.get(id);
    if (variation?.type !== 'ITEM_VARIATION' || variation.is_deleted) return undefined;
    const item = this.objects.get(String(variation.item_variation_data?.item_id ?? ''));
    return { variation, item };
  }

  modifier(id: string): CatalogObject | undefined {
    const modifier = this.objects.get(id);
    return modifier && modifier.type === 'MODIFIER' && !modifier.is_deleted ? modifier : undefined;
  }

  // ---- reads: SearchCatalogObjects and RetrieveCatalogObject ----

  /** `POST /v2/catalog/search` → OpenAPI `SearchCatalogObjectsResponse` (empty fields omitted, as Square does). */
  search(req: SearchCatalogObjectsRequest): Record<string, unknown> {
    const types = req.object_types ?? STORED_TYPES;
    if (!Array.isArray(types) || types.some((t) => typeof t !== 'string' || !CATALOG_OBJECT_TYPES.includes(t)))
      throw invalid('INVALID_ENUM_VALUE', 'object_types must hold CatalogObjectType values.', 'object_types');
    let begin: number | undefined;
    if (req.begin_time !== undefined) {
      begin = typeof req.begin_time === 'string' ? Date.parse(req.begin_time) : Number.NaN;
      if (Number.isNaN(begin)) throw invalid('INVALID_TIME', 'begin_time must be an RFC 3339 timestamp.', 'begin_time');
    }
    let after = '';
    if (req.cursor !== undefined && req.cursor !== '') {
      after = typeof req.cursor === 'string' ? Buffer.from(req.cursor, 'base64url').toString('utf8') : '';
      if (!after.startsWith('after:')) throw invalid('INVALID_CURSOR', 'The cursor is not valid.', 'cursor');
      after = after.slice('after:'.length);
    }
    const limit =
      typeof req.limit === 'number' && req.limit > 0 ? Math.min(req.limit, this.opts.pageSize) : this.opts.pageSize;
    const matching = this.all().filter(
      (o) =>
        (types as string[]).includes(o.type) &&
        (!o.is_deleted || req.include_deleted_objects === true) &&
        (begin === undefined || Date.parse(o.updated_at) > begin) && // begin_time is exclusive
        o.id > after,
    );
    const page = matching.slice(0, limit);
    const objects = page.map((o) => this.render(o));
    const response: Record<string, unknown> = {};
    if (objects.length) response.objects = objects;
    if (matching.length > limit) {
      const last = page[page.length - 1] as CatalogObject;
      response.cursor = Buffer.from(`after:${last.id}`, 'utf8').toString('base64url');
    }
    if (req.include_related_objects === true) {
      const related = this.related(page);
      if (related.length) response.related_objects = related;
    }
    response.latest_time = this.latestTime;
    return response;
  }

  /** `GET /v2/catalog/object/{id}` → OpenAPI `RetrieveCatalogObjectResponse`. */
  retrieve(id: string, includeRelated: boolean): Record<string, unknown> {
    const object = this.objects.get(id);
    if (!object || object.is_deleted) throw notFound(`Object with ID \`${id}\` not found.`, 'object_id');
    const related = includeRelated ? this.related([object]) : [];
    return { object: this.render(object), ...(related.length ? { related_objects: related } : {}) };
  }

  /** The object as Square serialises it: an ITEM with its variations, a MODIFIER_LIST with its modifiers. */
  render(o: CatalogObject): Record<string, unknown> {
    const out: Record<string, unknown> = structuredClone(o);
    if (o.type === 'ITEM' && o.item_data) {
      const variations = this.children(o.id, 'ITEM_VARIATION', 'item_variation_data', 'item_id');
      (out.item_data as Record<string, unknown>).variations = variations.map((v) => structuredClone(v));
    }
    if (o.type === 'MODIFIER_LIST' && o.modifier_list_data) {
      const modifiers = this.children(o.id, 'MODIFIER', 'modifier_data', 'modifier_list_id');
      (out.modifier_list_data as Record<string, unknown>).modifiers = modifiers.map((m) => structuredClone(m));
    }
    return out;
  }

  private children(
    parentId: string,
    type: CatalogObjectType,
    field: 'item_variation_data' | 'modifier_data',
    key: string,
  ): CatalogObject[] {
    return [...this.objects.values()]
      .filter((c) => c.type === type && !c.is_deleted && c[field]?.[key] === parentId)
      .sort((a, b) => Number(a[field]?.ordinal ?? 0) - Number(b[field]?.ordinal ?? 0) || a.id.localeCompare(b.id));
  }

  /** Categories and modifier lists the page's items refer to, not already in the page (Square's `related_objects`). */
  private related(page: CatalogObject[]): Record<string, unknown>[] {
    const inPage = new Set(page.map((o) => o.id));
    const ids = new Set<string>();
    for (const o of page) {
      const item =
        o.type === 'ITEM'
          ? o.item_data
          : o.type === 'ITEM_VARIATION'
            ? this.objects.get(String(o.item_variation_data?.item_id))?.item_data
            : undefined;
      if (o.type === 'ITEM_VARIATION') ids.add(String(o.item_variation_data?.item_id));
      if (!item) continue;
      for (const c of (item.categories as { id?: string }[] | undefined) ?? []) if (c.id) ids.add(c.id);
      if (typeof item.category_id === 'string') ids.add(item.category_id);
      for (const m of (item.modifier_list_info as { modifier_list_id?: string }[] | undefined) ?? [])
        if (m.modifier_list_id) ids.add(m.modifier_list_id);
    }
    return [...ids]
      .filter((id) => !inPage.has(id))
      .map((id) => this.objects.get(id))
      .filter((o): o is CatalogObject => !!o && !o.is_deleted)
      .map((o) => this.render(o));
  }

  // ---- edits (the `/_sim/catalog` controls) ----

  /**
   * Upserts an object as UpsertCatalogObject does: `#`-prefixed or missing ids are assigned, an ITEM's
   * `item_data.variations` and a MODIFIER_LIST's `modifier_list_data.modifiers` are stored as their own
   * objects, and children left out of the new list are deleted. Returns the stored object, rendered.
   */
  upsert(input: CatalogObjectInput): Record<string, unknown> {
    const stored = this.write([input], true);
    return this.render(stored[0] as CatalogObject);
  }

  /** Deletes an object (and an ITEM's variations, a MODIFIER_LIST's modifiers); Square keeps it as `is_deleted`. */
  delete(id: string): string[] {
    const object = this.objects.get(id);
    if (!object || object.is_deleted) throw notFound(`Object with ID \`${id}\` not found.`, 'object_id');
    const stamp = this.stamp();
    const deleted = [object, ...this.childrenOf(object)];
    for (const o of deleted) Object.assign(o, stamp, { is_deleted: true });
    this.touchParent(object, stamp);
    this.changed(stamp.updated_at, true);
    return deleted.map((o) => o.id);
  }

  /**
   * Marks an ITEM_VARIATION or MODIFIER sold out (or back in stock) at a location through its
   * `location_overrides[].sold_out` (OpenAPI `ItemVariationLocationOverrides`, `ModifierLocationOverrides`).
   */
  setSoldOut(id: string, locationId: string, soldOut: boolean): Record<string, unknown> {
    const object = this.objects.get(id);
    if (!object || object.is_deleted || (object.type !== 'ITEM_VARIATION' && object.type !== 'MODIFIER'))
      throw notFound(`No ITEM_VARIATION or MODIFIER with ID \`${id}\`.`, 'object_id');
    const data = (object.type === 'ITEM_VARIATION' ? object.item_variation_data : object.modifier_data) ?? {};
    const overrides = Array.isArray(data.location_overrides)
      ? (data.location_overrides as Record<string, unknown>[])
      : [];
    let entry = overrides.find((o) => o.location_id === locationId);
    if (!entry) {
      entry = { location_id: locationId };
      overrides.push(entry);
    }
    if (soldOut) entry.sold_out = true;
    else delete entry.sold_out; // Square leaves the field out once an item is back in stock
    data.location_overrides = overrides;
    const stamp = this.stamp();
    Object.assign(object, stamp);
    this.touchParent(object, stamp);
    this.changed(stamp.updated_at, true);
    return this.render(object);
  }

  private childrenOf(o: CatalogObject): CatalogObject[] {
    if (o.type === 'ITEM') return this.children(o.id, 'ITEM_VARIATION', 'item_variation_data', 'item_id');
    if (o.type === 'MODIFIER_LIST') return this.children(o.id, 'MODIFIER', 'modifier_data', 'modifier_list_id');
    return [];
  }

  /**
   * A variation or modifier is served inside its ITEM or MODIFIER_LIST, so a change to it also gives the
   * parent a new version: a search for ITEMs with `begin_time` then sees it [inferred from the nesting].
   */
  private touchParent(o: CatalogObject, stamp: { version: number; updated_at: string }) {
    if (o.type !== 'ITEM_VARIATION' && o.type !== 'MODIFIER') return;
    const parentId = o.type === 'ITEM_VARIATION' ? o.item_variation_data?.item_id : o.modifier_data?.modifier_list_id;
    const parent = this.objects.get(String(parentId ?? ''));
    if (parent && !parent.is_deleted) Object.assign(parent, stamp);
  }

  private stamp() {
    const ms = this.opts.clock.nowMs();
    return { version: ms, updated_at: new Date(ms).toISOString() };
  }

  private changed(updatedAt: string, notify: boolean) {
    this.latestTime = updatedAt;
    if (notify) this.opts.onChange(updatedAt);
  }

  private write(inputs: CatalogObjectInput[], notify: boolean): CatalogObject[] {
    const stamp = this.stamp();
    const stored: CatalogObject[] = [];
    for (const input of inputs) stored.push(this.writeOne(input, stamp));
    this.changed(stamp.updated_at, notify);
    return stored;
  }

  private writeOne(
    input: CatalogObjectInput,
    stamp: { version: number; updated_at: string },
    parent?: { field: string; id: string },
  ): CatalogObject {
    const type = input.type as CatalogObjectType;
    if (!STORED_TYPES.includes(type))
      throw invalid('INVALID_ENUM_VALUE', `type must be one of ${STORED_TYPES.join(', ')}.`, 'object.type');
    const field = DATA_FIELD[type];
    if (!isObject(input[field]))
      throw invalid('MISSING_REQUIRED_PARAMETER', `${field} is required.`, `object.${field}`);
    const id = typeof input.id === 'string' && input.id && !input.id.startsWith('#') ? input.id : catalogId();
    const existing = this.objects.get(id);
    if (existing && existing.type !== type)
      throw invalid('INVALID_VALUE', `Object \`${id}\` is a ${existing.type}.`, 'object.type');
    const data = structuredClone(input[field]) as Record<string, unknown>;
    const childKey = type === 'ITEM' ? 'variations' : type === 'MODIFIER_LIST' ? 'modifiers' : undefined;
    const givenChildren = childKey && Array.isArray(data[childKey]) ? (data[childKey] as CatalogObjectInput[]) : [];
    if (childKey) delete data[childKey];
    if (parent) data[parent.field] = parent.id;
    const object: CatalogObject = {
      type,
      id,
      ...stamp,
      is_deleted: false,
      present_at_all_locations: input.present_at_all_locations !== false,
      ...(Array.isArray(input.present_at_location_ids)
        ? { present_at_location_ids: input.present_at_location_ids as string[] }
        : {}),
      ...(Array.isArray(input.absent_at_location_ids)
        ? { absent_at_location_ids: input.absent_at_location_ids as string[] }
        : {}),
      [field]: data,
    };
    this.objects.set(id, object);
    if (childKey) {
      const before = existing ? this.childrenOf(existing) : [];
      const childParent = type === 'ITEM' ? { field: 'item_id', id } : { field: 'modifier_list_id', id: id as string };
      const kept = new Set(givenChildren.map((c) => this.writeOne(c, stamp, childParent).id));
      for (const gone of before) if (!kept.has(gone.id)) Object.assign(gone, stamp, { is_deleted: true });
    }
    return object;
  }
}

/**
 * A small restaurant catalog: three categories, four items (one with two variations, one present at a
 * single location), two modifier lists.
 */
export function demoCatalog(currency: string, locationId: string): CatalogObjectInput[] {
  const price = (amount: number) => ({ amount, currency });
  const category = (id: string, name: string, ordinal: number) => ({
    type: 'CATEGORY',
    id,
    category_data: { name, category_type: 'REGULAR_CATEGORY', is_top_level: true, ordinal },
  });
  const variation = (id: string, name: string, amount: number, ordinal: number) => ({
    type: 'ITEM_VARIATION',
    id,
    item_variation_data: { name, ordinal, pricing_type: 'FIXED_PRICING', price_money: price(amount), sellable: true },
  });
  const item = (
    id: string,
    name: string,
    categoryId: string,
    variations: CatalogObjectInput[],
    modifierListIds: string[] = [],
    description?: string,
  ) => ({
    type: 'ITEM',
    id,
    item_data: {
      name,
      ...(description ? { description } : {}),
      product_type: 'FOOD_AND_BEV',
      categories: [{ id: categoryId, ordinal: 0 }],
      reporting_category: { id: categoryId },
      modifier_list_info: modifierListIds.map((modifier_list_id) => ({ modifier_list_id, enabled: true })),
      is_archived: false,
      variations,
    },
  });
  const modifier = (id: string, name: string, amount: number, ordinal: number) => ({
    type: 'MODIFIER',
    id,
    modifier_data: { name, price_money: price(amount), ordinal, on_by_default: false },
  });
  return [
    category('DEMOCATPIZZAS', 'Pizzas', 1),
    category('DEMOCATDRINKS', 'Drinks', 2),
    category('DEMOCATDESSERTS', 'Desserts', 3),
    {
      type: 'MODIFIER_LIST',
      id: 'DEMOMLEXTRAS',
      modifier_list_data: {
        name: 'Extras',
        ordinal: 1,
        selection_type: 'MULTIPLE',
        min_selected_modifiers: 0,
        max_selected_modifiers: 2,
        modifiers: [
          modifier('DEMOMODMOZZARELLA', 'Extra mozzarella', 150, 1),
          modifier('DEMOMODOLIVES', 'Olives', 100, 2),
        ],
      },
    },
    {
      type: 'MODIFIER_LIST',
      id: 'DEMOMLICE',
      modifier_list_data: {
        name: 'Ice',
        ordinal: 2,
        selection_type: 'SINGLE',
        min_selected_modifiers: 1,
        max_selected_modifiers: 1,
        modifiers: [modifier('DEMOMODICE', 'With ice', 0, 1), modifier('DEMOMODNOICE', 'No ice', 0, 2)],
      },
    },
    item(
      'DEMOITEMMARGHERITA',
      'Pizza Margherita',
      'DEMOCATPIZZAS',
      [variation('DEMOVARMARGHERITAREG', 'Regular', 950, 1), variation('DEMOVARMARGHERITALRG', 'Large', 1350, 2)],
      ['DEMOMLEXTRAS'],
      'Tomato, mozzarella, basil',
    ),
    item(
      'DEMOITEMDIAVOLA',
      'Pizza Diavola',
      'DEMOCATPIZZAS',
      [variation('DEMOVARDIAVOLAREG', 'Regular', 1100, 1)],
      ['DEMOMLEXTRAS'],
    ),
    item('DEMOITEMCOLA', 'Cola', 'DEMOCATDRINKS', [variation('DEMOVARCOLA33', '33 cl', 250, 1)], ['DEMOMLICE']),
    {
      ...item('DEMOITEMTIRAMISU', 'Tiramisu', 'DEMOCATDESSERTS', [variation('DEMOVARTIRAMISU', 'Regular', 550, 1)]),
      present_at_all_locations: false,
      present_at_location_ids: [locationId],
    },
  ];
}
