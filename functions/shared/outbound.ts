/**
 * Outbound HTTP for the Sinqro client and every POS client: ky with explicit per-call timeouts and an
 * overall budget taken from the Lambda's remaining time, and one classification of failures
 * (retryable vs permanent). ky's own retries are off: SQS redelivery is the retry, guarded by state.
 */
import ky, { HTTPError, type KyInstance, type Options, TimeoutError } from 'ky';
import { PermanentError, RetryableError } from './errors';

export type Budget = { deadline: number };

/** Leave room after the last call to write state and report the batch outcome (a fifth of the time, at most 1.5 s). */
const SAFETY_MS = 1500;

export function budgetFrom(context: { getRemainingTimeInMillis(): number } | undefined, fallbackMs = 25_000): Budget {
  const remaining = context ? context.getRemainingTimeInMillis() : fallbackMs;
  return { deadline: Date.now() + Math.max(0, remaining - Math.min(SAFETY_MS, remaining / 5)) };
}

export type ClientOptions = { prefixUrl: string; headers: Record<string, string>; timeoutMs: number };

export function createHttpClient(opts: ClientOptions): KyInstance {
  return ky.create({
    prefixUrl: opts.prefixUrl,
    headers: opts.headers,
    timeout: opts.timeoutMs,
    retry: 0,
    throwHttpErrors: true,
  });
}

export type ErrorParser = (status: number, body: unknown) => { code: string; message: string } | undefined;

/** Performs one call within the budget and returns the parsed JSON body (undefined when empty). */
export async function call<T>(
  client: KyInstance,
  path: string,
  options: Options & { budget: Budget; timeoutMs: number; service: string; parseError?: ErrorParser },
): Promise<T> {
  const { budget, timeoutMs, service, parseError, ...kyOptions } = options;
  const left = budget.deadline - Date.now();
  if (left <= 0) throw new RetryableError(`${service}: time budget exhausted before ${path}`);
  try {
    const response = await client(path, { ...kyOptions, timeout: Math.min(timeoutMs, left) });
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  } catch (error) {
    throw await classify(error, service, path, parseError);
  }
}

async function classify(error: unknown, service: string, path: string, parseError?: ErrorParser): Promise<Error> {
  if (error instanceof HTTPError) {
    const status = error.response.status;
    let body: unknown;
    try {
      body = await error.response.json();
    } catch {
      body = undefined;
    }
    const parsed = parseError?.(status, body);
    const what = `${service} ${path} answered ${status}${parsed ? ` ${parsed.code}: ${parsed.message}` : ''}`;
    const remote = { service, status, code: parsed?.code, message: parsed?.message };
    if (status === 408 || status === 425 || status === 429 || status >= 500) {
      const retryAfter = Number(error.response.headers.get('retry-after'));
      const retryAfterMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
      return Object.assign(new RetryableError(what, { retryAfterMs }), { remote });
    }
    // 409 too: a conflict (e.g. "already final") answers the same way next time. Adapters whose API
    // uses 409 for optimistic-locking races (Square's version) retry those themselves.
    return Object.assign(new PermanentError(what, parsed?.code ?? `HTTP_${status}`), { remote });
  }
  if (error instanceof TimeoutError) return new RetryableError(`${service} ${path} timed out`);
  if (error instanceof SyntaxError)
    return new PermanentError(`${service} ${path} answered with a body that is not JSON`, 'BAD_REPLY');
  return new RetryableError(`${service} ${path} failed: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
  });
}
