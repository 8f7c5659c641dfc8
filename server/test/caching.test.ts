import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DEMO_ORIGIN, moderate, posted, report, testServer, type TestServer } from './support.js';

const PUBLIC_CACHE = 'public, max-age=10, stale-while-revalidate=60';

describe('when a cache or a browser asks for a list again', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ moderation: false });
    await posted(server, { articleId: 'cached' });
  });
  after(() => server.destroy());

  const list = (headers: Record<string, string> = {}, query = 'articleId=cached') =>
    fetch(`${server.url}/api/comments?${query}`, { headers });

  it('lets caches keep it briefly, with a strong ETag', async () => {
    const response = await list();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), PUBLIC_CACHE);
    assert.match(response.headers.get('etag') ?? '', /^"[^"]+"$/);
  });

  it('answers 304 with no body to If-None-Match with the current ETag, in any form the header allows', async () => {
    const etag = (await list()).headers.get('etag')!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const response = await list({ 'If-None-Match': ifNoneMatch });
      assert.equal(response.status, 304, ifNoneMatch);
      assert.equal(await response.text(), '');
      assert.equal(response.headers.get('etag'), etag);
      assert.equal(response.headers.get('cache-control'), PUBLIC_CACHE);
    }
  });

  it('answers 200 to an ETag that is not current, or is of another page', async () => {
    const etag = (await list()).headers.get('etag')!;
    for (const ifNoneMatch of ['"1.0"', '"nonsense"', 'garbage', etag.slice(0, -1)]) {
      assert.equal((await list({ 'If-None-Match': ifNoneMatch })).status, 200, ifNoneMatch);
    }
  });

  it('still answers 400 to a bad query, whatever If-None-Match says', async () => {
    const etag = (await list()).headers.get('etag')!;
    const madeUp = Buffer.from(crypto.randomUUID()).toString('base64url');
    const queries = ['articleId=cached&limit=0', 'articleId=cached&order=up', 'articleId=cached&before=!!!', `articleId=cached&before=${madeUp}`, 'limit=5'];
    for (const query of queries) {
      const response = await list({ 'If-None-Match': etag }, query);
      assert.equal(response.status, 400, query);
      assert.equal(response.headers.get('cache-control'), 'no-store');
    }
  });

  it('lets a page of the element revalidate across origins: If-None-Match allowed, ETag exposed', async () => {
    const preflight = await fetch(`${server.url}/api/comments?articleId=cached`, {
      method: 'OPTIONS',
      headers: { Origin: DEMO_ORIGIN, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
    });
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /if-none-match/i);
    const response = await list({ Origin: DEMO_ORIGIN });
    assert.match(response.headers.get('access-control-expose-headers') ?? '', /etag/i);
    assert.match(response.headers.get('vary') ?? '', /origin/i);
  });

  it('answers 304 for a later page too, in either order', async () => {
    for (let i = 0; i < 3; i++) await posted(server, { articleId: 'cached-pages' });
    for (const order of ['newest', 'oldest']) {
      const first = await (await list({}, `articleId=cached-pages&limit=1&order=${order}`)).json();
      const query = `articleId=cached-pages&limit=1&order=${order}&before=${first.next}`;
      const etag = (await list({}, query)).headers.get('etag')!;
      assert.equal((await list({ 'If-None-Match': etag }, query)).status, 304, order);
    }
  });

  it('does the same for counts', async () => {
    const first = await fetch(`${server.url}/api/comments/counts?articleId=cached&articleId=other`);
    assert.equal(first.headers.get('cache-control'), PUBLIC_CACHE);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${server.url}/api/comments/counts?articleId=cached&articleId=other`, { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });
});

describe('when what readers see changes', () => {
  let server: TestServer;
  beforeEach(async () => (server = await testServer({ trustProxy: 1, reportThreshold: 2 })));
  afterEach(() => server.destroy());

  const etags = async (articleId: string) => ({
    list: (await fetch(`${server.url}/api/comments?articleId=${articleId}`)).headers.get('etag'),
    oldest: (await fetch(`${server.url}/api/comments?articleId=${articleId}&order=oldest&limit=5`)).headers.get('etag'),
    counts: (await fetch(`${server.url}/api/comments/counts?articleId=${articleId}&articleId=elsewhere`)).headers.get('etag'),
  });
  /** Runs `change` and says whether each ETag moved, and that an old one now gets the new page. */
  const moves = async (articleId: string, change: () => Promise<unknown>) => {
    const before = await etags(articleId);
    await change();
    const after = await etags(articleId);
    const moved = Object.keys(before).filter((key) => before[key as keyof typeof before] !== after[key as keyof typeof after]);
    if (moved.length) {
      const stale = await fetch(`${server.url}/api/comments?articleId=${articleId}`, { headers: { 'If-None-Match': before.list! } });
      assert.equal(stale.status, 200);
    }
    return moved;
  };

  it('changes every ETag of the article at once on each visible change, and none otherwise', async () => {
    const article = 'changing';
    let first = '';
    assert.deepEqual(await moves(article, async () => (first = await posted(server, { articleId: article }))), [], 'a comment that waits');
    assert.deepEqual(await moves(article, () => moderate(server, first, 'approve')), ['list', 'oldest', 'counts'], 'approval');
    assert.deepEqual(await moves(article, () => moderate(server, first, 'approve')), [], 'approving it again');
    assert.deepEqual(await moves(article, () => report(server, first, { reason: 'spam' }, { 'X-Forwarded-For': '192.0.2.1' })), [], 'a report below the threshold');
    assert.deepEqual(
      await moves(article, () => report(server, first, { reason: 'spam' }, { 'X-Forwarded-For': '192.0.2.2' })),
      ['list', 'oldest', 'counts'],
      'the report that hides it',
    );
    assert.deepEqual(await moves(article, () => moderate(server, first, 'approve')), ['list', 'oldest', 'counts'], 'approval after reports');
    assert.deepEqual(await moves(article, () => moderate(server, first, 'reject')), ['list', 'oldest', 'counts'], 'rejecting a published comment');
    const second = await posted(server, { articleId: article });
    assert.deepEqual(await moves(article, () => moderate(server, second, 'reject')), [], 'rejecting a waiting comment');
    const elsewhere = async () => moderate(server, await posted(server, { articleId: 'elsewhere-entirely' }), 'approve');
    assert.deepEqual(await moves(article, elsewhere), [], 'a comment published on another article');
  });

  it('changes the ETag when a comment is published at once', async () => {
    const open = await testServer({ moderation: false });
    try {
      const etag = async () => (await fetch(`${open.url}/api/comments?articleId=open`)).headers.get('etag');
      const before = await etag();
      await posted(open, { articleId: 'open' });
      const once = await etag();
      await posted(open, { articleId: 'open' });
      assert.equal(new Set([before, once, await etag()]).size, 3);
    } finally {
      await open.destroy();
    }
  });
});

describe('when several server processes share one database', () => {
  let one: TestServer;
  let two: TestServer;
  before(async () => {
    one = await testServer({ moderation: false });
    two = await testServer({ moderation: false }, one.dataDir);
  });
  after(async () => {
    await two.close();
    await one.destroy();
  });

  it('gives the same ETag from each, and each answers 304 to the other’s', async () => {
    await posted(one, { articleId: 'shared' });
    const url = (server: TestServer) => `${server.url}/api/comments?articleId=shared`;
    const etag = (await fetch(url(one))).headers.get('etag')!;
    assert.equal((await fetch(url(two))).headers.get('etag'), etag);
    assert.equal((await fetch(url(two), { headers: { 'If-None-Match': etag } })).status, 304);
    await posted(two, { articleId: 'shared' });
    assert.equal((await fetch(url(one), { headers: { 'If-None-Match': etag } })).status, 200);
  });
});

describe('when many readers ask for the same first page', () => {
  let server: TestServer;
  beforeEach(async () => (server = await testServer({ moderation: false })));
  afterEach(() => server.destroy());

  const first = async (query = 'articleId=busy') => {
    const response = await fetch(`${server.url}/api/comments?${query}`);
    return { body: await response.text(), etag: response.headers.get('etag'), type: response.headers.get('content-type') };
  };

  it('answers them all alike, and a change of the article at once', async () => {
    await posted(server, { articleId: 'busy', comment: 'First' });
    const [a, b] = [await first(), await first()];
    assert.deepEqual(a, b);
    assert.equal(a.type, 'application/json');
    assert.deepEqual(JSON.parse(a.body).comments.map((c: { comment: string }) => c.comment), ['First']);
    const second = await posted(server, { articleId: 'busy', comment: 'Second' });
    assert.deepEqual(JSON.parse((await first()).body).comments.map((c: { comment: string }) => c.comment), ['Second', 'First']);
    // Another order or size is another page, made for itself.
    assert.equal(JSON.parse((await first('articleId=busy&order=oldest')).body).comments[0].comment, 'First');
    assert.equal(JSON.parse((await first('articleId=busy&limit=1')).body).comments.length, 1);
    await moderate(server, second, 'reject');
    assert.deepEqual(JSON.parse((await first()).body).comments.map((c: { comment: string }) => c.comment), ['First']);
  });
});
