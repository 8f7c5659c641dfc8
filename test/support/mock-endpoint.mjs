/**
 * A comments endpoint for the browser tests, served by the test runner itself: every test posts over real HTTP and
 * chooses how the server answers by the path. `/mock/<answer>` answers every request alike; `/mock/<a>,<b>,<c>`
 * answers the first request of a run with `a`, the second with `b`, and every later one with `c`. `<answer>@<ms>`
 * holds that answer back, as `?delay=<ms>` does for all of them.
 *
 * Like a real server it stores what it answers 2xx for, once per `Idempotency-Key`, and replays the first answer to
 * a repeated key. `GET /mock/log?run=<id>` tells a test what its run (`?run=<id>`) received and stored; any other GET
 * answers an empty list of comments.
 */
const runs = new Map();

const run = (id) => {
  if (!runs.has(id)) runs.set(id, { requests: [], stored: new Map() });
  return runs.get(id);
};

const json = (status, body, headers = {}) => ({ status, type: 'application/json', body: JSON.stringify(body), headers });
const created = (status) => ({ created: status });

const answers = {
  published: () => created('published'),
  pending: () => created('pending'),
  invalid: () => json(400, { errors: { email: 'This address cannot receive mail.', name: 'This name is taken.' } }),
  closed: () => json(403, { error: 'comments_closed', message: 'Comments are closed on this article.' }),
  'invalid-article': () => json(400, { errors: { articleId: 'Comments are closed on this article.' } }),
  'refused-with-message': () => json(413, { error: 'too_large', message: 'The comment is too large.' }),
  'hostile-message': () => json(403, { error: 'x', message: '<img src=x onerror="window.hacked=true">Blocked' }),
  'server-error': () => json(500, { error: 'internal' }),
  'html-502': () => ({
    status: 502,
    type: 'text/html',
    body: '<html><body><h1>502 Bad Gateway</h1><script>window.hacked = true</script></body></html>',
  }),
  'unavailable-briefly': () => json(503, { error: 'unavailable' }, { 'Retry-After': '1' }),
  // A 2xx is stored, whatever its body says.
  'not-json': () => ({ created: 'pending', status: 201, type: 'text/plain', body: 'Thanks!' }),
  'wrong-json': () => ({ created: 'pending', ...json(200, { ok: true }) }),
  'rate-limited': () => json(429, { error: 'rate_limited', retryAfter: 600 }, { 'Retry-After': '600' }),
  'rate-limited-briefly': () => json(429, { error: 'rate_limited', retryAfter: 1 }, { 'Retry-After': '1' }),
  reset: () => ({ reset: true }),
};

/** Lists a broken or hostile server might send: a total that is no number of comments. */
const brokenComment = { id: 'c-1', articleId: 'a', title: 'T', comment: 'Hello', name: 'Asha', createdAt: '2026-01-01T00:00:00.000Z' };
const brokenLists = {
  'negative-total': { comments: [brokenComment], next: null, total: -5 },
  'fractional-total': { comments: [brokenComment], next: null, total: 2.5 },
  'huge-total': { comments: [brokenComment], next: null, total: 1.7976931348623157e308 },
  // Not broken: an article that takes no new comments.
  closed: { comments: [], next: null, total: 0, closed: true },
};

async function readBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

export async function mockEndpoint(ctx, next) {
  if (!ctx.path.startsWith('/mock/')) return next();
  const state = run(ctx.query.run ?? '');
  if (ctx.method === 'GET' && ctx.path === '/mock/log') {
    ctx.type = 'application/json';
    ctx.body = JSON.stringify({ requests: state.requests, stored: state.stored.size });
    return;
  }
  if (ctx.method === 'GET') {
    // The list under the form: this mock publishes nothing (the list's tests use the reference server), except the
    // broken lists of `/mock/list-<name>`.
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(brokenLists[ctx.path.slice('/mock/list-'.length)] ?? { comments: [], next: null, total: 0 });
    return;
  }
  if (ctx.method !== 'POST') {
    ctx.status = 405;
    return;
  }
  const text = await readBody(ctx.req);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const key = ctx.get('idempotency-key');
  state.requests.push({ body, contentType: ctx.get('content-type'), accept: ctx.get('accept'), idempotencyKey: key });
  const sequence = ctx.path.slice('/mock/'.length).split(',');
  const [name, heldBack] = sequence[Math.min(state.requests.length, sequence.length) - 1].split('@');
  const delay = Number(heldBack ?? ctx.query.delay ?? 0);
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
  const answer = answers[name]?.();
  if (!answer) {
    ctx.status = 404;
    return;
  }
  if (answer.reset) {
    ctx.req.socket.destroy();
    return;
  }
  if (answer.created) {
    const id = key || `no-key-${state.requests.length}`;
    if (!state.stored.has(id)) state.stored.set(id, { id: `c-${state.stored.size + 1}`, status: answer.created });
    if (!answer.body) Object.assign(answer, json(201, state.stored.get(id)));
  }
  ctx.status = answer.status;
  ctx.type = answer.type;
  for (const [header, value] of Object.entries(answer.headers ?? {})) ctx.set(header, value);
  ctx.body = answer.body;
}
