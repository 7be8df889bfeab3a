/**
 * The ingress path every receiver shares once a request is authentic and valid: resolve the
 * restaurant, drop duplicates, enqueue for the POS adapter's worker. Never calls a POS or Sinqro.
 */

import { NotFoundError } from '../core/errors';
import { type PosEvent, type WorkMessage, withVersion } from '../core/messages';
import type { RestaurantLink } from '../core/records';
import type { SinqroEvent } from '../core/sinqro-schemas';
import { envNames, requireEnv } from '../infra/env';
import type { Logger } from '../infra/logger';
import { enqueue, toMessageBody } from '../infra/queue';
import { audit } from '../store/audit';
import { isEventSeen, recordEvent } from '../store/dedupe';
import { linkOf, linkOfPosLocation } from '../store/link-cache';
import { findLinksByPosAccount } from '../store/links';
import { keys } from '../store/table';

export type IngestOutcome = 'enqueued' | 'duplicate';

export async function ingestSinqroEvent(event: SinqroEvent, logger: Logger): Promise<IngestOutcome> {
  // The dedupe read needs no link: both in one round trip (a quiet restaurant's link is not cached).
  const [link, seen] = await Promise.all([linkOf(event.sellingPointId), isEventSeen('sinqro', event.id)]);
  if (!link?.enabled) {
    await refuse(
      keys.refusal(keys.restaurantAudit(event.sellingPointId)),
      'sinqro',
      event.type,
      `restaurant ${event.sellingPointId} is not linked`,
    );
    throw new NotFoundError(`restaurant ${event.sellingPointId} is not linked to a POS`, 'RESTAURANT_NOT_LINKED');
  }
  const message: WorkMessage = {
    type: 'sinqro-event',
    restaurantId: link.restaurantId,
    posCode: link.posCode,
    receivedAt: new Date().toISOString(),
    event,
  };
  return claimAndEnqueue(
    'sinqro',
    event.id,
    link,
    message,
    logger.child({ eventId: event.id, type: event.type, orderId: event.data.id }),
    seen,
  );
}

export async function ingestPosEvent(posCode: string, event: PosEvent, logger: Logger): Promise<IngestOutcome> {
  if (event.type === 'catalog.changed' && !event.posLocationId && event.posAccountId)
    return ingestAccountEvent(posCode, event, event.posAccountId, logger);
  const [link, seen] = await Promise.all([
    linkOfPosLocation(posCode, event.posLocationId),
    isEventSeen(posCode, event.eventId),
  ]);
  if (!link?.enabled) {
    await refuse(
      keys.refusal(keys.posLocation(posCode, event.posLocationId)),
      posCode,
      event.type,
      'POS location is not linked',
    );
    throw new NotFoundError(
      `${posCode} location ${event.posLocationId} is not linked to a Sinqro restaurant`,
      'LOCATION_NOT_LINKED',
    );
  }
  const message: WorkMessage = {
    type: 'pos-event',
    restaurantId: link.restaurantId,
    posCode,
    receivedAt: new Date().toISOString(),
    event,
  };
  return claimAndEnqueue(
    posCode,
    event.eventId,
    link,
    message,
    logger.child(
      event.type === 'order.status'
        ? { eventId: event.eventId, type: event.type, posOrderId: event.posOrderId, posStatus: event.posStatus }
        : { eventId: event.eventId, type: event.type },
    ),
    seen,
  );
}

/**
 * An event about a whole POS account (Square's catalog is the merchant's, and its webhook names no
 * location): one message per linked location of the account, each deduplicated on its own.
 */
async function ingestAccountEvent(
  posCode: string,
  event: PosEvent,
  posAccountId: string,
  logger: Logger,
): Promise<IngestOutcome> {
  const links = await findLinksByPosAccount(posCode, posAccountId);
  if (links.length === 0) {
    await refuse(
      keys.refusal(keys.posLocation(posCode, `account:${posAccountId}`)),
      posCode,
      event.type,
      'POS account is not linked',
    );
    throw new NotFoundError(`${posCode} account ${posAccountId} has no linked location`, 'LOCATION_NOT_LINKED');
  }
  const outcomes: IngestOutcome[] = [];
  for (const link of links) {
    const message: WorkMessage = {
      type: 'pos-event',
      restaurantId: link.restaurantId,
      posCode,
      receivedAt: new Date().toISOString(),
      event: { ...event, posLocationId: link.posLocationId },
    };
    outcomes.push(
      await claimAndEnqueue(
        posCode,
        `${event.eventId}#${link.restaurantId}`,
        link,
        message,
        logger.child({ eventId: event.eventId, type: event.type }),
      ),
    );
  }
  return outcomes.every((o) => o === 'duplicate') ? 'duplicate' : 'enqueued';
}

/** `seen`: whether the event's id is recorded, when the caller read it already (beside the link). */
async function claimAndEnqueue(
  source: string,
  eventId: string,
  link: RestaurantLink,
  message: WorkMessage,
  logger: Logger,
  seen?: boolean,
): Promise<IngestOutcome> {
  const queueUrl = requireEnv(envNames.workQueue(link.posCode));
  const body = toMessageBody(withVersion(message)); // 413 before any write
  if (seen ?? (await isEventSeen(source, eventId))) {
    logger.info('duplicate event ignored', { restaurantId: link.restaurantId });
    return 'duplicate';
  }
  // The queue first, the id after: an ingress that dies in between (a call that never answers, a
  // timeout) has recorded nothing, so the sender's retry is enqueued again rather than dropped as a
  // duplicate. At worst the worker gets the event twice, and it is idempotent.
  await enqueue(queueUrl, body, { source, eventId });
  // A record already there: a copy delivered at the same moment was enqueued as well.
  const alsoByACopy = !(await recordEvent(source, eventId));
  logger.info('event enqueued', {
    restaurantId: link.restaurantId,
    posCode: link.posCode,
    ...(alsoByACopy ? { concurrentCopy: true } : {}),
  });
  return 'enqueued';
}

async function refuse(pk: string, source: string, what: string, detail: string): Promise<void> {
  await audit(pk, { what, source, outcome: 'refused', detail });
}
