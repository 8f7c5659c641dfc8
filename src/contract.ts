/**
 * The wire contract between the element and any comments backend: what is sent, what may come back, the limits, and
 * how characters are counted. The element and the reference server both import this module, so they can never
 * disagree on what is valid or how long a comment is.
 */
import * as z from 'zod/mini';

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

/**
 * Keys of the validation messages. A field's first failing rule names it; the element looks the key up in its
 * messages, the reference server answers with the English text.
 */
export type ValidationKey = `${Field}${'Required' | 'TooLong' | 'Invalid'}` | 'invalidCharacters' | 'tooManyMarks';

// Line breaks and tabs are text; every other control character (C0, DEL, C1) and half of a surrogate pair is not.
const CONTROL_CHARACTERS = /[\0-\x08\v\f\x0e-\x1f\x7f-\x9f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Text a reader could have typed: no control characters but line breaks and tabs, no broken surrogate pairs. */
export const isCleanText = (value: string) => !CONTROL_CHARACTERS.test(value) && !LONE_SURROGATE.test(value);

// Whitespace, and what Unicode says a renderer may ignore (zero-width spaces and joiners, bidi marks and isolates,
// the word joiner, byte order marks, variation selectors, Hangul fillers, tags): a field of only these draws nothing.
// U+2800 BRAILLE PATTERN BLANK is not among them, but shows as blank and is the favourite of "empty" names.
const INVISIBLE_ONLY = /^[\s\p{DI}\u2800]*$/u;

/** Whether `value` shows anything at all. */
export const isVisibleText = (value: string) => !INVISIBLE_ONLY.test(value);

/** An article's address as a browser writes it: http(s), with a host and no spaces; or nothing. */
const ARTICLE_URL = /^(https?:\/\/[^\s/?#]+\S*)?$/i;

// zod's "practical" email pattern, written out: reaching it through `z.regexes` would bundle every zod pattern.
const EMAIL = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;

const clean = z.refine<string>(isCleanText, 'invalidCharacters');
const filled = (field: Field) => z.refine<string>(isVisibleText, `${field}Required`);
const unpiled = z.refine<string>((value) => !hasOverlongCharacter(value), 'tooManyMarks');
const atMost = (field: Field, limit: number) =>
  z.refine<string>((value) => countCharacters(value) <= limit, `${field}TooLong`);
const text = (field: Field, limit: number) =>
  z.string(`${field}Required`).check(filled(field), clean, unpiled, atMost(field, limit));

/** The request body: `POST` to the endpoint as `application/json`. `maxComment` is the publisher's `max-length`. */
export const commentRequest = (maxComment: number = LIMITS.comment) =>
  z.object({
    articleId: z.string().check(z.minLength(1), z.maxLength(1000), clean),
    articleUrl: z.string().check(z.maxLength(4000), clean, z.regex(ARTICLE_URL, 'articleInvalid')),
    title: text('title', LIMITS.title),
    comment: text('comment', maxComment),
    name: text('name', LIMITS.name),
    email: text('email', LIMITS.email).check(z.regex(EMAIL, 'emailInvalid')),
  });
export type CommentRequest = z.infer<ReturnType<typeof commentRequest>>;

/** 201 (or any 2xx): the comment was stored. `pending` means it waits for a moderator. */
export const createdAnswer = z.object({ id: z.string(), status: z.enum(['published', 'pending']) });
export type CreatedAnswer = z.infer<typeof createdAnswer>;

/** 400 (or another 4xx): what is wrong with each field, in words a reader understands. */
export const fieldErrorsAnswer = z.object({ errors: z.record(z.string(), z.string()) });
export type FieldErrorsAnswer = z.infer<typeof fieldErrorsAnswer>;

// The answers below are used by servers and the JSON Schema; the element reads only `message` and `Retry-After`
// from them, so they are marked pure and left out of its bundle.

/**
 * Spam signals the element adds to the request, both optional: `website`, a field hidden from people that only bots
 * fill in, and `elapsed`, the milliseconds between the form's first render and sending.
 */
export const spamSignals = /* @__PURE__ */ z.object({
  website: z.optional(z.string()),
  elapsed: z.optional(z.number()),
});

/** Any other refusal or failure (403, 404, 413, 415, 429, 500…): a code for programs and a sentence for people. */
export const errorAnswer = /* @__PURE__ */ z.object({ error: z.string(), message: z.string() });
export type ErrorAnswer = z.infer<typeof errorAnswer>;

/** 429: too many comments from one client; also sent as the `Retry-After` header, in seconds. */
export const rateLimitedAnswer = /* @__PURE__ */ z.object({
  error: z.literal('rate_limited'),
  message: z.string(),
  retryAfter: z.number(),
});

/** `GET ?articleId=…`: the published comments of an article, newest first. Emails are never listed. */
export const publishedComment = /* @__PURE__ */ z.object({
  id: z.string(),
  articleId: z.string(),
  title: z.string(),
  comment: z.string(),
  name: z.string(),
  createdAt: z.string(),
});
export type PublishedComment = z.infer<typeof publishedComment>;
export const commentListAnswer = /* @__PURE__ */ z.object({
  comments: z.array(publishedComment),
  /** Pass as `before` to get the next, older page; `null` on the last page. */
  next: z.nullable(z.string()),
});
export type CommentListAnswer = z.infer<typeof commentListAnswer>;

const schemas = new Map<number, ReturnType<typeof commentRequest>>();

/**
 * Checks a request as the element and the server both do. Returns the first problem of each field as a message key;
 * an empty object means the request is valid.
 */
export function validateRequest(request: unknown, maxComment: number = LIMITS.comment): Partial<Record<keyof CommentRequest, string>> {
  // The element validates on every keystroke: building the schema each time would cost more than checking.
  let schema = schemas.get(maxComment);
  if (!schema) schemas.set(maxComment, (schema = commentRequest(maxComment)));
  const result = schema.safeParse(request);
  const problems: Partial<Record<keyof CommentRequest, string>> = {};
  for (const issue of result.error?.issues ?? []) {
    const field = issue.path[0] as keyof CommentRequest;
    problems[field] ??= issue.message;
  }
  return problems;
}
