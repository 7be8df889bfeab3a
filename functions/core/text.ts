/**
 * Fitting a text into a vendor's length limit without cutting a character in half. The limit is
 * counted in UTF-16 code units (JavaScript's `length`): a text within it is within the same number of
 * code points too, so it fits whichever of the two the vendor counts.
 */

/** A secret's or reply's field when it is a non-empty string, else undefined. */
export const nonEmptyText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

let segmenter: Intl.Segmenter | undefined | null;

/** Built on first use; null where the runtime has no Intl.Segmenter (then whole code points are kept). */
function graphemes(): Intl.Segmenter | null {
  if (segmenter === undefined)
    segmenter =
      typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;
  return segmenter;
}

/** The longest run of whole code points from the start that fits in `max` UTF-16 units. */
function byCodePoints(text: string, max: number): string {
  let end = 0;
  for (const char of text) {
    if (end + char.length > max) break;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * `text` cut to at most `max` UTF-16 units, at the end of a whole user-perceived character (grapheme
 * cluster: an emoji with its skin tone, a flag, a letter with its accents). A first character longer
 * than `max` on its own is cut between its code points instead, so the result is empty only if `max` is 0.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const clusters = graphemes();
  if (!clusters) return byCodePoints(text, max);
  let end = 0;
  for (const { segment } of clusters.segment(text)) {
    if (end + segment.length > max) break;
    end += segment.length;
  }
  return end > 0 ? text.slice(0, end) : byCodePoints(text, max);
}
