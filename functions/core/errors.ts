/**
 * The few named errors every part throws. Handlers turn them into HTTP answers
 * (`toErrorResponse`) or queue outcomes (retry vs. park) in one place each.
 */
export type ErrorDetail = { code: string; message: string; field?: string };

/** What a remote API (Sinqro, a POS) answered, parsed from its own error body. */
export type RemoteFailure = { service: string; status: number; code?: string; message?: string };

export abstract class BridgeError extends Error {
  abstract readonly httpStatus: number;
  abstract readonly code: string;
  readonly details: ErrorDetail[];
  /** Set when the error is a remote API's answer. */
  remote?: RemoteFailure;
  constructor(message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

export class ValidationError extends BridgeError {
  readonly httpStatus = 400;
  readonly code = 'INVALID_REQUEST';
}

export class AuthenticationError extends BridgeError {
  readonly httpStatus = 401;
  readonly code = 'INVALID_SIGNATURE';
}

export class NotFoundError extends BridgeError {
  readonly httpStatus = 404;
  readonly code: string;
  constructor(message: string, code = 'NOT_FOUND') {
    super(message);
    this.code = code;
  }
}

export class PayloadTooLargeError extends BridgeError {
  readonly httpStatus = 413;
  readonly code = 'PAYLOAD_TOO_LARGE';
}

/**
 * A secret the bridge holds is unusable as it is (e.g. an empty webhook signing key, which would let
 * anyone sign), or missing (`SECRET_MISSING`). The request is refused with 500, so the sender retries
 * once an operator fixed it.
 */
export class SecretMalformedError extends BridgeError {
  readonly httpStatus = 500;
  readonly code: 'SECRET_MALFORMED' | 'SECRET_MISSING';
  constructor(message: string, code: 'SECRET_MALFORMED' | 'SECRET_MISSING' = 'SECRET_MALFORMED') {
    super(message);
    this.code = code;
  }
}

/**
 * No secret of that name (not created, or not yet split: docs/operations.md, migration). Not a bridge
 * error: a worker or the publisher retries as for any failure that may pass once an operator creates it.
 */
export class SecretMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretMissingError';
  }
}

/** A failure that may pass if tried again later (timeouts, 5xx, 429, throttling). */
export class RetryableError extends BridgeError {
  readonly httpStatus = 503;
  readonly code = 'TEMPORARILY_UNAVAILABLE';
  readonly retryAfterMs?: number;
  constructor(message: string, opts: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message);
    this.retryAfterMs = opts.retryAfterMs;
    if (opts.cause !== undefined) this.cause = opts.cause;
  }
}

/**
 * A POS refused the bridge's credential (401/403; Square's AUTHENTICATION_ERROR codes). Retried, never
 * a failed order: an expired, revoked or mis-rotated credential fails every order of the merchant until
 * someone fixes it, and each would pass then. SQS retries it and finally parks it in the DLQ; the
 * `PosAuthFailures` metric (per POS code) raises an alarm meanwhile.
 */
export class PosAuthError extends RetryableError {
  readonly posCode: string;
  constructor(message: string, posCode: string, opts: { retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, opts);
    this.posCode = posCode;
  }
}

/** A failure that will fail the same way every time: park it with its reason, never retry forever. */
export class PermanentError extends BridgeError {
  readonly httpStatus = 422;
  readonly code: string;
  constructor(message: string, code = 'PERMANENT_FAILURE') {
    super(message);
    this.code = code;
  }
}

/**
 * A queue message whose body cannot be read (not JSON, an unknown version, not the shape of its kind):
 * reported failed like any record, so SQS parks it in the DLQ after its receives (never dropped). Names
 * the version and the failing paths, never a value of the body.
 */
export class UnreadableMessageError extends PermanentError {
  /** The body's `v`: 'none' when absent (read as version 1) or when the body is not an object. */
  readonly version: number | 'none' | 'not a number';
  /** Dot paths of what failed (`event.posOrderId`); `(body)` for the body itself; empty for JSON that does not parse. */
  readonly paths: string[];
  constructor(message: string, version: UnreadableMessageError['version'], paths: string[] = []) {
    super(message, 'UNREADABLE_MESSAGE');
    this.version = version;
    this.paths = paths;
  }
}

/** Sinqro's own error body shape, so Sinqro's connector team parses ours the same way. */
export type SinqroErrorBody = {
  errors: ErrorDetail[];
  code: string;
  message: string;
  httpResponseCode: string;
};

export function errorBody(status: number, code: string, message: string, details: ErrorDetail[] = []): SinqroErrorBody {
  const errors = details.length > 0 ? details : [{ code, message }];
  return { errors, code, message, httpResponseCode: String(status) };
}
