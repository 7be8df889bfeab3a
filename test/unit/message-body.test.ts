/** toMessageBody: whatever text a message holds, its body is one SQS takes, and it reads back unchanged. */
import fc from 'fast-check';
import { toMessageBody } from '../../functions/infra/queue';

/** Outside what SQS takes in a body: #x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD, #x10000–#x10FFFF. */
const NOT_IN_A_MESSAGE = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

test('any text, U+FFFF, U+FFFE, controls and lone surrogates included, makes a body SQS takes and reads back as it was', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('\uFFFF', '\uFFFE', '\u0000', ''),
      (text, odd) => {
        const message = { type: 'x', data: { [`k${odd}`]: `${text}${odd}${text}` } };
        const body = toMessageBody(message);
        expect(NOT_IN_A_MESSAGE.test(body)).toBe(false);
        expect(JSON.parse(body)).toEqual(message);
      },
    ),
  );
});
