/**
 * What the scheduler does on each tick: list the linked restaurants and enqueue, per restaurant, the
 * work its POS needs. It never calls a POS itself; the adapter workers do, at their own pace.
 *
 * - `poll`: statuses (and availability) of POSes whose webhooks are off in this stage; in a stage where
 *   no registered POS is polled (every webhook on, the common case), it reads nothing at all;
 * - `sweep`: every restaurant's open orders, so a stuck order is retried or flagged;
 * - `nightly`: a full catalog sync and an availability/hours read, as a safety net for lost webhooks.
 *
 * Messages go to SQS ten to a request (SendMessageBatch): the sweep sends one per restaurant every few
 * minutes, the largest share of what a restaurant costs when it takes no orders (README, Performance).
 */
import { effectiveCapabilities, pollsAvailability, pollsStatus, supports } from '../../adapters/capabilities';
import type { Capabilities, PosAdapter } from '../../adapters/port';
import { ADAPTERS, findAdapter } from '../../adapters/registry';
import { CATALOG_ENTITY_TYPES, newSyncId } from '../core/catalog-model';
import { forEachLimit } from '../core/concurrency';
import { type WorkMessage, withVersion } from '../core/messages';
import type { RestaurantLink } from '../core/records';
import { adapterSettings, envNames, requireEnv } from '../infra/env';
import type { Logger } from '../infra/logger';
import { enqueueBatch, toMessageBody } from '../infra/queue';
import { listLinks } from '../store/links';

export const SCHEDULE_JOBS = ['poll', 'sweep', 'nightly'] as const;
export type ScheduleJob = (typeof SCHEDULE_JOBS)[number];

export const isScheduleJob = (value: unknown): value is ScheduleJob =>
  typeof value === 'string' && (SCHEDULE_JOBS as readonly string[]).includes(value);

type WorkType = 'poll-orders' | 'hours-sync' | 'catalog-sync';
type Planned = { type: WorkType; restaurantId: number; queueUrl: string; body: string };

export type JobResult = {
  job: ScheduleJob;
  /** Enabled links whose adapter is registered, of those the job read (a poll with nothing to poll reads none). */
  restaurants: number;
  enqueued: Record<WorkType, number>;
  /** Links skipped: disabled, or naming an adapter this build does not have. */
  skipped: number;
};

/** SendMessageBatch requests in flight at once (ten messages each; the list of links may be long). */
const PARALLEL_SENDS = 10;
const BATCH_ENTRIES = 10;

export async function runScheduledJob(job: ScheduleJob, logger: Logger): Promise<JobResult> {
  const capabilities = new Map<string, Capabilities>();
  const capabilitiesOf = (adapter: PosAdapter) => {
    if (!capabilities.has(adapter.code))
      capabilities.set(adapter.code, effectiveCapabilities(adapter, adapterSettings(adapter.code)));
    return capabilities.get(adapter.code) as Capabilities;
  };
  // Every minute, in every stage: with nothing to poll, the restaurants list is not worth reading.
  if (job === 'poll' && !ADAPTERS.some((a) => pollsStatus(capabilitiesOf(a)) || pollsAvailability(capabilitiesOf(a)))) {
    logger.debug('scheduled poll: no POS is polled in this stage');
    return { job, restaurants: 0, enqueued: { 'poll-orders': 0, 'hours-sync': 0, 'catalog-sync': 0 }, skipped: 0 };
  }

  const links = await listLinks();
  const planned: Planned[] = [];
  let skipped = 0;
  for (const link of links) {
    const adapter = link.enabled ? findAdapter(link.posCode) : undefined;
    if (!adapter) {
      if (link.enabled) logger.warn('link names no registered adapter', { restaurantId: link.restaurantId });
      skipped += 1;
      continue;
    }
    planned.push(...plan(job, link, capabilitiesOf(adapter)));
  }

  const { enqueued, failed } = await send(planned, job, logger);
  const result: JobResult = { job, restaurants: links.length - skipped, enqueued, skipped };
  const fields = { restaurants: result.restaurants, skipped, ...enqueued, failed };
  // A poll with nothing to poll runs every minute: keep it out of the way.
  if (planned.length > 0 || failed > 0) logger.info(`scheduled ${job}`, fields);
  else logger.debug(`scheduled ${job}`, fields);
  // The others were enqueued; failing the invocation makes the failure visible (errors alarm) and retried.
  if (failed > 0) throw new Error(`${failed} of ${planned.length} scheduled messages could not be enqueued`);
  return result;
}

/** Sends the planned messages; one SQS did not take is logged and counted, and the others still go. */
async function send(planned: Planned[], job: ScheduleJob, logger: Logger) {
  const enqueued: Record<WorkType, number> = { 'poll-orders': 0, 'hours-sync': 0, 'catalog-sync': 0 };
  let failed = 0;
  await forEachLimit(batches(planned), PARALLEL_SENDS, async (batch) => {
    const sent = await enqueueBatch(
      (batch[0] as Planned).queueUrl,
      batch.map((item) => ({ body: item.body, attributes: { type: item.type } })),
    );
    batch.forEach((item, i) => {
      if (sent[i]) enqueued[item.type] += 1;
      else {
        failed += 1;
        logger.error('could not enqueue scheduled work', { job, type: item.type, restaurantId: item.restaurantId });
      }
    });
  });
  return { enqueued, failed };
}

/** The planned messages by queue, in their order, ten at most to a batch. */
function batches(planned: Planned[]): Planned[][] {
  const byQueue = new Map<string, Planned[]>();
  for (const item of planned) {
    const items = byQueue.get(item.queueUrl) ?? [];
    if (items.length === 0) byQueue.set(item.queueUrl, items);
    items.push(item);
  }
  const out: Planned[][] = [];
  for (const items of byQueue.values())
    for (let i = 0; i < items.length; i += BATCH_ENTRIES) out.push(items.slice(i, i + BATCH_ENTRIES));
  return out;
}

function plan(job: ScheduleJob, link: RestaurantLink, caps: Capabilities): Planned[] {
  const { restaurantId, posCode } = link;
  const send = (message: WorkMessage): Planned => ({
    type: message.type as WorkType,
    restaurantId,
    queueUrl: requireEnv(envNames.workQueue(posCode)),
    body: toMessageBody(withVersion(message)),
  });
  const pollOrders = (trigger: 'schedule' | 'sweep') => send({ type: 'poll-orders', restaurantId, posCode, trigger });
  const hoursSync = () => send({ type: 'hours-sync', restaurantId, posCode, trigger: 'schedule' });
  switch (job) {
    case 'poll':
      return [
        ...(pollsStatus(caps) ? [pollOrders('schedule')] : []),
        ...(pollsAvailability(caps) ? [hoursSync()] : []),
      ];
    case 'sweep':
      return [pollOrders('sweep')];
    case 'nightly':
      return [
        // The first page of a full sync; the worker writes its report (the scheduler only queries links).
        ...(supports(caps, 'F6')
          ? [
              send({
                type: 'catalog-sync',
                restaurantId,
                posCode,
                syncId: newSyncId(),
                mode: 'full',
                trigger: 'schedule',
                entityType: CATALOG_ENTITY_TYPES[0],
              }),
            ]
          : []),
        ...(supports(caps, 'F7') || supports(caps, 'F8') ? [hoursSync()] : []),
      ];
  }
}
