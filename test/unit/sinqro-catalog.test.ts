/** Bridge catalog entities → Sinqro items, and the content hash that decides what is sent. */

import { SINQRO_COLLECTIONS, toSinqroCatalogItem } from '../../functions/catalog/sinqro-catalog';
import type { CatalogEntity } from '../../functions/core/catalog-model';
import { contentHash, stableJson } from '../../functions/core/content-hash';

const product = (overrides: Partial<Extract<CatalogEntity, { type: 'product' }>> = {}): CatalogEntity => ({
  type: 'product',
  posId: 'POS-ART-12',
  sectionPosIds: ['S-PIZZA'],
  name: 'Margherita',
  description: 'Tomato, mozzarella, basil',
  price: 10.5,
  position: 1,
  isAvailable: true,
  optionCategoryPosIds: ['OC-EXTRAS'],
  ...overrides,
});

describe('toSinqroCatalogItem', () => {
  it('sends a product under Sinqro’s field names, the POS id as externalId and its parents by external id', () => {
    expect(toSinqroCatalogItem(product())).toEqual({
      externalId: 'POS-ART-12',
      menuSectionExternalIds: ['S-PIZZA'],
      productOptionsCategoryExternalIds: ['OC-EXTRAS'],
      name: 'Margherita',
      description: 'Tomato, mozzarella, basil',
      price: 10.5,
      position: 1,
      isAvailable: true,
    });
  });

  it('sends a menu as a standard menu: no price of its own', () => {
    expect(toSinqroCatalogItem({ type: 'menu', posId: 'M1', name: 'Carta', isAvailable: true })).toMatchObject({
      externalId: 'M1',
      type: 'menu',
      price: null,
    });
  });

  it('names an option’s category and a variant’s product by external id', () => {
    expect(
      toSinqroCatalogItem({
        type: 'productOption',
        posId: 'O1',
        categoryPosId: 'OC',
        name: 'Basil',
        price: 0.5,
        isAvailable: false,
      }),
    ).toMatchObject({ productOptionsCategoryExternalId: 'OC', isAvailable: false });
    expect(
      toSinqroCatalogItem({
        type: 'productVariant',
        posId: 'V1',
        productPosId: 'P1',
        name: 'XL',
        price: 14.5,
        isAvailable: true,
      }),
    ).toMatchObject({ productExternalId: 'P1', price: 14.5 });
  });

  it('sends null selection limits when the POS sets none', () => {
    expect(
      toSinqroCatalogItem({ type: 'productOptionCategory', posId: 'OC', name: 'Extras', isAvailable: true }),
    ).toMatchObject({ minSelection: null, maxSelection: null });
  });

  it('names a section’s menu by external id', () => {
    expect(
      toSinqroCatalogItem({ type: 'menuSection', posId: 'S1', menuPosId: 'M1', name: 'Pizzas', isAvailable: true }),
    ).toMatchObject({ menuExternalId: 'M1', externalId: 'S1' });
  });

  it('uses Sinqro’s collection names, with the plural “Options” of option categories', () => {
    expect(SINQRO_COLLECTIONS.productOptionCategory).toBe('productOptionsCategories');
    expect(new Set(Object.values(SINQRO_COLLECTIONS)).size).toBe(6);
  });
});

describe('stableJson', () => {
  it('writes the same text whatever the key order', () => {
    expect(stableJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(
      stableJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }),
    );
  });

  it('leaves undefined fields out, as JSON does', () => {
    expect(stableJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });

  it('keeps array order (it means something: section lists)', () => {
    expect(stableJson([2, 1])).not.toBe(stableJson([1, 2]));
  });
});

describe('contentHash', () => {
  const hashOf = (entity: CatalogEntity) => contentHash(toSinqroCatalogItem(entity));

  it('is a sha256 hex digest', () => {
    expect(hashOf(product())).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same content', () => {
    expect(hashOf(product())).toBe(hashOf(product()));
  });

  it('changes with the price', () => {
    expect(hashOf(product({ price: 11 }))).not.toBe(hashOf(product()));
  });

  it('changes with availability', () => {
    expect(hashOf(product({ isAvailable: false }))).not.toBe(hashOf(product()));
  });

  it('does not change for a field that is absent rather than undefined', () => {
    const { description: _d, ...rest } = product() as Extract<CatalogEntity, { type: 'product' }>;
    expect(hashOf(rest as CatalogEntity)).toBe(hashOf(product({ description: undefined })));
  });
});
