/**
 * Pushes catalog changes to Sinqro (F6), then records them in the catalog map: an entity's hash is
 * written only after Sinqro accepted it (so a failed call is sent again by the next sync), and a map
 * entry is removed only after Sinqro's DELETE (a 404 means Sinqro had it gone already).
 */
import * as v from 'valibot';
import type { CatalogRef } from '../core/catalog-model';
import { forEachLimit } from '../core/concurrency';
import { PermanentError } from '../core/errors';
import type { CatalogNews } from '../core/messages';
import type { Logger } from '../infra/logger';
import type { Budget } from '../infra/outbound';
import type { SinqroClient } from '../sinqro/client';
import { countAcceptedBySinqro, deleteCatalogEntry, putCatalogEntry } from '../store/catalog-map';
import { SINQRO_COLLECTIONS } from './sinqro-catalog';

/** Parallel map writes, and parallel single-item DELETEs to Sinqro. */
const MAP_WRITE_CONCURRENCY = 16;
const DELETE_CONCURRENCY = 4;

/** Sinqro's answer to a catalog PUT: the id it gave each external id (unknown fields kept). */
const UpsertReplySchema = v.looseObject({
  items: v.array(
    v.looseObject({ externalId: v.string(), id: v.union([v.pipe(v.number(), v.safeInteger()), v.string()]) }),
  ),
});

export async function publishCatalog(
  news: CatalogNews,
  client: SinqroClient,
  budget: Budget,
  logger: Logger,
): Promise<void> {
  const collection = SINQRO_COLLECTIONS[news.entityType];
  const log = logger.child({
    restaurantId: news.restaurantId,
    syncId: news.syncId,
    entityType: news.entityType,
    type: news.type,
  });
  if (news.type === 'catalog-upsert') {
    const reply = await client.putCatalog(
      news.restaurantId,
      collection,
      news.items.map((i) => i.body),
      budget,
    );
    const parsed = v.safeParse(UpsertReplySchema, reply);
    // Sinqro took the items either way; without its ids the map still records what it has.
    if (!parsed.success) log.warn('Sinqro catalog reply has no readable ids', { count: news.items.length });
    const ids = new Map((parsed.success ? parsed.output.items : []).map((i) => [i.externalId, i.id]));
    await forEachLimit(news.items, MAP_WRITE_CONCURRENCY, (item) =>
      putCatalogEntry(news.restaurantId, {
        type: news.entityType,
        posId: item.posId,
        hash: item.hash,
        sinqroId: ids.get(item.posId),
        seenSyncId: news.syncId,
      }),
    );
    await countAcceptedBySinqro(news.restaurantId, news.syncId, 'upsertsAccepted', news.items.length);
    log.info('catalog items sent to Sinqro', { count: news.items.length });
    return;
  }

  let alreadyGone = 0;
  await forEachLimit(news.posIds, DELETE_CONCURRENCY, async (posId) => {
    const ref: CatalogRef = { type: news.entityType, posId };
    try {
      await client.deleteCatalogItem(news.restaurantId, collection, posId, budget);
    } catch (error) {
      if (!(error instanceof PermanentError && error.remote?.status === 404)) throw error;
      alreadyGone += 1;
    }
    await deleteCatalogEntry(news.restaurantId, ref);
  });
  await countAcceptedBySinqro(news.restaurantId, news.syncId, 'deletesAccepted', news.posIds.length);
  log.info('catalog items deleted in Sinqro', { count: news.posIds.length, alreadyGone });
}
