/**
 * What the benchmarks count of AWS, in this process: every DynamoDB and SQS call the handlers make
 * (the clients' `send`, wrapped here only), the read and write units DynamoDB reports for them plus
 * the GSI upkeep dynalite does not report (bench/index-units.ts), and each Lambda invocation's wall
 * time and the part of it spent waiting on those calls. Used by bench/run.ts and bench/fixed-cost.ts.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setInvocationObserver } from '../local/runtime/lambda-context';
import { type DynaliteDb, indexWriteUnits } from './index-units';

export type Invocation = { fn: string; ms: number; io: number; inflight: number; ioStart: number };
/** The invocation a call is made in (set by the bench's invocation observer). */
export const current = new AsyncLocalStorage<Invocation>();
/** Invocations the observer recorded. */
export const invocations: Invocation[] = [];
export const aws = {
  dynamo: { calls: {} as Record<string, number>, rru: 0, wru: 0, indexWru: 0 },
  emptyReceives: 0,
  /** SQS requests billed (an empty receive is not), counted when they answer; those to a FIFO queue apart. */
  sqs: { standard: 0, fifo: 0 },
};
const READS = new Set(['Get', 'Query', 'Scan', 'BatchGet']);
type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
type SendFn = (this: unknown, command: { input: Record<string, unknown> }, ...rest: unknown[]) => Promise<unknown>;

/** Called with the function's name when an invocation sends to SQS (the idle section's hop timeline). */
let onSqsSend: ((fn: string) => void) | undefined;

export function wrapSend(cls: { prototype: unknown }, service: 'dynamo' | 'sqs') {
  const proto = cls.prototype as { send: SendFn };
  const original = proto.send;
  proto.send = async function (this: unknown, command, ...rest) {
    const name = (command as object).constructor.name.replace(/Command$/, '').replace(/Item$/, '');
    if (service === 'dynamo') command.input.ReturnConsumedCapacity ??= 'TOTAL';
    const inv = current.getStore();
    if (inv && service === 'sqs' && name.startsWith('SendMessage')) onSqsSend?.(inv.fn);
    if (inv && inv.inflight++ === 0) inv.ioStart = performance.now();
    try {
      const result = (await original.call(this, command, ...rest)) as Record<string, unknown>;
      if (service === 'dynamo') {
        aws.dynamo.calls[name] = (aws.dynamo.calls[name] ?? 0) + 1;
        const consumed = result?.ConsumedCapacity as Capacity | Capacity[] | undefined;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
          (n, c) => n + (c.CapacityUnits ?? 0),
          0,
        );
        if (READS.has(name)) aws.dynamo.rru += Math.max(units, minimumRead(command.input));
        else aws.dynamo.wru += units;
      } else if (name === 'ReceiveMessage' && !(result?.Messages as unknown[] | undefined)?.length) {
        aws.emptyReceives += 1;
      } else if (String(command.input.QueueUrl).endsWith('.fifo')) aws.sqs.fifo += 1;
      else aws.sqs.standard += 1;
      return result;
    } catch (error) {
      if (service === 'dynamo') {
        aws.dynamo.calls[name] = (aws.dynamo.calls[name] ?? 0) + 1;
        // A failed conditional write is billed on AWS (at least 1 WRU); dynalite reports no capacity for it.
        if ((error as Error).name === 'ConditionalCheckFailedException') aws.dynamo.wru += 1;
      }
      throw error;
    } finally {
      if (inv && --inv.inflight === 0) inv.io += performance.now() - inv.ioStart;
    }
  };
}

/**
 * A read that finds nothing is still one read on AWS (the smallest unit: 1 RRU consistent, 0.5
 * eventually consistent), as a GetItem of a missing item is; dynalite reports 0 for an empty Query.
 */
const minimumRead = (input: Record<string, unknown>) => (input.ConsistentRead ? 1 : 0.5);

/** dynalite keeps its indexes but reports only the table's capacity: meter what AWS would bill for them. */
export function meterIndexWrites() {
  const db = require('dynalite/db') as DynaliteDb;
  const original = db.updateIndexes;
  db.updateIndexes = function (this: unknown, store, table, existing, item, cb) {
    aws.dynamo.indexWru += indexWriteUnits(db, table, existing, item);
    return original.call(this, store, table, existing, item, cb);
  };
}

let installed = false;
/** Wraps the DynamoDB and SQS clients and dynalite's index upkeep, once per process. */
export function installAwsMeter(hooks: { onSqsSend?: (fn: string) => void } = {}): void {
  onSqsSend = hooks.onSqsSend;
  if (installed) return;
  installed = true;
  wrapSend(DynamoDBClient, 'dynamo');
  meterIndexWrites();
  wrapSend(DynamoDBDocumentClient, 'dynamo');
  wrapSend(SQSClient, 'sqs');
}

/**
 * Times every local invocation (gateway, pollers, scheduler) and records it in `invocations` while `record()`
 * says so; `onStart` sees each start (the idle section's hop timeline).
 */
export function observeInvocations(record: () => boolean, onStart?: (fn: string, at: number) => void): void {
  setInvocationObserver(async (fn, run) => {
    const inv: Invocation = { fn, ms: 0, io: 0, inflight: 0, ioStart: 0 };
    const t0 = performance.now();
    onStart?.(fn, t0);
    try {
      return await current.run(inv, run);
    } finally {
      inv.ms = performance.now() - t0;
      if (record()) invocations.push(inv);
    }
  });
}

/** Memory (MB) per local function name, as lib/bridge-function.ts deploys it (aws-cdk-lib is heavy: load it late). */
export async function deployedMemory(): Promise<(fn: string) => number> {
  const { INGRESS, WORKER, PUBLISHER, SCHEDULER } = await import('../lib/bridge-function');
  return (fn) =>
    fn.endsWith('-worker')
      ? WORKER.memorySize
      : fn === 'sinqro-publisher'
        ? PUBLISHER.memorySize
        : fn === 'scheduler'
          ? SCHEDULER.memorySize
          : INGRESS.memorySize;
}
