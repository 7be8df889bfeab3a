/**
 * A local SQS that speaks the SQS JSON protocol (AmazonSQS.* targets), so the handlers and pollers use
 * the real @aws-sdk/client-sqs over HTTP. It keeps SQS's semantics that matter here: visibility
 * timeout, receive counts, long polling, redrive to a DLQ after maxReceiveCount, batch calls, message
 * move (redrive) tasks. Everything is in memory.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { jsonServer, listen, readBody, sendJson } from './http-util';

// biome-ignore lint/suspicious/noExplicitAny: SQS JSON requests are loosely typed wire data, read field by field.
type WireInput = Record<string, any>;
type Attr = { DataType: string; StringValue?: string; BinaryValue?: string };
type Message = {
  id: string;
  body: string;
  md5: string;
  attributes: Record<string, Attr>;
  sentAt: number;
  firstReceiveAt?: number;
  receiveCount: number;
  visibleAt: number;
  receipt?: string;
};
type Queue = { name: string; url: string; arn: string; attributes: Record<string, string>; messages: Message[] };

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';

class SqsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A request body SQS can read: UTF-8 JSON. Anything else is the client's fault (400), as SQS answers it. */
function parseInput(raw: Buffer): WireInput {
  try {
    return JSON.parse(strictUtf8.decode(raw)) as WireInput;
  } catch {
    throw new SqsError('SerializationException', 'the request body is not valid UTF-8 JSON');
  }
}

export class LocalSqs {
  private readonly queues = new Map<string, Queue>();
  private server?: Server;
  private baseUrl = '';
  /** Calls per action, for the request counts the benchmarks report. */
  readonly calls: Record<string, number> = {};

  async start(port = 0): Promise<string> {
    this.server = jsonServer(async (req, res) => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
      const raw = (await readBody(req)) ?? Buffer.alloc(0);
      try {
        const input = raw.length ? parseInput(raw) : {};
        this.calls[action] = (this.calls[action] ?? 0) + 1;
        const output = await this.dispatch(action, input);
        sendJson(res, 200, output, { 'content-type': 'application/x-amz-json-1.0' });
      } catch (error) {
        const e = error instanceof SqsError ? error : new SqsError('InternalError', (error as Error).message, 500);
        sendJson(
          res,
          e.status,
          { __type: `com.amazonaws.sqs#${e.type}`, message: e.message },
          { 'content-type': 'application/x-amz-json-1.0' },
        );
      }
    });
    const bound = await listen(this.server, port);
    this.baseUrl = `http://127.0.0.1:${bound}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    if (this.server) {
      const { close } = await import('./http-util');
      await close(this.server);
    }
  }

  get endpoint(): string {
    return this.baseUrl;
  }

  createQueue(name: string, attributes: Record<string, string> = {}): Queue {
    const existing = this.queues.get(name);
    if (existing) return existing;
    const queue: Queue = {
      name,
      url: `${this.baseUrl}/${ACCOUNT}/${name}`,
      arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`,
      attributes: { VisibilityTimeout: '30', MessageRetentionPeriod: '345600', DelaySeconds: '0', ...attributes },
      messages: [],
    };
    this.queues.set(name, queue);
    return queue;
  }

  /** Visible + in-flight counts, for tests and the CLI. */
  depth(name: string): { visible: number; inFlight: number } {
    const q = this.queues.get(name);
    if (!q) return { visible: 0, inFlight: 0 };
    const now = Date.now();
    const visible = q.messages.filter((m) => m.visibleAt <= now).length;
    return { visible, inFlight: q.messages.length - visible };
  }

  /** The bodies of a queue's messages, visible or not, without receiving them (chaos checks read DLQs this way). */
  bodies(name: string): string[] {
    return (this.queues.get(name)?.messages ?? []).map((m) => m.body);
  }

  private byUrl(url: unknown): Queue {
    const name =
      String(url ?? '')
        .split('/')
        .pop() ?? '';
    const q = this.queues.get(name);
    if (!q) throw new SqsError('QueueDoesNotExist', `queue ${name} does not exist`);
    return q;
  }

  private byArn(arn: unknown): Queue {
    const name =
      String(arn ?? '')
        .split(':')
        .pop() ?? '';
    const q = this.queues.get(name);
    if (!q) throw new SqsError('ResourceNotFoundException', `queue ${arn} does not exist`);
    return q;
  }

  private async dispatch(action: string, input: WireInput): Promise<unknown> {
    switch (action) {
      case 'CreateQueue':
        return { QueueUrl: this.createQueue(input.QueueName, input.Attributes).url };
      case 'GetQueueUrl': {
        const q = this.queues.get(input.QueueName);
        if (!q) throw new SqsError('QueueDoesNotExist', `queue ${input.QueueName} does not exist`);
        return { QueueUrl: q.url };
      }
      case 'ListQueues':
        return {
          QueueUrls: [...this.queues.values()]
            .filter((q) => !input.QueueNamePrefix || q.name.startsWith(input.QueueNamePrefix))
            .map((q) => q.url),
        };
      case 'GetQueueAttributes': {
        const q = this.byUrl(input.QueueUrl);
        const d = this.depth(q.name);
        return {
          Attributes: {
            ...q.attributes,
            QueueArn: q.arn,
            ApproximateNumberOfMessages: String(d.visible),
            ApproximateNumberOfMessagesNotVisible: String(d.inFlight),
          },
        };
      }
      case 'PurgeQueue':
        this.byUrl(input.QueueUrl).messages = [];
        return {};
      case 'SendMessage':
        return this.send(this.byUrl(input.QueueUrl), input);
      case 'SendMessageBatch': {
        const q = this.byUrl(input.QueueUrl);
        return {
          Successful: (input.Entries ?? []).map((e: WireInput) => ({ Id: e.Id, ...this.send(q, e) })),
          Failed: [],
        };
      }
      case 'ReceiveMessage':
        return this.receive(this.byUrl(input.QueueUrl), input);
      case 'DeleteMessage':
        this.remove(this.byUrl(input.QueueUrl), input.ReceiptHandle);
        return {};
      case 'DeleteMessageBatch': {
        const q = this.byUrl(input.QueueUrl);
        for (const e of input.Entries ?? []) this.remove(q, e.ReceiptHandle);
        return { Successful: (input.Entries ?? []).map((e: { Id: string }) => ({ Id: e.Id })), Failed: [] };
      }
      case 'ChangeMessageVisibility': {
        const m = this.byUrl(input.QueueUrl).messages.find((x) => x.receipt === input.ReceiptHandle);
        if (!m) throw new SqsError('ReceiptHandleIsInvalid', 'receipt handle is invalid');
        m.visibleAt = Date.now() + Number(input.VisibilityTimeout) * 1000;
        return {};
      }
      case 'StartMessageMoveTask':
        return this.moveAll(
          this.byArn(input.SourceArn),
          input.DestinationArn ? this.byArn(input.DestinationArn) : undefined,
        );
      default:
        throw new SqsError('InvalidAction', `action ${action} is not supported by the local SQS`);
    }
  }

  private send(q: Queue, input: WireInput) {
    const body = String(input.MessageBody ?? '');
    const max = Number(q.attributes.MaximumMessageSize ?? 262144);
    if (Buffer.byteLength(body) > max)
      throw new SqsError('InvalidParameterValue', `message must be shorter than ${max} bytes`);
    const id = randomUUID();
    const md5 = createHash('md5').update(body).digest('hex');
    const delay = Number(input.DelaySeconds ?? q.attributes.DelaySeconds ?? 0);
    q.messages.push({
      id,
      body,
      md5,
      attributes: input.MessageAttributes ?? {},
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: Date.now() + delay * 1000,
    });
    return { MessageId: id, MD5OfMessageBody: md5 };
  }

  private async receive(q: Queue, input: WireInput) {
    const max = Math.min(10, Math.max(1, Number(input.MaxNumberOfMessages ?? 1)));
    const waitUntil = Date.now() + Math.min(20, Number(input.WaitTimeSeconds ?? 0)) * 1000;
    for (;;) {
      const picked = this.take(q, max, Number(input.VisibilityTimeout ?? q.attributes.VisibilityTimeout));
      if (picked.length > 0 || Date.now() >= waitUntil) {
        return {
          Messages: picked.map((m) => ({
            MessageId: m.id,
            ReceiptHandle: m.receipt,
            MD5OfBody: m.md5,
            Body: m.body,
            Attributes: {
              ApproximateReceiveCount: String(m.receiveCount),
              SentTimestamp: String(m.sentAt),
              ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
              SenderId: ACCOUNT,
            },
            MessageAttributes: m.attributes,
          })),
        };
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private take(q: Queue, max: number, visibilitySeconds: number): Message[] {
    const now = Date.now();
    const redrive = q.attributes.RedrivePolicy
      ? (JSON.parse(q.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number })
      : undefined;
    const picked: Message[] = [];
    for (const m of [...q.messages]) {
      if (picked.length >= max) break;
      if (m.visibleAt > now) continue;
      if (redrive && m.receiveCount >= Number(redrive.maxReceiveCount)) {
        // Received maxReceiveCount times without being deleted: SQS moves it to the DLQ, keeping its sent time.
        q.messages.splice(q.messages.indexOf(m), 1);
        const dlq = this.byArn(redrive.deadLetterTargetArn);
        dlq.messages.push({ ...m, receipt: undefined, visibleAt: now });
        continue;
      }
      m.receiveCount += 1;
      m.firstReceiveAt ??= now;
      m.receipt = `${m.id}#${randomUUID()}`;
      m.visibleAt = now + visibilitySeconds * 1000;
      picked.push(m);
    }
    return picked;
  }

  private remove(q: Queue, receipt: string) {
    const i = q.messages.findIndex((m) => m.receipt === receipt);
    if (i >= 0) q.messages.splice(i, 1);
  }

  /** Redrive: moves every message of a DLQ back to its source (or the given destination), as new messages. */
  private moveAll(source: Queue, destination?: Queue) {
    const target =
      destination ??
      [...this.queues.values()].find(
        (q) => q.attributes.RedrivePolicy && JSON.parse(q.attributes.RedrivePolicy).deadLetterTargetArn === source.arn,
      );
    if (!target) throw new SqsError('InvalidParameterValue', `no source queue uses ${source.name} as its DLQ`);
    const moved = source.messages.splice(0);
    for (const m of moved) this.send(target, { MessageBody: m.body, MessageAttributes: m.attributes });
    return { TaskHandle: randomUUID(), ApproximateNumberOfMessagesMoved: moved.length };
  }
}
