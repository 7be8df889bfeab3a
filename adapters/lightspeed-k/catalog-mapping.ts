/**
 * K-Series menus (apeLoadMenus + apeGetMenuByIdV2) → the bridge's catalog entities (F6), ids as
 * catalog-ids.ts gives them:
 *
 * - a menu → menu; each of its groups (menu screens, and sub-screens, flattened) → a section of it;
 * - a menu item with a SKU → product, in every section that shows it (an item that is only a sub-item,
 *   `asSubItem`, is not sold alone and is not a product);
 * - its product modifier groups (`menuModifierGroups`) → option categories, their product modifiers →
 *   options priced at their `productPrice`; its production instruction groups → option categories whose
 *   instructions are free options;
 * - availability: a SKU K-Series restricts to a count of 0 (apeGetRestrictedItems) is unavailable.
 *
 * Combos (`menuDeal`) are reported as rejected: how their choices are ordered is not settled by the spec.
 */
import * as v from 'valibot';
import {
  type CatalogEntity,
  CatalogEntitySchema,
  type CatalogPage,
  type CatalogRef,
} from '../../functions/core/catalog-model';
import { truncate } from '../../functions/core/text';
import type { MenuEntry, MenuV2, ModifierGroup, ProductionInstructionGroup } from './api';
import { catalogIds } from './catalog-ids';

const NAME_MAX = 255;

/** One loaded menu: its id and name from the menu list, its content from the V2 load. */
export type LoadedMenu = { menuId: string; menuName?: string; menu: MenuV2 };

/** A SKU's availability: unrestricted (absent), or restricted to `count` items (0: sold out). */
export type Availability = ReadonlyMap<string, number | null>;

export const isAvailable = (availability: Availability, sku: string) => {
  const count = availability.get(sku);
  return count === undefined || count === null || count > 0;
};

/** The SKUs that are products or product modifiers: what item availability is read for. */
export function skusOf(menus: LoadedMenu[]): string[] {
  const skus = new Set<string>();
  const walk = (entries: MenuEntry[]) => {
    for (const entry of entries) {
      if (entry['@type'] === 'group') walk((entry as { menuEntry: MenuEntry[] }).menuEntry);
      else if (entry['@type'] === 'menuItem') {
        const item = entry as Extract<MenuEntry, { '@type': 'menuItem' }>;
        if (item.sku && !item.asSubItem) skus.add(item.sku);
        for (const group of item.menuModifierGroups)
          for (const modifier of group.productModifiers) if (modifier.sku) skus.add(modifier.sku);
      }
    }
  };
  for (const { menu } of menus) for (const group of menu.menuEntryGroups) walk(group.menuEntry);
  return [...skus];
}

/** Every entity of the loaded menus; an entity that cannot be a Sinqro one comes back in `rejected`. */
export function mapMenus(menus: LoadedMenu[], availability: Availability): CatalogPage {
  const out = new Builder(availability);
  menus.forEach(({ menuId, menuName, menu }, position) => {
    const posId = catalogIds.menu(menuId);
    out.add({
      type: 'menu',
      posId,
      name: nameOr(menuName ?? menu.menuName, `Menu ${menuId}`),
      position,
      isAvailable: true,
    });
    for (const group of menu.menuEntryGroups) out.section(posId, group.id, group.name, group.menuEntry ?? []);
  });
  return out.page();
}

class Builder {
  private readonly entities = new Map<string, CatalogEntity>();
  private readonly rejected: CatalogPage['rejected'] = [];
  private readonly positions = new Map<CatalogEntity['type'], number>();

  constructor(private readonly availability: Availability) {}

  page(): CatalogPage {
    const entities: CatalogEntity[] = [];
    for (const entity of this.entities.values()) {
      const parsed = v.safeParse(CatalogEntitySchema, entity);
      if (parsed.success) entities.push(parsed.output);
      else this.reject(entity, `not a valid ${entity.type}: ${parsed.issues[0]?.message ?? 'invalid'}`);
    }
    return { entities, rejected: this.rejected };
  }

  add(entity: CatalogEntity): void {
    const key = `${entity.type}#${entity.posId}`;
    if (this.entities.has(key)) return;
    const position = this.positions.get(entity.type) ?? 0;
    this.positions.set(entity.type, position + 1);
    this.entities.set(key, { ...entity, position: entity.position ?? position });
  }

  reject(ref: Partial<CatalogRef>, error: string): void {
    this.rejected.push({ ref: { type: ref.type, posId: ref.posId }, error: truncate(error, 300) });
  }

  section(menuPosId: string, groupId: string, name: string | undefined, entries: MenuEntry[]): void {
    const posId = catalogIds.section(menuPosId, groupId);
    this.add({ type: 'menuSection', posId, menuPosId, name: nameOr(name, 'Menu'), isAvailable: true });
    for (const entry of entries) {
      const type = entry['@type'];
      if (type === 'group') {
        const sub = entry as Extract<MenuEntry, { '@type': 'group' }>;
        this.section(menuPosId, sub.id, sub.name, sub.menuEntry);
      } else if (type === 'menuItem') this.item(posId, entry as Extract<MenuEntry, { '@type': 'menuItem' }>);
      else if (type === 'menuDeal')
        this.reject(
          { type: 'product', posId: entry.sku ?? undefined },
          `combo "${entry.productName ?? '?'}" (menuDeal) is not mapped`,
        );
      // A product modifier on its own is sold with an item only (its group's option), never alone.
    }
  }

  private item(sectionPosId: string, item: Extract<MenuEntry, { '@type': 'menuItem' }>): void {
    if (item.asSubItem) return;
    if (!item.sku) {
      this.reject({ type: 'product' }, `item "${item.productName ?? '?'}" has no SKU: it cannot be ordered`);
      return;
    }
    const posId = catalogIds.product(item.sku);
    const categories = [
      ...item.menuModifierGroups.map((g) => this.modifierGroup(g)),
      ...item.productionInstructionList.map((g) => this.instructionGroup(g)),
    ].filter((id): id is string => id !== undefined);
    const known = this.entities.get(`product#${posId}`);
    if (known?.type === 'product') {
      // The same item on several screens: one product in each of their sections.
      if (!known.sectionPosIds.includes(sectionPosId)) known.sectionPosIds.push(sectionPosId);
      for (const id of categories) if (!known.optionCategoryPosIds.includes(id)) known.optionCategoryPosIds.push(id);
      return;
    }
    this.add({
      type: 'product',
      posId,
      sectionPosIds: [sectionPosId],
      name: nameOr(item.productName, item.sku),
      price: item.productPrice ?? Number.NaN,
      isAvailable: isAvailable(this.availability, item.sku),
      optionCategoryPosIds: categories,
    });
  }

  private modifierGroup(group: ModifierGroup): string | undefined {
    if (!group.sku) {
      this.reject({ type: 'productOptionCategory' }, `modifier group "${group.description ?? '?'}" has no SKU`);
      return undefined;
    }
    const posId = catalogIds.modifierGroup(group.sku);
    this.add({
      type: 'productOptionCategory',
      posId,
      name: nameOr(group.description, 'Options'),
      minSelection: selection(group.minimumSelection) ?? (group.mustSelectAnItem ? 1 : 0),
      maxSelection: selection(group.maximumSelection) ?? (group.multiSelectionPermitted ? undefined : 1),
      isAvailable: true,
    });
    for (const modifier of group.productModifiers) {
      if (!modifier.sku) {
        this.reject({ type: 'productOption' }, `modifier "${modifier.productName ?? '?'}" has no SKU`);
        continue;
      }
      this.add({
        type: 'productOption',
        posId: catalogIds.modifier(group.sku, modifier.sku),
        categoryPosId: posId,
        name: nameOr(modifier.productName, modifier.sku),
        price: modifier.productPrice ?? 0,
        isAvailable: isAvailable(this.availability, modifier.sku),
      });
    }
    return posId;
  }

  private instructionGroup(group: ProductionInstructionGroup): string {
    const posId = catalogIds.instructionGroup(group.productionIntructionGroupId);
    this.add({
      type: 'productOptionCategory',
      posId,
      name: nameOr(group.productionInstructionGroupName, 'Instructions'),
      minSelection: 0,
      maxSelection: group.multiSelectionPermitted ? undefined : 1,
      isAvailable: true,
    });
    for (const instruction of group.productionInstructionList)
      this.add({
        type: 'productOption',
        posId: catalogIds.instruction(instruction.ikentooModifierId),
        categoryPosId: posId,
        name: nameOr(instruction.instruction, `Instruction ${instruction.ikentooModifierId}`),
        price: 0,
        isAvailable: true,
      });
    return posId;
  }
}

const nameOr = (name: string | undefined, fallback: string) => truncate(name?.trim() || fallback, NAME_MAX);

const selection = (n: number | null | undefined) =>
  n !== undefined && n !== null && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
