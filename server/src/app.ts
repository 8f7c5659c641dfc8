/**
 * The routes of the reference server, on web-standard Request/Response (Hono), so the same handler can run on an
 * edge runtime with another `CommentStore`. Every answer is one of the contract's bodies; never a stack trace.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  COMMENT_ORDERS,
  DEFAULT_PAGE_SIZE,
  FIELDS,
  MAX_COUNT_ARTICLES,
  MAX_PAGE_SIZE,
  REPORT_REASONS,
  countCharacters,
  isArticleId,
  isCleanText,
  spamSignals,
  validateRequest,
  type CommentCountsAnswer,
  type CommentListAnswer,
  type CommentOrder,
  type CommentRequest,
  type CreatedAnswer,
  type ErrorAnswer,
  type Field,
  type ReportAnswer,
  type ReportReason,
} from '../../src/contract.js';
import { en, problemText } from '../../src/messages-late.js';
import { translator } from '../../src/messages.js';
import { rateLimitKey } from './client-address.js';
import type { Settings } from './settings.js';
import {
  StoreUnavailable,
  type CommentStore,
  type ReportedComment,
  type SharedRateLimiter,
  type StoredComment,
} from './store.js';

const t = translator('en', en);

/** The reasons as the moderation page names them. */
const REASON_TEXTS: Record<ReportReason, string> = {
  abusive: 'abusive',
  spam: 'spam',
  defamatory: 'defamatory or unlawful',
  personal: 'personal information',
  other: 'other',
};

/** Who is sending (`client-address.ts`): the socket's address, or the trusted proxy's word for it. */
export type ClientAddress = (c: Context) => string;

/** How long a client should wait before sending again while the database is out of reach. */
const UNAVAILABLE_RETRY_SECONDS = 2;

const fail = (c: Context, status: 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429 | 500 | 503, error: string, message: string) =>
  c.json<ErrorAnswer>({ error, message }, status);

const normalise = (value: string) => value.normalize('NFC').replace(/\r\n?/g, '\n').trim();

/** The request as it will be stored (normalised), or the errors to show, by field. */
function checkRequest(body: unknown, maxComment: number): { request: CommentRequest } | { errors: Record<string, string> } {
  const raw = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const request: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const key of ['articleId', 'articleUrl', ...FIELDS]) {
    const value = raw[key];
    request[key] = typeof value === 'string' ? normalise(value) : value;
  }
  const overBy = () => countCharacters(String(request.comment)) - maxComment;
  for (const [key, problem] of Object.entries(validateRequest(request, maxComment))) {
    const field = key as Field | 'articleId' | 'articleUrl';
    if (field === 'articleId' || field === 'articleUrl') {
      errors[field] = t(problem === 'invalidCharacters' ? problem : 'articleInvalid');
    } else errors[field] = problemText(t, field, problem, overBy());
  }
  return Object.keys(errors).length ? { errors } : { request: request as CommentRequest };
}

// The page cursor names the last comment shown, whose id is public anyway; it says nothing of how many there are.
// An id is at most 200 UTF-16 code units (an import may bring such), at most 600 bytes of UTF-8: 800 characters.
const toCursor = (id: string) => Buffer.from(id).toString('base64url');
const fromCursor = (cursor: string): string | null => {
  if (!/^[\w-]{1,800}$/.test(cursor)) return null;
  const id = Buffer.from(cursor, 'base64url').toString();
  return toCursor(id) === cursor && isCleanText(id) ? id : null;
};

/**
 * What a cache may do with a list or counts answer: keep it for 10 s, then serve it while asking again for a minute.
 * Within those 10 s a removed comment may still show; the ETag makes asking again cheap.
 */
const PUBLIC_CACHE = 'public, max-age=10, stale-while-revalidate=60';

/**
 * A strong ETag made of the store's revision of what the answer shows, so every process gives the same one. The
 * prefix names the answer's format: a server that changes it changes the prefix, and no cache keeps an old body.
 */
const etagOf = (revision: number) => `"1.${revision}"`;

/** Whether `If-None-Match` names `etag` (or is `*`); a weak tag matches as well, as RFC 9110 has it for GET. */
function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

// Tokens are compared as keyed digests of equal length, so the time taken says nothing of the token's length.
const digestKey = randomBytes(32);
const digest = (token: string) => createHmac('sha256', digestKey).update(token).digest();
const sameToken = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * Whether a moderation POST comes from this server's own pages, by what the browser says: `Origin` (when sent) must
 * be a well-formed origin on this host, and `Sec-Fetch-Site` (when sent) `same-origin`. `Origin: null` (a sandboxed
 * or privacy-stripped page) is no origin of ours. A request with neither header is no browser's (curl, scripts).
 * The rule of Hono's csrf middleware, which checks only form content types and answers by throwing.
 */
function fromOwnPages(c: Context): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return false;
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    return url.origin === origin && url.host === c.req.header('host');
  } catch {
    return false;
  }
}

/** The admin token from `Authorization: Bearer …` or Basic auth (any user name, the token as password). */
function presentedToken(c: Context): string | undefined {
  const header = c.req.header('authorization') ?? '';
  const [scheme, value = ''] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme)) return value;
  if (/^basic$/i.test(scheme)) return Buffer.from(value, 'base64').toString().split(':').slice(1).join(':');
  return undefined;
}

export function createApp(settings: Settings, store: CommentStore, clientAddress: ClientAddress): Hono {
  const app = new Hono();
  // Kept by the store, so that on PostgreSQL a client over the limit on one process is over it on every other.
  const limiter = store.rateLimiter('comments', {
    count: settings.rateLimitCount,
    windowSeconds: settings.rateLimitWindowSeconds,
    maxClients: settings.rateLimitMaxClients,
  });
  const signIns = store.rateLimiter('sign-ins', {
    count: settings.signInLimitCount,
    windowSeconds: settings.signInLimitWindowSeconds,
    maxClients: settings.rateLimitMaxClients,
  });
  const allowed = new Set(settings.allowedOrigins);

  app.onError((error, c) => {
    if (error instanceof StoreUnavailable) {
      // Nothing was stored, or the retry's Idempotency-Key finds what was: the element sends it again by itself.
      console.error(`news-comments: ${error.message}`);
      c.header('Retry-After', String(UNAVAILABLE_RETRY_SECONDS));
      return fail(c, 503, 'unavailable', 'The comment service is briefly unavailable. Please try again in a moment.');
    }
    console.error(error);
    return fail(c, 500, 'internal', 'The comment service had a problem. Please try again.');
  });
  app.notFound((c) => fail(c, 404, 'not_found', 'There is nothing here.'));

  app.use(
    secureHeaders({
      // The API is read from other origins (CORS decides which), and TLS with its HSTS belongs to the proxy in front.
      crossOriginResourcePolicy: false,
      strictTransportSecurity: false,
    }),
  );
  app.use(async (c, next) => {
    await next();
    // Moderation pages show emails, a POST answer is one person's, an error is of one moment: none may be kept.
    if (c.req.method === 'POST' || c.res.status >= 400 || c.req.path.startsWith('/admin')) {
      c.res.headers.set('Cache-Control', 'no-store');
    }
  });

  // CORS: the allowed origins may read every answer and post; any other gets no CORS header (and a POST from it,
  // 403 below). Written out rather than Hono's cors, which adds Vary after the answer is made (so Hono rebuilds the
  // answer around a stream: a third of the time of a list, measured) and allows credentials to every origin.
  app.use('/api/*', async (c, next) => {
    const origin = c.req.header('origin');
    const allowedOrigin = origin !== undefined && allowed.has(origin) ? origin : undefined;
    const allow = (headers: Headers) => {
      headers.append('Vary', 'Origin');
      if (!allowedOrigin) return;
      headers.set('Access-Control-Allow-Origin', allowedOrigin);
      if (settings.allowCredentials) headers.set('Access-Control-Allow-Credentials', 'true');
    };
    if (c.req.method === 'OPTIONS') {
      const preflight = c.body(null, 204, {
        'Access-Control-Allow-Methods': 'GET, POST',
        // If-None-Match: a reader that keeps its own copy of a list revalidates it.
        'Access-Control-Allow-Headers': 'Content-Type, Idempotency-Key, If-None-Match',
        'Access-Control-Max-Age': '600',
      });
      allow(preflight.headers);
      return preflight;
    }
    await next();
    allow(c.res.headers);
    if (allowedOrigin) c.res.headers.set('Access-Control-Expose-Headers', 'Retry-After, ETag');
  });

  /**
   * What every reader's POST passes before its body is read: only from allowed origins, only JSON, at most
   * `rateLimitCount` per client and window of `limiter`, at most `maxBodyBytes`. `what` names it in the answers.
   */
  const readerPost = (limiter: SharedRateLimiter, what: 'comment' | 'report') =>
    [
      async (c: Context, next: () => Promise<void>) => {
        // A browser on a page we do not know never gets to post, even where CORS would not stop it.
        const origin = c.req.header('origin');
        if (origin && !allowed.has(origin)) {
          return fail(c, 403, 'origin_not_allowed', `${what === 'comment' ? 'Comments' : 'Reports'} cannot be posted from this site.`);
        }
        if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
          return fail(c, 415, 'unsupported_media_type', `Send the ${what} as application/json.`);
        }
        const retryAfter = await limiter.take(rateLimitKey(clientAddress(c)));
        if (retryAfter) {
          c.header('Retry-After', String(retryAfter));
          const message = what === 'comment' ? t('busy') : 'Too many reports are being sent right now; wait a moment.';
          return c.json({ error: 'rate_limited', message, retryAfter }, 429);
        }
        await next();
      },
      bodyLimit({
        maxSize: settings.maxBodyBytes,
        onError: (c) => fail(c, 413, 'too_large', `The ${what} is too large to send.`),
      }),
    ] as const;

  /** The body as JSON, or `undefined` when it is not JSON. */
  const jsonBody = async (c: Context): Promise<{ body: unknown } | undefined> => {
    try {
      return { body: await c.req.json() };
    } catch {
      return undefined;
    }
  };

  app.post('/api/comments', ...readerPost(limiter, 'comment'), async (c) => {
    const parsed = await jsonBody(c);
    if (!parsed) return fail(c, 400, 'invalid_json', 'The request body is not valid JSON.');
    const { body } = parsed;
    const checked = checkRequest(body, settings.maxCommentLength);
    if ('errors' in checked) return c.json({ errors: checked.errors }, 400);
    const { request } = checked;
    const status = settings.moderation ? 'pending' : 'published';
    // Caught spam gets the answer a person would get, and is dropped: the bot learns nothing. A spam field that is
    // there but not what the element sends (`"website": true`, `"elapsed": "60000"`) is a bot's too.
    const signals = spamSignals.safeParse(body);
    const tooFast = (elapsed?: number) => elapsed !== undefined && elapsed < settings.minFillSeconds * 1000;
    if (!signals.success || signals.data.website || tooFast(signals.data.elapsed)) {
      return c.json({ id: crypto.randomUUID(), status: 'pending' }, 201);
    }
    const key = c.req.header('idempotency-key')?.trim();
    if (key !== undefined && (key.length === 0 || key.length > 200 || !isCleanText(key))) {
      return fail(c, 400, 'invalid_idempotency_key', 'The Idempotency-Key header must be 1 to 200 characters.');
    }
    const outcome = await store.create(request, status, key);
    if (outcome.kind === 'key_reused') {
      return fail(c, 422, 'idempotency_key_reused', 'This Idempotency-Key was already used for another comment; send it with a new key.');
    }
    if (outcome.kind === 'repeated') c.header('Idempotent-Replayed', 'true');
    return c.json<CreatedAnswer>({ id: outcome.id, status: outcome.status }, 201);
  });

  // Reports have their own allowance, as large as comments': reporting three comments leaves a reader's comment free.
  const reportLimiter = store.rateLimiter('reports', {
    count: settings.rateLimitCount,
    windowSeconds: settings.rateLimitWindowSeconds,
    maxClients: settings.rateLimitMaxClients,
  });
  app.post('/api/comments/:id/reports', ...readerPost(reportLimiter, 'report'), async (c) => {
    const parsed = await jsonBody(c);
    if (!parsed) return fail(c, 400, 'invalid_json', 'The request body is not valid JSON.');
    const { reason } = (parsed.body && typeof parsed.body === 'object' ? parsed.body : {}) as Record<string, unknown>;
    if (!REPORT_REASONS.includes(reason as ReportReason)) {
      return c.json({ errors: { reason: `Choose a reason: ${REPORT_REASONS.join(', ')}.` } }, 400);
    }
    const id = c.req.param('id');
    // Ids are the server's own UUIDs: text that no id can be is no comment, and not worth a query.
    const outcome =
      id.length <= 200 && isCleanText(id)
        ? // A reader is an address, and an IPv6 /64 (one subscriber's network) is one reader: otherwise anyone holding a
          // /64 could be three readers and hide any comment alone.
          await store.report(id, rateLimitKey(clientAddress(c)), reason as ReportReason, settings.reportThreshold)
        : { kind: 'not_found' as const };
    if (outcome.kind === 'not_found') return fail(c, 404, 'not_found', 'There is no such comment to report.');
    return c.json<ReportAnswer>({ status: 'received' }, outcome.kind === 'received' ? 201 : 200);
  });

  /** The article id of a query, or the 400 to answer. */
  const checkArticleId = (c: Context, articleId: string | undefined) => {
    if (!articleId) return fail(c, 400, 'article_required', 'Name the article: ?articleId=…');
    if (!isArticleId(articleId)) return fail(c, 400, 'invalid_article', 'The articleId is not one an article can have.');
    return undefined;
  };

  /** Sets the caching headers of an answer showing `revision`; its ETag is `unchanged` for the If-None-Match sent. */
  const cacheable = (c: Context, revision: number) => {
    const etag = etagOf(revision);
    c.header('ETag', etag);
    c.header('Cache-Control', PUBLIC_CACHE);
    return { unchanged: notModified(c.req.header('if-none-match'), etag) };
  };

  app.get('/api/comments', async (c) => {
    // The query is checked like a body: anything but what the contract allows is a 400, never a guess.
    const { articleId, limit = String(DEFAULT_PAGE_SIZE), order = COMMENT_ORDERS[0], before } = c.req.query();
    const refused = checkArticleId(c, articleId);
    if (refused) return refused;
    if (!/^[1-9]\d{0,2}$/.test(limit) || Number(limit) > MAX_PAGE_SIZE) {
      return fail(c, 400, 'invalid_limit', `The limit must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
    }
    if (!COMMENT_ORDERS.includes(order as CommentOrder)) {
      return fail(c, 400, 'invalid_order', `The order must be ${COMMENT_ORDERS.join(' or ')}.`);
    }
    const afterId = before === undefined ? undefined : fromCursor(before);
    const invalidCursor = () => fail(c, 400, 'invalid_cursor', 'The before cursor is not one this server gave for this article.');
    if (afterId === null) return invalidCursor();
    // The first page, which most readers ask for again, is answered from the revision alone when it has not changed;
    // a later page needs its cursor looked up anyway, so that a made-up one gets its 400 and not a 304.
    if (afterId === undefined && c.req.header('if-none-match') && cacheable(c, await store.revision([articleId])).unchanged) {
      return c.body(null, 304);
    }
    const page = await store.published(articleId, { limit: Number(limit), order: order as CommentOrder, afterId });
    if (!page) return invalidCursor();
    if (cacheable(c, page.revision).unchanged) return c.body(null, 304);
    const last = page.comments.at(-1);
    return c.json<CommentListAnswer>({ comments: page.comments, next: page.more && last ? toCursor(last.id) : null, total: page.total });
  });

  app.get('/api/comments/counts', async (c) => {
    const articleIds = c.req.queries('articleId') ?? [];
    if (!articleIds.length) return fail(c, 400, 'article_required', 'Name the articles: ?articleId=a&articleId=b…');
    if (articleIds.length > MAX_COUNT_ARTICLES) {
      return fail(c, 400, 'too_many_articles', `Ask for at most ${MAX_COUNT_ARTICLES} articles at a time.`);
    }
    if (!articleIds.every(isArticleId)) {
      return fail(c, 400, 'invalid_article', 'Each articleId must be one an article can have.');
    }
    if (c.req.header('if-none-match') && cacheable(c, await store.revision(articleIds)).unchanged) return c.body(null, 304);
    const { counts, revision } = await store.counts(articleIds);
    cacheable(c, revision);
    return c.json<CommentCountsAnswer>({ counts });
  });

  app.get('/admin', (c) => c.redirect('/admin/', 301));
  // Moderation: plain HTML behind the admin token, closed while no token is set.
  app.use('/admin/*', async (c, next) => {
    if (!settings.adminToken) return fail(c, 404, 'moderation_closed', 'Moderation is closed: set ADMIN_TOKEN.');
    // Browsers resend Basic credentials on their own, so a form posted from another site must not count; checked
    // first, so that such a post never counts as a wrong token either.
    if (c.req.method === 'POST' && !fromOwnPages(c)) {
      return fail(c, 403, 'origin_not_allowed', 'Moderate from this server’s own pages.');
    }
    const token = presentedToken(c);
    const client = rateLimitKey(clientAddress(c));
    // A client that guessed wrong too often is refused before its token is looked at, right or wrong: otherwise
    // the answer to the right one would still tell a guesser that it was right.
    const wait = token ? await signIns.wait(client) : 0;
    if (wait) {
      c.header('Retry-After', String(wait));
      return fail(c, 429, 'too_many_attempts', `Too many wrong admin tokens from this address; try again in ${wait} s.`);
    }
    if (!token || !sameToken(token, settings.adminToken)) {
      if (token) await signIns.take(client);
      c.header('WWW-Authenticate', 'Basic realm="news-comments moderation", charset="UTF-8"');
      return fail(c, 401, 'unauthorized', 'The admin token is required.');
    }
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    await next();
  });

  app.get('/admin/', async (c) => {
    const [reported, waiting] = await Promise.all([store.reported(), store.pending()]);
    const shown = new Set(reported.map((comment) => comment.id));
    const pending = waiting.filter((comment) => !shown.has(comment.id));
    const decisions = (comment: StoredComment) => html`<div>
      <form method="post" action="/admin/comments/${comment.id}/approve"><button>Approve</button></form>
      <form method="post" action="/admin/comments/${comment.id}/reject"><button>Reject</button></form>
    </div>`;
    const shownComment = (comment: StoredComment, note?: ReturnType<typeof html>) => html`<article>
      <h3><bdi>${comment.title}</bdi></h3>
      ${note ?? ''}
      <p><bdi>${comment.comment}</bdi></p>
      <small><bdi>${comment.name}</bdi> &lt;<bdi>${comment.email}</bdi>&gt; on <bdi>${comment.articleId}</bdi>,
        ${comment.createdAt}</small>
      ${decisions(comment)}
    </article>`;
    const reportsOf = (comment: ReportedComment) => {
      const readers = Object.values(comment.reports).reduce((sum, count) => sum + count, 0);
      const reasons = REPORT_REASONS.filter((reason) => comment.reports[reason]).map(
        (reason) => `${REASON_TEXTS[reason]}: ${comment.reports[reason]}`,
      );
      const state = comment.status === 'pending' ? 'hidden until you decide' : 'still published';
      return html`<p class="reports">Reported by ${readers} ${readers === 1 ? 'reader' : 'readers'} (${reasons.join(', ')}); ${state}.</p>`;
    };
    return c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Moderation: ${pending.length} waiting, ${reported.length} reported</title>
          <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; }
            article { border: 1px solid #999; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; }
            p { white-space: pre-wrap; overflow-wrap: anywhere; }
            p.reports { font-weight: bold; }
            form { display: inline; }
            button { font: inherit; padding: 0.25rem 1rem; margin-right: 0.5rem; }
          </style>
        </head>
        <body>
          <h1>Moderation</h1>
          <h2>Reported by readers: ${reported.length}</h2>
          ${reported.length
            ? html`<p>Approve keeps the comment published and clears its reports; Reject takes it down.</p>`
            : html`<p>Nothing is reported.</p>`}
          ${reported.map((comment) => shownComment(comment, reportsOf(comment)))}
          <h2>Comments waiting for moderation: ${pending.length}</h2>
          ${pending.length ? '' : html`<p>Nothing is waiting.</p>`}
          ${pending.map((comment) => shownComment(comment))}
        </body>
      </html>`);
  });

  app.post('/admin/comments/:id/:decision{approve|reject}', async (c) => {
    const found = await store.moderate(c.req.param('id'), c.req.param('decision') === 'approve' ? 'published' : 'rejected');
    if (!found) return fail(c, 404, 'not_found', 'There is no such comment.');
    return c.redirect('/admin/', 303);
  });

  return app;
}
