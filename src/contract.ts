/**
 * The wire contract between the element and any comments backend: what is sent, what may come back, the limits, and
 * how characters are counted. The element and the reference server both import this module, so they can never
 * disagree on what is valid or how long a comment is.
 */
import * as z from 'zod/mini';
import { LIMITS, countCharacters, hasOverlongCharacter, type Field } from './characters.js';

export {
  FIELDS,
  LIMITS,
  MAX_CHARACTER_UNITS,
  countCharacters,
  hasOverlongCharacter,
  type Field,
} from './characters.js';

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
    /** Optional: the article's title as the page shows it, so that moderators see which article a comment is on. */
    articleTitle: z.optional(z.string().check(z.maxLength(1000), clean)),
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
/**
 * `GET ?articleId=…&limit=…&order=…&before=…`: a page of an article's published comments in the `order` asked for,
 * `newest` first by default, and how many it has published in all.
 */
export const commentListAnswer = /* @__PURE__ */ z.object({
  comments: z.array(publishedComment),
  /** Pass as `before` to continue in the same order (older for `newest`, newer for `oldest`); `null` at the end. */
  next: z.nullable(z.string()),
  /** The article's published comments, on every page; 0 for an article nobody has commented on. */
  total: z.number(),
  /** Optional: `true` when the article takes no new comments (a post would get 403 `comments_closed`). */
  closed: z.optional(z.boolean()),
});
export type CommentListAnswer = z.infer<typeof commentListAnswer>;

/** The orders `GET ?order=` takes; the first is the default. */
export const COMMENT_ORDERS = ['newest', 'oldest'] as const;
export type CommentOrder = (typeof COMMENT_ORDERS)[number];

/** Most comments a page may ask for (`limit`), and what it gets without asking. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** Most article ids one `GET …/counts` may name. */
export const MAX_COUNT_ARTICLES = 100;

/** An id an article can have: 1 to 1000 code units of clean text, as the request's `articleId`. */
export const isArticleId = (value: string) => value.length >= 1 && value.length <= 1000 && isCleanText(value);

/** `GET …/counts?articleId=a&articleId=b`: the published comments of each article named, 0 for those with none. */
export const commentCountsAnswer = /* @__PURE__ */ z.object({ counts: z.record(z.string(), z.number()) });
export type CommentCountsAnswer = z.infer<typeof commentCountsAnswer>;

/**
 * Why a reader reports a comment: abusive, spam, defamatory or unlawful, personal information (someone's address,
 * phone, health…), or something else.
 */
export const REPORT_REASONS = ['abusive', 'spam', 'defamatory', 'personal', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** `POST …/{id}/reports`, as `application/json`. */
export const reportRequest = /* @__PURE__ */ z.object({ reason: z.enum(REPORT_REASONS) });
export type ReportRequest = z.infer<typeof reportRequest>;

/** 201 for a first report, 200 when this reader had reported the comment before: either way, it is on record. */
export const reportAnswer = /* @__PURE__ */ z.object({ status: z.literal('received') });
export type ReportAnswer = z.infer<typeof reportAnswer>;

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
