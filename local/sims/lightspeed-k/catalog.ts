/**
 * The K-Series simulator's menu, item availability and online-ordering readiness, per business location.
 *
 * The menu is served in the spec's shapes: `apeLoadMenus` (menu list), `apeGetMenuByIdV2` (`apeMenuV2`: top
 * groups, item entries with `menuModifierGroups` of product modifiers, a sub-group) and `apeLoadAllModifiers`
 * (production instructions, `apeProductionInstruction`). An order names items by SKU, product modifiers as
 * `subItems` (the spec: "Product modifiers applied to this item") and production instructions as `modifiers`
 * by `modifierId` (an `ikentooModifierId`).
 *
 * Availability is Lightspeed's sales restriction: an item is RESTRICTED with the count still available (0:
 * sold out) or NOT_RESTRICTED. Readiness is `apeOrderApiReadinessDto`; READY when the Online Ordering API is
 * enabled, the sales period OPENED, online orders accepted and devices available ([inferred]: the spec lists
 * the parts, not the rule).
 */

/** A menu item as the simulator keeps it (the spec's `apeMenuItemEntryParentV2` fields the menu shows). */
export type LskMenuItem = {
  sku: string;
  productName: string;
  productPrice: number;
  /** Product modifier groups (V2): each offers product modifiers, ordered as `subItems`. */
  modifierGroups?: { description: string; sku: string; min: number; max: number; modifiers: string[] }[];
  /** Production instruction groups (`productionIntructionGroupId`) offered on this item. */
  instructionGroups?: number[];
};

type MenuGroup = { id: string; name: string; color: string; entries: (string | MenuGroup)[] };
type Menu = { id: number; name: string; groups: MenuGroup[] };
type InstructionGroup = { id: number; name: string; multi: boolean; instructions: { id: number; name: string }[] };

/** Every SKU of the demo menu, items and product modifiers alike (its prices include 10% tax). */
export const DEMO_ITEMS: LskMenuItem[] = [
  {
    sku: 'LSK-MARGHERITA',
    productName: 'Margherita',
    productPrice: 11,
    modifierGroups: [
      { description: 'Extras', sku: 'LSK-GRP-EXTRAS', min: 0, max: 3, modifiers: ['LSK-MOD-MOZZA', 'LSK-MOD-BASIL'] },
    ],
    instructionGroups: [236025632784487],
  },
  {
    sku: 'LSK-DIAVOLA',
    productName: 'Diavola',
    productPrice: 12.5,
    modifierGroups: [{ description: 'Extras', sku: 'LSK-GRP-EXTRAS', min: 0, max: 3, modifiers: ['LSK-MOD-MOZZA'] }],
    instructionGroups: [236025632784487],
  },
  { sku: 'LSK-MOD-MOZZA', productName: 'Extra mozzarella', productPrice: 1.5 },
  { sku: 'LSK-MOD-BASIL', productName: 'Fresh basil', productPrice: 0.5 },
  { sku: 'LSK-WATER', productName: 'Sparkling water', productPrice: 2 },
  { sku: 'LSK-COLA', productName: 'Cola', productPrice: 2.5 },
  { sku: 'LSK-TIRAMISU', productName: 'Tiramisu', productPrice: 5 },
  // On no menu: the item the demo and chaos restaurants carry a delivery fee in (`deliveryFeeSku`), its price
  // given per order (`customItemPrice`). An unknown SKU is refused (FAILURE), as for any other line.
  { sku: 'LSK-DELIVERY-FEE', productName: 'Delivery', productPrice: 0 },
];

const DEMO_MENU: Menu = {
  id: 141948669132851,
  name: 'Carta',
  groups: [
    { id: '141948669133028', name: 'Pizzas', color: 'red', entries: ['LSK-MARGHERITA', 'LSK-DIAVOLA'] },
    {
      id: '141948669133040',
      name: 'Drinks and desserts',
      color: 'blue',
      entries: [
        'LSK-WATER',
        'LSK-COLA',
        { id: '141948669133041', name: 'Desserts', color: 'green', entries: ['LSK-TIRAMISU'] },
      ],
    },
  ],
};

const DEMO_INSTRUCTIONS: InstructionGroup[] = [
  {
    id: 236025632784487,
    name: 'Bake',
    multi: false,
    instructions: [
      { id: 236025632784488, name: 'Well done' },
      { id: 236025632784490, name: 'Light' },
    ],
  },
];

const TAX_PERCENT = 10;

export type Restriction = { count: number; updatedAt: string };

export type Readiness = {
  enabled: boolean;
  orderProfileId: number;
  staffId: number;
  salesPeriod: 'OPENED' | 'CLOSED';
  acceptingOnlineOrders: boolean;
  availableDevices: boolean;
  lastUpdatedAt: string;
};

const round2 = (n: number) => Math.round(n * 100) / 100;

export class LskCatalog {
  readonly items = new Map(DEMO_ITEMS.map((i) => [i.sku, i]));
  private readonly restrictions = new Map<string, Restriction>();
  private readonly readiness = new Map<number, Readiness>();

  reset(): void {
    this.restrictions.clear();
    this.readiness.clear();
  }

  /** `apeLoadMenus`. */
  menuList(): { menuName: string; ikentooMenuId: number }[] {
    return [{ menuName: DEMO_MENU.name, ikentooMenuId: DEMO_MENU.id }];
  }

  hasMenu(menuId: number): boolean {
    return menuId === DEMO_MENU.id;
  }

  /** `apeGetMenuByIdV2` (`apeMenuV2`). */
  menuV2(): Record<string, unknown> {
    return {
      menuName: DEMO_MENU.name,
      ikentooMenuId: DEMO_MENU.id,
      richDataMissing: false,
      conditionalTaxRules: false,
      menuEntryGroups: DEMO_MENU.groups.map((g) => this.group(g)),
    };
  }

  private group(g: MenuGroup): Record<string, unknown> {
    return {
      '@type': 'group',
      id: g.id,
      name: g.name,
      color: g.color,
      menuEntry: g.entries.map((e) => (typeof e === 'string' ? this.itemEntry(e, 'menuItem') : this.group(e))),
    };
  }

  private itemEntry(sku: string, type: 'menuItem' | 'menuProductModifier'): Record<string, unknown> {
    const item = this.items.get(sku) as LskMenuItem;
    const entry: Record<string, unknown> = {
      '@type': type,
      productName: item.productName,
      productPrice: item.productPrice,
      color: 'white',
      sku: item.sku,
      customItemNameEnabled: false,
      pricingStrategy: 'PRICE_CANNOT_BE_CUSTOMIZED',
      defaultTaxAmount: round2(item.productPrice - item.productPrice / (1 + TAX_PERCENT / 100)),
      defaultTaxPercentage: TAX_PERCENT,
      taxIncludedInPrice: true,
      taxes: [{ description: `IVA ${TAX_PERCENT}%`, percentage: TAX_PERCENT }],
    };
    if (type === 'menuProductModifier') return entry;
    return {
      ...entry,
      asSubItem: false,
      productionInstructionList: (item.instructionGroups ?? []).map((id) => this.instructionGroup(id)),
      menuModifierGroups: (item.modifierGroups ?? []).map((mg) => ({
        description: mg.description,
        sku: mg.sku,
        mustSelectAnItem: mg.min > 0,
        multiSelectionPermitted: mg.max > 1,
        minimumSelection: mg.min,
        maximumSelection: mg.max,
        productModifiers: mg.modifiers.map((m) => this.itemEntry(m, 'menuProductModifier')),
      })),
    };
  }

  private instructionGroup(id: number): Record<string, unknown> {
    const g = DEMO_INSTRUCTIONS.find((x) => x.id === id) as InstructionGroup;
    return {
      multiSelectionPermitted: g.multi,
      productionInstructionGroupName: g.name,
      productionIntructionGroupId: g.id,
      productionInstructionList: g.instructions.map((i) => ({ instruction: i.name, ikentooModifierId: i.id })),
    };
  }

  /** `apeLoadAllModifiers`: the production instructions. */
  productionInstructions(): Record<string, unknown>[] {
    return DEMO_INSTRUCTIONS.map((g) => this.instructionGroup(g.id));
  }

  /** The name of a production instruction by its id (an order's `modifiers[].modifierId`). */
  instructionName(modifierId: string): string | undefined {
    for (const g of DEMO_INSTRUCTIONS) for (const i of g.instructions) if (String(i.id) === modifierId) return i.name;
    return undefined;
  }

  // ---- availability (sales restrictions) ----

  restriction(businessLocationId: number, sku: string): Restriction | undefined {
    return this.restrictions.get(`${businessLocationId}:${sku}`);
  }

  /** Staff restrict an item to `count` left (0: sold out), or lift the restriction (`count` null). */
  restrict(businessLocationId: number, sku: string, count: number | null): { count: number | null; updatedAt: string } {
    const updatedAt = new Date().toISOString();
    if (count === null) this.restrictions.delete(`${businessLocationId}:${sku}`);
    else this.restrictions.set(`${businessLocationId}:${sku}`, { count, updatedAt });
    return { count, updatedAt };
  }

  /** `apeGetRestrictedItems`: the restricted items among `skus`, paged ([inferred]: unrestricted SKUs are not listed). */
  restrictedItems(businessLocationId: number, skus: string[], page: number, size: number): Record<string, unknown> {
    const data = [...new Set(skus)]
      .map((sku) => ({ sku, r: this.restriction(businessLocationId, sku) }))
      .filter((x): x is { sku: string; r: Restriction } => x.r !== undefined)
      .map(({ sku, r }) => ({ sku, count: r.count, updatedAt: r.updatedAt }));
    return {
      data: data.slice(page * size, page * size + size),
      metadata: { current: { page, pageSize: size }, total: data.length, totalPages: Math.ceil(data.length / size) },
    };
  }

  // ---- readiness ----

  readinessOf(businessLocationId: number): Readiness {
    let r = this.readiness.get(businessLocationId);
    if (!r) {
      r = {
        enabled: true,
        orderProfileId: 25769803781,
        staffId: 3,
        salesPeriod: 'OPENED',
        acceptingOnlineOrders: true,
        availableDevices: true,
        lastUpdatedAt: new Date().toISOString(),
      };
      this.readiness.set(businessLocationId, r);
    }
    return r;
  }

  isReady(businessLocationId: number): boolean {
    const r = this.readinessOf(businessLocationId);
    return r.enabled && r.salesPeriod === 'OPENED' && r.acceptingOnlineOrders && r.availableDevices;
  }

  /** `apeOrderApiReadinessDto` (the GET) or, with `forWebhook`, the readiness notification's body. */
  readinessBody(businessLocationId: number, forWebhook = false): Record<string, unknown> {
    const r = this.readinessOf(businessLocationId);
    return {
      ...(forWebhook ? { businessLocationId, type: 'ORDER_API' } : {}),
      status: this.isReady(businessLocationId) ? 'READY' : 'NOT_READY',
      lastUpdatedAt: r.lastUpdatedAt,
      onlineOrderingApiConfiguration: { enabled: r.enabled, orderProfileId: r.orderProfileId, staffId: r.staffId },
      posStatus: {
        salesPeriod: r.salesPeriod,
        acceptingOnlineOrders: r.acceptingOnlineOrders,
        availableDevices: r.availableDevices,
      },
    };
  }

  /** Staff change the location's state; true when anything changed. */
  setReadiness(businessLocationId: number, change: Partial<Omit<Readiness, 'lastUpdatedAt'>>): boolean {
    const r = this.readinessOf(businessLocationId);
    let changed = false;
    for (const [k, v] of Object.entries(change) as [keyof Readiness, never][]) {
      if (v === undefined || r[k] === v) continue;
      (r as Record<string, unknown>)[k] = v;
      changed = true;
    }
    if (changed) r.lastUpdatedAt = new Date().toISOString();
    return changed;
  }
}

export { round2 };
