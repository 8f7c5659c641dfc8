/**
 * What the form needs before it can show: the fields, their limits, and how characters are counted. No zod here, so
 * the critical path stays small; `contract.ts` builds the schemas on top of this and re-exports it.
 */

/** Longest value of each field, in characters as `countCharacters` counts them. */
export const LIMITS = { title: 200, comment: 2000, name: 100, email: 254 } as const;

/** The fields a reader fills in, in the order the form shows them. */
export const FIELDS = ['title', 'comment', 'name', 'email'] as const;
export type Field = (typeof FIELDS)[number];

/**
 * The longest a character (grapheme cluster) may be, in UTF-16 code units. Real text stays far below: the longest
 * emoji ZWJ sequences (a kiss with two skin tones) take 15, tag flags 14, Indic conjuncts about 10, and Unicode's
 * Stream-Safe Text Format (UAX #15) allows 30 combining marks in a row, 62 units even if every one were astral. A
 * pile of thousands of marks on one letter (90 KB in one "character" that draws over the text around it) is refused.
 */
export const MAX_CHARACTER_UNITS = 64;

// Printable ASCII, tab and line feed: each of these characters is a grapheme cluster of its own, so the length of
// such a string is its character count. Most comments take this path and never build a segmenter.
const SINGLE_UNIT_CHARACTERS = /^[\t\n\x20-\x7e]*$/;
let segmenter: Intl.Segmenter | undefined;
// The element counts the comment as typed and again trimmed, on input and on render, and validation measures each
// field twice (length, then longest character): remembering the last two answers makes all but the first free.
const remembered: Array<[string, Measure]> = [];

/** Characters as a reader sees them, and the length of the longest in code units. */
type Measure = [count: number, longest: number];

function measure(text: string): Measure {
  if (SINGLE_UNIT_CHARACTERS.test(text)) return [text.length, 1];
  const known = remembered.find(([seen]) => seen === text);
  if (known) return known[1];
  if (!segmenter) {
    if (typeof Intl.Segmenter !== 'function') return [[...text].length, 0];
    segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  }
  const measured = measureInWindows(segmenter, text);
  if (remembered.unshift([text, measured]) > 2) remembered.pop();
  return measured;
}

/**
 * Counts characters as a reader sees them: Unicode extended grapheme clusters (UAX #29). An emoji with skin tone or
 * a ZWJ sequence, a letter with combining accents, a Devanagari conjunct and a CRLF line break each count as one.
 * Where `Intl.Segmenter` is missing (old browsers), code points are counted instead.
 */
export const countCharacters = (text: string): number => measure(text)[0];

/** Whether one character of `text` is longer than `MAX_CHARACTER_UNITS` (piled with marks). */
export const hasOverlongCharacter = (text: string): boolean => measure(text)[1] > MAX_CHARACTER_UNITS;

// Segmenting one long string costs some engines far more than its length: Node 20 took 146 ms for 30,000 code units
// and 60 s for 100,000, enough for one request to stall a server. So long text is segmented a window at a time.
const WINDOW = 4096;

/**
 * Measures the clusters of `text` a window at a time. A window's end may cut its last cluster short, or split a
 * surrogate pair into a second piece, so each window but the last gives up its last two segments, and the next
 * window starts where they began: at a cluster boundary, so the count is exactly that of the whole text.
 */
function measureInWindows(segmenter: Intl.Segmenter, text: string): Measure {
  let count = 0;
  let longest = 0;
  for (let start = 0, size = WINDOW; ; ) {
    const end = Math.min(start + size, text.length);
    const starts = Array.from(segmenter.segment(text.slice(start, end)), (segment) => segment.index);
    const last = end === text.length;
    if (!last && starts.length <= 2) {
      // One cluster longer than the window (a pile of combining marks): look further.
      size *= 2;
      continue;
    }
    const kept = last ? starts.length : starts.length - 2;
    starts.push(end - start);
    for (let i = 0; i < kept; i++) longest = Math.max(longest, starts[i + 1] - starts[i]);
    count += kept;
    if (last) return [count, longest];
    start += starts[kept];
    size = WINDOW;
  }
}
