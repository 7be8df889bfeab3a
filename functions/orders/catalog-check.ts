/**
 * An order line whose product or option the synced catalog does not know cannot be rung up in the
 * POS as Sinqro meant it. Once a restaurant has a synced catalog, each line is checked against the
 * map, and an unknown one fails the order with the product named — never silently dropped.
 */
import type { CatalogEntityType } from '../core/catalog-model';
import { PermanentError } from '../core/errors';
import type { SinqroOrder, SinqroOrderLine } from '../core/sinqro-schemas';
import { getCatalogEntry, hasCatalog } from '../store/catalog-map';

type Reference = { what: 'product' | 'option'; line: SinqroOrderLine; sinqroId?: number; externalId: string };

/** A product line may name a product or one of its variants; an option line, an option. */
const CANDIDATE_TYPES: Record<Reference['what'], CatalogEntityType[]> = {
  product: ['product', 'productVariant'],
  option: ['productOption'],
};

export async function assertOrderInCatalog(order: SinqroOrder, restaurantId: number): Promise<void> {
  const references = referencesOf(order.orderLines);
  if (references.length === 0 || !(await hasCatalog(restaurantId))) return;
  const unknown: Reference[] = [];
  const checked = new Map<string, boolean>();
  for (const ref of references) {
    const key = `${ref.what}#${ref.externalId}`;
    if (!checked.has(key)) {
      let found = false;
      for (const type of CANDIDATE_TYPES[ref.what]) {
        if (await getCatalogEntry(restaurantId, { type, posId: ref.externalId })) {
          found = true;
          break;
        }
      }
      checked.set(key, found);
      if (!found) unknown.push(ref);
    }
  }
  if (unknown.length === 0) return;
  const described = unknown
    .slice(0, 5)
    .map((r) => `${r.what} ${r.sinqroId ?? '?'} "${r.line.label}" (POS ${r.externalId}) is not in the synced catalog`);
  if (unknown.length > 5) described.push(`and ${unknown.length - 5} more`);
  throw new PermanentError(described.join('; '), 'UNKNOWN_PRODUCT');
}

function referencesOf(lines: SinqroOrderLine[]): Reference[] {
  const out: Reference[] = [];
  for (const line of lines) {
    const product = line.type === 'PRODUCT' ? line.product : undefined;
    const option = line.type === 'PRODUCT_OPTION' ? line.productOption : undefined;
    // Lines without an external id are the mapping's to refuse (UNMAPPED_PRODUCT), with its own message.
    if (product?.externalId) out.push({ what: 'product', line, sinqroId: product.id, externalId: product.externalId });
    if (option?.externalId) out.push({ what: 'option', line, sinqroId: option.id, externalId: option.externalId });
    out.push(...referencesOf(line.childrenOrderLines ?? []));
  }
  return out;
}
