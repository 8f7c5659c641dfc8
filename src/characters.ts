/**
 * What the form needs before it can show: the fields, their limits, and how characters are counted. No zod here, so
 * the critical path stays small; `contract.ts` builds the schemas on top of this and re-exports it.
 */

/** Longest value of each field, in characters as `countCharacters` counts them. */
export const LIMITS = { title: 200, comment: 2000, name: 100, email: 254 } as const;

/** The fields a reader fills in, in the order the form shows them. */
export const FIELDS = ['title', 'comment', 'name', 'email'] as const;
export type Field = (typeof FIELDS)[number];

// Printable ASCII, tab and line feed: each of these characters is a grapheme cluster of its own, so the length of
// such a string is its character count. Most comments take this path and never build a segmenter.
const SINGLE_UNIT_CHARACTERS = /^[\t\n\x20-\x7e]*$/;
let segmenter: Intl.Segmenter | undefined;
// The element counts the comment as typed and again trimmed, on input and on render: remembering the last two
// answers makes all but the first two counts of a keystroke free.
const remembered: Array<[string, number]> = [];

/**
 * Counts characters as a reader sees them: Unicode extended grapheme clusters (UAX #29). An emoji with skin tone or
 * a ZWJ sequence, a letter with combining accents, a Devanagari conjunct and a CRLF line break each count as one.
 * Where `Intl.Segmenter` is missing (old browsers), code points are counted instead.
 */
export function countCharacters(text: string): number {
  if (SINGLE_UNIT_CHARACTERS.test(text)) return text.length;
  const known = remembered.find(([seen]) => seen === text);
  if (known) return known[1];
  if (!segmenter) {
    if (typeof Intl.Segmenter !== 'function') return [...text].length;
    segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  }
  const count = countInWindows(segmenter, text);
  if (remembered.unshift([text, count]) > 2) remembered.pop();
  return count;
}

// Segmenting one long string costs some engines far more than its length: Node 20 took 146 ms for 30,000 code units
// and 60 s for 100,000, enough for one request to stall a server. So long text is segmented a window at a time.
const WINDOW = 4096;

/**
 * Counts the clusters of `text` a window at a time. A window's end may cut its last cluster short, or split a
 * surrogate pair into a second piece, so each window but the last gives up its last two segments, and the next
 * window starts where they began: at a cluster boundary, so the count is exactly that of the whole text.
 */
function countInWindows(segmenter: Intl.Segmenter, text: string): number {
  let count = 0;
  for (let start = 0, size = WINDOW; ; ) {
    const end = start + size;
    const starts = Array.from(segmenter.segment(text.slice(start, end)), (segment) => segment.index);
    if (end >= text.length) return count + starts.length;
    if (starts.length > 2) {
      count += starts.length - 2;
      start += starts[starts.length - 2];
      size = WINDOW;
    } else {
      // One cluster longer than the window (a pile of combining marks): look further.
      size *= 2;
    }
  }
}
