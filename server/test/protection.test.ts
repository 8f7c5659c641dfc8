import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEMO_ORIGIN, post, published, testServer, validComment, type TestServer } from './support.js';

describe('when one client sends too fast', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ rateLimitCount: 3, rateLimitWindowSeconds: 60 })));
  after(() => server.destroy());

  it('answers 429 with Retry-After once the limit is reached', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(server, validComment())).status);
    assert.deepEqual(statuses, [201, 201, 201]);
    const refused = await post(server, validComment());
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${retryAfter}`);
    const body = await refused.json();
    assert.equal(body.error, 'rate_limited');
    assert.equal(body.retryAfter, retryAfter);
  });
});

describe('when the server is behind a trusted proxy (TRUST_PROXY)', () => {
  let server: TestServer;
  beforeEach(async () => (server = await testServer({ rateLimitCount: 5, trustProxy: 1 })));
  afterEach(() => server.destroy());

  const statuses = async (forwardedFor: (i: number) => string, count: number) => {
    const result = [];
    for (let i = 0; i < count; i++) {
      result.push((await post(server, validComment(), { 'X-Forwarded-For': forwardedFor(i) })).status);
    }
    return result;
  };

  it('limits by the address the proxy appended, whatever the client wrote before it', async () => {
    const answers = await statuses((i) => `198.51.100.${i}, 203.0.113.50`, 10);
    assert.deepEqual(answers, [201, 201, 201, 201, 201, 429, 429, 429, 429, 429]);
    assert.deepEqual(await statuses(() => '203.0.113.51', 1), [201]);
  });

  it('limits IPv6 clients by their /64 network', async () => {
    const answers = await statuses((i) => `2001:db8:1:2::${i + 1}`, 6);
    assert.deepEqual(answers, [201, 201, 201, 201, 201, 429]);
    assert.deepEqual(await statuses(() => '2001:db8:1:3::1', 1), [201]);
  });

  it('uses the socket address when the entry is missing or not an address', async () => {
    const answers = await statuses((i) => (i % 2 ? 'unknown' : ''), 6);
    assert.deepEqual(answers, [201, 201, 201, 201, 201, 429]);
  });
});

describe('when a browser posts from another site', () => {
  let server: TestServer;
  before(async () => (server = await testServer()));
  after(() => server.destroy());

  it('allows the demo origin by default, in the preflight and the answer', async () => {
    const preflight = await fetch(`${server.url}/api/comments`, {
      method: 'OPTIONS',
      headers: {
        Origin: DEMO_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type,idempotency-key',
      },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), DEMO_ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /idempotency-key/i);
    const response = await post(server, validComment(), { Origin: DEMO_ORIGIN });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('access-control-allow-origin'), DEMO_ORIGIN);
  });

  it('denies an origin not on the allow-list, and stores nothing', async () => {
    const evil = 'https://evil.example';
    const preflight = await fetch(`${server.url}/api/comments`, {
      method: 'OPTIONS',
      headers: { Origin: evil, 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    const response = await post(server, validComment({ articleId: 'evil' }), { Origin: evil });
    assert.equal(response.status, 403);
    assert.equal((await response.json()).error, 'origin_not_allowed');
  });
});

describe('when a bot fills the form', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false, minFillSeconds: 3 })));
  after(() => server.destroy());

  it('quietly drops a comment with the hidden field filled in', async () => {
    const response = await post(server, validComment({ articleId: 'bots', website: 'https://spam.example', elapsed: 60_000 }));
    assert.equal(response.status, 201);
    assert.equal((await response.json()).status, 'pending');
    assert.deepEqual((await published(server, 'bots')).comments, []);
  });

  it('quietly drops a form sent faster than a person could', async () => {
    const response = await post(server, validComment({ articleId: 'bots', elapsed: 400 }));
    assert.equal(response.status, 201);
    assert.deepEqual((await published(server, 'bots')).comments, []);
  });

  it('quietly drops a comment whose spam fields are there but malformed', async () => {
    const malformed = [
      ...[{ website: true }, { website: 1 }, { website: null }, { website: ['x'] }],
      ...[{ elapsed: '60000' }, { elapsed: null }, { elapsed: {} }],
    ];
    for (const signals of malformed) {
      const response = await post(server, validComment({ articleId: 'malformed-bots', elapsed: 60_000, ...signals }));
      assert.equal(response.status, 201, JSON.stringify(signals));
      assert.equal((await response.json()).status, 'pending');
    }
    assert.deepEqual((await published(server, 'malformed-bots')).comments, []);
  });

  it('keeps a person’s comment', async () => {
    const response = await post(server, validComment({ articleId: 'people', website: '', elapsed: 45_000 }));
    assert.equal((await response.json()).status, 'published');
    assert.equal((await published(server, 'people')).comments.length, 1);
  });
});
