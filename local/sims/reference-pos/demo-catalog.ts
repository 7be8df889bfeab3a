/**
 * Catalogs for the reference POS simulator: the demo restaurant's small menu (its ids are the ones
 * the demo orders reference: POS-ART-12, POS-ART-40, POS-MOD-3) and a generator of large, realistic
 * ones for the e2e tests and the benchmark. Items are in the reference contract's shape.
 */
import type { RefCatalogCollection } from '../../../adapters/reference/contract';

export type RefCatalog = Record<RefCatalogCollection, Record<string, unknown>[]>;

export function demoCatalog(): RefCatalog {
  return {
    menus: [{ id: 'M-CARTA', name: 'Carta', description: 'All day', position: 1, available: true }],
    sections: [
      { id: 'S-PIZZA', menuId: 'M-CARTA', name: 'Pizzas', position: 1, available: true },
      { id: 'S-DRINKS', menuId: 'M-CARTA', name: 'Drinks', position: 2, available: true },
    ],
    products: [
      {
        id: 'POS-ART-12',
        sectionIds: ['S-PIZZA'],
        name: 'Margherita',
        description: 'Tomato, mozzarella, basil',
        priceMinor: 1050,
        position: 1,
        available: true,
        optionCategoryIds: ['OC-EXTRAS'],
      },
      {
        id: 'POS-ART-13',
        sectionIds: ['S-PIZZA'],
        name: 'Diavola',
        description: 'Tomato, mozzarella, spicy salami',
        priceMinor: 1250,
        position: 2,
        available: true,
        optionCategoryIds: ['OC-EXTRAS'],
      },
      {
        id: 'POS-ART-40',
        sectionIds: ['S-DRINKS'],
        name: 'Sparkling water',
        description: '50 cl',
        priceMinor: 200,
        position: 1,
        available: true,
      },
    ],
    variants: [
      {
        id: 'POS-ART-12-XL',
        productId: 'POS-ART-12',
        name: 'Margherita XL',
        priceMinor: 1450,
        position: 1,
        available: true,
      },
    ],
    'option-categories': [
      { id: 'OC-EXTRAS', name: 'Extras', position: 1, minSelection: 0, maxSelection: 3, available: true },
    ],
    options: [
      {
        id: 'POS-MOD-3',
        categoryId: 'OC-EXTRAS',
        name: 'Extra mozzarella',
        priceMinor: 150,
        position: 1,
        available: true,
      },
      { id: 'POS-MOD-4', categoryId: 'OC-EXTRAS', name: 'Fresh basil', priceMinor: 50, position: 2, available: true },
    ],
  };
}

const DISHES = ['Pizza', 'Pasta', 'Salad', 'Burger', 'Risotto', 'Wrap', 'Bowl', 'Toast', 'Soup', 'Tart'];
const STYLES = ['Classic', 'Spicy', 'Garden', 'Truffle', 'Smoky', 'Lemon', 'Rustic', 'Royal', 'Green', 'Nonna'];
const EXTRAS = ['Cheese', 'Bacon', 'Egg', 'Avocado', 'Olives', 'Jalapeño', 'Onion', 'Mushrooms'];
const LOREM =
  'Slow-proved dough, San Marzano tomatoes, fior di latte, basil from the garden, extra virgin olive oil, ' +
  'baked in a wood-fired oven at 450 degrees. Contains gluten and milk. ';

export type GenerateOptions = {
  products: number;
  /** Length of each product's description (default about 100 characters; at most 4000). */
  descriptionLength?: number;
  /** Id prefix, so several generated catalogs can live side by side. */
  prefix?: string;
};

/**
 * A realistic large catalog: two menus, a section per 25 products, two size variants on every
 * other product, an option category per 50 products (five options each), each product offering one
 * or two categories. 2,000 products make 4,322 entities.
 */
export function generateCatalog(opts: GenerateOptions): RefCatalog {
  const n = Math.max(1, Math.floor(opts.products));
  const p = opts.prefix ?? 'G';
  const descriptionLength = Math.min(4000, Math.max(0, opts.descriptionLength ?? 100));
  const description = LOREM.repeat(Math.ceil(descriptionLength / LOREM.length) + 1).slice(0, descriptionLength);
  const sectionCount = Math.max(1, Math.ceil(n / 25));
  const categoryCount = Math.max(1, Math.ceil(n / 50));
  const pad = (i: number) => String(i).padStart(5, '0');
  const catalog: RefCatalog = {
    menus: [
      { id: `${p}-M-LUNCH`, name: 'Lunch', description: 'Weekdays 12:00–16:00', position: 1, available: true },
      { id: `${p}-M-DINNER`, name: 'Dinner', description: 'Every day from 19:30', position: 2, available: true },
    ],
    sections: [],
    products: [],
    variants: [],
    'option-categories': [],
    options: [],
  };
  for (let s = 0; s < sectionCount; s++)
    catalog.sections.push({
      id: `${p}-S-${pad(s)}`,
      menuId: s % 2 === 0 ? `${p}-M-LUNCH` : `${p}-M-DINNER`,
      name: `${DISHES[s % DISHES.length]}s ${Math.floor(s / DISHES.length) + 1}`,
      position: s,
      available: true,
    });
  for (let c = 0; c < categoryCount; c++) {
    catalog['option-categories'].push({
      id: `${p}-OC-${pad(c)}`,
      name: `Extras ${c + 1}`,
      position: c,
      minSelection: 0,
      maxSelection: 3,
      available: true,
    });
    for (let o = 0; o < 5; o++)
      catalog.options.push({
        id: `${p}-O-${pad(c)}-${o}`,
        categoryId: `${p}-OC-${pad(c)}`,
        name: `${EXTRAS[(c + o) % EXTRAS.length]}`,
        priceMinor: 50 + o * 50,
        position: o,
        available: true,
      });
  }
  for (let i = 0; i < n; i++) {
    const id = `${p}-P-${pad(i)}`;
    const categories = [`${p}-OC-${pad(i % categoryCount)}`];
    if (i % 3 === 0 && categoryCount > 1) categories.push(`${p}-OC-${pad((i + 1) % categoryCount)}`);
    catalog.products.push({
      id,
      sectionIds: [`${p}-S-${pad(Math.floor(i / 25) % sectionCount)}`],
      name: `${STYLES[i % STYLES.length]} ${DISHES[Math.floor(i / STYLES.length) % DISHES.length]} ${i + 1}`,
      description,
      priceMinor: 650 + ((i * 37) % 1500),
      position: i % 25,
      available: true,
      optionCategoryIds: categories,
    });
    if (i % 2 === 0) {
      catalog.variants.push(
        {
          id: `${id}-S`,
          productId: id,
          name: 'Small',
          priceMinor: 550 + ((i * 37) % 1500),
          position: 1,
          available: true,
        },
        {
          id: `${id}-L`,
          productId: id,
          name: 'Large',
          priceMinor: 850 + ((i * 37) % 1500),
          position: 2,
          available: true,
        },
      );
    }
  }
  return catalog;
}
