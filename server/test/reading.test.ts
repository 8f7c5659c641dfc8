import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { commentCountsAnswer, commentListAnswer, errorAnswer } from '../../src/contract.js';
import { openStore } from '../src/server.js';
import { moderate, posted, testServer, type TestServer } from './support.js';

const list = async (server: TestServer, query: string) => {
  const response = await fetch(`${server.url}/api/comments?${query}`);
  assert.equal(response.status, 200, query);
  return commentListAnswer.parse(await response.json());
};

describe('when a reader sorts and pages the comments', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ moderation: false });
    for (let i = 1; i <= 5; i++) await posted(server, { articleId: 'sorted', comment: `Comment ${i}` });
  });
  after(() => server.destroy());

  it('lists the oldest first with order=oldest, and pages on with before=next', async () => {
    const first = await list(server, 'articleId=sorted&order=oldest&limit=2');
    assert.deepEqual(first.comments.map((c) => c.comment), ['Comment 1', 'Comment 2']);
    const second = await list(server, `articleId=sorted&order=oldest&limit=2&before=${first.next}`);
    assert.deepEqual(second.comments.map((c) => c.comment), ['Comment 3', 'Comment 4']);
    const last = await list(server, `articleId=sorted&order=oldest&limit=2&before=${second.next}`);
    assert.deepEqual(last.comments.map((c) => c.comment), ['Comment 5']);
    assert.equal(last.next, null);
  });

  it('lists the newest first by default and with order=newest', async () => {
    for (const query of ['articleId=sorted&limit=2', 'articleId=sorted&limit=2&order=newest']) {
      assert.deepEqual((await list(server, query)).comments.map((c) => c.comment), ['Comment 5', 'Comment 4'], query);
    }
  });

  it('says on every page how many comments the article has', async () => {
    const first = await list(server, 'articleId=sorted&limit=2');
    const second = await list(server, `articleId=sorted&limit=2&before=${first.next}`);
    assert.deepEqual([first.total, second.total], [5, 5]);
  });

  it('gives 20 comments unless asked for another number', async () => {
    for (let i = 0; i < 21; i++) await posted(server, { articleId: 'long', comment: `Comment ${i}` });
    const page = await list(server, 'articleId=long');
    assert.equal(page.comments.length, 20);
    assert.ok(page.next);
    assert.equal(page.total, 21);
  });

  it('answers an article nobody has commented on with an empty list and total 0', async () => {
    for (const order of ['newest', 'oldest']) {
      assert.deepEqual(await list(server, `articleId=never-commented&order=${order}`), { comments: [], next: null, total: 0 });
    }
  });

  it('pages on past comments with the longest ids an import may bring', async () => {
    // Ids as an export may carry them: up to 200 code units, here of one, two and four bytes each in UTF-8.
    const ids = ['x'.repeat(200), 'é'.repeat(200), '😀'.repeat(100)];
    const store = await openStore(server.settings);
    try {
      await store.importRecords(
        ids.map((id) => ({
          kind: 'comment' as const,
          id,
          articleId: 'imported-ids',
          articleUrl: '',
          title: 'T',
          comment: `Comment ${id.slice(0, 1)}`,
          name: 'N',
          email: '',
          status: 'published' as const,
          createdAt: '2025-03-01T12:00:00.000Z',
        })),
      );
    } finally {
      await store.close();
    }
    for (const order of ['oldest', 'newest']) {
      const seen: string[] = [];
      for (let next: string | null = '', pages = 0; next !== null && pages < 5; pages++) {
        const page = await list(server, `articleId=imported-ids&order=${order}&limit=1${next ? `&before=${next}` : ''}`);
        seen.push(...page.comments.map((comment) => comment.id));
        next = page.next;
      }
      assert.deepEqual(seen, order === 'oldest' ? ids : [...ids].reverse());
    }
  });

  it('answers 400 to an order other than newest or oldest, never a guess', async () => {
    for (const order of ['', 'NEWEST', 'Oldest', 'random', 'newest ', 'desc', 'oldest,newest']) {
      const response = await fetch(`${server.url}/api/comments?articleId=sorted&order=${encodeURIComponent(order)}`);
      assert.equal(response.status, 400, `order=${order}`);
      assert.equal(errorAnswer.parse(await response.json()).error, 'invalid_order');
    }
  });
});

describe('when comments wait for moderation', () => {
  let server: TestServer;
  before(async () => (server = await testServer()));
  after(() => server.destroy());

  it('lists and counts only the published ones', async () => {
    const approved = await posted(server, { articleId: 'moderated-total', comment: 'Approved' });
    await posted(server, { articleId: 'moderated-total', comment: 'Still waiting' });
    const rejected = await posted(server, { articleId: 'moderated-total', comment: 'Rejected' });
    await moderate(server, approved, 'approve');
    await moderate(server, rejected, 'reject');
    const page = await list(server, 'articleId=moderated-total');
    assert.deepEqual(page.comments.map((c) => c.comment), ['Approved']);
    assert.equal(page.total, 1);
    const counts = await fetch(`${server.url}/api/comments/counts?articleId=moderated-total`);
    assert.deepEqual(commentCountsAnswer.parse(await counts.json()).counts, { 'moderated-total': 1 });
  });

  it('counts a comment once however often a moderator approves it', async () => {
    const id = await posted(server, { articleId: 'approved-twice' });
    for (let i = 0; i < 3; i++) await moderate(server, id, 'approve');
    assert.equal((await list(server, 'articleId=approved-twice')).total, 1);
    await moderate(server, id, 'reject');
    await moderate(server, id, 'reject');
    assert.equal((await list(server, 'articleId=approved-twice')).total, 0);
  });
});

describe('when a listing page asks for counts', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ moderation: false });
    for (let i = 0; i < 3; i++) await posted(server, { articleId: 'three' });
    await posted(server, { articleId: 'one' });
  });
  after(() => server.destroy());

  const counts = (query: string) => fetch(`${server.url}/api/comments/counts?${query}`);

  it('answers the published comments of each article named, 0 for an article with none', async () => {
    const response = await counts('articleId=three&articleId=one&articleId=none&articleId=three');
    assert.equal(response.status, 200);
    assert.deepEqual(commentCountsAnswer.parse(await response.json()), { counts: { three: 3, one: 1, none: 0 } });
  });

  it('takes ids as the list takes them, with any characters an article id may have', async () => {
    const id = 'nato/russia?dialogue&x=1 «é»';
    await posted(server, { articleId: id });
    const response = await counts(`articleId=${encodeURIComponent(id)}`);
    assert.deepEqual((await response.json()).counts, { [id]: 1 });
  });

  it('answers up to 100 articles at once, and 400 to more', async () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `articleId=listing-${i}`).join('&');
    const hundred = await counts(ids(100));
    assert.equal(hundred.status, 200);
    assert.equal(Object.keys((await hundred.json()).counts).length, 100);
    const more = await counts(ids(101));
    assert.equal(more.status, 400);
    assert.equal(errorAnswer.parse(await more.json()).error, 'too_many_articles');
  });

  it('answers 400 without an article, or with one no article can have', async () => {
    for (const [query, error] of [
      ['', 'article_required'],
      ['articleid=three', 'article_required'],
      ['articleId=', 'invalid_article'],
      ['articleId=three&articleId=', 'invalid_article'],
      [`articleId=three&articleId=${'a'.repeat(1001)}`, 'invalid_article'],
      ['articleId=nul%00byte', 'invalid_article'],
      ['articleId=%C2%85', 'invalid_article'],
    ]) {
      const response = await counts(query);
      assert.equal(response.status, 400, query.slice(0, 40));
      assert.equal(errorAnswer.parse(await response.json()).error, error, query.slice(0, 40));
    }
  });
});
