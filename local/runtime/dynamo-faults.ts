/**
 * A fault proxy in front of dynalite, so the handlers' own DynamoDB client can be made to fail without
 * a test hook in production code. Off by default (a plain pass-through). Its one fault stands for a
 * worker that dies between the POS call and the state write: a share of the state writes that record an
 * order as INJECTED (the write that follows a POS create) are refused with an error the SDK does not
 * retry, so the order exists in the POS, its state still says RECEIVED, and the message is redelivered.
 * Its other faults hit a status write after it is made: the worker dies right after it (the handler is
 * told it failed, so the status is in the table while its news for Sinqro was never queued), or its reply
 * is lost (a 500, which the SDK tries again: the second try finds the write done and is refused by its
 * condition, as when a request timed out after DynamoDB took it).
 */
import { Agent, request, type Server, type ServerResponse } from 'node:http';
import { close, jsonServer, listen, readBody, sendJson } from './http-util';

export type DynamoFaultConfig = {
  /**
   * Share (0–1) of INJECTED state writes that fail as if the worker crashed just before them; when above
   * 0, the first one always fails.
   */
  crashBeforeStateWriteRate?: number;
  /**
   * Share (0–1) of status writes (any status, any path: injection, webhook, poll, cancellation) that are
   * made and then answered with a failure, as if the worker died right after them; when above 0, the
   * first one always does.
   */
  crashAfterStatusWriteRate?: number;
  /** Share (0–1) of status writes that are made and answered 500 (the SDK retries); the first one always is. */
  statusReplyLostRate?: number;
  /**
   * The same for every other conditional write (PutItem, UpdateItem, DeleteItem with a condition: claims,
   * leases, dedupe records, catalog and hours bookkeeping): made, answered 500, tried again by the SDK.
   */
  conditionalReplyLostRate?: number;
};

/** A DynamoDB error reply of `type`, as the service writes one. */
function answerFault(res: ServerResponse, status: number, type: string, message: string): void {
  sendJson(
    res,
    status,
    { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message },
    {
      'content-type': 'application/x-amz-json-1.0',
    },
  );
}

export class DynamoFaultProxy {
  config: DynamoFaultConfig = {};
  /** Faults injected so far, by kind. */
  readonly counts = {
    'crash-before-state-write': 0,
    'crash-after-status-write': 0,
    'status-write-reply-lost': 0,
    'conditional-write-reply-lost': 0,
  };
  private server?: Server;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  set(config: DynamoFaultConfig): DynamoFaultConfig {
    this.config = { ...config };
    return this.config;
  }

  /** Listens on `port` (0: a free one) and forwards every request to `target` (dynalite's endpoint). */
  async start(target: string, port = 0): Promise<string> {
    const upstream = new URL(target);
    this.server = jsonServer(async (req, res) => {
      const body = (await readBody(req)) ?? Buffer.alloc(0);
      if (this.crashes(String(req.headers['x-amz-target'] ?? ''), body)) {
        this.counts['crash-before-state-write'] += 1;
        // A 400 with a type the SDK does not know is not retried by it: the handler sees the write fail.
        return answerFault(res, 400, 'ChaosWorkerCrash', 'chaos: worker died before the write');
      }
      const target = String(req.headers['x-amz-target'] ?? '');
      const crashAfter = this.afterStatusWrite(
        target,
        body,
        'crash-after-status-write',
        this.config.crashAfterStatusWriteRate,
      );
      const lostAs: keyof DynamoFaultProxy['counts'] | undefined = crashAfter
        ? undefined
        : this.afterStatusWrite(target, body, 'status-write-reply-lost', this.config.statusReplyLostRate)
          ? 'status-write-reply-lost'
          : this.afterConditionalWrite(target, body)
            ? 'conditional-write-reply-lost'
            : undefined;
      const forwarded = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, 'content-length': String(body.length) },
          agent: this.agent,
        },
        (reply) => {
          if (lostAs && reply.statusCode === 200) {
            reply.resume();
            this.counts[lostAs] += 1;
            // A 500 the SDK retries: its next try meets the write already made.
            return answerFault(res, 500, 'InternalServerError', 'chaos: reply lost');
          }
          if (crashAfter && reply.statusCode === 200) {
            // The write is made; the worker is told it failed, as if it had died just after it.
            reply.resume();
            this.counts['crash-after-status-write'] += 1;
            return answerFault(res, 400, 'ChaosWorkerCrash', 'chaos: worker died after the write');
          }
          res.writeHead(reply.statusCode ?? 500, reply.headers);
          reply.pipe(res);
        },
      );
      forwarded.on('error', (error) => {
        if (!res.headersSent) sendJson(res, 502, { message: `dynalite unreachable: ${error.message}` });
        else res.destroy();
      });
      forwarded.end(body);
    });
    const bound = await listen(this.server, port);
    return `http://127.0.0.1:${bound}`;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
    this.agent.destroy();
  }

  private crashes(target: string, body: Buffer): boolean {
    const rate = this.config.crashBeforeStateWriteRate ?? 0;
    if (rate <= 0 || target !== 'DynamoDB_20120810.UpdateItem') return false;
    const text = body.toString('utf8');
    // The monotonic transition to INJECTED with the POS's id: the write right after the POS created the order.
    if (!text.includes('"INJECTED"') || !text.includes(':posOrderId')) return false;
    // The first such write always fails, so a short run with few orders still exercises the fault.
    return this.counts['crash-before-state-write'] === 0 || Math.random() < rate;
  }

  private afterStatusWrite(target: string, body: Buffer, kind: keyof DynamoFaultProxy['counts'], rate = 0): boolean {
    if (rate <= 0 || target !== 'DynamoDB_20120810.UpdateItem') return false;
    // The monotonic status write (store/orders.ts transition), whatever the status and whoever writes it.
    if (!body.toString('utf8').includes('statusRank = :rank')) return false;
    return this.counts[kind] === 0 || Math.random() < rate;
  }

  private afterConditionalWrite(target: string, body: Buffer): boolean {
    const rate = this.config.conditionalReplyLostRate ?? 0;
    if (rate <= 0 || !/\.(UpdateItem|PutItem|DeleteItem)$/.test(target)) return false;
    const text = body.toString('utf8');
    if (!text.includes('"ConditionExpression"') || text.includes('statusRank = :rank')) return false;
    return this.counts['conditional-write-reply-lost'] === 0 || Math.random() < rate;
  }
}
