/**
 * Temporary closures (F7) and opening hours (F8), worker side: read the POS's state from its API,
 * convert it to Sinqro's terms and queue it for the publisher — only when it differs from what Sinqro
 * was last given. Hours that cannot be true are rejected and recorded, never sent.
 */
import type { PosClient } from '../../adapters/port';
import { contentHash } from '../core/content-hash';
import { PermanentError } from '../core/errors';
import type {
  ClosureNews,
  PosAvailabilityChangedEvent,
  PosHoursChangedEvent,
  ScheduleNews,
  SyncTrigger,
} from '../core/messages';
import type { Logger } from '../infra/logger';
import { posClient } from '../pos/client';
import type { FlowContext } from '../pos/context';
import { sendToSinqro } from '../sinqro/to-sinqro';
import { audit } from '../store/audit';
import { getSentHours, type HoursItem, markQueued } from '../store/hours';
import { keys } from '../store/table';
import { ImpossibleHoursError, toSinqroClosure, toSinqroSchedule } from './schedule-conversion';

/**
 * A POS webhook said the restaurant closed or opened, or its hours changed. Either is only a cue: the
 * state is read back from the POS API, never taken from the body, which anyone holding the adapter's
 * webhook secret could write for any location.
 */
export async function onHoursChanged(
  event: PosAvailabilityChangedEvent | PosHoursChangedEvent,
  restaurantId: number,
  ctx: FlowContext,
): Promise<void> {
  const log = ctx.logger.child({ restaurantId, eventId: event.eventId, type: event.type });
  const clients = lazyClient(restaurantId, ctx);
  if (event.type === 'hours.changed')
    return guarded('schedule', restaurantId, ctx, log, () => syncSchedule(clients, restaurantId, log));
  return guarded('closure', restaurantId, ctx, log, () => syncClosure(clients, restaurantId, log));
}

/**
 * Re-reads availability and opening hours from the POS and pushes what changed: the nightly safety
 * net, and the polling fallback of a POS without availability webhooks. Both are tried even when
 * one fails; a failure that may pass later is thrown afterwards, so the message is retried.
 */
export async function syncHours(restaurantId: number, trigger: SyncTrigger, ctx: FlowContext): Promise<void> {
  const log = ctx.logger.child({ restaurantId, trigger });
  const clients = lazyClient(restaurantId, ctx);
  let retry: unknown;
  for (const item of ['closure', 'schedule'] as const) {
    try {
      await guarded(item, restaurantId, ctx, log, () =>
        item === 'closure' ? syncClosure(clients, restaurantId, log) : syncSchedule(clients, restaurantId, log),
      );
    } catch (error) {
      retry ??= error;
    }
  }
  if (retry) throw retry;
}

type Clients = () => Promise<PosClient>;

function lazyClient(restaurantId: number, ctx: FlowContext): Clients {
  let client: Promise<PosClient> | undefined;
  return () => {
    client ??= posClient(restaurantId, ctx);
    return client;
  };
}

async function syncClosure(client: Clients, restaurantId: number, log: Logger): Promise<void> {
  const pos = await client();
  if (!pos.getAvailability) {
    log.info('the POS cannot report availability; temporary closures are not synced');
    return;
  }
  const observedAt = new Date().toISOString();
  const closure = toSinqroClosure(await pos.getAvailability());
  const news: ClosureNews = {
    type: 'closure',
    restaurantId,
    hash: contentHash(closure, 'as-built'),
    observedAt,
    closure,
  };
  await queueIfChanged(news, log, { closed: closure !== null, until: closure?.expiresAt ?? undefined });
}

async function syncSchedule(client: Clients, restaurantId: number, log: Logger): Promise<void> {
  const pos = await client();
  if (!pos.getOpeningHours) {
    log.info('the POS cannot report opening hours; schedules are not synced');
    return;
  }
  const observedAt = new Date().toISOString();
  const ranges = toSinqroSchedule(await pos.getOpeningHours());
  const news: ScheduleNews = {
    type: 'schedule',
    restaurantId,
    hash: contentHash(ranges, 'as-built'),
    observedAt,
    ranges,
  };
  await queueIfChanged(news, log, { ranges: ranges.length });
}

async function queueIfChanged(
  news: ClosureNews | ScheduleNews,
  log: Logger,
  fields: Record<string, string | number | boolean | undefined>,
): Promise<void> {
  const sent = await getSentHours(news.restaurantId, news.type);
  // Unchanged only if Sinqro has it and no other state is on its way (which this one must then follow).
  if (sent?.hash === news.hash && (sent.queuedHash ?? sent.hash) === news.hash) {
    log.info(`${news.type} unchanged; nothing to send`, fields);
    return;
  }
  await markQueued(news.restaurantId, news.type, news.hash);
  await sendToSinqro(news, { restaurantId: String(news.restaurantId) });
  log.info(`${news.type} changed; queued for Sinqro`, fields);
}

/**
 * Runs one sync; a permanent failure (impossible hours, a POS that refuses the read, an unlinked
 * restaurant) is recorded in the restaurant's audit trail and logged, and the message is done: the
 * same input would fail the same way forever.
 */
async function guarded(
  item: HoursItem,
  restaurantId: number,
  ctx: FlowContext,
  log: Logger,
  work: () => Promise<void>,
): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof PermanentError)) throw error;
    const rejected = error instanceof ImpossibleHoursError;
    await audit(keys.restaurantAudit(restaurantId), {
      what: item,
      source: ctx.adapter.code,
      outcome: rejected ? 'rejected: not sent to Sinqro' : 'failed permanently: not sent to Sinqro',
      code: error.code,
      // Codes and field paths only (e.g. `INVALID_TIME ranges[3].close`): the audit holds no free text from the POS.
      detail: rejected
        ? error.problems
            .map((p) => `${p.code} ${p.field ?? ''}`.trim())
            .join('; ')
            .slice(0, 300)
        : error.remote
          ? `${error.remote.service} ${error.remote.status}${error.remote.code ? ` ${error.remote.code}` : ''}`
          : undefined,
    });
    log.warn(rejected ? `${item} rejected: not sent to Sinqro` : `${item} sync failed permanently`, {
      code: error.code,
      problems: rejected ? error.problems.map((p) => p.code).join(',') : undefined,
      reason: error.message.slice(0, 300),
    });
  }
}
