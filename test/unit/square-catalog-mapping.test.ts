/**
 * Square catalog objects and locations → the bridge's catalog entities and opening hours. Objects are
 * shaped like the examples of Square's OpenAPI (`SearchCatalogObjectsResponse`,
 * `RetrieveCatalogObjectResponse`, `RetrieveLocationResponse`) with the fields the mapping reads.
 */
import { mapSquareObjects, menuPosIdOf, toMenuEntity } from '../../adapters/square/catalog-mapping';
import { toPosOpeningHours } from '../../adapters/square/hours';

const LOCATION = 'L88917AVBK2S5';

const variation = (id: string, itemId: string, name: string, amount: number, extra: Record<string, unknown> = {}) => ({
  id,
  is_deleted: false,
  item_variation_data: {
    item_id: itemId,
    name,
    ordinal: 1,
    price_money: { amount, currency: 'USD' },
    pricing_type: 'FIXED_PRICING',
    ...extra,
  },
  present_at_all_locations: true,
  type: 'ITEM_VARIATION',
  updated_at: '2017-10-26T15:27:31.626Z',
  version: 1509031651626,
});

const blackTea = (extra: Record<string, unknown> = {}) => ({
  id: 'X5DZ5NWWAQ44CKBLKIFQGOWK',
  is_deleted: false,
  item_data: {
    categories: [{ id: 'E7CLE5RZZ744BHWVQQEAHI2C', ordinal: 0 }],
    description: 'A delicious blend of black tea.',
    name: 'Tea - Black',
    product_type: 'REGULAR',
    tax_ids: ['ZXITPM6RWHZ7GZ7EIP3YKECM'],
    modifier_list_info: [
      { modifier_list_id: 'MLMILK', enabled: true },
      { modifier_list_id: 'MLOFF', enabled: false },
    ],
    variations: [
      variation('5GSZPX6EU7MM75S57OONG3V5', 'X5DZ5NWWAQ44CKBLKIFQGOWK', 'Regular', 150),
      variation('XVLBN7DU6JTWHJTG5F265B43', 'X5DZ5NWWAQ44CKBLKIFQGOWK', 'Large', 225),
    ],
    visibility: 'PRIVATE',
  },
  present_at_all_locations: true,
  type: 'ITEM',
  updated_at: '2017-10-26T15:41:32.337Z',
  version: 1509032492337,
  ...extra,
});

const beverages = {
  category_data: { name: 'Beverages' },
  id: 'BJNQCF2FJ6S6UIDT65ABHLRX',
  is_deleted: false,
  present_at_all_locations: true,
  type: 'CATEGORY',
  updated_at: '2016-11-16T22:25:24.878Z',
  version: 1479335124878,
};

const milkList = {
  id: 'MLMILK',
  type: 'MODIFIER_LIST',
  present_at_all_locations: true,
  modifier_list_data: {
    name: 'Milk',
    ordinal: 2,
    selection_type: 'SINGLE',
    min_selected_modifiers: -1,
    max_selected_modifiers: -1,
    modifiers: [
      {
        id: 'MODOAT',
        type: 'MODIFIER',
        present_at_all_locations: true,
        modifier_data: {
          name: 'Oat',
          price_money: { amount: 50, currency: 'USD' },
          modifier_list_id: 'MLMILK',
          ordinal: 1,
        },
      },
    ],
  },
};

test('CATEGORY → a section of the location menu; the location → the menu', () => {
  expect(mapSquareObjects([beverages], LOCATION).entities).toEqual([
    {
      type: 'menuSection',
      posId: 'BJNQCF2FJ6S6UIDT65ABHLRX',
      menuPosId: `location:${LOCATION}`,
      name: 'Beverages',
      isAvailable: true,
    },
  ]);
  expect(toMenuEntity(LOCATION, 'Grant Park')).toEqual({
    type: 'menu',
    posId: menuPosIdOf(LOCATION),
    name: 'Grant Park',
    isAvailable: true,
  });
});

test('ITEM → a product in its categories, priced at its first variation, with its enabled modifier lists', () => {
  expect(mapSquareObjects([blackTea()], LOCATION).entities).toEqual([
    {
      type: 'product',
      posId: 'X5DZ5NWWAQ44CKBLKIFQGOWK',
      sectionPosIds: ['E7CLE5RZZ744BHWVQQEAHI2C'],
      name: 'Tea - Black',
      description: 'A delicious blend of black tea.',
      price: 1.5,
      isAvailable: true,
      optionCategoryPosIds: ['MLMILK'],
    },
  ]);
});

test('the legacy category_id is read when categories is absent', () => {
  const tea = blackTea();
  const data = tea.item_data as Record<string, unknown>;
  delete data.categories;
  data.category_id = 'LEGACYCAT';
  expect(mapSquareObjects([tea], LOCATION).entities[0]).toMatchObject({ sectionPosIds: ['LEGACYCAT'] });
});

test('ITEM_VARIATION → a variant; the location override sets its price and sold_out its availability', () => {
  const large = variation('XVLBN7DU6JTWHJTG5F265B43', 'X5DZ5NWWAQ44CKBLKIFQGOWK', 'Large', 225, {
    location_overrides: [
      { location_id: 'OTHERLOC', sold_out: false },
      { location_id: LOCATION, price_money: { amount: 250, currency: 'USD' }, sold_out: true },
    ],
  });
  expect(mapSquareObjects([large], LOCATION).entities).toEqual([
    {
      type: 'productVariant',
      posId: 'XVLBN7DU6JTWHJTG5F265B43',
      productPosId: 'X5DZ5NWWAQ44CKBLKIFQGOWK',
      name: 'Large',
      price: 2.5,
      position: 1,
      isAvailable: false,
    },
  ]);
  expect(mapSquareObjects([large], 'OTHERLOC').entities[0]).toMatchObject({ price: 2.25, isAvailable: true });
});

test('an item whose every variation is sold out at the location is unavailable there', () => {
  const tea = blackTea();
  for (const x of tea.item_data.variations as { item_variation_data: Record<string, unknown> }[])
    x.item_variation_data.location_overrides = [{ location_id: LOCATION, sold_out: true }];
  expect(mapSquareObjects([tea], LOCATION).entities[0]).toMatchObject({ isAvailable: false });
});

test('MODIFIER_LIST → option category (-1 means unset; SINGLE still means one at most); MODIFIER → option', () => {
  const mapped = mapSquareObjects([milkList], LOCATION, true).entities;
  expect(mapped).toEqual([
    {
      type: 'productOptionCategory',
      posId: 'MLMILK',
      name: 'Milk',
      position: 2,
      minSelection: 0,
      maxSelection: 1,
      isAvailable: true,
    },
    {
      type: 'productOption',
      posId: 'MODOAT',
      categoryPosId: 'MLMILK',
      name: 'Oat',
      price: 0.5,
      position: 1,
      isAvailable: true,
    },
  ]);
  // Without expanding, only the list itself (a full sync reads modifiers on their own page).
  expect(mapSquareObjects([milkList], LOCATION).entities).toHaveLength(1);
});

test('a modifier sold out at the location, or hidden online, is unavailable', () => {
  const modifier = {
    id: 'MODOAT',
    type: 'MODIFIER',
    modifier_data: {
      name: 'Oat',
      price_money: { amount: 50, currency: 'USD' },
      modifier_list_id: 'MLMILK',
      location_overrides: [{ location_id: LOCATION, sold_out: true }],
    },
  };
  expect(mapSquareObjects([modifier], LOCATION).entities[0]).toMatchObject({ isAvailable: false });
  const hidden = {
    ...modifier,
    modifier_data: { ...modifier.modifier_data, location_overrides: [], hidden_online: true },
  };
  expect(mapSquareObjects([hidden], LOCATION).entities[0]).toMatchObject({ isAvailable: false });
});

test('objects not present at the location, or deleted, are gone for it', () => {
  const elsewhere = blackTea({ present_at_all_locations: false, present_at_location_ids: ['OTHERLOC'] });
  const absent = { ...beverages, absent_at_location_ids: [LOCATION] };
  const deleted = { id: 'DELETEDVAR', type: 'ITEM_VARIATION', is_deleted: true, updated_at: '2020-01-01T00:00:00Z' };
  const mapped = mapSquareObjects([elsewhere, absent, deleted], LOCATION);
  expect(mapped.entities).toEqual([]);
  expect(mapped.gone).toEqual([
    { type: 'product', posId: 'X5DZ5NWWAQ44CKBLKIFQGOWK' },
    { type: 'menuSection', posId: 'BJNQCF2FJ6S6UIDT65ABHLRX' },
    { type: 'productVariant', posId: 'DELETEDVAR' },
  ]);
  const here = blackTea({ present_at_all_locations: false, present_at_location_ids: [LOCATION] });
  expect(mapSquareObjects([here], LOCATION).entities).toHaveLength(1);
});

test('an incremental read expands an item into its variations, once each', () => {
  const tea = blackTea();
  const types = mapSquareObjects([tea, (tea.item_data.variations as unknown[])[0]], LOCATION, true).entities.map(
    (e) => `${e.type}:${e.posId}`,
  );
  expect(types).toEqual([
    'product:X5DZ5NWWAQ44CKBLKIFQGOWK',
    'productVariant:5GSZPX6EU7MM75S57OONG3V5',
    'productVariant:XVLBN7DU6JTWHJTG5F265B43',
  ]);
});

test('a bad object is rejected with its error and the rest still map; other types are skipped', () => {
  const variable = variation('VARPRICE', 'X5DZ5NWWAQ44CKBLKIFQGOWK', 'Market price', 0);
  (variable.item_variation_data as Record<string, unknown>).pricing_type = 'VARIABLE_PRICING';
  delete (variable.item_variation_data as Record<string, unknown>).price_money;
  const nameless = { ...beverages, id: 'NONAME', category_data: { name: '' } };
  const tax = { id: 'ZXITPM6RWHZ7GZ7EIP3YKECM', type: 'TAX', tax_data: { name: 'Sales Tax' } };
  const mapped = mapSquareObjects([variable, nameless, tax, beverages], LOCATION);
  expect(mapped.entities.map((e) => e.posId)).toEqual(['BJNQCF2FJ6S6UIDT65ABHLRX']);
  expect(mapped.rejected).toEqual([
    { ref: { type: 'productVariant', posId: 'VARPRICE' }, error: expect.stringContaining('variable price') },
    { ref: { type: 'menuSection', posId: 'NONAME' }, error: expect.stringContaining('name') },
  ]);
});

test('business_hours periods → opening hours in the location timezone, split shifts and past midnight kept', () => {
  const location = {
    id: '18YC4JDH91E1H',
    name: 'Grant Park',
    timezone: 'America/Los_Angeles',
    status: 'ACTIVE',
    business_hours: {
      periods: [
        { day_of_week: 'MON', start_local_time: '11:00:00', end_local_time: '15:00:00' },
        { day_of_week: 'MON', start_local_time: '18:00:00', end_local_time: '22:30:00' },
        { day_of_week: 'SAT', start_local_time: '20:00:00', end_local_time: '02:00:00' },
        { day_of_week: 'SUN', start_local_time: '10:00', end_local_time: '14:00' },
      ],
    },
  } as const;
  expect(toPosOpeningHours(location as never)).toEqual({
    timezone: 'America/Los_Angeles',
    ranges: [
      { day: 1, open: '11:00', close: '15:00' },
      { day: 1, open: '18:00', close: '22:30' },
      { day: 6, open: '20:00', close: '02:00' },
      { day: 7, open: '10:00', close: '14:00' },
    ],
  });
  expect(toPosOpeningHours({ id: 'X', timezone: 'Europe/Madrid' } as never)).toEqual({
    timezone: 'Europe/Madrid',
    ranges: [],
  });
  expect(() => toPosOpeningHours({ id: 'X' } as never)).toThrow(/timezone/);
});
