/**
 * Timestamped HMAC signatures: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`.
 * Used by Sinqro's deliveries to the bridge and by the reference POS contract's webhooks.
 * Several active secrets are accepted so a secret can be rotated without downtime.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../core/errors';

export const SIGNATURE_WINDOW_SECONDS = 300;

export function signPayload(
  secret: string,
  rawBody: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): string {
  return `t=${nowSeconds},v1=${hmacHex(secret, nowSeconds, rawBody)}`;
}

function hmacHex(secret: string, t: number | string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest('hex');
}

/** Constant-time compare of two hex digests (length checked first: timingSafeEqual throws on unequal lengths). */
export function safeEqualHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/** Throws AuthenticationError unless one of `secrets` signed `rawBody` within the window. Returns the signed time. */
export function verifySignature(
  header: string | undefined,
  rawBody: string | Buffer,
  secrets: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
  windowSeconds = SIGNATURE_WINDOW_SECONDS,
): number {
  if (!header) throw new AuthenticationError('signature header is missing');
  if (header.length > 1024) throw new AuthenticationError('signature header is malformed');
  let t: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined) throw new AuthenticationError('signature header is malformed');
      t = value;
    } else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) candidates.push(value.toLowerCase());
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || candidates.length === 0) {
    throw new AuthenticationError('signature header is malformed');
  }
  const signedAt = Number(t);
  if (Math.abs(nowSeconds - signedAt) > windowSeconds)
    throw new AuthenticationError('signature timestamp is outside the window');
  for (const secret of secrets) {
    const expected = hmacHex(secret, t, rawBody);
    if (candidates.some((c) => safeEqualHex(c, expected))) return signedAt;
  }
  throw new AuthenticationError('signature does not match');
}
