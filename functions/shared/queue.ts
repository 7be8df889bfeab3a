/** Sending to SQS. One client per container; the size limit is checked before the call, not by it. */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PayloadTooLargeError } from './errors';

import { MAX_MESSAGE_BYTES } from './limits';

export { MAX_MESSAGE_BYTES };

const sqs = new SQSClient({});

/** Serialises a message and checks it fits a queue message, before anything is written anywhere. */
export function toMessageBody(message: object): string {
  const body = JSON.stringify(message);
  const bytes = Buffer.byteLength(body);
  if (bytes > MAX_MESSAGE_BYTES)
    throw new PayloadTooLargeError(`message of ${bytes} bytes exceeds the queue limit of ${MAX_MESSAGE_BYTES}`);
  return body;
}

export async function enqueue(
  queueUrl: string,
  message: object | string,
  attributes: Record<string, string> = {},
): Promise<void> {
  const body = typeof message === 'string' ? message : toMessageBody(message);
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: body,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: v }]),
      ),
    }),
  );
}
