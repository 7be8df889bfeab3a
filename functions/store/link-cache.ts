/**
 * Restaurant links as the hot paths read them (ingress, the worker's POS client, the publisher): cached
 * per container for LINK_CACHE_MS, found links only. A link read on every event cost one DynamoDB
 * request per webhook and per status (README, Performance); links change only when an operator links
 * or unlinks a restaurant, and such a change reaches running containers within LINK_CACHE_MS. A
 * restaurant that is not linked is read every time, so a new link takes effect at once.
 */
import type { RestaurantLink } from '../core/records';
import { findLinkByPosLocation, getLink } from './links';

export const LINK_CACHE_MS = 60_000;

const byRestaurant = new Map<number, { link: RestaurantLink; at: number }>();
const byPosLocation = new Map<string, { link: RestaurantLink; at: number }>();

async function cached<K>(
  cache: Map<K, { link: RestaurantLink; at: number }>,
  key: K,
  read: () => Promise<RestaurantLink | undefined>,
): Promise<RestaurantLink | undefined> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < LINK_CACHE_MS) return hit.link;
  const link = await read();
  if (link) cache.set(key, { link, at: Date.now() });
  else cache.delete(key);
  return link;
}

export function linkOf(restaurantId: number): Promise<RestaurantLink | undefined> {
  return cached(byRestaurant, restaurantId, () => getLink(restaurantId));
}

export function linkOfPosLocation(posCode: string, posLocationId: string): Promise<RestaurantLink | undefined> {
  return cached(byPosLocation, `${posCode}#${posLocationId}`, () => findLinkByPosLocation(posCode, posLocationId));
}

/** Tests, and anything that must see a link change at once. */
export function clearLinkCache(): void {
  byRestaurant.clear();
  byPosLocation.clear();
}
