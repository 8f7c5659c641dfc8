/**
 * A comments endpoint for the browser tests, served by the test runner itself: every test posts over real HTTP and
 * picks how the server answers by the path, `/mock/<answer>`. What each run (`?run=<id>`) received is kept, so a test
 * can count the requests the server got: `GET /mock/log?run=<id>`.
 */
const received = new Map();

const answers = {
  published: (ctx) => json(ctx, 201, { id: 'c-1', status: 'published' }),
  pending: (ctx) => json(ctx, 201, { id: 'c-2', status: 'pending' }),
  invalid: (ctx) =>
    json(ctx, 400, { errors: { email: 'This address cannot receive mail.', name: 'This name is taken.' } }),
  'invalid-article': (ctx) => json(ctx, 400, { errors: { articleId: 'Comments are closed on this article.' } }),
  'refused-with-message': (ctx) => json(ctx, 413, { error: 'too_large', message: 'The comment is too large.' }),
  'server-error': (ctx) => json(ctx, 500, { error: 'internal' }),
  'html-502': (ctx) => {
    ctx.status = 502;
    ctx.type = 'text/html';
    ctx.body = '<html><body><h1>502 Bad Gateway</h1><script>window.hacked = true</script></body></html>';
  },
  'not-json': (ctx) => {
    ctx.status = 201;
    ctx.type = 'text/plain';
    ctx.body = 'Thanks!';
  },
  'wrong-json': (ctx) => json(ctx, 200, { ok: true }),
  'rate-limited': (ctx) => {
    ctx.set('Retry-After', '20');
    json(ctx, 429, { error: 'rate_limited', retryAfter: 20 });
  },
};

function json(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'application/json';
  ctx.body = JSON.stringify(body);
}

async function readBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

export async function mockEndpoint(ctx, next) {
  if (!ctx.path.startsWith('/mock/')) return next();
  const run = ctx.query.run ?? '';
  if (ctx.method === 'GET' && ctx.path === '/mock/log') return json(ctx, 200, received.get(run) ?? []);
  if (ctx.method !== 'POST') return json(ctx, 405, { error: 'method_not_allowed' });
  const text = await readBody(ctx.req);
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  const log = received.get(run) ?? [];
  log.push({ body, contentType: ctx.get('content-type'), accept: ctx.get('accept') });
  received.set(run, log);
  // `?delay=` holds the answer back, for the "sending" state and for timeouts.
  const delay = Number(ctx.query.delay ?? 0);
  if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
  const answer = answers[ctx.path.slice('/mock/'.length)];
  if (!answer) return json(ctx, 404, { error: 'unknown mock answer' });
  answer(ctx);
}
