/** A Lambda `Context` for handlers run locally, with a real deadline for getRemainingTimeInMillis. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export function lambdaContext(functionName: string, timeoutMs: number, memoryMb = 256): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Wraps every local invocation (gateway, pollers, scheduler); unset by default. The benchmark sets it
 * to time each invocation and attribute its I/O (bench/run.ts); production code never sees it.
 */
export type InvocationObserver = <T>(functionName: string, run: () => Promise<T>) => Promise<T>;
let observer: InvocationObserver | undefined;
export function setInvocationObserver(next: InvocationObserver | undefined): void {
  observer = next;
}

/** Handler runs not yet finished, including any that outlived their timeout (Lambda would have stopped them). */
const running = new Set<Promise<unknown>>();

/** Waits (at most `maxMs`) for every handler run still going, so nothing touches a store that is closing. */
export async function settleRunning(maxMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const cap = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, maxMs);
  });
  await Promise.race([Promise.allSettled([...running]), cap]);
  clearTimeout(timer);
}

/**
 * The invocation a piece of code runs in (through every await of its handler), for local faults that
 * act on one invocation: `kill` ends it as Lambda does when the process dies (local/runtime/ingress-faults.ts).
 */
export type RunningInvocation = { functionName: string; writes: number; kill: (reason: string) => void };
const invocations = new AsyncLocalStorage<RunningInvocation>();
export const currentInvocation = (): RunningInvocation | undefined => invocations.getStore();

/** Runs a handler under its timeout, as Lambda does: past it, the invocation counts as failed. */
export async function invokeWithTimeout<T>(
  functionName: string,
  timeoutMs: number,
  run: (context: Context) => Promise<T>,
): Promise<T> {
  const context = lambdaContext(functionName, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${functionName} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  let die: (error: Error) => void = () => undefined;
  const killed = new Promise<never>((_, reject) => {
    die = reject;
  });
  let work: Promise<T> | undefined;
  const invocation: RunningInvocation = {
    functionName,
    writes: 0,
    kill: (reason) => {
      // A dead invocation never finishes: nothing waits for it any more.
      if (work) running.delete(work);
      die(new Error(`${functionName} died: ${reason}`));
    },
  };
  try {
    const call = () => invocations.run(invocation, () => run(context));
    work = observer ? observer(functionName, call) : call();
    running.add(work);
    const started = work;
    const done = () => running.delete(started);
    started.then(done, done);
    return await Promise.race([started, timeout, killed]);
  } finally {
    clearTimeout(timer);
  }
}
