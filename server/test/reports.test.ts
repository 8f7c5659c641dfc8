import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { REPORT_REASONS, errorAnswer, fieldErrorsAnswer, reportAnswer } from '../../src/contract.js';
import {
  DEMO_ORIGIN,
  moderate,
  posted,
  published,
  queue,
  report,
  testServer,
  type TestServer,
} from './support.js';

/** A reader, as the trusted proxy names them. */
const reader = (address: string) => ({ 'X-Forwarded-For': address });
/** The desk's Reported queue, by comment id. */
const reportedQueue = async (server: TestServer) => new Map((await queue(server, 'reported')).comments.map((c) => [c.id, c]));
const counts = async (server: TestServer, articleId: string) =>
  (await (await fetch(`${server.url}/api/comments/counts?articleId=${articleId}`)).json()).counts[articleId];

describe('when a reader reports a comment', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false, trustProxy: 1 })));
  after(() => server.destroy());

  it('answers 201 received, and the comment stays published below the threshold', async () => {
    const id = await posted(server, { articleId: 'reported-once' });
    const response = await report(server, id, { reason: 'spam' }, reader('203.0.113.1'));
    assert.equal(response.status, 201);
    assert.deepEqual(reportAnswer.parse(await response.json()), { status: 'received' });
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual((await published(server, 'reported-once')).comments.map((c) => c.id), [id]);
  });

  it('answers a second report by the same reader with the first answer as 200, and stores it once', async () => {
    const id = await posted(server, { articleId: 'reported-twice', comment: 'Reported twice by one reader' });
    assert.equal((await report(server, id, { reason: 'abusive' }, reader('203.0.113.2'))).status, 201);
    for (const reason of ['abusive', 'spam']) {
      const again = await report(server, id, { reason }, reader('203.0.113.2'));
      assert.equal(again.status, 200);
      assert.deepEqual(await again.json(), { status: 'received' });
    }
    const shown = (await reportedQueue(server)).get(id);
    assert.deepEqual([shown?.reports, shown?.status], [{ count: 1, reasons: { abusive: 1 } }, 'published']);
  });

  it('takes every reason of the contract', async () => {
    for (const reason of REPORT_REASONS) {
      const id = await posted(server, { articleId: 'every-reason' });
      assert.equal((await report(server, id, { reason }, reader('198.51.100.1'))).status, 201, reason);
    }
  });

  it('answers 404 for a comment that does not exist or that readers cannot see', async () => {
    const waiting = await testServer();
    try {
      const pending = await posted(waiting, { articleId: 'not-visible' });
      const rejected = await posted(waiting, { articleId: 'not-visible' });
      await moderate(waiting, rejected, 'reject');
      for (const id of [crypto.randomUUID(), pending, rejected, 'x', 'nul\0byte', 'a'.repeat(5000), '..']) {
        const response = await report(waiting, id, { reason: 'spam' });
        assert.equal(response.status, 404, id.slice(0, 40));
        assert.equal(errorAnswer.parse(await response.json()).error, 'not_found');
      }
    } finally {
      await waiting.destroy();
    }
  });

  it('answers 400 with a message for the reason when the reason is missing or not one of the contract', async () => {
    const id = await posted(server, { articleId: 'bad-reasons' });
    for (const body of [{}, { reason: 'Spam' }, { reason: 'boring' }, { reason: 1 }, { reason: null }, { reason: ['spam'] }, [], 'null', '"spam"']) {
      const response = await report(server, id, body, reader('192.0.2.1'));
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.match(fieldErrorsAnswer.parse(await response.json()).errors.reason, /abusive, spam, defamatory, personal, other/);
    }
    const broken = await report(server, id, '{"reason": ', reader('192.0.2.1'));
    assert.equal(broken.status, 400);
    assert.equal(errorAnswer.parse(await broken.json()).error, 'invalid_json');
    assert.equal((await reportedQueue(server)).has(id), false);
  });

  it('refuses what posting a comment refuses: other sites, other content types, large bodies', async () => {
    const id = await posted(server, { articleId: 'guarded' });
    const evil = await report(server, id, { reason: 'spam' }, { Origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(errorAnswer.parse(await evil.json()).error, 'origin_not_allowed');
    const text = await report(server, id, { reason: 'spam' }, { 'Content-Type': 'text/plain' });
    assert.equal(text.status, 415);
    const large = await report(server, id, { reason: 'spam', padding: 'x'.repeat(200_000) });
    assert.equal(large.status, 413);
    assert.equal((await reportedQueue(server)).has(id), false);
  });

  it('lets the allowed origins report from a browser', async () => {
    const id = await posted(server, { articleId: 'cors' });
    const preflight = await fetch(`${server.url}/api/comments/${id}/reports`, {
      method: 'OPTIONS',
      headers: { Origin: DEMO_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), DEMO_ORIGIN);
    const response = await report(server, id, { reason: 'other' }, { Origin: DEMO_ORIGIN, ...reader('192.0.2.9') });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get('access-control-allow-origin'), DEMO_ORIGIN);
  });
});

describe('when too many reports come from one reader', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false, rateLimitCount: 2 })));
  after(() => server.destroy());

  it('answers 429 with Retry-After, on an allowance of its own beside posting', async () => {
    const ids = [await posted(server, { articleId: 'limited' }), await posted(server, { articleId: 'limited' })];
    const statuses = [];
    for (const id of [...ids, ids[0]]) statuses.push((await report(server, id, { reason: 'spam' })).status);
    assert.deepEqual(statuses, [201, 201, 429]);
    const refused = await report(server, ids[1], { reason: 'spam' });
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.equal((await refused.json()).error, 'rate_limited');
  });
});

describe('when several readers report one comment (REPORT_THRESHOLD)', () => {
  let server: TestServer;
  beforeEach(async () => (server = await testServer({ moderation: false, trustProxy: 1, reportThreshold: 3 })));
  afterEach(() => server.destroy());

  it('keeps it published below the threshold, and hides it from the list and counts at the threshold', async () => {
    const id = await posted(server, { articleId: 'hidden', comment: 'Reported by three' });
    await posted(server, { articleId: 'hidden', comment: 'Left alone' });
    assert.equal((await report(server, id, { reason: 'abusive' }, reader('203.0.113.1'))).status, 201);
    assert.equal((await report(server, id, { reason: 'abusive' }, reader('203.0.113.2'))).status, 201);
    assert.equal((await published(server, 'hidden')).total, 2);
    const before = (await reportedQueue(server)).get(id);
    assert.deepEqual([before?.reports, before?.status], [{ count: 2, reasons: { abusive: 2 } }, 'published']);

    assert.equal((await report(server, id, { reason: 'personal' }, reader('2001:db8::1'))).status, 201);
    const page = await published(server, 'hidden');
    assert.deepEqual(page.comments.map((c) => c.comment), ['Left alone']);
    assert.equal(page.total, 1);
    assert.equal(await counts(server, 'hidden'), 1);
    const after = (await reportedQueue(server)).get(id);
    assert.deepEqual([after?.reports, after?.status], [{ count: 3, reasons: { abusive: 2, personal: 1 } }, 'pending']);
    assert.deepEqual((await queue(server, 'pending')).comments, [], 'listed once, not also among the waiting');

    // The reader whose report hid it gets the first answer again; a new reader finds nothing to report.
    assert.equal((await report(server, id, { reason: 'personal' }, reader('2001:db8::1'))).status, 200);
    assert.equal((await report(server, id, { reason: 'spam' }, reader('203.0.113.4'))).status, 404);
  });

  it('counts an IPv6 /64 as one reader, so one network cannot hide a comment alone', async () => {
    const id = await posted(server, { articleId: 'one-network' });
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3']) {
      await report(server, id, { reason: 'spam' }, reader(address));
    }
    assert.deepEqual((await published(server, 'one-network')).comments.map((c) => c.id), [id]);
    assert.equal((await report(server, id, { reason: 'spam' }, reader('2001:db8:1:3::1'))).status, 201);
  });

  it('counts each address as one reader, whatever it sends, and hides the comment once when readers report at once', async () => {
    const id = await posted(server, { articleId: 'at-once' });
    const statuses = await Promise.all(
      ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.1', '192.0.2.2'].map(
        async (address) => (await report(server, id, { reason: 'spam' }, reader(address))).status,
      ),
    );
    assert.equal(statuses.filter((status) => status === 201).length, 3, JSON.stringify(statuses));
    const page = await published(server, 'at-once');
    assert.deepEqual([page.comments.length, page.total], [0, 0]);
  });

  it('publishes it again when a moderator approves it, with its reports cleared', async () => {
    const id = await posted(server, { articleId: 'approved-again', comment: 'Fine after all' });
    for (const address of ['203.0.113.1', '203.0.113.2', '203.0.113.3']) await report(server, id, { reason: 'spam' }, reader(address));
    assert.equal((await published(server, 'approved-again')).total, 0);
    assert.equal((await moderate(server, id, 'approve')).status, 200);
    assert.deepEqual((await published(server, 'approved-again')).comments.map((c) => c.id), [id]);
    assert.equal(await counts(server, 'approved-again'), 1);
    assert.equal((await reportedQueue(server)).has(id), false);
    // Counting starts afresh: the same two readers can report it again, and it stays up until a third does.
    for (const address of ['203.0.113.1', '203.0.113.2']) {
      assert.equal((await report(server, id, { reason: 'spam' }, reader(address))).status, 201);
    }
    assert.equal((await published(server, 'approved-again')).total, 1);
  });

  it('takes a reported comment down when a moderator rejects it', async () => {
    const id = await posted(server, { articleId: 'taken-down' });
    await report(server, id, { reason: 'defamatory' }, reader('203.0.113.1'));
    assert.deepEqual((await reportedQueue(server)).get(id)?.reports.reasons, { defamatory: 1 });
    await moderate(server, id, 'reject');
    assert.deepEqual(await published(server, 'taken-down'), { comments: [], next: null, total: 0 });
    assert.equal((await reportedQueue(server)).has(id), false);
  });

  it('gives the desk reported text exactly as written, as JSON data (the desk shows it as text)', async () => {
    const id = await posted(server, { articleId: 'escaped', comment: '<img src=x onerror=alert(1)>' });
    await report(server, id, { reason: 'other' }, reader('203.0.113.1'));
    assert.equal((await reportedQueue(server)).get(id)?.comment, '<img src=x onerror=alert(1)>');
  });
});
