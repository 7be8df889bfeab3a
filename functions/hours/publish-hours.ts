/**
 * Pushes temporary closures (F7) and schedules (F8) to Sinqro. The table item is written only after
 * Sinqro accepted, so a failed call is retried and a repeat (same hash) is skipped; a state older
 * than the one Sinqro already has is never sent (queues do not keep order).
 */

import type { ClosureNews, ScheduleNews } from '../core/messages';
import type { Logger } from '../infra/logger';
import type { Budget } from '../infra/outbound';
import type { SinqroClient } from '../sinqro/client';
import { audit } from '../store/audit';
import { getSentHours, recordSentHours, touchObserved } from '../store/hours';
import { keys } from '../store/table';

export async function publishHours(
  news: ClosureNews | ScheduleNews,
  client: SinqroClient,
  budget: Budget,
  logger: Logger,
): Promise<void> {
  const log = logger.child({ restaurantId: news.restaurantId, type: news.type });
  const auditPk = keys.restaurantAudit(news.restaurantId);
  const sent = await getSentHours(news.restaurantId, news.type);
  if (sent?.hash === news.hash) {
    // Seen again later: an older, different state still in the queue must now lose to it.
    await touchObserved(news.restaurantId, news.type, news.hash, news.observedAt);
    log.info(`${news.type} already in Sinqro; not sent again`);
    return;
  }
  if (sent && sent.observedAt > news.observedAt) {
    await audit(auditPk, {
      what: news.type,
      source: 'bridge',
      outcome: 'skipped: Sinqro already has a later state',
    });
    log.info(`${news.type} is older than what Sinqro has; not sent`, { observedAt: news.observedAt });
    return;
  }
  const action = describe(news);
  try {
    await push(news, client, budget);
  } catch (error) {
    await audit(auditPk, {
      what: news.type,
      source: 'bridge',
      status: action,
      outcome: 'failed',
      detail: (error as Error).message.slice(0, 200),
    });
    throw error;
  }
  const current = await recordSentHours(news.restaurantId, news.type, {
    hash: news.hash,
    observedAt: news.observedAt,
    state: news.type === 'schedule' ? news.ranges : news.closure,
  });
  await audit(auditPk, { what: news.type, source: 'bridge', status: action, outcome: 'sent to Sinqro' });
  log.info(`${news.type} sent to Sinqro`, { action });
  if (current) return;

  // A later state was sent while this call was under way, and ours may have landed after it: send it again.
  const later = await getSentHours(news.restaurantId, news.type);
  if (!later) return;
  const repeat = { ...news, ...(news.type === 'schedule' ? { ranges: later.state } : { closure: later.state }) } as
    | ClosureNews
    | ScheduleNews;
  await push(repeat, client, budget);
  await audit(auditPk, {
    what: news.type,
    source: 'bridge',
    status: describe(repeat),
    outcome: 'later state sent again after an older one',
  });
  log.info(`later ${news.type} sent again after an older one`);
}

async function push(news: ClosureNews | ScheduleNews, client: SinqroClient, budget: Budget): Promise<void> {
  if (news.type === 'schedule') await client.putSchedule(news.restaurantId, news.ranges, budget);
  else if (news.closure) await client.putClosure(news.restaurantId, news.closure, budget);
  else await client.deleteClosure(news.restaurantId, budget);
}

function describe(news: ClosureNews | ScheduleNews): string {
  if (news.type === 'schedule') return `${news.ranges.length} ranges`;
  return news.closure ? 'closed' : 'open';
}
