import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentListAnswer, errorAnswer, fieldErrorsAnswer } from '../../src/contract.js';
import { adminApi, post, posted, published, testServer, validComment, type TestServer } from './support.js';

const list = (server: TestServer, articleId: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/comments?articleId=${encodeURIComponent(articleId)}`, { headers });

describe('closing comments on an article', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false })));
  after(() => server.destroy());

  it('refuses new comments with 403 comments_closed, and the list stays, saying it is closed', async () => {
    await posted(server, { articleId: 'closing', comment: 'Before closing' });
    const open = await list(server, 'closing');
    const openTag = open.headers.get('etag')!;
    assert.equal((await open.json()).closed, undefined, 'no field while open');

    const closed = await adminApi(server, 'POST', 'articles/close', { articleId: 'closing' });
    assert.equal(closed.status, 200);
    assert.equal((await closed.json()).article.closed, true);
    const refused = await post(server, validComment({ articleId: 'closing' }));
    assert.equal(refused.status, 403);
    assert.deepEqual(errorAnswer.parse(await refused.json()), { error: 'comments_closed', message: 'Comments are closed on this article.' });

    const after = await list(server, 'closing', { 'If-None-Match': openTag });
    assert.equal(after.status, 200, 'a cache holding the open list gets the closed one');
    const answer = commentListAnswer.parse(await after.json());
    assert.deepEqual([answer.closed, answer.comments.map((c) => c.comment)], [true, ['Before closing']]);
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=1')).json();
    assert.deepEqual([entries[0].action, entries[0].detail], ['close_article', { articleId: 'closing' }]);
  });

  it('takes comments again once reopened', async () => {
    await adminApi(server, 'POST', 'articles/open', { articleId: 'closing' });
    assert.equal((await post(server, validComment({ articleId: 'closing' }))).status, 201);
    assert.equal((await (await list(server, 'closing')).json()).closed, undefined);
  });

  it('closes an article before its first comment', async () => {
    await adminApi(server, 'POST', 'articles/close', { articleId: 'never-opened' });
    assert.equal((await post(server, validComment({ articleId: 'never-opened' }))).status, 403);
    assert.deepEqual(await published(server, 'never-opened'), { comments: [], next: null, total: 0, closed: true });
  });

  it('refuses an article id no article can have', async () => {
    for (const body of [{}, { articleId: '' }, { articleId: 'a'.repeat(1001) }, { articleId: 'nul\0' }, { articleId: 7 }]) {
      const response = await adminApi(server, 'POST', 'articles/close', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok(fieldErrorsAnswer.parse(await response.json()).errors.articleId);
    }
  });
});

describe('closing articles on their own (CLOSE_AFTER_DAYS)', () => {
  let server: TestServer;
  // Two seconds after the first comment: the days of a real site, sped up.
  before(async () => (server = await testServer({ moderation: false, closeAfterDays: 2 / 86_400 })));
  after(() => server.destroy());

  it('takes comments until that long after the first, then refuses them, with no write to tell caches', async () => {
    await posted(server, { articleId: 'aging' });
    assert.equal((await post(server, validComment({ articleId: 'aging' }))).status, 201);
    const { articles } = await (await adminApi(server, 'GET', 'articles?q=aging')).json();
    assert.equal(articles[0].closed, false);
    assert.ok(Date.parse(articles[0].closesAt) > Date.now());
    const openTag = (await list(server, 'aging')).headers.get('etag')!;

    await new Promise((resolve) => setTimeout(resolve, 2_100));
    assert.equal((await post(server, validComment({ articleId: 'aging' }))).status, 403);
    const after = await list(server, 'aging', { 'If-None-Match': openTag });
    assert.equal(after.status, 200);
    assert.equal((await after.json()).closed, true);
  });

  it('lets a moderator open such an article again, for good', async () => {
    await adminApi(server, 'POST', 'articles/open', { articleId: 'aging' });
    assert.equal((await post(server, validComment({ articleId: 'aging' }))).status, 201);
    const { articles } = await (await adminApi(server, 'GET', 'articles?q=aging')).json();
    assert.deepEqual([articles[0].closed, articles[0].state, articles[0].closesAt], [false, 'open', null]);
  });

  it('keeps articles without comments open', async () => {
    assert.equal((await post(server, validComment({ articleId: 'fresh' }))).status, 201);
  });
});
