/** truncate: a text fitted to a vendor's limit keeps whole characters and never leaves half a surrogate pair. */
import fc from 'fast-check';
import { truncate } from '../../functions/core/text';

const hasLoneSurrogate = (s: string) => /[\uD800-\uDFFF]/u.test(s);

test('a text within the limit is returned as it is', () => {
  expect(truncate('Ana 😀', 6)).toBe('Ana 😀');
  expect(truncate('', 0)).toBe('');
});

test('an emoji whose second half would fall past the limit is left out whole', () => {
  expect(truncate(`${'a'.repeat(29)}😀b`, 30)).toBe('a'.repeat(29));
});

test('a grapheme cluster is kept or left out whole: skin tone, flag, family, combining accent', () => {
  expect(truncate('ok👍🏽', 5)).toBe('ok'); // 👍 + skin tone: 4 units
  expect(truncate('go🇪🇸', 5)).toBe('go'); // two regional indicators
  expect(truncate('x👩‍👩‍👧y', 8)).toBe('x'); // three people joined by ZWJ: 8 units
  expect(truncate('cafe\u0301!', 4)).toBe('caf'); // e + combining acute
});

test('a first character longer than the limit on its own is cut between code points, not emptied', () => {
  expect(truncate('👩‍👩‍👧', 3)).toBe('👩\u200d');
});

test('without Intl.Segmenter it keeps whole code points', () => {
  const intl = Intl as { Segmenter?: unknown };
  const original = intl.Segmenter;
  intl.Segmenter = undefined;
  try {
    jest.isolateModules(() => {
      const { truncate: bare } = require('../../functions/core/text') as typeof import('../../functions/core/text');
      expect(bare(`${'a'.repeat(29)}😀b`, 30)).toBe('a'.repeat(29));
      expect(bare('ok👍🏽', 5)).toBe('ok👍');
    });
  } finally {
    intl.Segmenter = original;
  }
});

test('any text cut to any limit is a prefix, within the limit, with no lone surrogate it did not have', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat({ max: 60 }), (text, max) => {
      const cut = truncate(text, max);
      expect(text.startsWith(cut)).toBe(true);
      expect(cut.length).toBeLessThanOrEqual(max);
      expect(hasLoneSurrogate(cut)).toBe(false);
      if (text.length <= max) expect(cut).toBe(text);
    }),
  );
});
