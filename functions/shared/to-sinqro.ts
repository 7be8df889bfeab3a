/**
 * Everything for Sinqro goes through the to-sinqro queue; only the publisher calls Sinqro.
 *
 * Inside an SQS batch (sqs-batch.ts), status news are held back and sent together once every record
 * of the batch has been worked, with SendMessageBatch: one request for up to 10 news instead of one
 * each. A record whose news could not be sent is reported failed, exactly as when its own send threw.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { envNames, requireEnv } from './env';
import type { PublishMessage } from './messages';
import { enqueue, enqueueBatch, type QueuedMessage, toMessageBody } from './queue';

const held = new AsyncLocalStorage<QueuedMessage[]>();

export async function sendToSinqro(news: PublishMessage, attributes: Record<string, string> = {}): Promise<void> {
  const attrs = { type: news.type, ...attributes };
  const outbox = news.type === 'status' ? held.getStore() : undefined;
  if (outbox) outbox.push({ body: toMessageBody(news), attributes: attrs });
  else await enqueue(requireEnv(envNames.toSinqroQueue), news, attrs);
}

/** Runs one record's work with its status news held in `outbox` (sent by sendHeldNews). */
export function holdingNews<T>(outbox: QueuedMessage[], work: () => Promise<T>): Promise<T> {
  return held.run(outbox, work);
}

/** Sends every record's held news in batches; returns, per record, whether all of its news were sent. */
export async function sendHeldNews(outboxes: QueuedMessage[][]): Promise<boolean[]> {
  const entries = outboxes.flatMap((outbox, record) => outbox.map((message) => ({ record, message })));
  if (entries.length === 0) return outboxes.map(() => true);
  const sent = await enqueueBatch(
    requireEnv(envNames.toSinqroQueue),
    entries.map((e) => e.message),
  );
  const ok = outboxes.map(() => true);
  entries.forEach((e, i) => {
    if (!sent[i]) ok[e.record] = false;
  });
  return ok;
}
