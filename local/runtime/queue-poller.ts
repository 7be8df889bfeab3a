/**
 * The local event source mapping: receives batches from a queue with the real SQS client, invokes the
 * handler with a real SQSEvent, and deletes only the records the handler did not report as failed.
 * A thrown error or a timeout fails the whole batch (the messages reappear after the visibility timeout).
 * Like Lambda's pollers with no batching window, each loop long-polls without pause and invokes with
 * whatever a receive returned, at once: a lone message is not held back, and batches fill only when
 * messages come faster than the loops take them.
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
  timeoutMs: number;
  onError?: (error: Error) => void;
};

/** SQS's longest long poll, which Lambda's pollers use too: an idle queue costs one empty receive per loop per 20 s. */
const LONG_POLL_SECONDS = 20;

export class QueuePoller {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly sqs = new SQSClient({});
  /** Cuts the long polls short when the poller stops. */
  private readonly stopping = new AbortController();
  invocations = 0;

  constructor(readonly opts: PollerOptions) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.opts.concurrency; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) return; // the long poll was cut short by stop()
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
        WaitTimeSeconds: LONG_POLL_SECONDS,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.stopping.signal },
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return;
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
