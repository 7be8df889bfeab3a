/**
 * K-Series ids are int64 JSON numbers (`businessLocationId`, `ikentooMenuId`, …), and the spec's own
 * examples go past 2^53 (`9765040300495493`), where JSON.parse rounds them to another id. Replies and
 * webhooks are read with every long integer kept as its digits, and the one int64 the bridge sends in a
 * body (`businessLocationId`) is written as the digits it was given.
 */
import { parseJson, utf8Text } from '../../functions/core/validation';

/** Integers with this many digits or more may not survive as a JS number (2^53 has 16). */
const LONG_INTEGER_DIGITS = 16;

/**
 * `raw` with every integer token of LONG_INTEGER_DIGITS or more digits, outside strings, put in quotes:
 * the ids then arrive as strings, exactly as sent. Fractions and exponents are numbers and are left alone.
 */
export function quoteLongIntegers(raw: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < raw.length && raw.charCodeAt(i) !== 34; i++) if (raw.charCodeAt(i) === 92) i++;
      continue;
    }
    const startsNumber = c === 45 /* - */ || (c >= 48 && c <= 57);
    if (!startsNumber) continue;
    const sign = c === 45 ? 1 : 0;
    let end = i + sign;
    while (end < raw.length && isDigit(raw.charCodeAt(end))) end++;
    const digits = end - i - sign;
    // A fraction or an exponent makes it no integer: the whole number token is skipped.
    let tokenEnd = end;
    while (tokenEnd < raw.length && /[0-9.eE+-]/.test(raw[tokenEnd] as string)) tokenEnd++;
    if (digits >= LONG_INTEGER_DIGITS && tokenEnd === end) {
      out += `${raw.slice(from, i)}"${raw.slice(i, end)}"`;
      from = end;
    }
    i = tokenEnd - 1;
  }
  return from === 0 ? raw : out + raw.slice(from);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** A webhook body's bytes → value, long integers kept as digit strings; the limits of every other body. */
export function parseBodyKeepingIds(raw: Uint8Array, what: string): unknown {
  return parseJson(quoteLongIntegers(utf8Text(raw, what)), what);
}

/** A K-Series reply's text → value, long integers kept as digit strings; not JSON throws SyntaxError. */
export function parseReplyKeepingIds(text: string): unknown {
  return JSON.parse(quoteLongIntegers(text));
}

/**
 * A request body whose first member is the business location id, written as a JSON number of exactly the
 * digits the link holds (a JS number could round it), followed by the other members.
 */
export function withBusinessLocationId(businessLocationId: string, rest: Record<string, unknown>): string {
  if (!/^\d{1,19}$/.test(businessLocationId))
    throw new Error(`business location id "${businessLocationId.slice(0, 40)}" is not an int64`);
  const members = JSON.stringify(rest);
  return `{"businessLocationId":${businessLocationId}${members === '{}' ? '}' : `,${members.slice(1)}`}`;
}
