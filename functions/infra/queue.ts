/** Sending to SQS. One client per container; the size limit is checked before the call, not by it. */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PayloadTooLargeError } from '../core/errors';
import { MAX_MESSAGE_BYTES } from '../core/limits';
import { AWS_CLIENT_CONFIG } from './aws-clients';

export { MAX_MESSAGE_BYTES };

/**
 * The functions' one SQS client (sending, and the batch consumers' visibility changes). The endpoint is the
 * client's own (the Region's, or AWS_ENDPOINT_URL_SQS locally), never taken from a queue URL's host: the
 * consumers rebuild a record's queue URL from its ARN (sqs-batch.ts), and a deployed queue's URL names the
 * Region's endpoint anyway.
 */
export const sqs = new SQSClient({ ...AWS_CLIENT_CONFIG, useQueueUrlAsEndpoint: false });

/**
 * Serialises a message and checks it fits a queue message, before anything is written anywhere. SQS
 * refuses U+FFFE and U+FFFF in a body (InvalidMessageContents: the sender's retries would all fail), and
 * JSON.stringify escapes every other character it refuses: those two are written as escapes too.
 */
export function toMessageBody(message: object): string {
  const body = JSON.stringify(message).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_MESSAGE_BYTES)
    throw new PayloadTooLargeError(`message of ${bytes} bytes exceeds the queue limit of ${MAX_MESSAGE_BYTES}`);
  return body;
}

/** A FIFO queue's message group (delivered in order, one batch at a time) and deduplication id. */
export type FifoIds = { groupId: string; dedupeId: string };

export async function enqueue(
  queueUrl: string,
  message: object | string,
  attributes: Record<string, string> = {},
  fifo?: FifoIds,
): Promise<void> {
  const body = typeof message === 'string' ? message : toMessageBody(message);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: attributesOf(attributes),
      ...fifoFields(fifo),
    }),
  );
}

export type QueuedMessage = { body: string; attributes: Record<string, string>; fifo?: FifoIds };

const BATCH_ENTRIES = 10;

/**
 * Sends messages with SendMessageBatch (10 entries and MAX_MESSAGE_BYTES in all per call). Returns,
 * per message, whether SQS took it; a call that fails as a whole marks all its messages unsent.
 */
export async function enqueueBatch(queueUrl: string, messages: QueuedMessage[]): Promise<boolean[]> {
  const sent = messages.map(() => false);
  const chunks: number[][] = [];
  let chunk: number[] = [];
  let bytes = 0;
  messages.forEach((m, i) => {
    const size = Buffer.byteLength(m.body);
    if (chunk.length === BATCH_ENTRIES || (chunk.length > 0 && bytes + size > MAX_MESSAGE_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(i);
    bytes += size;
  });
  if (chunk.length > 0) chunks.push(chunk);
  await Promise.all(
    chunks.map(async (indexes) => {
      try {
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: indexes.map((i) => ({
              Id: String(i),
              MessageBody: (messages[i] as QueuedMessage).body,
              MessageAttributes: attributesOf((messages[i] as QueuedMessage).attributes),
              ...fifoFields((messages[i] as QueuedMessage).fifo),
            })),
          }),
        );
        for (const ok of out?.Successful ?? []) sent[Number(ok.Id)] = true;
      } catch {
        // The whole call failed: its messages stay unsent, and their records are retried.
      }
    }),
  );
  return sent;
}

const fifoFields = (fifo: FifoIds | undefined) =>
  fifo ? { MessageGroupId: fifo.groupId, MessageDeduplicationId: fifo.dedupeId } : {};

const attributesOf = (attributes: Record<string, string>) =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]));
