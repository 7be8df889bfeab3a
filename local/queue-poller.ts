/**
 * The local event source mapping: receives batches from a queue with the real SQS client, invokes the
 * handler with a real SQSEvent, and deletes only the records the handler did not report as failed.
 * A thrown error or a timeout fails the whole batch (the messages reappear after the visibility timeout).
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { invokeWithTimeout } from './lambda-context';

export type PollerOptions = {
  functionName: string;
  queueUrl: string;
  queueArn: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;
  /** Parallel batches, like the event source mapping's maxConcurrency. */
  concurrency: number;
  batchSize: number;
  /** Like the mapping's maxBatchingWindow: after a first message, wait this long for more (0: none, as on FIFO queues). */
  batchingWindowMs?: number;
  timeoutMs: number;
  onError?: (error: Error) => void;
};

export class QueuePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sqs = new SQSClient({});
  invocations = 0;

  constructor(readonly opts: PollerOptions) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.opts.concurrency; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        this.opts.onError?.(error as Error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.opts.queueUrl,
        MaxNumberOfMessages: this.opts.batchSize,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return;
    const windowMs = this.opts.batchingWindowMs ?? 0;
    if (windowMs > 0 && messages.length < this.opts.batchSize) {
      // The batching window: wait, then take what arrived meanwhile (one more receive, no long poll).
      await new Promise((r) => setTimeout(r, windowMs));
      const more = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.opts.queueUrl,
          MaxNumberOfMessages: this.opts.batchSize - messages.length,
          WaitTimeSeconds: 0,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
      );
      messages.push(...(more.Messages ?? []));
    }
    const event: SQSEvent = {
      Records: messages.map(
        (m): SQSRecord => ({
          messageId: m.MessageId as string,
          receiptHandle: m.ReceiptHandle as string,
          body: m.Body as string,
          attributes: {
            ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
            SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
            SenderId: m.Attributes?.SenderId ?? '000000000000',
            ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
            ...(m.Attributes?.MessageGroupId
              ? {
                  MessageGroupId: m.Attributes.MessageGroupId,
                  MessageDeduplicationId: m.Attributes.MessageDeduplicationId,
                  SequenceNumber: m.Attributes.SequenceNumber,
                }
              : {}),
          },
          messageAttributes: Object.fromEntries(
            Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [
              k,
              {
                dataType: v.DataType ?? 'String',
                stringValue: v.StringValue,
                stringListValues: [],
                binaryListValues: [],
              },
            ]),
          ),
          md5OfBody: m.MD5OfBody as string,
          eventSource: 'aws:sqs',
          eventSourceARN: this.opts.queueArn,
          awsRegion: 'eu-west-1',
        }),
      ),
    };
    this.invocations += 1;
    let failed: Set<string>;
    try {
      const result = await invokeWithTimeout(this.opts.functionName, this.opts.timeoutMs, (context) =>
        this.opts.handler(event, context),
      );
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      this.opts.onError?.(error as Error);
      return; // whole batch fails: nothing is deleted
    }
    const done = messages.filter((m) => !failed.has(m.MessageId as string));
    if (done.length === 0) return;
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.opts.queueUrl,
        Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle as string })),
      }),
    );
  }
}
