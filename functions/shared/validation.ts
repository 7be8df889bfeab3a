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
    const message = whatIsWrong(issue);
    return { code: 'INVALID_FIELD', message: field ? `${field}: ${message}` : message, field };
  });
  throw new ValidationError(`${what} is invalid: ${details[0]?.message ?? 'unknown reason'}`, details);
}

/**
 * What an issue expects, never what it received: valibot's own messages quote the received value, and
 * these messages go into 400 answers and logs (a phone number, a name, a secret pasted in a wrong field).
 */
function whatIsWrong(issue: v.BaseIssue<unknown>): string {
  if (issue.expected !== null) {
    // A wrong type may say which type it got; a wrong value of the right type says nothing of it.
    return issue.kind === 'schema'
      ? `expected ${issue.expected}, received ${typeOf(issue.input)}`
      : `expected ${issue.expected}`;
  }
  // The schemas' own messages (v.check's) describe the rule; valibot's default one would quote the value.
  return issue.message.includes(issue.received) ? `invalid ${issue.type}` : issue.message;
}

function typeOf(input: unknown): string {
  if (input === null) return 'null';
  if (input === undefined) return 'nothing';
  if (Array.isArray(input)) return 'an array';
  const type = typeof input;
  return type === 'object' ? 'an object' : `a ${type}`;
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
