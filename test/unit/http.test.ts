import { PayloadTooLargeError } from '../../functions/core/errors';
import { MAX_MESSAGE_BYTES } from '../../functions/core/limits';
import { header, json, rawBody } from '../../functions/infra/http';
import { httpEvent } from './support/fixtures';

describe('rawBody', () => {
  it('returns the UTF-8 bytes of a text body', () => {
    expect(rawBody(httpEvent({ body: 'Gómez' })).equals(Buffer.from('Gómez', 'utf8'))).toBe(true);
  });

  it('decodes a body API Gateway flagged as base64', () => {
    const bytes = Buffer.from([0x7b, 0xc3, 0xb3, 0x7d]);
    expect(rawBody(httpEvent({ body: bytes.toString('base64'), isBase64Encoded: true })).equals(bytes)).toBe(true);
  });

  it('returns no bytes for a request without a body', () => {
    expect(rawBody(httpEvent({})).length).toBe(0);
  });

  it('accepts a body of exactly the queue limit', () => {
    expect(rawBody(httpEvent({ body: 'x'.repeat(MAX_MESSAGE_BYTES) })).length).toBe(MAX_MESSAGE_BYTES);
  });

  it('refuses a body one byte over the queue limit, counting bytes rather than characters', () => {
    const body = `${'x'.repeat(MAX_MESSAGE_BYTES - 1)}ó`;
    expect(() => rawBody(httpEvent({ body }))).toThrow(PayloadTooLargeError);
  });

  it('measures a base64 body after decoding it', () => {
    const body = Buffer.alloc(MAX_MESSAGE_BYTES, 0x61).toString('base64');
    expect(rawBody(httpEvent({ body, isBase64Encoded: true })).length).toBe(MAX_MESSAGE_BYTES);
  });
});

describe('header', () => {
  it('finds a header by its lower-case name, as API Gateway v2 delivers them', () => {
    expect(header(httpEvent({ headers: { 'x-sinqro-signature': 't=1' } }), 'X-Sinqro-Signature')).toBe('t=1');
  });

  it('answers undefined for a header that is absent', () => {
    expect(header(httpEvent({}), 'x-sinqro-signature')).toBeUndefined();
  });
});

describe('json', () => {
  it('serialises the body and says it is JSON', () => {
    expect(json(202, { ok: true })).toEqual({
      statusCode: 202,
      headers: { 'content-type': 'application/json' },
      body: '{"ok":true}',
    });
  });
});
