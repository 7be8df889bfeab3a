/**
 * The error bodies of the K-Series API as the spec shows them. The Order and Pay API is a Spring service:
 * its 400s are Spring's (`{timestamp, status, error, message, path}`, with `errors[]` of field violations
 * for a body that parsed but broke a constraint, `message: "Validation failed for object='toGoOrder'. Error
 * count: 1"`), its 409 on a reused reference `{status: "fail", msg: "reference has already been used …"}`.
 * Which Spring/Jackson path a given schema violation takes (constraint violation with `errors[]`, or a JSON
 * parse error without) and the exact wording of messages are [inferred]; the shapes are the spec's.
 */
import type { ErrorObject } from 'ajv';
import { fieldOf, type Operation, type Violation } from './validator';

/** An API answer other than 200: its status, body and headers. */
export class LskHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${status}`);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Spring's timestamp as the spec's examples write it (`2023-11-07T19:15:05.043+0000`). */
export const springTimestamp = (at = new Date()) => at.toISOString().replace('Z', '+0000');

/** The spec's plain error body (`specErrorResponse`). */
export function springError(status: number, message: string, path: string): Record<string, unknown> {
  return { timestamp: springTimestamp(), status, error: REASONS[status] ?? 'Error', message, path };
}

export const httpError = (status: number, message: string, path: string) =>
  new LskHttpError(status, springError(status, message, path));

/** Bean-validation constraint of a schema keyword a bound body can break ([inferred] names: Spring's defaults). */
const CONSTRAINTS: Record<string, (e: ErrorObject) => { code: string; message: string }> = {
  required: () => ({ code: 'NotNull', message: 'must not be null' }),
  minLength: (e) => ({ code: 'Size', message: `size must be at least ${(e.params as { limit: number }).limit}` }),
  maxLength: (e) => ({ code: 'Size', message: `size must be at most ${(e.params as { limit: number }).limit}` }),
  minItems: (e) => ({ code: 'Size', message: `size must be at least ${(e.params as { limit: number }).limit}` }),
  maxItems: (e) => ({ code: 'Size', message: `size must be at most ${(e.params as { limit: number }).limit}` }),
  minimum: (e) => ({
    code: 'Min',
    message: `must be greater than or equal to ${(e.params as { limit: number }).limit}`,
  }),
  maximum: (e) => ({ code: 'Max', message: `must be less than or equal to ${(e.params as { limit: number }).limit}` }),
  pattern: (e) => ({ code: 'Pattern', message: `must match "${(e.params as { pattern: string }).pattern}"` }),
  uniqueItems: () => ({ code: 'UniqueItems', message: 'must only contain unique elements' }),
};

/** One entry of the spec's `errors[]`, for a field that broke `code`. */
export function fieldError(objectName: string, field: string, code: string, message: string) {
  const leaf = field.split('.').pop() as string;
  return {
    codes: [`${code}.${objectName}.${field}`, `${code}.${field}`, code],
    arguments: [{ codes: [`${objectName}.${field}`, field], defaultMessage: field, code: field }],
    defaultMessage: message,
    objectName,
    field: field || leaf,
    bindingFailure: false,
    code,
  };
}

/** The body-validation 400 (`specValidationErrorResponse`) for constraint violations found in a bound body. */
export function validationFailed(objectName: string, path: string, errors: ReturnType<typeof fieldError>[]) {
  return {
    ...springError(400, `Validation failed for object='${objectName}'. Error count: ${errors.length}`, path),
    errors,
  };
}

const describe = (e: ErrorObject) => `${fieldOf(e) || '(body)'} ${e.message ?? e.keyword}`;

/**
 * The 400 a request failing the spec's schema gets. A wrong type, enum value or format cannot be bound by
 * Jackson: a JSON parse error, no `errors[]`. A body that binds but breaks a constraint (required, sizes,
 * bounds, pattern): Spring's validation failure with one `errors[]` entry per violation. Parameters: Spring's
 * message for a missing or unconvertible request parameter.
 */
export function badRequest(op: Operation, path: string, violation: Violation): LskHttpError {
  if (violation.location !== 'body') {
    const first = violation.errors[0] as ErrorObject;
    const name = fieldOf(first);
    const message =
      first.keyword === 'required'
        ? `Required request parameter '${name}' is not present`
        : `Invalid request parameter: ${describe(first)}`;
    return httpError(400, message, path);
  }
  const unbindable = violation.errors.filter((e) => !CONSTRAINTS[e.keyword]);
  if (unbindable.length) return httpError(400, `JSON parse error: ${unbindable.map(describe).join('; ')}`, path);
  const objectName = op.objectName ?? 'request';
  const entries = violation.errors.map((e) => {
    const { code, message } = (CONSTRAINTS[e.keyword] as (e: ErrorObject) => { code: string; message: string })(e);
    return fieldError(objectName, fieldOf(e), code, message);
  });
  return new LskHttpError(400, validationFailed(objectName, path, entries));
}

/** The 409 of a `thirdPartyReference` already used (the spec's example: `reference has already been used 123456789`). */
export const referenceUsed = (reference: string) =>
  new LskHttpError(409, { status: 'fail', msg: `reference has already been used ${reference}` });
