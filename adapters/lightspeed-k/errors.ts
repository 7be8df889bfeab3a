/** K-Series error bodies → the code and message the bridge records (never the request's data). */
import * as v from 'valibot';
import { truncate } from '../../functions/core/text';
import type { ErrorParser } from '../../functions/infra/outbound';
import { LskErrorBodySchema } from './api';

/**
 * 400 `{timestamp, status, error, message, errors[], path}` (the `error` title is the code), 409
 * `{status: "fail", msg}`, 503 `{status, timestamp, message, apiSubExceptions}`; OAuth's `{error, error_description}`.
 */
export const parseLskError: ErrorParser = (status, body) => {
  const parsed = v.safeParse(LskErrorBodySchema, body);
  if (!parsed.success) return undefined;
  const b = parsed.output;
  const description = (body as { error_description?: unknown }).error_description;
  const message = b.message ?? b.msg ?? (typeof description === 'string' ? description : undefined);
  const code = b.error ?? (typeof b.status === 'string' ? b.status : undefined) ?? `HTTP_${status}`;
  return message === undefined && b.error === undefined
    ? undefined
    : { code: truncate(code.replace(/\s+/g, '_').toUpperCase(), 64), message: truncate(message ?? code, 300) };
};
