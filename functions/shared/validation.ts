import * as v from 'valibot';
import { type ErrorDetail, ValidationError } from './errors';

/** Parse with a schema or throw a ValidationError naming each failing field by its dot path. */
export function parseOrThrow<const S extends v.GenericSchema>(
  schema: S,
  input: unknown,
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, input, { abortPipeEarly: true });
  if (result.success) return result.output;
  const details: ErrorDetail[] = result.issues.slice(0, 10).map((issue) => {
    const field = v.getDotPath(issue) ?? undefined;
    return { code: 'INVALID_FIELD', message: field ? `${field}: ${issue.message}` : issue.message, field };
  });
  throw new ValidationError(`${what} is invalid: ${details[0]?.message ?? 'unknown reason'}`, details);
}

/** JSON.parse that turns a syntax error into a 400, and refuses absurd nesting before it costs anything. */
export function parseJson(raw: string, what: string, maxDepth = 32): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash: skip the escaped char
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > maxDepth) throw new ValidationError(`${what} is nested deeper than ${maxDepth} levels`);
    } else if (c === 125 || c === 93) depth--;
  }
  try {
    return JSON.parse(raw);
  } catch {
    throw new ValidationError(`${what} is not valid JSON`, [
      { code: 'INVALID_JSON', message: `${what} is not valid JSON` },
    ]);
  }
}
