/**
 * The routes of the reference server, on web-standard Request/Response (Hono), so the same handler can run on an
 * edge runtime with another `CommentStore`. Every answer is one of the contract's bodies; never a stack trace.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { html } from 'hono/html';
import { secureHeaders } from 'hono/secure-headers';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  FIELDS,
  countCharacters,
  isCleanText,
  spamSignals,
  validateRequest,
  type CommentListAnswer,
  type CommentRequest,
  type CreatedAnswer,
  type ErrorAnswer,
  type Field,
} from '../../src/contract.js';
import { en, problemText } from '../../src/messages-late.js';
import { translator } from '../../src/messages.js';
import { rateLimitKey } from './client-address.js';
import { rateLimiter } from './rate-limit.js';
import type { Settings } from './settings.js';
import type { CommentStore } from './store.js';

const t = translator('en', en);

/** Who is sending (`client-address.ts`): the socket's address, or the trusted proxy's word for it. */
export type ClientAddress = (c: Context) => string;

const fail = (c: Context, status: 400 | 401 | 403 | 404 | 413 | 415 | 422 | 429 | 500, error: string, message: string) =>
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
const toCursor = (id: string) => Buffer.from(id).toString('base64url');
const fromCursor = (cursor: string): string | null => {
  if (!/^[\w-]{1,200}$/.test(cursor)) return null;
  const id = Buffer.from(cursor, 'base64url').toString();
  return toCursor(id) === cursor && isCleanText(id) ? id : null;
};

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
  const limiter = rateLimiter({
    count: settings.rateLimitCount,
    windowSeconds: settings.rateLimitWindowSeconds,
    maxClients: settings.rateLimitMaxClients,
  });
  const signIns = rateLimiter({
    count: settings.signInLimitCount,
    windowSeconds: settings.signInLimitWindowSeconds,
    maxClients: settings.rateLimitMaxClients,
  });
  const allowed = new Set(settings.allowedOrigins);

  app.onError((error, c) => {
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

  const corsHeaders = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST'],
    allowHeaders: ['Content-Type', 'Idempotency-Key'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
    credentials: settings.allowCredentials,
  });
  app.use('/api/*', async (c, next) => {
    const preflight = await corsHeaders(c, next);
    // Hono's cors allows credentials to every origin; only the allowed ones should hear it.
    const { headers } = preflight ?? c.res;
    if (!headers.has('Access-Control-Allow-Origin')) headers.delete('Access-Control-Allow-Credentials');
    return preflight;
  });

  app.post(
    '/api/comments',
    async (c, next) => {
      // A browser on a page we do not know never gets to post, even where CORS would not stop it.
      const origin = c.req.header('origin');
      if (origin && !allowed.has(origin)) {
        return fail(c, 403, 'origin_not_allowed', 'Comments cannot be posted from this site.');
      }
      if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
        return fail(c, 415, 'unsupported_media_type', 'Send the comment as application/json.');
      }
      const retryAfter = limiter.take(rateLimitKey(clientAddress(c)));
      if (retryAfter) {
        c.header('Retry-After', String(retryAfter));
        return c.json({ error: 'rate_limited', message: t('busy'), retryAfter }, 429);
      }
      await next();
    },
    bodyLimit({
      maxSize: settings.maxBodyBytes,
      onError: (c) => fail(c, 413, 'too_large', 'The comment is too large to send.'),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return fail(c, 400, 'invalid_json', 'The request body is not valid JSON.');
      }
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
        const message = 'This Idempotency-Key was already used for another comment; send it with a new key.';
        return fail(c, 422, 'idempotency_key_reused', message);
      }
      if (outcome.kind === 'repeated') c.header('Idempotent-Replayed', 'true');
      return c.json<CreatedAnswer>({ id: outcome.id, status: outcome.status }, 201);
    },
  );

  app.get('/api/comments', async (c) => {
    // The query is checked like a body: anything but what the contract allows is a 400, never a guess.
    const { articleId, limit = '20', before } = c.req.query();
    if (!articleId) return fail(c, 400, 'article_required', 'Name the article: ?articleId=…');
    if (articleId.length > 1000 || !isCleanText(articleId)) {
      return fail(c, 400, 'invalid_article', 'The articleId is not one an article can have.');
    }
    if (!/^[1-9]\d{0,2}$/.test(limit) || Number(limit) > 100) {
      return fail(c, 400, 'invalid_limit', 'The limit must be a whole number from 1 to 100.');
    }
    const beforeId = before === undefined ? undefined : fromCursor(before);
    const page = beforeId === null ? undefined : await store.published(articleId, Number(limit), beforeId);
    if (!page) return fail(c, 400, 'invalid_cursor', 'The before cursor is not one this server gave for this article.');
    const last = page.comments.at(-1);
    return c.json<CommentListAnswer>({ comments: page.comments, next: page.more && last ? toCursor(last.id) : null });
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
    const wait = token ? signIns.wait(client) : 0;
    if (wait) {
      c.header('Retry-After', String(wait));
      return fail(c, 429, 'too_many_attempts', `Too many wrong admin tokens from this address; try again in ${wait} s.`);
    }
    if (!token || !sameToken(token, settings.adminToken)) {
      if (token) signIns.take(client);
      c.header('WWW-Authenticate', 'Basic realm="news-comments moderation", charset="UTF-8"');
      return fail(c, 401, 'unauthorized', 'The admin token is required.');
    }
    c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    await next();
  });

  app.get('/admin/', async (c) => {
    const pending = await store.pending();
    return c.html(html`<!doctype html>
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>Moderation: ${pending.length} waiting</title>
          <style>
            body { font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; }
            article { border: 1px solid #999; border-radius: 6px; padding: 0.5rem 1rem; margin: 1rem 0; }
            p { white-space: pre-wrap; overflow-wrap: anywhere; }
            form { display: inline; }
            button { font: inherit; padding: 0.25rem 1rem; margin-right: 0.5rem; }
          </style>
        </head>
        <body>
          <h1>Comments waiting for moderation: ${pending.length}</h1>
          ${pending.length ? '' : html`<p>Nothing is waiting.</p>`}
          ${pending.map(
            (comment) => html`<article>
              <h2><bdi>${comment.title}</bdi></h2>
              <p><bdi>${comment.comment}</bdi></p>
              <small><bdi>${comment.name}</bdi> &lt;<bdi>${comment.email}</bdi>&gt; on <bdi>${comment.articleId}</bdi>,
                ${comment.createdAt}</small>
              <div>
                <form method="post" action="/admin/comments/${comment.id}/approve">
                  <button>Approve</button>
                </form>
                <form method="post" action="/admin/comments/${comment.id}/reject"><button>Reject</button></form>
              </div>
            </article>`,
          )}
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
