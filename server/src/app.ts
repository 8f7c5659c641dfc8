/**
 * The routes of the reference server, on web-standard Request/Response (Hono), so the same handler can run on an
 * edge runtime with another `CommentStore`. Every answer is one of the contract's bodies; never a stack trace.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
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
import { adminRoutes } from './admin/routes.js';
import { rateLimitKey } from './client-address.js';
import type { Article } from './desk-types.js';
import { ipKey } from './ip-range.js';
import { TRUST_WINDOW_MS, isClosed, verdict, type Verdict } from './moderation.js';
import type { Settings } from './settings.js';
import { StoreUnavailable, type CommentStore, type SharedRateLimiter } from './store.js';

const t = translator('en', en);

/** What the server does besides answering: `commentQueued` wakes the webhook outbox. */
export interface AppHooks {
  alertQueued?: () => void;
}

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
  for (const key of ['articleId', 'articleUrl', 'articleTitle', ...FIELDS]) {
    const value = raw[key];
    request[key] = typeof value === 'string' ? normalise(value) : value;
  }
  const overBy = () => countCharacters(String(request.comment)) - maxComment;
  for (const [key, problem] of Object.entries(validateRequest(request, maxComment))) {
    const field = key as Field | 'articleId' | 'articleUrl' | 'articleTitle';
    if (field === 'articleId' || field === 'articleUrl' || field === 'articleTitle') {
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

/**
 * The ETag of an answer that shows `revision`, and whether the article is closed: a list answer changes when its
 * article closes on its own (CLOSE_AFTER_DAYS), with no write to move the revision.
 */
/** First pages kept in memory: at most about 20 comments of 2 KB each, so a few tens of MB at the very worst. */
const FIRST_PAGES_KEPT = 500;

const listEtag = (revision: number, closed: boolean) => (closed ? `"1.${revision}.closed"` : etagOf(revision));

/** What the rejection or hold says in the desk, for the rules that decided it. */
function verdictReason(decided: Verdict): string | undefined {
  switch (decided.because) {
    case 'blocked':
      return 'Blocked sender';
    case 'reject_word':
      return `Word list: “${decided.word}”`;
    case 'hold_word':
      return `Held for the word “${decided.word}”`;
    case 'link':
      return 'Held for a link';
    default:
      return undefined;
  }
}

export function createApp(settings: Settings, store: CommentStore, clientAddress: ClientAddress, hooks: AppHooks = {}): Hono {
  const app = new Hono();
  // Kept by the store, so that on PostgreSQL a client over the limit on one process is over it on every other.
  const limiter = store.rateLimiter('comments', {
    count: settings.rateLimitCount,
    windowSeconds: settings.rateLimitWindowSeconds,
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
      // The desk sets a Referrer-Policy of its own (admin/routes.ts); the defaults are for every other answer.
      overwrite: false,
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
        onError: (c) => {
          // The rest of the body may still be on its way: the connection cannot carry another request after it.
          c.header('Connection', 'close');
          return fail(c, 413, 'too_large', `The ${what} is too large to send.`);
        },
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

  /** `TRUST_AFTER` published comments in six months, none rejected in them. */
  const trusted = async (email: string) => {
    const { approved, rejected } = await store.senderHistory(email, new Date(Date.now() - TRUST_WINDOW_MS).toISOString());
    return approved >= settings.trustAfter && rejected === 0;
  };

  app.post('/api/comments', ...readerPost(limiter, 'comment'), async (c) => {
    const parsed = await jsonBody(c);
    if (!parsed) return fail(c, 400, 'invalid_json', 'The request body is not valid JSON.');
    const { body } = parsed;
    const checked = checkRequest(body, settings.maxCommentLength);
    if ('errors' in checked) return c.json({ errors: checked.errors }, 400);
    const { request } = checked;
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
    if (isClosed(await store.article(request.articleId), settings.closeAfterDays)) {
      return fail(c, 403, 'comments_closed', 'Comments are closed on this article.');
    }
    const ip = clientAddress(c);
    const decided = verdict(request, await store.wordLists(), {
      blocked: await store.isBlocked(request.email, ipKey(ip)),
      trusted: settings.trustAfter > 0 && (await trusted(request.email)),
      moderation: settings.moderation,
    });
    const userAgent = (c.req.header('user-agent') ?? '').replace(/[\0-\x1f\x7f-\x9f]/g, '').slice(0, 500);
    const outcome = await store.create(request, decided.status, key, {
      sender: settings.senderRecordDays > 0 ? { ip, userAgent } : undefined,
      alert: !!settings.webhookUrl,
      reason: verdictReason(decided),
      answer: decided.answer,
    });
    if (outcome.kind === 'created' && decided.status === 'pending') hooks.alertQueued?.();
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
          await store.report(id, rateLimitKey(clientAddress(c)), reason as ReportReason, settings.reportThreshold, {
            alert: !!settings.webhookUrl,
          })
        : { kind: 'not_found' as const };
    if (outcome.kind === 'received') hooks.alertQueued?.();
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
  /** First pages of lists as last made, by article, order and limit, with the ETag they were made for. */
  const firstPages = new Map<string, { etag: string; body: string }>();
  const cacheable = (c: Context, revision: number, etag = etagOf(revision)) => {
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
    // The first page, which most readers ask for again, is answered from the article's row alone when it has not
    // changed (its revision, and whether it is closed); a later page needs its cursor looked up anyway, so that a
    // made-up one gets its 400 and not a 304.
    let article: Article | undefined = await store.article(articleId);
    const closedNow = (state?: Article) => isClosed(state, settings.closeAfterDays);
    const pageKey = afterId === undefined ? `${articleId}\u0000${order}\u0000${limit}` : undefined;
    if (pageKey !== undefined) {
      const revision = article?.revision ?? 0;
      const etag = listEtag(revision, closedNow(article));
      if (cacheable(c, revision, etag).unchanged) return c.body(null, 304);
      // The same first page for every reader of a busy article: made once per revision, then served from memory.
      // The revision is read from the database on every request, so every process serves what is stored now.
      const made = firstPages.get(pageKey);
      if (made?.etag === etag) return c.body(made.body, 200, { 'Content-Type': 'application/json' });
    }
    const page = await store.published(articleId, { limit: Number(limit), order: order as CommentOrder, afterId });
    if (!page) return invalidCursor();
    // Closing or opening moves the revision: if it moved since, the article's state is read again to match the page.
    if ((article?.revision ?? 0) !== page.revision) article = await store.article(articleId);
    const closed = closedNow(article);
    if (cacheable(c, page.revision, listEtag(page.revision, closed)).unchanged) return c.body(null, 304);
    const last = page.comments.at(-1);
    const answer: CommentListAnswer = {
      comments: page.comments,
      next: page.more && last ? toCursor(last.id) : null,
      total: page.total,
      ...(closed ? { closed } : {}),
    };
    const body = JSON.stringify(answer);
    if (pageKey !== undefined) {
      firstPages.delete(pageKey);
      firstPages.set(pageKey, { etag: listEtag(page.revision, closed), body });
      // The oldest made page goes first: a bounded memory, whatever the number of articles.
      if (firstPages.size > FIRST_PAGES_KEPT) firstPages.delete(firstPages.keys().next().value!);
    }
    return c.body(body, 200, { 'Content-Type': 'application/json' });
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
  app.route('/', adminRoutes(settings, store, clientAddress));

  return app;
}
