/**
 * Outbound HTTP for the Sinqro client and every POS client: ky with explicit per-call timeouts and an
 * overall budget taken from the Lambda's remaining time, and one classification of failures
 * (retryable vs permanent). ky's own retries are off: SQS redelivery is the retry, guarded by state.
 */
import type { KyInstance, Options } from 'ky';
import type { Budget } from '../core/budget';
import { PermanentError, PosAuthError, RetryableError } from '../core/errors';

/**
 * ky is loaded on the first call, not at start: building its module runs a fetch `Request` (a feature
 * check), which loads Node's fetch implementation, a real part of a cold start. The pos-webhook function
 * bundles every adapter's client with the adapters' webhook parsers but never calls out, so it never
 * pays that; a worker pays it on its first call instead of during init (README, Performance).
 */
let kyModule: Promise<typeof import('ky')> | undefined;
const loadKy = () => {
  kyModule ??= import('ky');
  return kyModule;
};

export type { Budget };

/** Leave room after the last call to write state and report the batch outcome (a fifth of the time, at most 1.5 s). */
const SAFETY_MS = 1500;

export function budgetFrom(context: { getRemainingTimeInMillis(): number } | undefined, fallbackMs = 25_000): Budget {
  const remaining = context ? context.getRemainingTimeInMillis() : fallbackMs;
  return { deadline: Date.now() + Math.max(0, remaining - Math.min(SAFETY_MS, remaining / 5)) };
}

export type ClientOptions = { prefixUrl: string; headers: Record<string, string>; timeoutMs: number };

/** An HTTP client for one base URL; its ky instance is made on the first call. */
export type HttpClient = { readonly options: ClientOptions; instance?: KyInstance };

export function createHttpClient(options: ClientOptions): HttpClient {
  return { options };
}

async function kyOf(client: HttpClient): Promise<KyInstance> {
  if (!client.instance) {
    const { default: ky } = await loadKy();
    const { prefixUrl, headers, timeoutMs } = client.options;
    client.instance = ky.create({ prefixUrl, headers, timeout: timeoutMs, retry: 0, throwHttpErrors: true });
  }
  return client.instance;
}

export type ErrorParser = (status: number, body: unknown) => { code: string; message: string } | undefined;

/** Performs one call within the budget and returns the parsed JSON body (undefined when empty). */
export async function call<T>(
  client: HttpClient,
  path: string,
  options: Options & {
    budget: Budget;
    timeoutMs: number;
    service: string;
    parseError?: ErrorParser;
    /** Set on a POS's calls: its 401/403 is a PosAuthError (retried), where Sinqro's stays permanent. */
    posCode?: string;
    /** Reads a non-empty reply body (default JSON.parse; throws SyntaxError for a body that is not JSON). */
    parseBody?: (text: string) => unknown;
  },
): Promise<T> {
  const { budget, timeoutMs, service, parseError, posCode, parseBody = JSON.parse, ...kyOptions } = options;
  const left = budget.deadline - Date.now();
  if (left <= 0) throw new RetryableError(`${service}: time budget exhausted before ${path}`);
  const http = await kyOf(client);
  try {
    const response = await http(path, { ...kyOptions, timeout: Math.min(timeoutMs, left) });
    const text = await response.text();
    return (text ? parseBody(text) : undefined) as T;
  } catch (error) {
    throw await classify(error, service, path, parseError, posCode);
  }
}

async function classify(
  error: unknown,
  service: string,
  path: string,
  parseError?: ErrorParser,
  posCode?: string,
): Promise<Error> {
  const { HTTPError, TimeoutError } = await loadKy();
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
    if (posCode && (status === 401 || status === 403))
      return Object.assign(new PosAuthError(what, posCode), { remote });
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
