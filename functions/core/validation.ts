import * as v from 'valibot';
import { type ErrorDetail, ValidationError } from './errors';
import { truncate } from './text';

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
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new ValidationError(`${what} is not valid JSON`, [
      { code: 'INVALID_JSON', message: `${what} is not valid JSON` },
    ]);
  }
  // JSON.parse keeps the last of two equal keys, other parsers the first: the body would mean two things.
  const duplicate = duplicateKeyPath(raw);
  if (duplicate !== undefined) {
    const message = `${what} has the key "${truncate(duplicate, 200)}" twice`;
    throw new ValidationError(message, [{ code: 'DUPLICATE_KEY', message, field: truncate(duplicate, 200) }]);
  }
  // Half a surrogate pair can only come from an escape or a surrogate in the text: most bodies skip the walk.
  return MAY_HOLD_SURROGATE.test(raw) ? wholeCharacters(parsed, what) : parsed;
}

/** A `\uD800`–`\uDFFF` escape, or a surrogate (paired or not) written as such. */
const MAY_HOLD_SURROGATE = /\\u[dD][89a-fA-F]|[\uD800-\uDFFF]/;

/**
 * `value` (parsed JSON) if every string and key in it is whole characters; else a 400 INVALID_JSON naming
 * where: `"\ud800"` is valid JSON for half a character, refused like its UTF-8 bytes before it reaches
 * a queue or a POS.
 */
export function wholeCharacters<T>(value: T, what: string): T {
  const lone = loneSurrogatePath(value);
  if (lone === undefined) return value;
  const where = lone === '' ? '' : ` at "${truncate(lone, 200)}"`;
  const message = `${what} has half a surrogate pair${where}, which is no character`;
  throw new ValidationError(message, [
    { code: 'INVALID_JSON', message, ...(lone === '' ? {} : { field: truncate(lone, 200) }) },
  ]);
}

/** A lone surrogate; with the `u` flag a pair is one code point and does not match. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The dot path of the first string (or, for a key, of the object holding it) with a lone surrogate, or
 * undefined; '' is the root.
 */
function loneSurrogatePath(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? path.join('.') : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    if (LONE_SURROGATE.test(key)) return path.join('.');
    const found = loneSurrogatePath(child, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

// One decoder for every body; `ignoreBOM` keeps a leading BOM in the text, where JSON.parse refuses it as before.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * A request body's bytes (after its signature was checked on them) → JSON: bytes that are not valid UTF-8
 * are refused like text that is not JSON, rather than read with U+FFFD in place of what the sender wrote.
 */
export function parseJsonBytes(raw: Uint8Array, what: string, maxDepth = 32): unknown {
  return parseJson(utf8Text(raw, what), what, maxDepth);
}

/** A body's bytes as text; bytes that are not valid UTF-8 are a 400, like text that is not JSON. */
export function utf8Text(raw: Uint8Array, what: string): string {
  try {
    return strictUtf8.decode(raw);
  } catch {
    throw new ValidationError(`${what} is not valid UTF-8`, [
      { code: 'INVALID_JSON', message: `${what} is not valid UTF-8` },
    ]);
  }
}

/**
 * The dot path (`data.id`, `orderLines.0.label`) of the first key that appears twice in one object of a
 * text JSON.parse accepted, or undefined. Keys are compared as JSON.parse reads them (escapes decoded).
 */
export function duplicateKeyPath(json: string): string | undefined {
  type Frame = { keys?: Set<string>; key?: string; index: number; expectKey: boolean };
  const stack: Frame[] = [];
  const pathOf = (last: string) =>
    [...stack.slice(0, -1).map((f) => (f.keys ? (f.key as string) : String(f.index))), last].join('.');
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 123 /* { */) stack.push({ keys: new Set(), index: 0, expectKey: true });
    else if (c === 91 /* [ */) stack.push({ index: 0, expectKey: false });
    else if (c === 125 /* } */ || c === 93 /* ] */) stack.pop();
    else if (c === 44 /* , */ && top) {
      if (top.keys) top.expectKey = true;
      else top.index++;
    } else if (c === 34 /* " */) {
      const start = i;
      for (i++; json.charCodeAt(i) !== 34; i++) if (json.charCodeAt(i) === 92) i++;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(json.slice(start, i + 1)) as string;
        if (top.keys.has(key)) return pathOf(key);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
    }
  }
  return undefined;
}
