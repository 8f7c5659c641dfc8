/**
 * The moderation desk under `/admin`: the sign-in form, the desk's page and files, and the JSON API the desk is a
 * client of (README, "The admin API"). A moderator signs in with name and password and gets a session cookie;
 * automation sends `ADMIN_TOKEN` as a bearer token, which is never taken from a cookie. Every answer is one of the
 * contract's bodies; every state-changing request must come from the desk's own pages or from no browser at all.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isArticleId, isCleanText, isVisibleText, type ErrorAnswer } from '../../../src/contract.js';
import { isSessionToken, newSessionToken, tokenDigest, verifyPassword } from '../auth.js';
import { rateLimitKey } from '../client-address.js';
import { QUEUES, type DeskQuery, type Queue, type Role, type WordLists } from '../desk-types.js';
import { ipRange } from '../ip-range.js';
import { isClosed } from '../moderation.js';
import type { Settings } from '../settings.js';
import type { CommentStore } from '../store.js';

/** Who is acting: a signed-in moderator, or automation with the admin token. */
export interface Actor {
  name: string;
  role: Role;
  /** The digest of the session's token; none for the admin token. */
  session?: string;
}

/** How the admin token's actions are named in the audit trail; no moderator can be named so (no spaces allowed). */
export const TOKEN_ACTOR = 'automation (ADMIN_TOKEN)';

/** How long after a decision its moderator may still undo it. The desk offers it for ten seconds. */
export const UNDO_SECONDS = 60;

/** Most comments one approve or reject may name; the desk's page is at most 100. */
export const MAX_BULK = 100;
const MAX_REASON = 500;
const MAX_WORD = 100;
const MAX_WORDS = 1000;
const MAX_QUERY = 200;

type Env = { Variables: { actor: Actor } };
type Status = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429;

const fail = (c: Context, status: Status, error: string, message: string) => c.json<ErrorAnswer>({ error, message }, status);
const fieldErrors = (c: Context, errors: Record<string, string>) => c.json({ errors }, 400);

/** A body over `maxSize` is refused, on a connection closed after: the rest of the body may still be arriving. */
const limitBody = (maxSize: number, what: string) =>
  bodyLimit({
    maxSize,
    onError: (c) => {
      c.header('Connection', 'close');
      return fail(c, 413, 'too_large', `The ${what} is too large.`);
    },
  });

// The desk's files, read once: they are part of the server, not uploads.
const asset = (name: string) => readFileSync(new URL(name, import.meta.url), 'utf8');
// A Map, not an object: a name such as `__proto__` must find nothing.
const ASSETS = new Map([
  ['desk.js', { body: asset('./desk.js'), type: 'text/javascript; charset=utf-8' }],
  ['desk.css', { body: asset('./desk.css'), type: 'text/css; charset=utf-8' }],
  ['desk.svg', { body: asset('./desk.svg'), type: 'image/svg+xml' }],
]);
const DESK_PAGE = asset('./desk.html');

/**
 * The desk's pages run only our own files: no inline script or style, nothing from elsewhere, no framing, forms
 * posted only here.
 */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

// Tokens are compared as keyed digests of equal length, so the time taken says nothing of the token's length.
const digestKey = randomBytes(32);
const keyed = (token: string) => createHmac('sha256', digestKey).update(token).digest();
const sameToken = (given: string, expected: string) => timingSafeEqual(keyed(given), keyed(expected));

/**
 * Whether a request comes from this server's own pages, by what the browser says: `Origin` (when sent) must be a
 * well-formed origin on this host, and `Sec-Fetch-Site` (when sent) `same-origin`. `Origin: null` (a sandboxed or
 * privacy-stripped page) is no origin of ours. The rule of Hono's csrf middleware, which checks only form content
 * types and answers by throwing.
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

/** A request some browser sent: it says where from. Tools (curl, scripts) send neither header. */
const fromBrowser = (c: Context) => c.req.header('origin') !== undefined || c.req.header('sec-fetch-site') !== undefined;

const isEmail = (value: string) => value.length <= 254 && isCleanText(value) && /^[^\s@]+@[^\s@]+$/.test(value);
const isCommentId = (value: string) => value.length >= 1 && value.length <= 200 && isCleanText(value);
const changesState = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method);

/** The JSON body of an API request, or the answer refusing it. */
async function jsonBody(c: Context): Promise<{ body: Record<string, unknown> } | { refused: Response }> {
  if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
    return { refused: fail(c, 415, 'unsupported_media_type', 'Send the request as application/json.') };
  }
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    return { refused: fail(c, 400, 'invalid_json', 'The request body is not valid JSON.') };
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    return { refused: fail(c, 400, 'invalid_json', 'The request body must be a JSON object.') };
  }
  return { body: body as Record<string, unknown> };
}

/** Text a moderator typed for a reason or a word: trimmed, NFC, clean, at most `max` code points. */
function text(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  const normal = value.normalize('NFC').trim();
  return isCleanText(normal) && [...normal].length <= max ? normal : undefined;
}

/** The desk's routes, all under `/admin`; mount with `app.route('/', …)`. */
export function adminRoutes(settings: Settings, store: CommentStore, clientAddress: (c: Context) => string): Hono<Env> {
  const admin = new Hono<Env>();
  // Kept by the store: on PostgreSQL, a client held back on one process is held back on all.
  const signIns = store.rateLimiter('sign-ins', {
    count: settings.signInLimitCount,
    windowSeconds: settings.signInLimitWindowSeconds,
    maxClients: settings.rateLimitMaxClients,
  });
  let open = !!settings.adminToken;

  const https = (c: Context) =>
    new URL(c.req.url).protocol === 'https:' ||
    (settings.trustProxy > 0 && c.req.header('x-forwarded-proto')?.split(',').at(-1)?.trim().toLowerCase() === 'https');
  // Behind HTTPS the cookie is Secure and `__Host-`: no other site of the domain can set or overwrite it.
  const cookieOf = (c: Context) =>
    https(c) ? { name: '__Host-desk_session', secure: true, path: '/' } : { name: 'desk_session', secure: false, path: '/admin' };

  /** The moderator whose session cookie came with the request, if the session is alive. */
  const sessionOf = async (c: Context): Promise<Actor | undefined> => {
    const token = getCookie(c, cookieOf(c).name);
    if (!token || !isSessionToken(token)) return undefined;
    const time = Date.now();
    const digest = tokenDigest(token);
    const moderator = await store.session(
      digest,
      new Date(time - settings.sessionHours * 3600_000).toISOString(),
      new Date(time - settings.sessionIdleMinutes * 60_000).toISOString(),
    );
    return moderator && { name: moderator.name, role: moderator.role, session: digest };
  };

  /** Refused for too many failed tries from this client: the seconds to wait, else 0. */
  const tooMany = (c: Context) => signIns.wait(rateLimitKey(clientAddress(c)));
  const failedTry = async (c: Context) => void (await signIns.take(rateLimitKey(clientAddress(c))));

  admin.use('/admin/*', async (c, next) => {
    // Closed until someone can get in: no admin token and no moderator account yet.
    if (!open) open = (await store.moderators()).length > 0;
    if (!open) {
      return fail(c, 404, 'moderation_closed', 'Moderation is closed: add a moderator (npm run moderator -- add NAME) or set ADMIN_TOKEN.');
    }
    c.header('Content-Security-Policy', CSP);
    // Links to articles do not tell their sites where the desk is. Not no-referrer: with it, browsers send
    // `Origin: null` on the desk's own forms, which the origin check must refuse.
    c.header('Referrer-Policy', 'same-origin');
    if (changesState(c.req.method) && !fromOwnPages(c)) {
      return fail(c, 403, 'origin_not_allowed', 'Moderate from this server’s own pages.');
    }
    await next();
  });

  admin.get('/admin/assets/:name', (c) => {
    const file = ASSETS.get(c.req.param('name'));
    if (!file) return fail(c, 404, 'not_found', 'There is nothing here.');
    return c.body(file.body, 200, { 'Content-Type': file.type });
  });

  const signInPage = (message?: string, name = '') => html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${message ? 'Sign-in failed: ' : ''}Moderation desk</title>
        <link rel="stylesheet" href="/admin/assets/desk.css" />
        <link rel="icon" href="/admin/assets/desk.svg" />
      </head>
      <body class="sign-in">
        <main>
          <h1>Moderation desk</h1>
          ${message ? html`<p class="problem" role="alert" id="problem">${message}</p>` : ''}
          <form method="post" action="/admin/sign-in">
            <label for="name">Name</label>
            <input id="name" name="name" autocomplete="username" required maxlength="64" value="${name}"
              ${message ? html`aria-describedby="problem"` : ''} ${name ? '' : html`autofocus`} />
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1000"
              ${message ? html`aria-describedby="problem"` : ''} ${name ? html`autofocus` : ''} />
            <button>Sign in</button>
          </form>
        </main>
      </body>
    </html>`;

  admin.get('/admin/', async (c) => {
    if (await sessionOf(c)) return c.html(DESK_PAGE);
    return c.html(signInPage());
  });

  admin.post(
    '/admin/sign-in',
    limitBody(8_000, 'sign-in form'),
    async (c) => {
      const wait = await tooMany(c);
      if (wait) {
        c.header('Retry-After', String(wait));
        return c.html(signInPage(`Too many failed sign-ins from this address; try again in ${Math.ceil(wait / 60)} min.`), 429);
      }
      if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
        return fail(c, 415, 'unsupported_media_type', 'Send the sign-in form as application/x-www-form-urlencoded.');
      }
      const form = await c.req.parseBody();
      const name = typeof form.name === 'string' ? form.name.normalize('NFC').trim() : '';
      const password = typeof form.password === 'string' ? form.password : '';
      const moderator = name.length <= 64 && password.length <= 4000 ? await store.moderator(name) : undefined;
      // Checked even for an unknown name, against a decoy: the time taken does not tell which names exist.
      const right = await verifyPassword(password, moderator?.passwordHash);
      if (!moderator || !right) {
        await failedTry(c);
        return c.html(signInPage('Wrong name or password.', name.slice(0, 64)), 401);
      }
      // Always a new session, whatever cookie came: a session id planted before sign-in is never promoted.
      const previous = getCookie(c, cookieOf(c).name);
      if (previous && isSessionToken(previous)) await store.deleteSession(tokenDigest(previous));
      const token = newSessionToken();
      await store.createSession(tokenDigest(token), moderator);
      const { name: cookie, secure, path } = cookieOf(c);
      setCookie(c, cookie, token, { httpOnly: true, sameSite: 'Strict', secure, path, maxAge: Math.round(settings.sessionHours * 3600) });
      return c.redirect('/admin/', 303);
    },
  );

  admin.post('/admin/sign-out', async (c) => {
    const session = await sessionOf(c);
    if (session?.session) await store.deleteSession(session.session);
    const { name, secure, path } = cookieOf(c);
    deleteCookie(c, name, { secure, path, httpOnly: true, sameSite: 'Strict' });
    return c.redirect('/admin/', 303);
  });

  // The API: a moderator's session, or the admin token as a bearer token.
  admin.use(
    '/admin/api/*',
    limitBody(256_000, 'request'),
    async (c, next) => {
      const authorization = c.req.header('authorization');
      if (authorization !== undefined) {
        const [scheme, token = ''] = authorization.split(' ', 2);
        // A client that guessed wrong too often is refused before its token is looked at, right or wrong: otherwise
        // the answer to the right one would still tell a guesser that it was right.
        const wait = await tooMany(c);
        if (wait) {
          c.header('Retry-After', String(wait));
          return fail(c, 429, 'too_many_attempts', `Too many failed sign-ins from this address; try again in ${wait} s.`);
        }
        if (!/^bearer$/i.test(scheme) || !settings.adminToken || !sameToken(token, settings.adminToken)) {
          await failedTry(c);
          c.header('WWW-Authenticate', 'Bearer realm="news-comments moderation"');
          return fail(c, 401, 'unauthorized', 'The admin token is wrong.');
        }
        c.set('actor', { name: TOKEN_ACTOR, role: 'admin' });
        return next();
      }
      const session = await sessionOf(c);
      if (!session) {
        c.header('WWW-Authenticate', 'Bearer realm="news-comments moderation"');
        return fail(c, 401, 'unauthorized', 'Sign in first: your session has ended, or you were never signed in.');
      }
      // A cookie comes with requests by itself: a change made with one must show where it comes from. SameSite
      // keeps other sites' requests from carrying it; this keeps out anything that is not a browser's.
      if (changesState(c.req.method) && !fromBrowser(c)) {
        return fail(c, 403, 'origin_not_allowed', 'Send changes from the desk, or with the admin token.');
      }
      c.set('actor', session);
      return next();
    },
  );

  const adminOnly = (c: Context<Env>) =>
    c.get('actor').role === 'admin' ? undefined : fail(c, 403, 'forbidden', 'Only admins may do this.');

  admin.get('/admin/api/me', (c) => {
    const { name, role } = c.get('actor');
    return c.json({ name, role });
  });

  admin.get('/admin/api/queues', async (c) => c.json(await store.queueCounts()));

  admin.get('/admin/api/comments', async (c) => {
    const { queue = 'pending', q, articleId, cursor, order = 'newest', limit = '20' } = c.req.query();
    const errors: Record<string, string> = {};
    if (!QUEUES.includes(queue as Queue)) errors.queue = `The queue must be one of ${QUEUES.join(', ')}.`;
    const search = q?.normalize('NFC').trim();
    if (search !== undefined && (!isCleanText(search) || search.length > MAX_QUERY)) {
      errors.q = `The search must be at most ${MAX_QUERY} characters of text.`;
    }
    if (articleId !== undefined && !isArticleId(articleId)) errors.articleId = 'The articleId is not one an article can have.';
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) errors.cursor = 'The cursor is not one this server gave.';
    if (order !== 'newest' && order !== 'oldest') errors.order = 'The order must be newest or oldest.';
    if (!/^[1-9]\d{0,2}$/.test(limit) || Number(limit) > 100) errors.limit = 'The limit must be a whole number from 1 to 100.';
    if (Object.keys(errors).length) return fieldErrors(c, errors);
    const query: DeskQuery = { queue: queue as Queue, order: order as DeskQuery['order'], limit: Number(limit) };
    if (search) query.q = search;
    if (articleId !== undefined) query.articleId = articleId;
    if (cursor !== undefined) query.cursor = Number(cursor);
    return c.json(await store.deskComments(query));
  });

  admin.post('/admin/api/comments/:decision{approve|reject}', async (c) => {
    const parsed = await jsonBody(c);
    if ('refused' in parsed) return parsed.refused;
    const { ids, reason } = parsed.body;
    const errors: Record<string, string> = {};
    if (!Array.isArray(ids) || ids.length < 1 || ids.length > MAX_BULK || !ids.every((id) => typeof id === 'string' && isCommentId(id))) {
      errors.ids = `Name 1 to ${MAX_BULK} comments by their ids.`;
    }
    const givenReason = reason === undefined || reason === null ? undefined : text(reason, MAX_REASON);
    if (reason !== undefined && reason !== null && givenReason === undefined) {
      errors.reason = `The reason must be text of at most ${MAX_REASON} characters.`;
    }
    if (Object.keys(errors).length) return fieldErrors(c, errors);
    const decision = c.req.param('decision') as 'approve' | 'reject';
    const outcome = await store.decide(ids as string[], decision, givenReason || undefined, c.get('actor').name);
    if (outcome.kind === 'missing') {
      return c.json({ error: 'not_found', message: 'Some of these comments do not exist; nothing was changed.', ids: outcome.ids }, 404);
    }
    return c.json({ action: outcome.actionId, comments: outcome.comments });
  });

  admin.post('/admin/api/actions/:id/undo', async (c) => {
    const id = c.req.param('id');
    if (!/^[\w-]{1,64}$/.test(id)) return fail(c, 404, 'not_found', 'There is no such action of yours to undo.');
    const since = new Date(Date.now() - UNDO_SECONDS * 1000).toISOString();
    const outcome = await store.undo(id, c.get('actor').name, since);
    switch (outcome.kind) {
      case 'not_found':
        return fail(c, 404, 'not_found', 'There is no such action of yours to undo.');
      case 'too_late':
        return fail(c, 409, 'too_late', `An action can be undone for ${UNDO_SECONDS} seconds.`);
      case 'changed':
        return c.json({ error: 'changed', message: 'Someone decided on these comments since; nothing was undone.', ids: outcome.ids }, 409);
      default:
        return c.json({ action: outcome.actionId, comments: outcome.comments });
    }
  });

  admin.get('/admin/api/comments/:id/sender', async (c) => {
    const refused = adminOnly(c);
    if (refused) return refused;
    const id = c.req.param('id');
    const record = isCommentId(id) ? await store.exportSender(id, c.get('actor').name) : 'no_comment';
    if (record === 'no_comment') return fail(c, 404, 'not_found', 'There is no such comment.');
    if (!record) return fail(c, 404, 'sender_record_gone', `The sender record was erased (they are kept ${settings.senderRecordDays} days).`);
    return c.json(record);
  });

  admin.get('/admin/api/blocks', async (c) => c.json({ blocks: await store.blocks() }));

  admin.post('/admin/api/blocks', async (c) => {
    const parsed = await jsonBody(c);
    if ('refused' in parsed) return parsed.refused;
    const { email, ip } = parsed.body;
    if ((email === undefined) === (ip === undefined)) return fieldErrors(c, { email: 'Give an email or an ip, one of them.' });
    if (email !== undefined) {
      const value = typeof email === 'string' ? email.normalize('NFC').trim().toLowerCase() : '';
      if (!isEmail(value)) return fieldErrors(c, { email: 'Give an email address like name@example.com.' });
      return c.json({ block: await store.addBlock({ kind: 'email', value }, c.get('actor').name) }, 201);
    }
    const range = typeof ip === 'string' && ip.length <= 100 ? ipRange(ip) : { problem: 'Give an IP address, or a prefix such as 203.0.113.0/24.' };
    if ('problem' in range) return fieldErrors(c, { ip: range.problem });
    return c.json({ block: await store.addBlock({ kind: 'ip', ...range }, c.get('actor').name) }, 201);
  });

  admin.delete('/admin/api/blocks/:id', async (c) => {
    const id = c.req.param('id');
    const removed = /^\d{1,15}$/.test(id) && (await store.removeBlock(Number(id), c.get('actor').name));
    if (!removed) return fail(c, 404, 'not_found', 'There is no such block.');
    return c.body(null, 204);
  });

  admin.get('/admin/api/word-lists', async (c) => c.json(await store.wordLists()));

  admin.put('/admin/api/word-lists', async (c) => {
    const parsed = await jsonBody(c);
    if ('refused' in parsed) return parsed.refused;
    const errors: Record<string, string> = {};
    const lists: WordLists = { reject: [], hold: [], holdLinks: false };
    for (const list of ['reject', 'hold'] as const) {
      const words = parsed.body[list];
      const checked = Array.isArray(words) ? words.map((word) => text(word, MAX_WORD)) : [];
      if (!Array.isArray(words) || words.length > MAX_WORDS || checked.some((word) => word === undefined || !isVisibleText(word))) {
        errors[list] = `A list of at most ${MAX_WORDS} words or phrases, each 1 to ${MAX_WORD} characters.`;
      } else lists[list] = [...new Set(checked as string[])];
    }
    if (typeof parsed.body.holdLinks !== 'boolean') errors.holdLinks = 'holdLinks must be true or false.';
    else lists.holdLinks = parsed.body.holdLinks;
    if (Object.keys(errors).length) return fieldErrors(c, errors);
    await store.setWordLists(lists, c.get('actor').name);
    return c.json(await store.wordLists());
  });

  const readerEmail = (c: Context) => {
    const email = c.req.query('email')?.normalize('NFC').trim();
    return email && isEmail(email) ? email : undefined;
  };

  admin.get('/admin/api/readers', async (c) => {
    const refused = adminOnly(c);
    if (refused) return refused;
    const email = readerEmail(c);
    if (!email) return fieldErrors(c, { email: 'Give the reader’s email address: ?email=…' });
    c.header('Content-Disposition', 'attachment; filename="reader-data.json"');
    return c.json(await store.exportReader(email, c.get('actor').name));
  });

  admin.delete('/admin/api/readers', async (c) => {
    const refused = adminOnly(c);
    if (refused) return refused;
    const email = readerEmail(c);
    const mode = c.req.query('mode');
    const errors: Record<string, string> = {};
    if (!email) errors.email = 'Give the reader’s email address: ?email=…';
    if (mode !== 'remove' && mode !== 'anonymise') errors.mode = 'The mode must be remove or anonymise.';
    if (Object.keys(errors).length) return fieldErrors(c, errors);
    const count = await store.eraseReader(email!, mode as 'remove' | 'anonymise', c.get('actor').name);
    return c.json({ mode, comments: count });
  });

  admin.get('/admin/api/audit', async (c) => {
    const refused = adminOnly(c);
    if (refused) return refused;
    const { cursor, limit = '50' } = c.req.query();
    const errors: Record<string, string> = {};
    if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) errors.cursor = 'The cursor is not one this server gave.';
    if (!/^[1-9]\d{0,2}$/.test(limit) || Number(limit) > 200) errors.limit = 'The limit must be a whole number from 1 to 200.';
    if (Object.keys(errors).length) return fieldErrors(c, errors);
    return c.json(await store.audit({ limit: Number(limit), cursor: cursor === undefined ? undefined : Number(cursor) }));
  });

  const articleAnswer = (article: NonNullable<Awaited<ReturnType<CommentStore['article']>>>) => {
    const closesAt =
      article.state === null && settings.closeAfterDays > 0 && article.firstCommentAt
        ? new Date(Date.parse(article.firstCommentAt) + settings.closeAfterDays * 86_400_000).toISOString()
        : null;
    const { revision: _, ...shown } = article;
    return { ...shown, closed: isClosed(article, settings.closeAfterDays), closesAt };
  };

  admin.get('/admin/api/articles', async (c) => {
    const q = c.req.query('q')?.normalize('NFC').trim();
    if (q !== undefined && (!isCleanText(q) || q.length > MAX_QUERY)) {
      return fieldErrors(c, { q: `The search must be at most ${MAX_QUERY} characters of text.` });
    }
    return c.json({ articles: (await store.articles({ q, limit: 50 })).map(articleAnswer) });
  });

  admin.post('/admin/api/articles/:state{close|open}', async (c) => {
    const parsed = await jsonBody(c);
    if ('refused' in parsed) return parsed.refused;
    const { articleId } = parsed.body;
    if (typeof articleId !== 'string' || !isArticleId(articleId)) {
      return fieldErrors(c, { articleId: 'The articleId is not one an article can have.' });
    }
    const state = c.req.param('state') === 'close' ? 'closed' : 'open';
    await store.setArticleState(articleId, state, c.get('actor').name);
    return c.json({ article: articleAnswer((await store.article(articleId))!) });
  });

  admin.all('/admin/api/*', (c) => fail(c, 404, 'not_found', 'There is no such admin API route.'));

  return admin;
}
