import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { errorAnswer, fieldErrorsAnswer } from '../../src/contract.js';
import { sqliteStore } from '../src/sqlite-store.js';
import {
  addModerator,
  adminApi,
  deskApi,
  moderate,
  posted,
  published,
  queue,
  signIn,
  testServer,
  validComment,
  type TestServer,
} from './support.js';

const PASSWORD = 'correct horse battery staple';
const json = async (response: Response) => ({ status: response.status, body: await response.json() });

describe('working the queues through the admin API', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ trustProxy: 1 })));
  after(() => server.destroy());

  it('lists each queue with the comment’s article, email and the sender’s history, and counts them', async () => {
    const first = await posted(server, { articleId: 'queues', articleTitle: 'Queues explained', email: 'Mira@Example.com' });
    const second = await posted(server, { articleId: 'queues', email: 'mira@example.com', comment: 'Second' });
    await moderate(server, first, 'approve');
    await moderate(server, second, 'reject');
    const third = await posted(server, { articleId: 'queues', email: 'MIRA@example.com', comment: 'Third' });
    const pending = await queue(server, 'pending', '&articleId=queues');
    assert.equal(pending.comments.length, 1);
    const [shown] = pending.comments;
    assert.deepEqual(
      { ...shown, createdAt: typeof shown.createdAt },
      {
        id: third,
        queue: 'pending',
        status: 'pending',
        articleId: 'queues',
        articleUrl: 'https://news.example/nato',
        articleTitle: null,
        title: 'NATO ready for dialogue',
        comment: 'Third',
        name: 'Asha Rao',
        email: 'MIRA@example.com',
        createdAt: 'string',
        reason: null,
        reports: { count: 0, reasons: {} },
        history: { approved: 1, rejected: 1 },
      },
    );
    assert.equal((await queue(server, 'published', '&articleId=queues')).comments[0].articleTitle, 'Queues explained');
    const counts = await (await adminApi(server, 'GET', 'queues')).json();
    assert.deepEqual(Object.keys(counts), ['pending', 'reported', 'published', 'rejected']);
    assert.ok(counts.pending >= 1 && counts.published >= 1 && counts.rejected >= 1);
  });

  it('pages through a queue newest or oldest first, never the whole table at once', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await posted(server, { articleId: 'paging', comment: `Comment ${i}` }));
    const newest = await queue(server, 'pending', '&articleId=paging&limit=2');
    assert.deepEqual(newest.comments.map((c) => c.id), [ids[4], ids[3]]);
    const next = await queue(server, 'pending', `&articleId=paging&limit=2&cursor=${newest.next}`);
    assert.deepEqual(next.comments.map((c) => c.id), [ids[2], ids[1]]);
    const oldest = await queue(server, 'pending', '&articleId=paging&limit=3&order=oldest');
    assert.deepEqual(oldest.comments.map((c) => c.id), ids.slice(0, 3));
    const rest = await queue(server, 'pending', `&articleId=paging&limit=3&order=oldest&cursor=${oldest.next}`);
    assert.deepEqual(rest.comments.map((c) => c.id), ids.slice(3));
    assert.equal(rest.next, null);
  });

  it('searches text, title, name, email and the sender’s IP address, taking wildcards and quotes as text', async () => {
    const cheap = await posted(server, { articleId: 'search', comment: 'Prices rose 100% in a year' }, );
    const under = await posted(server, { articleId: 'search', comment: 'snake_case and more', name: 'O’Brien' });
    const byIp = await posted(server, { articleId: 'search', comment: 'From afar' });
    const find = async (q: string) => (await queue(server, 'pending', `&articleId=search&q=${encodeURIComponent(q)}`)).comments.map((c) => c.id);
    assert.deepEqual(await find('100%'), [cheap]);
    assert.deepEqual(await find('%'), [cheap]);
    assert.deepEqual(await find('_'), [under]);
    assert.deepEqual(await find('o’brien'), [under]);
    assert.deepEqual(await find("' OR 1=1 --"), []);
    assert.deepEqual(await find('"); DROP TABLE comments; --'), []);
    assert.deepEqual(await find('asha@EXAMPLE'), [byIp, under, cheap]);
    // The test client comes from loopback; a trusted proxy names the sender.
    const fromProxy = await fetch(`${server.url}/api/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.23' },
      body: JSON.stringify(validComment({ articleId: 'search', comment: 'Via the proxy' })),
    });
    const { id } = await fromProxy.json();
    assert.deepEqual(await find('198.51.100.23'), [id]);
    assert.deepEqual(await find('198.51.100.'), [id]);
  });

  it('answers 400 with a message per parameter for a query it cannot take, never 500', async () => {
    const cases: Array<[string, string]> = [
      ['queue=everything', 'queue'],
      ['queue=pending&limit=0', 'limit'],
      ['queue=pending&limit=101', 'limit'],
      ['queue=pending&limit=1e2', 'limit'],
      ['queue=pending&cursor=-1', 'cursor'],
      ['queue=pending&cursor=abc', 'cursor'],
      ['queue=pending&cursor=99999999999999999999', 'cursor'],
      ['queue=pending&order=random', 'order'],
      [`queue=pending&q=${'x'.repeat(201)}`, 'q'],
      ['queue=pending&q=%00', 'q'],
      [`queue=pending&articleId=${'a'.repeat(1001)}`, 'articleId'],
    ];
    for (const [query, field] of cases) {
      const response = await adminApi(server, 'GET', `comments?${query}`);
      assert.equal(response.status, 400, query.slice(0, 60));
      assert.ok(fieldErrorsAnswer.parse(await response.json()).errors[field], query.slice(0, 60));
    }
  });
});

describe('approving and rejecting many at once', () => {
  let server: TestServer;
  let cookie: string;
  before(async () => {
    server = await testServer();
    await addModerator(server, 'asha', PASSWORD);
    cookie = (await signIn(server, 'asha', PASSWORD)).cookie!;
  });
  after(() => server.destroy());

  it('approves them all in one action, each in the audit trail under the moderator’s name', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await posted(server, { articleId: 'bulk', comment: `Bulk ${i}` }));
    const { status, body } = await json(await deskApi(server, cookie, 'POST', 'comments/approve', { ids }));
    assert.equal(status, 200);
    assert.deepEqual(body.comments, ids.map((id) => ({ id, status: 'published' })));
    assert.equal((await published(server, 'bulk')).total, 3);
    const { entries } = await (await adminApi(server, 'GET', 'audit')).json();
    const rows = entries.filter((entry: { actionId: string }) => entry.actionId === body.action);
    assert.deepEqual(
      rows.map((row: Record<string, unknown>) => [row.moderator, row.action, row.commentId]).sort(),
      ids.map((id) => ['asha', 'approve', id]).sort(),
    );
  });

  it('rejects with a reason, shown in the Rejected queue and the trail', async () => {
    const id = await posted(server, { articleId: 'reasons' });
    const answer = await deskApi(server, cookie, 'POST', 'comments/reject', { ids: [id], reason: '  Personal attack  ' });
    assert.equal(answer.status, 200);
    const [rejected] = (await queue(server, 'rejected', '&articleId=reasons')).comments;
    assert.equal(rejected.reason, 'Personal attack');
    const { entries } = await (await adminApi(server, 'GET', 'audit')).json();
    assert.equal(entries.find((entry: { commentId: string }) => entry.commentId === id).reason, 'Personal attack');
  });

  it('changes nothing when one of the ids does not exist, and says which', async () => {
    const ids = [await posted(server, { articleId: 'atomic' }), await posted(server, { articleId: 'atomic' })];
    const missing = crypto.randomUUID();
    const { status, body } = await json(await deskApi(server, cookie, 'POST', 'comments/approve', { ids: [...ids, missing] }));
    assert.equal(status, 404);
    assert.equal(body.error, 'not_found');
    assert.deepEqual(body.ids, [missing]);
    assert.equal((await published(server, 'atomic')).total, 0);
    assert.equal((await queue(server, 'pending', '&articleId=atomic')).comments.length, 2);
  });

  it('counts a comment named twice once', async () => {
    const id = await posted(server, { articleId: 'twice' });
    assert.equal((await deskApi(server, cookie, 'POST', 'comments/approve', { ids: [id, id] })).status, 200);
    assert.equal((await published(server, 'twice')).total, 1);
  });

  it('answers a body it cannot take with the contract’s errors, never 500', async () => {
    const id = await posted(server, { articleId: 'hostile-bodies' });
    const bodies: Array<[unknown, number, string]> = [
      ['{"ids": [', 400, 'invalid_json'],
      ['[]', 400, 'invalid_json'],
      ['null', 400, 'invalid_json'],
      [{}, 400, 'ids'],
      [{ ids: [] }, 400, 'ids'],
      [{ ids: id }, 400, 'ids'],
      [{ ids: [1, 2] }, 400, 'ids'],
      [{ ids: [{ $gt: '' }] }, 400, 'ids'],
      [{ ids: ['nul\0byte'] }, 400, 'ids'],
      [{ ids: Array.from({ length: 101 }, () => id) }, 400, 'ids'],
      [{ ids: [id], reason: 7 }, 400, 'reason'],
      [{ ids: [id], reason: 'r'.repeat(501) }, 400, 'reason'],
      [{ ids: [id], reason: 'bell\u0007' }, 400, 'reason'],
      [{ ids: ['x'.repeat(201)] }, 400, 'ids'],
    ];
    for (const [body, status, problem] of bodies) {
      const answer = await json(await deskApi(server, cookie, 'POST', 'comments/reject', body));
      assert.equal(answer.status, status, JSON.stringify(body).slice(0, 60));
      assert.ok(answer.body.error === problem || answer.body.errors?.[problem], JSON.stringify(answer.body));
    }
    const huge = await deskApi(server, cookie, 'POST', 'comments/reject', { ids: [id], reason: 'x'.repeat(300_000) });
    assert.equal(huge.status, 413);
    assert.equal((await queue(server, 'pending', '&articleId=hostile-bodies')).comments.length, 1, 'nothing applied');
  });

  it('closes the connection after refusing a body too large, so that the next request does not fail', async () => {
    for (let i = 0; i < 3; i++) {
      const refused = await deskApi(server, cookie, 'POST', 'comments/reject', { ids: ['x'], reason: 'x'.repeat(300_000) });
      assert.equal(refused.status, 413);
      assert.equal(refused.headers.get('connection'), 'close');
      assert.equal((await deskApi(server, cookie, 'GET', 'queues')).status, 200);
      const comment = await fetch(`${server.url}/api/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(validComment({ comment: 'x'.repeat(200_000) })),
      });
      assert.equal(comment.status, 413);
      assert.equal((await deskApi(server, cookie, 'GET', 'queues')).status, 200);
    }
  });

  it('serves only its own files, whatever name is asked for', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', '..%2Froutes.ts', 'desk.js%00', 'hasOwnProperty']) {
      const response = await fetch(`${server.url}/admin/assets/${name}`);
      assert.equal(response.status, 404, name);
      errorAnswer.parse(await response.json());
    }
    const script = await fetch(`${server.url}/admin/assets/desk.js`);
    assert.equal(script.headers.get('content-type'), 'text/javascript; charset=utf-8');
  });

  it('answers 404 with JSON for routes and methods the API does not have', async () => {
    for (const [method, path] of [['GET', 'nothing'], ['DELETE', 'comments'], ['GET', 'comments/approve'], ['PATCH', 'word-lists']]) {
      const response = await deskApi(server, cookie, method, path);
      assert.equal(response.status, 404, `${method} ${path}`);
      errorAnswer.parse(await response.json());
    }
  });
});

describe('undoing the last action', () => {
  let server: TestServer;
  let asha: string;
  let ravi: string;
  before(async () => {
    server = await testServer({ moderation: false, trustProxy: 1 });
    await addModerator(server, 'asha', PASSWORD);
    await addModerator(server, 'ravi', PASSWORD);
    asha = (await signIn(server, 'asha', PASSWORD)).cookie!;
    ravi = (await signIn(server, 'ravi', PASSWORD, { 'X-Forwarded-For': '192.0.2.2' })).cookie!;
  });
  after(() => server.destroy());

  it('puts the comments back as they were, as a second action in the trail', async () => {
    const ids = [await posted(server, { articleId: 'undo' }), await posted(server, { articleId: 'undo' })];
    const { body } = await json(await deskApi(server, asha, 'POST', 'comments/reject', { ids, reason: 'Oops' }));
    assert.equal((await published(server, 'undo')).total, 0);
    const undone = await json(await deskApi(server, asha, 'POST', `actions/${body.action}/undo`));
    assert.equal(undone.status, 200);
    assert.deepEqual(undone.body.comments, ids.map((id) => ({ id, status: 'published' })));
    assert.equal((await published(server, 'undo')).total, 2);
    const { entries } = await (await adminApi(server, 'GET', 'audit')).json();
    assert.deepEqual(
      entries.filter((entry: { actionId: string }) => entry.actionId === undone.body.action).map((entry: { action: string }) => entry.action),
      ['undo', 'undo'],
    );
    // Once only.
    assert.equal((await deskApi(server, asha, 'POST', `actions/${body.action}/undo`)).status, 404);
  });

  it('brings back the reports an approval cleared', async () => {
    const id = await posted(server, { articleId: 'undo-reports' });
    for (const address of ['203.0.113.1', '203.0.113.2']) {
      await fetch(`${server.url}/api/comments/${id}/reports`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
        body: '{"reason":"spam"}',
      });
    }
    const { body } = await json(await deskApi(server, asha, 'POST', 'comments/approve', { ids: [id] }));
    assert.equal((await queue(server, 'reported', '&articleId=undo-reports')).comments.length, 0);
    await deskApi(server, asha, 'POST', `actions/${body.action}/undo`);
    const [back] = (await queue(server, 'reported', '&articleId=undo-reports')).comments;
    assert.deepEqual(back.reports, { count: 2, reasons: { spam: 2 } });
  });

  it('lets only its moderator undo it, and not after someone else decided on the comment', async () => {
    const id = await posted(server, { articleId: 'undo-others' });
    const { body } = await json(await deskApi(server, asha, 'POST', 'comments/reject', { ids: [id] }));
    assert.equal((await deskApi(server, ravi, 'POST', `actions/${body.action}/undo`)).status, 404);
    await deskApi(server, ravi, 'POST', 'comments/approve', { ids: [id] });
    const refused = await json(await deskApi(server, asha, 'POST', `actions/${body.action}/undo`));
    assert.equal(refused.status, 409);
    assert.equal(refused.body.error, 'changed');
    assert.equal((await published(server, 'undo-others')).total, 1);
  });

  it('answers 404 for an action that is no decision or does not exist', async () => {
    const block = await json(await deskApi(server, asha, 'POST', 'blocks', { email: 'x@example.com' }));
    assert.equal(block.status, 201);
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=1')).json();
    for (const id of [entries[0].actionId, crypto.randomUUID(), '../../etc', 'x'.repeat(65)]) {
      assert.equal((await deskApi(server, asha, 'POST', `actions/${encodeURIComponent(id)}/undo`)).status, 404, id);
    }
  });
});

describe('undoing an action after the undo window', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-undo-'));
  let time = Date.parse('2025-03-01T12:00:00Z');
  const store = sqliteStore(dataDir, { now: () => time });
  after(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses as too late', async () => {
    const created = await store.create(validComment(), 'pending');
    assert.equal(created.kind, 'created');
    const decided = await store.decide([created.kind === 'created' ? created.id : ''], 'approve', undefined, 'asha');
    assert.equal(decided.kind, 'done');
    time += 61_000;
    const since = new Date(time - 60_000).toISOString();
    assert.deepEqual(await store.undo(decided.kind === 'done' ? decided.actionId : '', 'asha', since), { kind: 'too_late' });
  });
});

describe('what only admins may do', () => {
  let server: TestServer;
  let moderator: string;
  let admin: string;
  before(async () => {
    server = await testServer({ adminToken: undefined });
    await addModerator(server, 'mo', PASSWORD);
    await addModerator(server, 'ad', PASSWORD, 'admin');
    moderator = (await signIn(server, 'mo', PASSWORD)).cookie!;
    admin = (await signIn(server, 'ad', PASSWORD)).cookie!;
  });
  after(() => server.destroy());

  it('keeps sender records, readers’ data and the audit trail from moderators, with 403', async () => {
    const id = await posted(server);
    for (const [method, path] of [
      ['GET', `comments/${id}/sender`],
      ['GET', 'readers?email=asha@example.com'],
      ['DELETE', 'readers?email=asha@example.com&mode=remove'],
      ['GET', 'audit'],
    ]) {
      const refused = await deskApi(server, moderator, method, path);
      assert.equal(refused.status, 403, path);
      assert.equal(errorAnswer.parse(await refused.json()).error, 'forbidden');
      assert.notEqual((await deskApi(server, admin, method === 'DELETE' ? 'GET' : method, path.replace('&mode=remove', ''))).status, 403);
    }
  });

  it('lets moderators work the queues, blocks, word lists and articles', async () => {
    const id = await posted(server, { articleId: 'moderators-may' });
    assert.equal((await deskApi(server, moderator, 'POST', 'comments/approve', { ids: [id] })).status, 200);
    assert.equal((await deskApi(server, moderator, 'POST', 'blocks', { ip: '192.0.2.0/24' })).status, 201);
    assert.equal((await deskApi(server, moderator, 'PUT', 'word-lists', { reject: [], hold: ['x'], holdLinks: false })).status, 200);
    assert.equal((await deskApi(server, moderator, 'POST', 'articles/close', { articleId: 'moderators-may' })).status, 200);
  });
});
