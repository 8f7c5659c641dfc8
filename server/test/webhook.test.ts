import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { settingsFromEnvironment } from '../src/settings.js';
import { backoffMs } from '../src/outbox.js';
import { post, posted, report, testServer, validComment, type TestServer } from './support.js';

const SECRET = 'webhook-secret-of-the-site';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** The newsroom's receiver: it answers each alert with the next of `statuses` (200 once they run out). */
async function receiver(statuses: number[] = []) {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/alerts`, received, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** How a receiver checks an alert: the HMAC-SHA256 of "timestamp.body" with the shared secret. */
function signedCorrectly({ headers, body }: Received): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(`${headers['x-news-comments-timestamp']}.${body}`).digest('hex')}`;
  const given = String(headers['x-news-comments-signature']);
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

const waitFor = async (check: () => boolean, what: string) => {
  for (const deadline = Date.now() + 8_000; Date.now() < deadline; ) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`still waiting for ${what}`);
};

describe('alerts to the newsroom (WEBHOOK_URL)', () => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  let server: TestServer;
  before(async () => {
    hook = await receiver();
    server = await testServer({ webhookUrl: hook.url, webhookSecret: SECRET, webhookRetrySeconds: 0.2, trustProxy: 1 });
  });
  after(async () => {
    await server.destroy();
    await hook.close();
  });

  it('posts a signed alert for each new pending comment, without the reader’s email or address', async () => {
    const id = await posted(server, { articleId: 'alerted', articleTitle: 'The article', email: 'private@example.com' });
    await waitFor(() => hook.received.length === 1, 'the alert');
    const [alert] = hook.received;
    assert.ok(signedCorrectly(alert), 'signed with WEBHOOK_SECRET');
    assert.ok(Math.abs(Number(alert.headers['x-news-comments-timestamp']) - Date.now() / 1000) < 60);
    assert.equal(alert.headers['content-type'], 'application/json');
    const body = JSON.parse(alert.body);
    assert.equal(body.event, 'comment.pending');
    assert.deepEqual([body.comment.id, body.comment.articleId, body.comment.articleTitle], [id, 'alerted', 'The article']);
    assert.doesNotMatch(alert.body, /private@example|127\.0\.0\.1/);
  });

  it('posts one for a comment’s first report, not for each', async () => {
    const published = await testServer({ moderation: false, webhookUrl: hook.url, webhookSecret: SECRET, trustProxy: 1 });
    try {
      const before = hook.received.length;
      const id = await posted(published, { articleId: 'reported-alert' });
      for (const address of ['192.0.2.1', '192.0.2.2']) await report(published, id, { reason: 'abusive' }, { 'X-Forwarded-For': address });
      await waitFor(() => hook.received.length === before + 1, 'the report alert');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(hook.received.length, before + 1, 'no alert for the published comment, one for its reports');
      const body = JSON.parse(hook.received.at(-1)!.body);
      assert.deepEqual([body.event, body.comment.id], ['comment.reported', id]);
    } finally {
      await published.destroy();
    }
  });

  it('sends nothing for a comment the rules rejected', async () => {
    const before = hook.received.length;
    const { adminApi } = await import('./support.js');
    await adminApi(server, 'POST', 'blocks', { email: 'blocked@example.com' });
    assert.equal((await post(server, validComment({ email: 'blocked@example.com' }))).status, 201);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(hook.received.length, before);
  });
});

describe('when the newsroom’s receiver fails or is down', () => {
  it('retries with growing pauses until it answers 2xx, each attempt signed', async () => {
    const hook = await receiver([500, 503]);
    const server = await testServer({ webhookUrl: hook.url, webhookSecret: SECRET, webhookRetrySeconds: 0.2 });
    try {
      await posted(server, { articleId: 'retried' });
      await waitFor(() => hook.received.length === 3, 'three attempts');
      assert.ok(hook.received.every(signedCorrectly));
      assert.equal(new Set(hook.received.map((r) => r.headers['x-news-comments-delivery'])).size, 1, 'one alert, delivered once');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(hook.received.length, 3, 'nothing more once delivered');
    } finally {
      await server.destroy();
      await hook.close();
    }
  });

  it('keeps alerts through a restart and sends them once the receiver is back', async () => {
    const hook = await receiver();
    await hook.close();
    let server = await testServer({ webhookUrl: hook.url, webhookSecret: SECRET, webhookRetrySeconds: 0.2 });
    try {
      const id = await posted(server, { articleId: 'kept' });
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.close();
      const back = await receiver();
      server = await testServer({ webhookUrl: back.url, webhookSecret: SECRET, webhookRetrySeconds: 0.2 }, server.dataDir);
      try {
        await waitFor(() => back.received.length === 1, 'the alert after the restart');
        assert.equal(JSON.parse(back.received[0].body).comment.id, id);
      } finally {
        await back.close();
      }
    } finally {
      await server.destroy();
    }
  });

  it('pauses 10 s, then twice as long each time, at most an hour, a little more at random', () => {
    assert.deepEqual([1, 2, 3, 4].map((attempts) => backoffMs(attempts, 10_000, () => 0)), [10_000, 20_000, 40_000, 80_000]);
    assert.equal(backoffMs(30, 10_000, () => 0), 3600_000);
    assert.equal(backoffMs(1, 10_000, () => 1), 12_000);
  });
});

describe('the webhook settings', () => {
  it('need an http(s) URL and a secret of at least 16 characters', () => {
    assert.throws(() => settingsFromEnvironment({ WEBHOOK_URL: 'ftp://x.example', WEBHOOK_SECRET: SECRET }), /WEBHOOK_URL must be an http/);
    assert.throws(() => settingsFromEnvironment({ WEBHOOK_URL: 'https://x.example/hook' }), /WEBHOOK_SECRET must be at least 16/);
    assert.throws(() => settingsFromEnvironment({ WEBHOOK_URL: 'https://x.example/hook', WEBHOOK_SECRET: 'short' }), /at least 16/);
    const settings = settingsFromEnvironment({ WEBHOOK_URL: 'https://x.example/hook', WEBHOOK_SECRET: SECRET });
    assert.deepEqual([settings.webhookUrl, settings.webhookSecret, settings.webhookRetrySeconds], ['https://x.example/hook', SECRET, 10]);
  });
});
