/**
 * The POS ids the bridge gives K-Series catalog entities (Sinqro's `externalId`), and how an order line's
 * option id is read back. A product is its SKU, what an order names. An option is either a product
 * modifier, ordered as a sub-item by its SKU (`mod:<group SKU>:<SKU>`: the same modifier may sit in
 * several groups), or a production instruction, ordered by its modifier id (`pi:<ikentooModifierId>`).
 * Parts are URI-encoded, so a SKU holding `:` cannot be misread.
 */

export const catalogIds = {
  menu: (ikentooMenuId: string) => ikentooMenuId,
  /** Group ids are K-Series object ids; the menu is named too, in case one group shows in two menus. */
  section: (menuId: string, groupId: string) => `${menuId}/${groupId}`,
  product: (sku: string) => sku,
  modifierGroup: (groupSku: string) => `mg:${encodeURIComponent(groupSku)}`,
  modifier: (groupSku: string, sku: string) => `mod:${encodeURIComponent(groupSku)}:${encodeURIComponent(sku)}`,
  instructionGroup: (groupId: string) => `pig:${groupId}`,
  instruction: (ikentooModifierId: string) => `pi:${ikentooModifierId}`,
};

export type OptionId =
  | { kind: 'instruction'; modifierId: string }
  | { kind: 'modifier'; groupSku: string; sku: string };

/** An option's externalId as catalogIds wrote it; undefined for anything else. */
export function parseOptionId(id: string): OptionId | undefined {
  const instruction = /^pi:(\d{1,19})$/.exec(id);
  if (instruction) return { kind: 'instruction', modifierId: instruction[1] as string };
  const modifier = /^mod:([^:]+):([^:]+)$/.exec(id);
  if (!modifier) return undefined;
  try {
    return {
      kind: 'modifier',
      groupSku: decodeURIComponent(modifier[1] as string),
      sku: decodeURIComponent(modifier[2] as string),
    };
  } catch {
    return undefined; // malformed percent-encoding
  }
}
