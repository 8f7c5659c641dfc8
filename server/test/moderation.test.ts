import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { errorAnswer } from '../../src/contract.js';
import { ADMIN_TOKEN, adminHeaders, moderate, post, published, testServer, validComment, type TestServer } from './support.js';

describe('moderating comments', () => {
  let server: TestServer;
  before(async () => (server = await testServer()));
  after(() => server.destroy());

  it('asks for the admin token', async () => {
    const anonymous = await fetch(`${server.url}/admin/`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /Basic/);
    const wrong = await fetch(`${server.url}/admin/`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
  });

  it('lists pending comments as text, and approving one publishes it', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'moderated', comment: '<b>bold?</b>' }))).json();
    const page = await (await fetch(`${server.url}/admin/`, { headers: adminHeaders })).text();
    assert.match(page, /<bdi>&lt;b&gt;bold\?&lt;\/b&gt;<\/bdi>/);
    assert.doesNotMatch(page, /<b>bold/);
    const approved = await moderate(server, id, 'approve');
    assert.equal(approved.status, 303);
    assert.deepEqual((await published(server, 'moderated')).comments.map((c) => c.id), [id]);
  });

  it('rejecting one keeps it unpublished and off the list', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'rejected' }))).json();
    assert.equal((await moderate(server, id, 'reject')).status, 303);
    assert.deepEqual((await published(server, 'rejected')).comments, []);
    assert.doesNotMatch(await (await fetch(`${server.url}/admin/`, { headers: adminHeaders })).text(), new RegExp(id));
  });

  it('refuses a moderation form posted from another site', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'csrf' }))).json();
    const response = await moderate(server, id, 'approve', { ...adminHeaders, Origin: 'https://evil.example' });
    assert.equal(response.status, 403);
    assert.deepEqual((await published(server, 'csrf')).comments, []);
  });

  it('refuses with 403 and a JSON body an opaque or malformed Origin, or a cross-site request without one', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'csrf-odd' }))).json();
    const odd: Array<Record<string, string>> = [
      { Origin: 'null' },
      { Origin: 'not a url' },
      { Origin: 'http://' },
      { Origin: 'http://[::1' },
      { Origin: `${server.url}/admin/` },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: server.url, 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of odd) {
      const response = await moderate(server, id, 'approve', { ...adminHeaders, ...headers });
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.equal(errorAnswer.parse(await response.json()).error, 'origin_not_allowed');
    }
    assert.deepEqual((await published(server, 'csrf-odd')).comments, []);
  });

  it('takes a moderation form from its own pages, and a request with neither header (curl)', async () => {
    const own: Array<Record<string, string>> = [
      { Origin: server.url, 'Sec-Fetch-Site': 'same-origin' },
      { 'Sec-Fetch-Site': 'same-origin' },
      {},
    ];
    for (const headers of own) {
      const { id } = await (await post(server, validComment({ articleId: 'csrf-own' }))).json();
      const response = await moderate(server, id, 'approve', { ...adminHeaders, ...headers });
      assert.equal(response.status, 303, JSON.stringify(headers));
    }
    assert.equal((await published(server, 'csrf-own')).comments.length, 3);
  });
});

describe('when someone guesses the admin token', () => {
  let server: TestServer;
  beforeEach(async () => (server = await testServer({ signInLimitCount: 3, signInLimitWindowSeconds: 600, trustProxy: 1 })));
  afterEach(() => server.destroy());

  const signIn = (token: string | undefined, client = '203.0.113.7') =>
    fetch(`${server.url}/admin/`, {
      headers: { 'X-Forwarded-For': client, ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }) },
    });

  it('refuses further tries with 429 and Retry-After after a few wrong ones, even the right token', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(`wrong-guess-number-${i}`)).status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const refused = await signIn(ADMIN_TOKEN);
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 600, `Retry-After: ${retryAfter}`);
    assert.equal(errorAnswer.parse(await refused.json()).error, 'too_many_attempts');
  });

  it('limits each client on its own, and does not count a visit without a token', async () => {
    for (let i = 0; i < 3; i++) await signIn('wrong-guess-for-sure');
    assert.equal((await signIn(ADMIN_TOKEN)).status, 429);
    assert.equal((await signIn(ADMIN_TOKEN, '203.0.113.8')).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await signIn(undefined, '203.0.113.9')).status, 401);
    assert.equal((await signIn(ADMIN_TOKEN, '203.0.113.9')).status, 200);
  });

  it('takes only the token itself: not a prefix, a longer one, or another case', async () => {
    server = await server.restart();
    for (const token of [ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase()]) {
      assert.equal((await signIn(token, `198.51.100.${token.length}`)).status, 401, token);
    }
    assert.equal((await signIn(ADMIN_TOKEN, '198.51.100.99')).status, 200);
  });
});

describe('when no admin token is set', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ adminToken: undefined })));
  after(() => server.destroy());

  it('keeps moderation closed', async () => {
    const response = await fetch(`${server.url}/admin/`, { headers: adminHeaders });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error, 'moderation_closed');
  });
});
