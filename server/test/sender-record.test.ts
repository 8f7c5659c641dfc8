import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { openStore } from '../src/server.js';
import { errorAnswer, fieldErrorsAnswer } from '../../src/contract.js';
import { adminApi, post, posted, published, queue, report, testServer, validComment, type TestServer } from './support.js';

const sent = async (server: TestServer, overrides: Record<string, unknown>, headers: Record<string, string>) =>
  ((await (await post(server, validComment(overrides), headers)).json()) as { id: string }).id;

/** The readers of the server's reports, as its store keeps them (an export lists them). */
async function reportReaders(server: TestServer): Promise<string[]> {
  const store = await openStore(server.settings);
  try {
    const readers = [];
    for await (const record of store.exportRecords()) if (record.kind === 'report') readers.push(record.reader);
    return readers;
  } finally {
    await store.close();
  }
}

const waitFor = async (check: () => Promise<boolean>, what: string) => {
  for (const deadline = Date.now() + 8_000; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`still waiting for ${what}`);
};

describe('the sender record', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false, trustProxy: 1 })));
  after(() => server.destroy());

  it('keeps the address the trusted proxy saw and the user agent, and exports them into the audit trail', async () => {
    const id = await sent(server, { articleId: 'sender' }, { 'X-Forwarded-For': '198.51.100.7, 203.0.113.50', 'User-Agent': 'Mozilla/5.0 (Test)' });
    const response = await adminApi(server, 'GET', `comments/${id}/sender`);
    assert.equal(response.status, 200);
    const record = await response.json();
    assert.deepEqual({ ...record, createdAt: typeof record.createdAt }, { ip: '203.0.113.50', userAgent: 'Mozilla/5.0 (Test)', createdAt: 'string' });
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=1')).json();
    assert.deepEqual([entries[0].action, entries[0].commentId, entries[0].moderator], ['export_sender', id, 'automation (ADMIN_TOKEN)']);
  });

  it('keeps the socket’s address when no proxy is trusted, whatever X-Forwarded-For says', async () => {
    const direct = await testServer({ moderation: false });
    try {
      const id = await sent(direct, {}, { 'X-Forwarded-For': '198.51.100.99' });
      assert.equal((await (await adminApi(direct, 'GET', `comments/${id}/sender`)).json()).ip, '127.0.0.1');
    } finally {
      await direct.destroy();
    }
  });

  it('keeps a user agent as text, without control characters, at most 500 characters', async () => {
    const id = await sent(server, {}, { 'User-Agent': `evil\tagent ${'x'.repeat(600)}` });
    const { userAgent } = await (await adminApi(server, 'GET', `comments/${id}/sender`)).json();
    assert.equal(userAgent.length, 500);
    assert.match(userAgent, /^evilagent x+$/);
  });

  it('answers 404 for a comment that does not exist, and for ids no comment has', async () => {
    for (const id of [crypto.randomUUID(), 'nul%00byte', 'x'.repeat(300), '..%2F..%2Fetc']) {
      const response = await adminApi(server, 'GET', `comments/${id}/sender`);
      assert.equal(response.status, 404, id);
      assert.equal(errorAnswer.parse(await response.json()).error, 'not_found');
    }
  });

  it('never leaves the desk: the public answers show no email, address or user agent', async () => {
    const created = await post(server, validComment({ articleId: 'public-view', email: 'secret@example.com' }), { 'X-Forwarded-For': '203.0.113.77', 'User-Agent': 'SecretAgent/1' });
    const createdText = await created.text();
    const list = await (await fetch(`${server.url}/api/comments?articleId=public-view`)).text();
    const counts = await (await fetch(`${server.url}/api/comments/counts?articleId=public-view`)).text();
    for (const text of [createdText, list, counts]) assert.doesNotMatch(text, /secret@example|203\.0\.113\.77|SecretAgent/);
    assert.deepEqual(Object.keys(JSON.parse(list).comments[0]).sort(), ['articleId', 'comment', 'createdAt', 'id', 'name', 'title']);
  });
});

describe('when sender records grow old (SENDER_RECORD_DAYS)', () => {
  let server: TestServer;
  // One second, looked at every second: the purge that runs every hour by default, sped up.
  beforeEach(async () => (server = await testServer({ moderation: false, trustProxy: 1, senderRecordDays: 1 / 86_400, purgeIntervalSeconds: 1 })));
  afterEach(() => server.destroy());

  it('erases them on its own while the server runs, and the export says they are gone', async () => {
    const id = await sent(server, { articleId: 'purged' }, { 'X-Forwarded-For': '203.0.113.5' });
    await report(server, id, { reason: 'spam' }, { 'X-Forwarded-For': '198.51.100.3' });
    await waitFor(async () => (await adminApi(server, 'GET', `comments/${id}/sender`)).status === 404, 'the purge');
    const gone = await adminApi(server, 'GET', `comments/${id}/sender`);
    assert.equal(errorAnswer.parse(await gone.json()).error, 'sender_record_gone');
    // The comment stays; the reporter's address goes with the sender's.
    assert.equal((await published(server, 'purged')).total, 1);
    await waitFor(async () => {
      const readers = await reportReaders(server);
      return readers.length === 1 && readers[0].startsWith('forgotten:');
    }, 'the reporter’s address to go');
  });
});

describe('when SENDER_RECORD_DAYS is 0', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false, senderRecordDays: 0 })));
  after(() => server.destroy());

  it('keeps no sender record at all', async () => {
    const id = await posted(server, { email: 'unrecorded@example.com' });
    assert.equal((await adminApi(server, 'GET', `comments/${id}/sender`)).status, 404);
    const { comments } = await (await adminApi(server, 'GET', 'readers?email=unrecorded@example.com')).json();
    assert.deepEqual(comments.map((c: { sender: unknown }) => c.sender), [null]);
  });
});

describe('a reader’s data, by email', () => {
  let server: TestServer;
  let mine: string[];
  before(async () => {
    server = await testServer({ moderation: false, trustProxy: 1 });
    mine = [
      await sent(server, { articleId: 'reader-a', email: 'Reader@Example.com', comment: 'Mine, first' }, { 'X-Forwarded-For': '203.0.113.1' }),
      await sent(server, { articleId: 'reader-b', email: 'reader@example.com', comment: 'Mine, second' }, { 'X-Forwarded-For': '203.0.113.1' }),
    ];
    await posted(server, { articleId: 'reader-a', email: 'someone.else@example.com', comment: 'Not mine' });
  });
  after(() => server.destroy());

  it('exports all of it as JSON, whatever the case of the email, with the sender records', async () => {
    const response = await adminApi(server, 'GET', 'readers?email=READER@example.COM');
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment/);
    const data = await response.json();
    assert.deepEqual(data.comments.map((c: { id: string }) => c.id), mine);
    assert.deepEqual(data.comments.map((c: { sender: { ip: string } }) => c.sender.ip), ['203.0.113.1', '203.0.113.1']);
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=1')).json();
    assert.equal(entries[0].action, 'export_reader');
    assert.doesNotMatch(JSON.stringify(entries[0]), /reader@example/i, 'the trail names the comments, not the reader');
  });

  it('answers 400 for a missing or malformed email or mode', async () => {
    for (const [method, query, field] of [
      ['GET', '', 'email'],
      ['GET', 'email=not-an-email', 'email'],
      ['GET', `email=${'a'.repeat(300)}@example.com`, 'email'],
      ['DELETE', 'email=reader@example.com', 'mode'],
      ['DELETE', 'email=reader@example.com&mode=shred', 'mode'],
    ]) {
      const response = await adminApi(server, method, `readers?${query}`);
      assert.equal(response.status, 400, query);
      assert.ok(fieldErrorsAnswer.parse(await response.json()).errors[field], query);
    }
  });

  it('anonymises it: the comments stay, under "Anonymous", without email or sender record', async () => {
    const other = await testServer({ moderation: false }, undefined);
    try {
      const id = await posted(other, { articleId: 'anon', email: 'anon@example.com', name: 'Real Name' });
      const answer = await adminApi(other, 'DELETE', 'readers?email=anon@example.com&mode=anonymise');
      assert.deepEqual(await answer.json(), { mode: 'anonymise', comments: 1 });
      assert.deepEqual((await published(other, 'anon')).comments.map((c) => [c.id, c.name]), [[id, 'Anonymous']]);
      assert.equal((await adminApi(other, 'GET', `comments/${id}/sender`)).status, 404);
      assert.deepEqual((await (await adminApi(other, 'GET', 'readers?email=anon@example.com')).json()).comments, []);
    } finally {
      await other.destroy();
    }
  });

  it('removes it: the comments go from the site, the queues and the counts', async () => {
    const answer = await adminApi(server, 'DELETE', 'readers?email=reader@example.com&mode=remove');
    assert.deepEqual(await answer.json(), { mode: 'remove', comments: 2 });
    assert.deepEqual((await published(server, 'reader-a')).comments.map((c) => c.comment), ['Not mine']);
    assert.equal((await published(server, 'reader-b')).total, 0);
    assert.equal((await queue(server, 'published', '&q=Mine%2C')).comments.length, 0);
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=1')).json();
    assert.deepEqual([entries[0].action, entries[0].detail], ['erase_reader', { mode: 'remove', comments: mine }]);
    for (const id of mine) assert.equal((await adminApi(server, 'GET', `comments/${id}/sender`)).status, 404);
  });
});
