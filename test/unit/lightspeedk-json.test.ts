/** K-Series int64 ids past 2^53 survive reading and writing exactly (json.ts). */
import fc from 'fast-check';
import { parseReplyKeepingIds, quoteLongIntegers, withBusinessLocationId } from '../../adapters/lightspeed-k/json';

test('a long integer outside strings is read as its digits; short ones, fractions and strings are left as they are', () => {
  const text =
    '{"a":9765040300495493,"b":247158188015618,"c":12.5,"d":"9765040300495493","e":[1e21,-9765040300495493]}';
  expect(parseReplyKeepingIds(text)).toEqual({
    a: '9765040300495493',
    b: 247158188015618,
    c: 12.5,
    d: '9765040300495493',
    e: [1e21, '-9765040300495493'],
  });
  expect(JSON.parse(text).a).not.toBe(9765040300495493n.toString()); // plain JSON.parse rounds it
});

test('a string holding quotes and digits is not touched', () => {
  const text = String.raw`{"note":"id \"9765040300495493\" and 12345678901234567","n":1}`;
  expect(quoteLongIntegers(text)).toBe(text);
});

/** Whether a JSON value holds a number that is written as an integer of 16 digits or more. */
const hasLongInteger = (value: unknown): boolean =>
  typeof value === 'number'
    ? Number.isInteger(value) && /^-?\d{16,}$/.test(JSON.stringify(value))
    : value !== null && typeof value === 'object' && Object.values(value).some(hasLongInteger);

test('any JSON text reads as JSON.parse reads it, and a long integer beside it as its exact digits', () => {
  fc.assert(
    fc.property(
      fc.jsonValue().filter((v) => !hasLongInteger(v)),
      fc.bigInt({ min: 2n ** 53n, max: 2n ** 63n - 1n }),
      (value, big) => {
        const text = `{"v":${JSON.stringify(value)},"id":${big}}`;
        const read = parseReplyKeepingIds(text) as { v: unknown; id: unknown };
        expect(read.id).toBe(big.toString());
        expect(JSON.stringify(read.v)).toBe(JSON.stringify(value));
      },
    ),
  );
});

test('the location id is written first, as the exact number the link holds', () => {
  const body = withBusinessLocationId('9765040300495493', { thirdPartyReference: '910001', items: [] });
  expect(body).toBe('{"businessLocationId":9765040300495493,"thirdPartyReference":"910001","items":[]}');
  expect(withBusinessLocationId('1', {})).toBe('{"businessLocationId":1}');
  expect(() => withBusinessLocationId('loc-1', {})).toThrow();
});
