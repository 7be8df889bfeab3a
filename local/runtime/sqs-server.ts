/**
 * A local SQS that speaks the SQS JSON protocol (AmazonSQS.* targets), so the handlers and pollers use
 * the real @aws-sdk/client-sqs over HTTP. It keeps SQS's semantics that matter here: visibility
 * timeout, receive counts, long polling, redrive to a DLQ after maxReceiveCount, batch calls, message
 * move (redrive) tasks. FIFO queues (`FifoQueue`, a name ending `.fifo`) keep FIFO's rules: a message
 * group id on every message, deduplication ids (5 minutes), the order within a group, and nothing more
 * of a group while one of its messages is in flight. Everything is in memory.
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
  /** FIFO queues only. */
  groupId?: string;
  dedupeId?: string;
  sequence?: string;
};
type Queue = {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  messages: Message[];
  /** FIFO queues: deduplication ids seen in the last 5 minutes, with the message id and the time. */
  deduped: Map<string, { id: string; at: number }>;
  /** Long polls waiting on this queue: woken when something may have become receivable. */
  waiting: Set<() => void>;
};

/** SQS's deduplication interval for FIFO queues. */
const DEDUPE_MS = 5 * 60_000;
let sequence = 0;
const isFifo = (q: Queue) => q.attributes.FifoQueue === 'true';

const ACCOUNT = '000000000000';
const REGION = 'eu-west-1';

/** Characters SQS refuses in a message body: it takes #x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF. */
const NOT_IN_A_MESSAGE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

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
  private stopped = false;
  /** Calls per action, for the request counts the benchmarks report. */
  readonly calls: Record<string, number> = {};
  /** Calls on FIFO queues, less receives that found nothing: what the benchmark prices at FIFO's rate. */
  fifoBilled = 0;

  async start(port = 0): Promise<string> {
    this.server = jsonServer(async (req, res) => {
      const action = String(req.headers['x-amz-target'] ?? '').replace('AmazonSQS.', '');
      const raw = (await readBody(req)) ?? Buffer.alloc(0);
      try {
        const input = raw.length ? parseInput(raw) : {};
        this.calls[action] = (this.calls[action] ?? 0) + 1;
        // A long poll whose caller went away (a poller stopping) must not take messages nobody will get.
        let closed = false;
        res.once('close', () => {
          closed = true;
        });
        const gone = () => closed || this.stopped;
        const output = await this.dispatch(action, input, gone);
        const target = input.QueueUrl ? this.queues.get(String(input.QueueUrl).split('/').pop() ?? '') : undefined;
        const empty = action === 'ReceiveMessage' && !(output as { Messages?: unknown[] }).Messages?.length;
        if (target && isFifo(target) && !empty) this.fifoBilled += 1;
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
    this.stopped = true;
    for (const q of this.queues.values()) this.wake(q);
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
      deduped: new Map(),
      waiting: new Set(),
    };
    if (isFifo(queue) !== name.endsWith('.fifo'))
      throw new SqsError('InvalidParameterValue', 'a FIFO queue name must end with .fifo, and only a FIFO one');
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

  private async dispatch(action: string, input: WireInput, gone: () => boolean = () => false): Promise<unknown> {
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
        const Successful: unknown[] = [];
        const Failed: unknown[] = [];
        for (const e of input.Entries ?? []) {
          try {
            Successful.push({ Id: e.Id, ...this.send(q, e) });
          } catch (error) {
            const err = error as SqsError;
            Failed.push({ Id: e.Id, Code: err.type, Message: err.message, SenderFault: true });
          }
        }
        return { Successful, Failed };
      }
      case 'ReceiveMessage':
        return this.receive(this.byUrl(input.QueueUrl), input, gone);
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
        if (!(Number(input.VisibilityTimeout) >= 0 && Number(input.VisibilityTimeout) <= 43_200))
          throw new SqsError('InvalidParameterValue', 'VisibilityTimeout must be between 0 and 43200 seconds');
        m.visibleAt = Date.now() + Number(input.VisibilityTimeout) * 1000;
        this.wake(this.byUrl(input.QueueUrl));
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
    if (NOT_IN_A_MESSAGE.test(body))
      throw new SqsError('InvalidMessageContents', 'Invalid binary character found in the message body');
    const id = randomUUID();
    const md5 = createHash('md5').update(body).digest('hex');
    const fifo = isFifo(q) ? this.fifoFields(q, input, body) : undefined;
    if (fifo?.duplicateOf) return { MessageId: fifo.duplicateOf, MD5OfMessageBody: md5 };
    const delay = Number(input.DelaySeconds ?? q.attributes.DelaySeconds ?? 0);
    q.messages.push({
      id,
      body,
      md5,
      attributes: input.MessageAttributes ?? {},
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: Date.now() + delay * 1000,
      ...(fifo ? { groupId: fifo.groupId, dedupeId: fifo.dedupeId, sequence: fifo.sequence } : {}),
    });
    if (fifo) q.deduped.set(fifo.dedupeKey, { id, at: Date.now() });
    this.wake(q);
    return { MessageId: id, MD5OfMessageBody: md5, ...(fifo ? { SequenceNumber: fifo.sequence } : {}) };
  }

  /** A FIFO send's group and deduplication ids, checked as SQS checks them; a duplicate names the first copy. */
  private fifoFields(q: Queue, input: WireInput, body: string) {
    if (!input.MessageGroupId) throw new SqsError('MissingParameter', 'MessageGroupId is required for a FIFO queue');
    if (input.DelaySeconds !== undefined)
      throw new SqsError('InvalidParameterValue', 'a FIFO queue takes no per-message DelaySeconds');
    const dedupeId: string | undefined =
      input.MessageDeduplicationId ??
      (q.attributes.ContentBasedDeduplication === 'true' ? createHash('sha256').update(body).digest('hex') : undefined);
    if (!dedupeId)
      throw new SqsError(
        'InvalidParameterValue',
        'MessageDeduplicationId is required (no content-based deduplication)',
      );
    const now = Date.now();
    for (const [key, seen] of q.deduped) if (now - seen.at > DEDUPE_MS) q.deduped.delete(key);
    const scope = q.attributes.DeduplicationScope === 'messageGroup' ? `${input.MessageGroupId}#` : '';
    const seen = q.deduped.get(scope + dedupeId);
    sequence += 1;
    return {
      groupId: String(input.MessageGroupId),
      dedupeId,
      dedupeKey: scope + dedupeId,
      sequence: String(sequence).padStart(20, '0'),
      duplicateOf: seen?.id,
    };
  }

  /**
   * A long poll answers as soon as a message can be received, as SQS does: it sleeps until a send, a
   * delete (a FIFO group freed), a visibility change, or the moment the next hidden message shows.
   */
  private async receive(q: Queue, input: WireInput, gone: () => boolean) {
    const max = Math.min(10, Math.max(1, Number(input.MaxNumberOfMessages ?? 1)));
    const waitUntil = Date.now() + Math.min(20, Number(input.WaitTimeSeconds ?? 0)) * 1000;
    for (;;) {
      if (gone()) return { Messages: [] };
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
              ...(m.groupId
                ? {
                    MessageGroupId: m.groupId,
                    MessageDeduplicationId: m.dedupeId,
                    SequenceNumber: m.sequence,
                  }
                : {}),
            },
            MessageAttributes: m.attributes,
          })),
        };
      }
      await this.sleepUntilReceivable(q, waitUntil);
    }
  }

  private sleepUntilReceivable(q: Queue, waitUntil: number): Promise<void> {
    const now = Date.now();
    const shows = q.messages.reduce((next, m) => (m.visibleAt > now ? Math.min(next, m.visibleAt) : next), waitUntil);
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        q.waiting.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, shows - now));
      q.waiting.add(wake);
    });
  }

  /** Something in `q` may be receivable now: every long poll on it looks again. */
  private wake(q: Queue): void {
    for (const wake of [...q.waiting]) wake();
  }

  private take(q: Queue, max: number, visibilitySeconds: number): Message[] {
    const now = Date.now();
    const redrive = q.attributes.RedrivePolicy
      ? (JSON.parse(q.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number })
      : undefined;
    const picked: Message[] = [];
    // FIFO: a group with a message in flight gives nothing, and a group's messages come in order, so a
    // message not yet visible holds back the rest of its group.
    const held = new Set<string>();
    if (isFifo(q)) for (const m of q.messages) if (m.groupId && m.receipt && m.visibleAt > now) held.add(m.groupId);
    for (const m of [...q.messages]) {
      if (picked.length >= max) break;
      if (m.groupId && held.has(m.groupId)) continue;
      if (m.visibleAt > now) {
        if (m.groupId) held.add(m.groupId);
        continue;
      }
      if (redrive && m.receiveCount >= Number(redrive.maxReceiveCount)) {
        // Received maxReceiveCount times without being deleted: SQS moves it to the DLQ, keeping its sent time.
        q.messages.splice(q.messages.indexOf(m), 1);
        const dlq = this.byArn(redrive.deadLetterTargetArn);
        dlq.messages.push({ ...m, receipt: undefined, visibleAt: now });
        this.wake(dlq);
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
    if (i < 0) return;
    q.messages.splice(i, 1);
    // A FIFO group whose message was in flight can give its next one now.
    if (isFifo(q)) this.wake(q);
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
    // Moved back as new messages: a FIFO one keeps its group, under a new deduplication id.
    for (const m of moved)
      this.send(target, {
        MessageBody: m.body,
        MessageAttributes: m.attributes,
        ...(m.groupId ? { MessageGroupId: m.groupId, MessageDeduplicationId: randomUUID() } : {}),
      });
    return { TaskHandle: randomUUID(), ApproximateNumberOfMessagesMoved: moved.length };
  }
}
