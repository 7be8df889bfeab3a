/**
 * Shapes shared by the Square simulator's parts: Square's error envelope (OpenAPI `Error`,
 * `ErrorCategory`, `ErrorCode`), `Money`, ids and timestamps as Square writes them.
 */
import { randomBytes } from 'node:crypto';

/** OpenAPI `ErrorCategory` (the ones the simulator uses). */
export type SquareErrorCategory =
  | 'API_ERROR'
  | 'AUTHENTICATION_ERROR'
  | 'INVALID_REQUEST_ERROR'
  | 'RATE_LIMIT_ERROR'
  | 'PAYMENT_METHOD_ERROR';

/** OpenAPI `Error`: `{ category, code, detail?, field? }`. */
export type SquareErrorEntry = { category: SquareErrorCategory; code: string; detail?: string; field?: string };

/** Every Square error response is `{ errors: Error[] }` with the HTTP status carried alongside. */
export class SquareSimError extends Error {
  constructor(
    readonly status: number,
    readonly errors: SquareErrorEntry[],
  ) {
    super(errors.map((e) => `${e.code}: ${e.detail ?? ''}`).join('; '));
  }

  get body() {
    return { errors: this.errors };
  }
}

export const invalid = (code: string, detail: string, field?: string, status = 400) =>
  new SquareSimError(status, [{ category: 'INVALID_REQUEST_ERROR', code, detail, ...(field ? { field } : {}) }]);

export const notFound = (detail: string, field?: string) => invalid('NOT_FOUND', detail, field, 404);

/** The error body an injected fault answers with, by HTTP status (OpenAPI `ErrorCode` values). */
export function faultError(status: number): { errors: SquareErrorEntry[] } {
  if (status === 429)
    return { errors: [{ category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'Rate limit exceeded.' }] };
  if (status === 401 || status === 403)
    return {
      errors: [
        {
          category: 'AUTHENTICATION_ERROR',
          code: status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN',
          detail: 'This request could not be authorized.',
        },
      ],
    };
  const code =
    { 500: 'INTERNAL_SERVER_ERROR', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE', 504: 'GATEWAY_TIMEOUT' }[status] ??
    (status === 409 ? 'CONFLICT' : status === 408 ? 'REQUEST_TIMEOUT' : 'INTERNAL_SERVER_ERROR');
  const category: SquareErrorCategory = status >= 500 ? 'API_ERROR' : 'INVALID_REQUEST_ERROR';
  return { errors: [{ category, code, detail: 'Injected fault.' }] };
}

/** OpenAPI `Money`: amount in the currency's smallest unit. */
export type Money = { amount: number; currency: string };
export const money = (amount: number, currency: string): Money => ({ amount, currency });

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

/** Order and payment ids look like Square's: 27–29 base62 characters ending in `Y`-ish; only the length matters. */
export const orderId = () => `${randomFrom(BASE62, 26)}Y`;
export const paymentId = () => randomFrom(BASE62, 29);
/** Catalog object ids are 24 upper-case base32 characters. */
export const catalogId = () => randomFrom(UPPER, 24);
/** Fulfillment, line item and tender uids are 22 base62 characters. */
export const uid = () => randomFrom(BASE62, 22);

/**
 * RFC 3339 timestamps with milliseconds, strictly increasing within the process, so that
 * `begin_time` (exclusive) and `version` comparisons never tie between two edits.
 */
export class Clock {
  private last = 0;

  nowMs(): number {
    const now = Math.max(Date.now(), this.last + 1);
    this.last = now;
    return now;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }
}

/** A positive decimal quantity as Square writes it (OpenAPI `OrderLineItem.quantity`: string, ≤ 5 decimals). */
export const QUANTITY = /^(?:\d{1,7})(?:\.\d{1,5})?$/;

/** Stable JSON for comparing two requests made with one idempotency key. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
