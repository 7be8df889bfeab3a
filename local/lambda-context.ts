/** A Lambda `Context` for handlers run locally, with a real deadline for getRemainingTimeInMillis. */
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
  try {
    const call = () => run(context);
    const work = observer ? observer(functionName, call) : call();
    running.add(work);
    const done = () => running.delete(work);
    work.then(done, done);
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
