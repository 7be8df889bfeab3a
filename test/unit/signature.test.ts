import { AuthenticationError } from '../../functions/core/errors';
import { SIGNATURE_WINDOW_SECONDS, safeEqualHex, signPayload, verifySignature } from '../../functions/infra/signature';

const NOW = 1_741_978_862;
const SECRET = 'whsec_current';
const body = () => JSON.stringify({ id: 'evt-1', type: 'order.created', sellingPointId: 5120 });
const v1Of = (header: string) => header.split(',')[1]?.slice(3) ?? '';

describe('verifySignature', () => {
  it('accepts a body signed with the same secret and returns the signing time', () => {
    const raw = body();
    expect(verifySignature(signPayload(SECRET, raw, NOW), raw, [SECRET], NOW)).toBe(NOW);
  });

  it('rejects a body changed after signing', () => {
    const header = signPayload(SECRET, body(), NOW);
    const tampered = body().replace('5120', '5121');
    expect(() => verifySignature(header, tampered, [SECRET], NOW)).toThrow(
      new AuthenticationError('signature does not match'),
    );
  });

  it('rejects a signature made with another secret', () => {
    const raw = body();
    expect(() => verifySignature(signPayload('whsec_attacker', raw, NOW), raw, [SECRET], NOW)).toThrow(
      AuthenticationError,
    );
  });

  it('rejects a signature whose timestamp was changed (the time is part of the signed text)', () => {
    const raw = body();
    const header = signPayload(SECRET, raw, NOW).replace(`t=${NOW}`, `t=${NOW + 1}`);
    expect(() => verifySignature(header, raw, [SECRET], NOW)).toThrow(
      new AuthenticationError('signature does not match'),
    );
  });

  it.each([
    ['old secret', 'whsec_old'],
    ['new secret', 'whsec_new'],
  ])('accepts the %s while both are active, so a secret rotates without downtime', (_label, signer) => {
    const raw = body();
    expect(verifySignature(signPayload(signer, raw, NOW), raw, ['whsec_old', 'whsec_new'], NOW)).toBe(NOW);
  });

  it('accepts a header carrying several v1 values when any of them matches (sender-side rotation)', () => {
    const raw = body();
    const good = v1Of(signPayload(SECRET, raw, NOW));
    const other = v1Of(signPayload('whsec_other', raw, NOW));
    expect(verifySignature(`t=${NOW},v1=${other},v1=${good}`, raw, [SECRET], NOW)).toBe(NOW);
  });

  it('accepts an upper-case hex digest', () => {
    const raw = body();
    const header = `t=${NOW},v1=${v1Of(signPayload(SECRET, raw, NOW)).toUpperCase()}`;
    expect(verifySignature(header, raw, [SECRET], NOW)).toBe(NOW);
  });

  it('accepts a signature exactly at the edge of the 300 s window', () => {
    const raw = body();
    expect(verifySignature(signPayload(SECRET, raw, NOW - SIGNATURE_WINDOW_SECONDS), raw, [SECRET], NOW)).toBe(
      NOW - 300,
    );
  });

  it('rejects a replay signed more than 300 s ago', () => {
    const raw = body();
    const header = signPayload(SECRET, raw, NOW - 301);
    expect(() => verifySignature(header, raw, [SECRET], NOW)).toThrow(
      new AuthenticationError('signature timestamp is outside the window'),
    );
  });

  it('rejects a timestamp more than 300 s in the future', () => {
    const raw = body();
    const header = signPayload(SECRET, raw, NOW + 301);
    expect(() => verifySignature(header, raw, [SECRET], NOW)).toThrow(
      new AuthenticationError('signature timestamp is outside the window'),
    );
  });

  it('verifies the exact bytes of a non-ASCII UTF-8 Buffer', () => {
    const raw = Buffer.from(JSON.stringify({ name: 'Laura Gómez', note: 'sin cebolla 🧅, ¡gracias!' }), 'utf8');
    const header = signPayload(SECRET, raw, NOW);
    expect(verifySignature(header, raw, [SECRET], NOW)).toBe(NOW);
  });

  it('gives the same signature for a string and its UTF-8 bytes', () => {
    const text = '{"name":"Gómez"}';
    expect(signPayload(SECRET, text, NOW)).toBe(signPayload(SECRET, Buffer.from(text, 'utf8'), NOW));
  });

  it('rejects a Buffer whose non-ASCII bytes were re-encoded (latin1 instead of UTF-8)', () => {
    const text = '{"name":"Gómez"}';
    const header = signPayload(SECRET, Buffer.from(text, 'utf8'), NOW);
    expect(() => verifySignature(header, Buffer.from(text, 'latin1'), [SECRET], NOW)).toThrow(AuthenticationError);
  });

  it('rejects every request when no secret is configured', () => {
    const raw = body();
    expect(() => verifySignature(signPayload(SECRET, raw, NOW), raw, [], NOW)).toThrow(AuthenticationError);
  });

  describe('malformed headers are refused as AuthenticationError (401), never a crash', () => {
    const digest = 'a'.repeat(64);
    it.each([
      ['missing', undefined],
      ['empty', ''],
      ['garbage', 'garbage'],
      ['no v1', `t=${NOW}`],
      ['no t', `v1=${digest}`],
      ['duplicate t', `t=${NOW},t=${NOW},v1=${digest}`],
      ['non-numeric t', `t=now,v1=${digest}`],
      ['negative t', `t=-1,v1=${digest}`],
      ['too long t', `t=${'9'.repeat(13)},v1=${digest}`],
      ['short v1', `t=${NOW},v1=abcd`],
      ['non-hex v1', `t=${NOW},v1=${'z'.repeat(64)}`],
      ['only commas', ',,,,'],
    ])('%s', (_label, header) => {
      expect(() => verifySignature(header, body(), [SECRET], NOW)).toThrow(AuthenticationError);
    });
  });
});

describe('verifySignature header size limit', () => {
  it('refuses a header over 1 KiB even when it carries a valid signature (no unbounded parsing)', () => {
    const raw = body();
    const header = `${signPayload(SECRET, raw, NOW)},${'x=y,'.repeat(300)}`;
    expect(() => verifySignature(header, raw, [SECRET], NOW)).toThrow(
      new AuthenticationError('signature header is malformed'),
    );
  });
});

describe('safeEqualHex', () => {
  it('is true for equal digests', () => {
    expect(safeEqualHex('ab01', 'ab01')).toBe(true);
  });

  it('is false for digests of different lengths instead of throwing', () => {
    expect(safeEqualHex('ab01', 'ab0102')).toBe(false);
  });

  it('is false for two empty strings, so an empty signature never matches', () => {
    expect(safeEqualHex('', '')).toBe(false);
  });
});
