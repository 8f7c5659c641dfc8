import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_ORIGIN, adminHeaders, brokenStore, post, testServer, validComment, type TestServer } from './support.js';

describe('the headers of every answer', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ rateLimitCount: 1 })));
  after(() => server.destroy());

  const answers = async () => ({
    'GET list': await fetch(`${server.url}/api/comments?articleId=x`),
    'GET bad query': await fetch(`${server.url}/api/comments?articleId=x&limit=0`),
    'POST created': await post(server, validComment()),
    'POST rate-limited': await post(server, validComment()),
    'POST invalid': await post(server, '{'),
    'OPTIONS preflight': await fetch(`${server.url}/api/comments`, {
      method: 'OPTIONS',
      headers: { Origin: DEMO_ORIGIN, 'Access-Control-Request-Method': 'POST' },
    }),
    'GET unknown path': await fetch(`${server.url}/nothing`),
    'GET admin without token': await fetch(`${server.url}/admin/`),
    'GET admin': await fetch(`${server.url}/admin/`, { headers: adminHeaders }),
  });

  it('tells browsers not to guess content types, on everything', async () => {
    for (const [name, response] of Object.entries(await answers())) {
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', name);
    }
  });

  it('keeps moderation pages, POST answers and errors out of every cache', async () => {
    const all = await answers();
    const uncached = [
      ...(['POST created', 'POST rate-limited', 'POST invalid', 'GET bad query', 'GET unknown path'] as const),
      ...(['GET admin without token', 'GET admin'] as const),
    ];
    for (const name of uncached) {
      assert.equal(all[name].headers.get('cache-control'), 'no-store', name);
    }
  });
});

describe('when the server answers an error it did not expect', () => {
  it('sends nosniff and no-store with the 500', async () => {
    const { createApp } = await import('../src/app.js');
    const { settingsFromEnvironment } = await import('../src/settings.js');
    const app = createApp(settingsFromEnvironment({}), brokenStore(), () => 'client');
    const originalError = console.error;
    console.error = () => {};
    try {
      const response = await app.request('/api/comments?articleId=x');
      assert.equal(response.status, 500);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('cache-control'), 'no-store');
    } finally {
      console.error = originalError;
    }
  });
});

describe('when the site sends cookies with comments (ALLOW_CREDENTIALS)', () => {
  const preflight = (server: TestServer, origin: string) =>
    fetch(`${server.url}/api/comments`, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });

  it('allows credentials to the allowed origins only, when on', async () => {
    const server = await testServer({ allowCredentials: true });
    try {
      assert.equal((await preflight(server, DEMO_ORIGIN)).headers.get('access-control-allow-credentials'), 'true');
      const posted = await post(server, validComment(), { Origin: DEMO_ORIGIN });
      assert.equal(posted.status, 201);
      assert.equal(posted.headers.get('access-control-allow-credentials'), 'true');
      const listed = await fetch(`${server.url}/api/comments?articleId=x`, { headers: { Origin: DEMO_ORIGIN } });
      assert.equal(listed.headers.get('access-control-allow-credentials'), 'true');
      for (const response of [
        await preflight(server, 'https://evil.example'),
        await fetch(`${server.url}/api/comments?articleId=x`, { headers: { Origin: 'https://evil.example' } }),
        await fetch(`${server.url}/api/comments?articleId=x`),
      ]) {
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
      }
    } finally {
      await server.destroy();
    }
  });

  it('never allows them by default', async () => {
    const server = await testServer();
    try {
      assert.equal((await preflight(server, DEMO_ORIGIN)).headers.get('access-control-allow-credentials'), null);
      const posted = await post(server, validComment(), { Origin: DEMO_ORIGIN });
      assert.equal(posted.headers.get('access-control-allow-credentials'), null);
    } finally {
      await server.destroy();
    }
  });
});
