/**
 * Everything for Sinqro goes through the to-sinqro queue; only the publisher calls Sinqro.
 *
 * Inside an SQS batch (sqs-batch.ts), status news are held back and sent together once every record
 * of the batch has been worked, with SendMessageBatch: one request for up to 10 news instead of one
 * each. A record whose news could not be sent is reported failed, exactly as when its own send threw.
 *
 * The queue is FIFO. A status news goes in its order's message group, so the publisher never has two
 * posts for one order in flight (a slow answer can no longer let an older status land after a newer
 * one); a closure or schedule in its restaurant's group of that kind; each catalog news in a group of
 * its own, so catalog pages stay parallel. The deduplication id is the body's hash: a copy sent again
 * within SQS's 5 minutes (a retried record) is dropped, anything different is not.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { sha256Hex } from '../core/content-hash';
import { type PublishMessage, withVersion } from '../core/messages';
import { envNames, requireEnv } from '../infra/env';
import { enqueue, enqueueBatch, type FifoIds, type QueuedMessage, toMessageBody } from '../infra/queue';

/** A status news held back for the batch's send, with what must wait until it is in the queue. */
export type HeldNews = QueuedMessage & { afterSent?: () => Promise<void> };

const held = new AsyncLocalStorage<HeldNews[]>();

/**
 * Queues a news for Sinqro. `afterSent` runs once it is in the queue: right away outside a batch, after the
 * batch's send inside one (a failure of either fails the record, which is retried).
 */
export async function sendToSinqro(
  news: PublishMessage,
  attributes: Record<string, string> = {},
  afterSent?: () => Promise<void>,
): Promise<void> {
  const attrs = { type: news.type, ...attributes };
  const body = toMessageBody(withVersion(news));
  const fifo = fifoIdsOf(news, body);
  const outbox = news.type === 'status' ? held.getStore() : undefined;
  if (outbox) outbox.push({ body, attributes: attrs, fifo, afterSent });
  else {
    await enqueue(requireEnv(envNames.toSinqroQueue), body, attrs, fifo);
    await afterSent?.();
  }
}

export function fifoIdsOf(news: PublishMessage, body: string): FifoIds {
  const dedupeId = sha256Hex(body);
  switch (news.type) {
    case 'status':
      return { groupId: `${news.kind}#${news.orderId}`, dedupeId };
    case 'closure':
    case 'schedule':
      return { groupId: `${news.type}#${news.restaurantId}`, dedupeId };
    default:
      return { groupId: `catalog#${dedupeId}`, dedupeId };
  }
}

/** Runs one record's work with its status news held in `outbox` (sent by sendHeldNews). */
export function holdingNews<T>(outbox: HeldNews[], work: () => Promise<T>): Promise<T> {
  return held.run(outbox, work);
}

/**
 * Sends every record's held news in batches, then runs what waited on each sent one (`afterSent`); returns,
 * per record, whether all of its news were sent and all of that ran.
 */
export async function sendHeldNews(outboxes: HeldNews[][]): Promise<boolean[]> {
  const entries = outboxes.flatMap((outbox, record) => outbox.map((message) => ({ record, message })));
  if (entries.length === 0) return outboxes.map(() => true);
  const sent = await enqueueBatch(
    requireEnv(envNames.toSinqroQueue),
    entries.map((e) => e.message),
  );
  const ok = outboxes.map(() => true);
  await Promise.all(
    entries.map(async (e, i) => {
      if (!sent[i]) ok[e.record] = false;
      else if (e.message.afterSent) {
        try {
          await e.message.afterSent();
        } catch {
          ok[e.record] = false;
        }
      }
    }),
  );
  return ok;
}
