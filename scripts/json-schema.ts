/**
 * Writes dist/contract.schema.json: the JSON Schema (draft 2020-12) of the request and of every answer, for backends
 * written in other languages. Generated from the zod schemas in src/contract.ts, so it cannot drift from them.
 * Lengths are in characters as `countCharacters` counts them (grapheme clusters), which JSON Schema's `maxLength`
 * (code points) cannot say; they are given as `x-maxCharacters` and in the descriptions.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as z from 'zod/mini';
import {
  LIMITS,
  MAX_COUNT_ARTICLES,
  MAX_PAGE_SIZE,
  commentCountsAnswer,
  commentListAnswer,
  commentRequest,
  createdAnswer,
  errorAnswer,
  fieldErrorsAnswer,
  rateLimitedAnswer,
  reportAnswer,
  reportRequest,
  spamSignals,
} from '../src/contract.js';

type JsonSchema = { properties?: Record<string, Record<string, unknown>>; [key: string]: unknown };

const schema = (value: z.ZodMiniType, description: string): JsonSchema => ({
  ...(z.toJSONSchema(value, { unrepresentable: 'any', io: 'input' }) as JsonSchema),
  description,
});

const request = schema(
  z.object({ ...commentRequest().shape, ...spamSignals.shape }),
  'POST body, Content-Type: application/json. Every text field is required and must show something (not only ' +
    'whitespace or default-ignorable characters); no text may hold control characters but line breaks and tabs, ' +
    'broken surrogate pairs, or a character (grapheme cluster) longer than 64 UTF-16 code units.',
);
const limits: Record<string, number> = { ...LIMITS };
for (const [field, property] of Object.entries(request.properties ?? {})) {
  if (field in limits) {
    property['x-maxCharacters'] = limits[field];
    property.description = `At most ${limits[field]} characters (Unicode extended grapheme clusters)${
      field === 'comment' ? "; the element's max-length, 2000 by default" : ''
    }.`;
  }
}
request.properties!.email.format = 'email';
request.properties!.articleUrl.description = 'An http: or https: URL without spaces, or empty.';
request.properties!.website.description = 'Hidden from people; a request that fills it is taken for spam.';
request.properties!.elapsed.description = 'Milliseconds between the form appearing and sending; too fast is spam.';
request.properties!.articleTitle.description = "Optional: the article's title as the page shows it, for moderators.";

const list = schema(
  commentListAnswer,
  `GET ?articleId=…&limit=…&order=…&before=…: a page of the article's published comments (limit 1 to ${MAX_PAGE_SIZE}, 20 by default; order newest (default) or oldest; before = the previous page's next, to continue in the same order). Cache-Control: public, max-age=10, stale-while-revalidate=60, a strong ETag, and 304 to If-None-Match.`,
);
list.properties!.closed.description =
  'Optional, true when the article takes no new comments (a post gets 403 comments_closed); left out while it is open.';

const document = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'news-comments backend contract',
  $defs: {
    CommentRequest: request,
    Created: schema(createdAnswer, '201 (any 2xx): stored. "pending" waits for a moderator.'),
    FieldErrors: schema(fieldErrorsAnswer, '400 (any 4xx): a message per field, in words for the reader.'),
    RateLimited: schema(rateLimitedAnswer, '429, with a Retry-After header in seconds.'),
    Error: schema(
      errorAnswer,
      'Any other refusal or failure: 403 (error "comments_closed" when the article takes no new comments), 404, 413, 415, 500.',
    ),
    CommentList: list,
    CommentCounts: schema(
      commentCountsAnswer,
      `GET /counts?articleId=a&articleId=b…: published comments of each article named (1 to ${MAX_COUNT_ARTICLES}), 0 for those with none. Cached like CommentList.`,
    ),
    ReportRequest: schema(reportRequest, 'POST /{id}/reports body, Content-Type: application/json.'),
    Report: schema(
      reportAnswer,
      '201 for a first report; 200 when this reader had reported the comment before. 404 (Error) for a comment readers cannot see, 400 (FieldErrors, key "reason") for a reason not in the list.',
    ),
  },
};

mkdirSync('dist', { recursive: true });
writeFileSync('dist/contract.schema.json', `${JSON.stringify(document, null, 2)}\n`);
console.log('wrote dist/contract.schema.json');
