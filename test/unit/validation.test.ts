import fc from 'fast-check';
import * as v from 'valibot';
import { ValidationError } from '../../functions/core/errors';
import { SinqroEventSchema } from '../../functions/core/sinqro-schemas';
import { duplicateKeyPath, parseJson, parseJsonBytes, parseOrThrow } from '../../functions/core/validation';
import { envelope, setPath } from './support/fixtures';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseOrThrow', () => {
  it('returns the parsed output when the input is valid', () => {
    expect(parseOrThrow(v.object({ n: v.number() }), { n: 1 }, 'thing')).toEqual({ n: 1 });
  });

  it('throws a ValidationError whose detail names the failing field by its dot path', () => {
    const input = setPath(envelope('order.created'), 'data.orderLines.1.quantity', -3);
    const error = caught(() => parseOrThrow(SinqroEventSchema, input, 'event'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details[0]).toMatchObject({
      code: 'INVALID_FIELD',
      field: 'data.orderLines.1.quantity',
    });
  });

  it('puts what was parsed and the failing field in the message, for the sender to read', () => {
    const input = envelope('order.cancelled', { sellingPointId: 'x' });
    expect(() => parseOrThrow(SinqroEventSchema, input, 'event')).toThrow(/^event is invalid: sellingPointId: /);
  });

  it('never quotes the value it received, in the message or the details (it may be personal data or a secret)', () => {
    const schema = v.object({
      phone: v.nullable(v.string()),
      name: v.pipe(v.string(), v.minLength(30)),
      code: v.picklist(['a', 'b']),
      at: v.pipe(v.string(), v.regex(/^\d{4}-/)),
      n: v.pipe(v.number(), v.minValue(0)),
    });
    const input = { phone: 34611222333, name: 'Laura Gómez', code: 'hunter2-secret', at: 'tomorrow-ish', n: -271828 };
    const error = caught(() => parseOrThrow(schema, input, 'thing')) as ValidationError;
    expect(error.details.map((d) => d.field)).toEqual(['phone', 'name', 'code', 'at', 'n']);
    const written = JSON.stringify([error.message, error.details]);
    for (const value of ['34611222333', 'Laura', 'hunter2', 'tomorrow', '271828']) expect(written).not.toContain(value);
    expect(error.details[0]?.message).toBe('phone: expected string, received a number');
  });

  it('reports at most ten failing fields so a hostile body cannot make the answer huge', () => {
    const schema = v.object(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, v.number()])));
    const error = caught(() => parseOrThrow(schema, {}, 'thing')) as ValidationError;
    expect(error.details).toHaveLength(10);
  });

  it('answers a failure at the root without a field name', () => {
    const error = caught(() => parseOrThrow(v.object({}), 'text', 'thing')) as ValidationError;
    expect(error.details[0]?.field).toBeUndefined();
  });
});

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a":[1,{"b":"c"}]}', 'body')).toEqual({ a: [1, { b: 'c' }] });
  });

  it('turns a syntax error into a ValidationError (a 400, not a 500)', () => {
    const error = caught(() => parseJson('{"a":', 'event body'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details[0]?.code).toBe('INVALID_JSON');
  });

  it('rejects nesting deeper than the limit before parsing it', () => {
    const deep = `${'['.repeat(33)}${']'.repeat(33)}`;
    expect(() => parseJson(deep, 'body')).toThrow(new ValidationError('body is nested deeper than 32 levels'));
  });

  it('accepts nesting exactly at the limit', () => {
    const atLimit = `${'['.repeat(32)}${']'.repeat(32)}`;
    expect(() => parseJson(atLimit, 'body')).not.toThrow();
  });

  it('does not count brackets inside strings as nesting', () => {
    const text = JSON.stringify({ note: '['.repeat(100) });
    expect(parseJson(text, 'body')).toEqual({ note: '['.repeat(100) });
  });

  it('does not end a string at an escaped quote when counting depth', () => {
    const text = JSON.stringify({ note: `\\"${'{'.repeat(40)}` });
    expect(parseJson(text, 'body')).toEqual({ note: `\\"${'{'.repeat(40)}` });
  });

  it('rejects deep nesting even when the brackets are objects', () => {
    const deep = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    expect(() => parseJson(deep, 'body')).toThrow(ValidationError);
  });
});

describe('parseJson: duplicate keys', () => {
  it('refuses a key twice in one object, naming it by its dot path', () => {
    const error = caught(() => parseJson('{"id":"e","data":{"id":1,"lines":[{"a":1},{"a":2,"a":3}],"id":2}}', 'body'));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual([
      { code: 'DUPLICATE_KEY', message: 'body has the key "data.lines.1.a" twice', field: 'data.lines.1.a' },
    ]);
  });

  it('compares keys as decoded, so an escaped spelling of the same key is a duplicate', () => {
    expect(duplicateKeyPath('{"type":"order.created","t\\u0079pe":"order.cancelled"}')).toBe('type');
  });

  it('accepts the same key in sibling objects and in an object and its child', () => {
    expect(duplicateKeyPath('{"a":{"a":1},"b":[{"a":1},{"a":2}],"c":"\\"a\\":1,\\"a\\":2"}')).toBeUndefined();
  });

  it('finds a duplicate key wherever fast-check puts one, and none in what JSON.stringify writes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'grapheme', maxLength: 8 }), (value, key) => {
        const text = JSON.stringify(value);
        expect(duplicateKeyPath(text)).toBeUndefined();
        const k = JSON.stringify(key);
        const twice = `{"x":${text},${k}:1,"y":[${text}],${k}:2}`;
        expect(duplicateKeyPath(twice)).toBe(key);
      }),
    );
  });
});

describe('parseJson: lone surrogates', () => {
  it('refuses a \\u escape of half a surrogate pair in a value or a key, naming where, as the bytes of one are refused', () => {
    for (const [text, field] of [
      ['{"note":"ab\\ud83d"}', 'note'],
      ['{"lines":[{"label":"\\ude00x"}]}', 'lines.0.label'],
      ['{"a":{"\\udfff":1}}', 'a'],
      ['["\\ud83d\\ud83d\\ude00"]', '0'],
    ]) {
      const error = caught(() => parseJson(text as string, 'body')) as ValidationError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.details).toEqual([expect.objectContaining({ code: 'INVALID_JSON', field })]);
    }
  });

  it('reads an escaped surrogate pair as the one character it spells', () => {
    expect(parseJson('{"note":"\\ud83d\\ude00"}', 'body')).toEqual({ note: '😀' });
  });
});

describe('parseJsonBytes', () => {
  it('reads UTF-8 bytes, multi-byte characters included', () => {
    expect(parseJsonBytes(Buffer.from('{"note":"caf\u00e9 😀"}'), 'body')).toEqual({ note: 'café 😀' });
  });

  it('refuses bytes that are not UTF-8 as INVALID_JSON, instead of reading U+FFFD into the body', () => {
    for (const bad of [[0xc3, 0x28], [0xff], [0xed, 0xa0, 0x80] /* an encoded surrogate */, [0xe2, 0x82]]) {
      const raw = Buffer.concat([Buffer.from('{"note":"'), Buffer.from(bad), Buffer.from('"}')]);
      const error = caught(() => parseJsonBytes(raw, 'body'));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details[0]?.code).toBe('INVALID_JSON');
    }
  });

  it('still refuses a body that starts with a byte order mark, as JSON.parse did', () => {
    const raw = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]);
    expect((caught(() => parseJsonBytes(raw, 'body')) as ValidationError).details[0]?.code).toBe('INVALID_JSON');
  });
});
