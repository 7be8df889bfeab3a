/**
 * Consumer of the to-sinqro queue: tells Sinqro each status change. A status is sent only if nothing
 * of a higher rank was sent before, so a late or redelivered message never moves Sinqro backwards.
 */
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { envNames, requireEnv } from './shared/env';
import { PermanentError } from './shared/errors';
import { Logger } from './shared/logger';
import type { PublishMessage } from './shared/messages';
import { budgetFrom } from './shared/outbound';
import { getSecret, type RestaurantTokenSecret, type SinqroSecret } from './shared/secrets';
import { DEFAULT_SINQRO_BASE_URL, SinqroClient } from './shared/sinqro-client';
import { processBatch } from './shared/sqs-batch';
import { rankOf } from './shared/statuses';
import * as store from './shared/store';

const logger = new Logger('sinqro-publisher');

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  const budget = budgetFrom(context);
  return processBatch(event, logger, async (record) => {
    const news = JSON.parse(record.body) as PublishMessage;
    const log = logger.child({ orderId: news.orderId, status: news.status });
    const link = await store.getLink(news.restaurantId);
    if (!link) throw new PermanentError(`restaurant ${news.restaurantId} is not linked`, 'RESTAURANT_NOT_LINKED');
    const previous = (await store.getOrder(news.orderId))?.publishedRank;
    const rank = rankOf(news.kind, news.status);
    if (!(await store.claimPublication(news.orderId, rank))) {
      await store.auditOrder(news.orderId, {
        what: 'publish',
        source: 'bridge',
        status: news.status,
        outcome: 'skipped: Sinqro already has a later status',
      });
      log.info('not sent: Sinqro already has a later status');
      return;
    }
    const [server, user] = await Promise.all([
      getSecret<SinqroSecret>(requireEnv(envNames.sinqroSecret)),
      getSecret<RestaurantTokenSecret>(link.sinqroTokenSecret),
    ]);
    const baseUrl = process.env[envNames.sinqroApiBaseUrl] || DEFAULT_SINQRO_BASE_URL;
    const client = new SinqroClient(baseUrl, server.serverAccessToken, user.userAccessToken);
    try {
      await client.postStatus(
        {
          kind: news.kind,
          orderType: news.orderType,
          id: news.orderId,
          status: news.status,
          posOrderId: news.posOrderId,
          comment: news.reason,
        },
        budget,
      );
    } catch (error) {
      await store.releasePublication(news.orderId, rank, previous);
      await store.auditOrder(news.orderId, {
        what: 'publish',
        source: 'bridge',
        status: news.status,
        outcome: 'failed',
        detail: (error as Error).message.slice(0, 200),
      });
      throw error;
    }
    await store.auditOrder(news.orderId, {
      what: 'publish',
      source: 'bridge',
      status: news.status,
      outcome: 'sent to Sinqro',
    });
    log.info('status sent to Sinqro');
  });
}
