/** K-Series menus (menu list + menu load V2) → catalog entities, written from the spec's schema examples. */
import * as v from 'valibot';
import { MenuListSchema, MenuV2Schema } from '../../adapters/lightspeed-k/api';
import { catalogIds, parseOptionId } from '../../adapters/lightspeed-k/catalog-ids';
import { type LoadedMenu, mapMenus, skusOf } from '../../adapters/lightspeed-k/catalog-mapping';
import { parseReplyKeepingIds } from '../../adapters/lightspeed-k/json';
import type { CatalogEntity } from '../../functions/core/catalog-model';
import { fixtureText } from './support/lightspeedk';

const MENU_ID = '141948669132851';
/** The fixture menus as the client reads them; `extra` entries are added to the first screen before reading. */
const menus = (...extra: Record<string, unknown>[]): LoadedMenu[] => {
  const [listed] = v.parse(MenuListSchema, parseReplyKeepingIds(fixtureText('reply-menu-list.json')));
  const reply = parseReplyKeepingIds(fixtureText('reply-menu-v2.json')) as {
    menuEntryGroups: { menuEntry: unknown[] }[];
  };
  reply.menuEntryGroups[0]?.menuEntry.push(...extra);
  const menu = v.parse(MenuV2Schema, reply);
  return [{ menuId: listed?.ikentooMenuId as string, menuName: listed?.menuName, menu }];
};
const byId = (entities: CatalogEntity[], type: CatalogEntity['type'], posId: string) =>
  entities.find((e) => e.type === type && e.posId === posId);

test('the menu and its screens, sub-screens flattened, become the menu and its sections', () => {
  const { entities } = mapMenus(menus(), new Map());
  expect(byId(entities, 'menu', MENU_ID)).toEqual({
    type: 'menu',
    posId: MENU_ID,
    name: 'Lunch Menu',
    position: 0,
    isAvailable: true,
  });
  expect(entities.filter((e) => e.type === 'menuSection')).toEqual([
    expect.objectContaining({ posId: `${MENU_ID}/141948669133028`, menuPosId: MENU_ID, name: 'Mains', position: 0 }),
    expect.objectContaining({ posId: `${MENU_ID}/141948669133040`, menuPosId: MENU_ID, name: 'Sides', position: 1 }),
  ]);
});

test('an item is a product by its SKU, in every section that shows it, with its option categories', () => {
  const { entities } = mapMenus(menus(), new Map());
  expect(byId(entities, 'product', '25')).toEqual({
    type: 'product',
    posId: '25',
    name: 'Burger',
    price: 10,
    position: 0,
    isAvailable: true,
    sectionPosIds: [`${MENU_ID}/141948669133028`, `${MENU_ID}/141948669133040`],
    optionCategoryPosIds: [catalogIds.modifierGroup('30'), catalogIds.instructionGroup('236025632784487')],
  });
  expect(byId(entities, 'product', '21')).toMatchObject({ name: 'Appetizer 2', price: 4 });
  // A sub-item cannot be sold alone: no product.
  expect(byId(entities, 'product', '50')).toBeUndefined();
});

test('a product modifier group is an option category with its selection bounds; its modifiers are priced options', () => {
  const { entities } = mapMenus(menus(), new Map());
  expect(byId(entities, 'productOptionCategory', 'mg:30')).toMatchObject({
    name: 'Milk options',
    minSelection: 0,
    maxSelection: 2,
  });
  const option = byId(entities, 'productOption', catalogIds.modifier('30', '35'));
  expect(option).toMatchObject({ name: 'Extra Cheese', price: 1, categoryPosId: 'mg:30', isAvailable: true });
  expect(parseOptionId(option?.posId as string)).toEqual({ kind: 'modifier', groupSku: '30', sku: '35' });
});

test('production instructions are a category of free options, at most one unless several are permitted', () => {
  const { entities } = mapMenus(menus(), new Map());
  expect(byId(entities, 'productOptionCategory', 'pig:236025632784487')).toMatchObject({
    name: 'Meat cooking',
    minSelection: 0,
    maxSelection: 1,
  });
  const rare = byId(entities, 'productOption', 'pi:236025632784490');
  expect(rare).toMatchObject({ name: 'Rare', price: 0, categoryPosId: 'pig:236025632784487' });
  expect(parseOptionId('pi:236025632784490')).toEqual({ kind: 'instruction', modifierId: '236025632784490' });
  expect(entities.filter((e) => e.type === 'productOption' && e.posId.startsWith('pi:'))).toHaveLength(6);
});

test('a SKU restricted to 0 is unavailable; restricted to some, or unrestricted, it is available', () => {
  const { entities } = mapMenus(
    menus(),
    new Map<string, number | null>([
      ['25', 0],
      ['35', 0],
      ['21', 3],
    ]),
  );
  expect(byId(entities, 'product', '25')?.isAvailable).toBe(false);
  expect(byId(entities, 'productOption', catalogIds.modifier('30', '35'))?.isAvailable).toBe(false);
  expect(byId(entities, 'product', '21')?.isAvailable).toBe(true);
});

test('a combo is reported as rejected, not dropped in silence; so is an item without a SKU', () => {
  const { rejected } = mapMenus(menus({ '@type': 'menuItem', productName: 'Special' }), new Map());
  expect(rejected).toEqual([
    { ref: { type: 'product', posId: '40' }, error: 'combo "Burger menu" (menuDeal) is not mapped' },
    { ref: { type: 'product', posId: undefined }, error: 'item "Special" has no SKU: it cannot be ordered' },
  ]);
});

test('an item without a price cannot be a Sinqro product: rejected with the reason', () => {
  const { entities, rejected } = mapMenus(menus({ '@type': 'menuItem', productName: 'Open', sku: '77' }), new Map());
  expect(byId(entities, 'product', '77')).toBeUndefined();
  expect(rejected).toContainEqual({
    ref: { type: 'product', posId: '77' },
    error: expect.stringContaining('not a valid product'),
  });
});

test('availability is read for the SKUs of products and modifiers only', () => {
  expect(skusOf(menus()).sort()).toEqual(['21', '25', '35']);
});
