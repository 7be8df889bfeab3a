/**
 * Consumer of the to-sinqro queue, and the only function that calls Sinqro: status changes,
 * catalog changes, temporary closures and schedules.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { publishCatalog } from './catalog/publish-catalog';
import { PermanentError } from './core/errors';
import { readPublishMessage } from './core/message-schemas';
import type { PublishMessage } from './core/messages';
import { rankOf } from './core/statuses';
import { publishHours } from './hours/publish-hours';
import { envNames, requireEnv } from './infra/env';
import { Logger } from './infra/logger';
import { budgetFrom } from './infra/outbound';
import { credentialField, getSecret, type RestaurantTokenSecret, type SinqroSecret } from './infra/secrets';
import { publishStatus, skipSuperseded } from './orders/publish-status';
import { DEFAULT_SINQRO_BASE_URL, SinqroClient } from './sinqro/client';
import { linkOf } from './store/link-cache';
import { processBatch, readBodies } from './worker/sqs-batch';

const logger = new Logger('sinqro-publisher');

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const budget = budgetFrom(context);
  // Every body is read (version, shape) before any work; one that cannot be is reported failed.
  const bodies = readBodies(event.Records, readPublishMessage);
  const superseded = supersededIn(bodies.readable);
  return processBatch(
    event,
    logger,
    async (record) => {
      const news = bodies.messageOf(record);
      if (news.type === 'status' && superseded.has(record.messageId)) return skipSuperseded(news, logger);
      const client = await sinqroClientFor(news.restaurantId);
      switch (news.type) {
        case 'status':
          return publishStatus(news, client, budget, logger);
        case 'catalog-upsert':
        case 'catalog-delete':
          return publishCatalog(news, client, budget, logger);
        case 'closure':
        case 'schedule':
          return publishHours(news, client, budget, logger);
      }
    },
    { batchAudits: true },
  );
}

/**
 * The status records of a batch that a newer status of the same order in the same batch makes moot: only
 * the highest rank (the last of equal ones) is sent.
 */
function supersededIn(read: { record: { messageId: string }; message: PublishMessage }[]): Set<string> {
  const newest = new Map<string, { messageId: string; rank: number }>();
  const moot = new Set<string>();
  for (const { record, message: news } of read) {
    if (news.type !== 'status') continue;
    const key = `${news.kind}#${news.orderId}`;
    const rank = rankOf(news.kind, news.status);
    const best = newest.get(key);
    if (best && best.rank > rank) moot.add(record.messageId);
    else {
      if (best) moot.add(best.messageId);
      newest.set(key, { messageId: record.messageId, rank });
    }
  }
  return moot;
}

async function sinqroClientFor(restaurantId: number): Promise<SinqroClient> {
  const link = await linkOf(restaurantId);
  if (!link) throw new PermanentError(`restaurant ${restaurantId} is not linked`, 'RESTAURANT_NOT_LINKED');
  const serverSecret = requireEnv(envNames.sinqroSecret);
  const [server, user] = await Promise.all([
    getSecret<SinqroSecret>(serverSecret),
    getSecret<RestaurantTokenSecret>(link.sinqroTokenSecret),
  ]);
  const baseUrl = process.env[envNames.sinqroApiBaseUrl] || DEFAULT_SINQRO_BASE_URL;
  return new SinqroClient(
    baseUrl,
    credentialField(server, 'serverAccessToken', serverSecret),
    credentialField(user, 'userAccessToken', link.sinqroTokenSecret),
  );
}
