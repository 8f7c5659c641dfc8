/**
 * `npm run export` and `npm run import`, run as a publisher runs them: moving from SQLite to PostgreSQL, and
 * bringing a Disqus archive in. Bad files stop with a clear message and change nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sqliteStore } from '../src/sqlite-store.js';
import { readTransferFile } from '../src/transfer.js';
import { postgresMissing, startCluster, type Cluster } from './postgres.js';
import {
  addModerator,
  adminHeaders,
  deskApi,
  moderate,
  post,
  published,
  report,
  signIn,
  startServerProcess,
  testServer,
  validComment,
  ADMIN_TOKEN,
  type TestServer,
} from './support.js';

const PASSWORD = 'a long enough password';
const work = mkdtempSync(join(tmpdir(), 'news-comments-transfer-'));
after(() => rmSync(work, { recursive: true, force: true }));

const fixture = (name: string) => resolve('test/fixtures', name);

/** The import or export command with the server's settings from `env`: SQLite in DATA_DIR unless DATABASE_URL. */
function run(command: 'export' | 'import', file: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/transfer-cli.ts', command, file], {
    env: { ...process.env, DATABASE_URL: '', DATA_DIR: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));

describe('moving from SQLite to PostgreSQL: export, then import', { skip: postgresMissing }, () => {
  const dataDir = join(work, 'sqlite');
  const exportFile = join(work, 'from-sqlite.jsonl');
  let cluster: Cluster;
  let databaseUrl: string;
  let listedOnSqlite: unknown;
  const ids: string[] = [];

  before(async () => {
    cluster = await startCluster();
    databaseUrl = cluster.url(await cluster.createDatabase());
    const server = await testServer({ moderation: true }, dataDir);
    for (let i = 1; i <= 4; i++) {
      const response = await post(server, validComment({ articleId: 'moving', comment: `Comment ${i}` }), { 'Idempotency-Key': `moving-${i}` });
      ids.push((await response.json()).id);
    }
    await moderate(server, ids[0], 'approve');
    await moderate(server, ids[1], 'approve');
    await moderate(server, ids[2], 'reject');
    assert.equal((await report(server, ids[0], { reason: 'spam' })).status, 201);
    // The desk's own data: an admin signed in, a block, word lists, an article closed by hand.
    await addModerator(server, 'mira', PASSWORD, 'admin');
    const cookie = (await signIn(server, 'mira', PASSWORD)).cookie!;
    assert.equal((await deskApi(server, cookie, 'POST', 'blocks', { email: 'troll@example.com' })).status, 201);
    assert.equal((await deskApi(server, cookie, 'PUT', 'word-lists', { reject: ['forbiddenword'], hold: [], holdLinks: false })).status, 200);
    assert.equal((await deskApi(server, cookie, 'POST', 'articles/close', { articleId: 'closed-by-hand' })).status, 200);
    listedOnSqlite = await published(server, 'moving');
    await server.close();
  });
  after(() => cluster?.destroy());

  it('exports every comment with its moderation state, the idempotency keys and the desk’s data, as JSON Lines', () => {
    const result = run('export', exportFile, { DATA_DIR: dataDir });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /exported 4 comments, 1 reports, 4 idempotency keys, 4 sender records, 0 rejection reasons, 2 articles, 1 moderators, 1 blocks, 1 words, 7 audit rows/);
    const [header, ...records] = lines(exportFile);
    assert.deepEqual({ format: header.format, version: header.version }, { format: 'news-comments', version: 2 });
    assert.deepEqual(
      records.filter((record) => ['comment', 'report', 'idempotencyKey'].includes(record.kind)).map((record) =>
        record.kind === 'comment' ? `${record.comment}: ${record.status}` : record.kind === 'report' ? `report ${record.reason}` : `${record.kind} ${record.key}`,
      ),
      [
        'Comment 1: published',
        'Comment 2: published',
        'Comment 3: rejected',
        'Comment 4: pending',
        'report spam',
        'idempotencyKey moving-1',
        'idempotencyKey moving-2',
        'idempotencyKey moving-3',
        'idempotencyKey moving-4',
      ],
    );
    assert.equal(records[0].email, 'asha@example.com');
    const moderator = records.find((record) => record.kind === 'moderator');
    assert.deepEqual([moderator.name, moderator.role], ['mira', 'admin']);
    assert.match(moderator.passwordHash, /\S{20}/);
    assert.deepEqual(
      records.filter((record) => record.kind === 'audit').map((record) => record.action),
      ['approve', 'approve', 'reject', 'sign_in', 'block', 'word_lists', 'close_article'],
    );
  });

  it('imports it into PostgreSQL once, counts and reports included: a second import adds nothing', () => {
    const count = lines(exportFile).length - 1;
    const first = run('import', exportFile, { DATABASE_URL: databaseUrl });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`${count} added, 0 already there`));
    const second = run('import', exportFile, { DATABASE_URL: databaseUrl });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`0 added, ${count} already there`));
  });

  it('then the server on PostgreSQL answers as the one on SQLite did', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl, MODERATION: 'on', ADMIN_TOKEN });
    try {
      const listed = (await (await fetch(`${server.url}/api/comments?articleId=moving`)).json()) as { comments: Array<{ comment: string }> };
      assert.deepEqual(listed, listedOnSqlite);
      assert.deepEqual(listed.comments.map((c) => c.comment), ['Comment 2', 'Comment 1']);
      // The desk's Pending queue holds the comment that waited, not the rejected one.
      const pending = await (await fetch(`${server.url}/admin/api/comments?queue=pending`, { headers: adminHeaders })).text();
      assert.match(pending, /Comment 4/);
      assert.doesNotMatch(pending, /Comment 3/);
      const retry = await fetch(`${server.url}/api/comments`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': 'moving-4' },
        body: JSON.stringify(validComment({ articleId: 'moving', comment: 'Comment 4' })),
      });
      assert.equal(retry.headers.get('idempotent-replayed'), 'true');
      assert.equal((await retry.json()).id, ids[3]);
    } finally {
      await server.stop();
    }
    const again = join(work, 'from-postgres.jsonl');
    assert.equal(run('export', again, { DATABASE_URL: databaseUrl }).status, 0);
    assert.deepEqual(lines(again).slice(1), lines(exportFile).slice(1));
  });

  it('then the desk on PostgreSQL is the one on SQLite: the password signs in, blocks and word lists apply, the trail is there', async () => {
    const server = await startServerProcess({ DATABASE_URL: databaseUrl, MODERATION: 'off', ADMIN_TOKEN });
    try {
      const { cookie } = await signIn(server as unknown as TestServer, 'mira', PASSWORD);
      assert.ok(cookie, server.errors());
      const desk = (path: string, method = 'GET', body?: unknown) => deskApi(server as unknown as TestServer, cookie, method, path, body);
      const send = (body: unknown) =>
        fetch(`${server.url}/api/comments`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await send(validComment({ articleId: 'after-move', email: 'troll@example.com', comment: 'From the blocked one' }))).status, 201);
      assert.equal((await send(validComment({ articleId: 'after-move', comment: 'A forbiddenword here' }))).status, 201);
      assert.equal((await send(validComment({ articleId: 'after-move', comment: 'A fine comment' }))).status, 201);
      const listed = (await (await fetch(`${server.url}/api/comments?articleId=after-move`)).json()) as { comments: Array<{ comment: string }> };
      assert.deepEqual(listed.comments.map((c) => c.comment), ['A fine comment']);
      const rejected = await (await desk('comments?queue=rejected')).text();
      assert.match(rejected, /From the blocked one/);
      assert.match(rejected, /forbiddenword/);
      assert.equal((await (await desk('articles?q=closed-by-hand')).json()).articles[0].state, 'closed');
      const trail = (await (await desk('audit')).json()) as { entries: Array<{ action: string; moderator: string }> };
      assert.deepEqual(
        trail.entries.map((entry) => `${entry.moderator} ${entry.action}`).reverse(),
        [...['approve', 'approve', 'reject'].map((action) => `automation (ADMIN_TOKEN) ${action}`), 'mira sign_in', 'mira block', 'mira word_lists', 'mira close_article', 'mira sign_in'],
      );
    } finally {
      await server.stop();
    }
  });
});

describe('importing a Disqus export', () => {
  const dataDir = join(work, 'disqus');
  const exportFile = join(work, 'after-disqus.jsonl');
  const comments = () => {
    assert.equal(run('export', exportFile, { DATA_DIR: dataDir }).status, 0);
    return lines(exportFile).filter((record) => record.kind === 'comment');
  };

  it('keeps each published post with its author, date and text made plain, on the article of its thread', () => {
    // Through npm, as the README says; the file is found from the folder npm was started in.
    const result = spawnSync('npm', ['run', '--silent', 'import', '--', 'server/test/fixtures/disqus-export.xml'], {
      cwd: '..',
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /Disqus export.*3 added, 0 already there; left out: 1 deleted, 1 spam/);
    assert.deepEqual(comments(), [
      {
        kind: 'comment',
        id: 'disqus-3001',
        articleId: 'nato-russia',
        articleUrl: 'https://news.example/world/nato-russia',
        title: 'NATO ready for dialogue & talks',
        comment: 'Talks are better than tanks.\n\nSecond paragraph & a bold word,\nand a line break.',
        name: 'Asha Rao',
        email: 'asha@example.com',
        status: 'published',
        createdAt: '2019-05-02T09:15:00.000Z',
      },
      {
        kind: 'comment',
        id: 'disqus-3002',
        articleId: 'nato-russia',
        articleUrl: 'https://news.example/world/nato-russia',
        title: 'NATO ready for dialogue & talks',
        comment: 'Source: https://example.org/report/2019/nato-summit-full-text and the FAQ (https://example.org/faq)',
        name: 'Guest Reader',
        email: '',
        status: 'published',
        createdAt: '2019-05-02T10:00:00.000Z',
      },
      {
        kind: 'comment',
        id: 'disqus-3005',
        // That thread has no identifier: its link names the article.
        articleId: 'https://news.example/local/harbour-bridge',
        articleUrl: 'https://news.example/local/harbour-bridge',
        title: 'The harbour bridge reopens',
        comment: 'Finally! Café by the bridge is open again 🌉',
        name: 'Jo Müller',
        email: 'jo@example.net',
        status: 'published',
        createdAt: '2019-06-10T07:45:30.000Z',
      },
    ]);
  });

  it('lists them newest first on their articles', async () => {
    const server = await testServer({}, dataDir);
    try {
      assert.deepEqual((await published(server, 'nato-russia')).comments.map((c) => c.name), ['Guest Reader', 'Asha Rao']);
    } finally {
      await server.close();
    }
  });

  it('adds nothing when the same file is imported again', () => {
    const result = run('import', fixture('disqus-export.xml'), { DATA_DIR: dataDir });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /0 added, 3 already there/);
    assert.equal(comments().length, 3);
  });
});

describe('when a Disqus file is built to stall the import', () => {
  const dataDir = join(work, 'stalling');
  const hostileFile = join(work, 'stalling.xml');

  // Each of these took time growing with the square of its size: a megabyte of one took minutes, ten took hours.
  // Run as a command with the helper's 60 s limit, since a stalled regular expression would stall the test too.
  it('reads long runs of spaces, unclosed tags and links, and deep nesting at once', () => {
    const post = (id: number, message: string) =>
      `<post dsq:id="${id}"><message><![CDATA[${message}]]></message><createdAt>2019-05-02T09:15:00Z</createdAt>` +
      `<isDeleted>false</isDeleted><isSpam>false</isSpam><author><name>A</name></author><thread dsq:id="1" /></post>`;
    const megabyte = 900_000;
    const messages = [
      `spaces${' '.repeat(megabyte)}end`,
      `${'<'.repeat(megabyte)}end`,
      `${'<a '.repeat(megabyte / 3)}end`,
      `${'<li'.repeat(megabyte / 3)}end`,
      `${'<a href="https://example.org/">x'.repeat(megabyte / 32)}end`,
    ];
    const depth = 300_000;
    writeFileSync(
      hostileFile,
      '<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">' +
        '<thread dsq:id="1"><id>stalling</id><link>https://news.example/stalling</link><title>T</title></thread>' +
        `${'<x>'.repeat(depth)}${'</x>'.repeat(depth)}${messages.map((message, index) => post(index + 1, message)).join('')}</disqus>`,
    );
    const result = run('import', hostileFile, { DATA_DIR: dataDir });
    assert.equal(result.status, 0, result.stderr || 'killed after 60 s');
    assert.match(result.stdout, /5 added/);
  });
});

describe('when the file cannot be imported', () => {
  const dataDir = join(work, 'refused');
  const badExport = join(work, 'bad.jsonl');
  const header = JSON.stringify({ format: 'news-comments', version: 2, exportedAt: '2025-03-01T12:00:00.000Z' });
  const good = JSON.stringify({ kind: 'comment', ...validComment({ articleId: 'refused' }), id: 'good', status: 'published', createdAt: '2025-03-01T12:00:00.000Z' });

  const refused = (file: string, message: RegExp) => {
    const result = run('import', file, { DATA_DIR: dataDir });
    assert.equal(result.status, 1);
    assert.match(result.stderr, message);
    assert.match(result.stderr, /nothing was imported/);
    assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/);
    assert.equal(result.stdout, '');
  };
  after(async () => {
    const store = sqliteStore(dataDir);
    for await (const record of store.exportRecords()) assert.fail(`imported ${JSON.stringify(record)}`);
    await store.close();
  });

  it('stops at malformed XML, saying where', () => {
    refused(fixture('disqus-malformed.xml'), /not well-formed XML: .*\(line 20, column \d+\)/);
  });

  it('stops at XML that is not a Disqus export, and at any other format', () => {
    refused(fixture('wordpress-export.xml'), /not a Disqus export: its root element is <rss>/);
    const unknown = /unknown format: the file is neither a news-comments export \(JSON Lines\) nor a Disqus export \(XML\)/;
    for (const content of ['{"comments": []}\n', '']) assert.throws(() => readTransferFile(content), unknown);
    writeFileSync(badExport, 'id,comment\n1,hello\n');
    refused(badExport, unknown);
  });

  it('names a bad record without writing its control characters, or all of a huge value, to the terminal', () => {
    // XML 1.1 allows character references to control characters, such as the escape that starts a terminal command.
    const disqus = (id: string) =>
      `<?xml version="1.1"?><disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">` +
      '<thread dsq:id="1"><id>a</id><link>https://news.example/a</link><title>T</title></thread>' +
      `<post dsq:id="${id}"><message>Hello</message><createdAt>2019-05-02T09:15:00Z</createdAt><thread dsq:id="1" /></post></disqus>`;
    writeFileSync(badExport, disqus('&#x1B;]0;owned&#x7;&#x1B;[2J'));
    const result = run('import', badExport, { DATA_DIR: dataDir });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /comment "disqus-\\u001b\]0;owned\\u0007\\u001b\[2J": id must not contain control characters/);
    assert.doesNotMatch(result.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    for (const content of [disqus('9'.repeat(100_000)), `${header}\n{"kind": "${'x'.repeat(100_000)}"}\n`]) {
      assert.throws(() => readTransferFile(content), (error: Error) => error.message.length < 300);
    }
  });

  it('stops at a bad record of an export, naming its line, and imports none of the good ones before it', () => {
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ kind: 'comment', ...validComment(), id: 'bad', status: 'deleted', createdAt: '2025-03-01T12:00:00Z' }), /line 3: status must be one of "pending", "published", "rejected"/],
      [JSON.stringify({ kind: 'comment', ...validComment(), id: 'bad', status: 'published', createdAt: 'yesterday' }), /line 3: createdAt must be a date/],
      // Dates JavaScript reads but PostgreSQL refuses, and SQLite would keep as text sorting before every other date.
      [JSON.stringify({ kind: 'comment', ...validComment(), id: 'bad', status: 'published', createdAt: '+275760-09-13T00:00:00.000Z' }), /line 3: createdAt must be a date and time between the years 1 and 9999/],
      [JSON.stringify({ kind: 'report', commentId: 'good', reader: '192.0.2.1', reason: 'spam', createdAt: '0000-12-31T23:59:59Z' }), /line 3: createdAt must be a date and time between the years 1 and 9999/],
      [JSON.stringify({ kind: 'comment', ...validComment({ name: 'bell\u0007' }), id: 'bad', status: 'published', createdAt: '2025-03-01T12:00:00Z' }), /line 3: name must not contain control characters/],
      [JSON.stringify({ kind: 'session', id: 'r' }), /line 3: unknown record kind "session"/],
      [JSON.stringify({ kind: 'moderator', name: 'mira', role: 'owner', passwordHash: 'h', createdAt: '2025-03-01T12:00:00Z' }), /line 3: role must be one of "moderator", "admin"/],
      [JSON.stringify({ kind: 'block', type: 'ip', value: 5, createdAt: '2025-03-01T12:00:00Z', createdBy: 'mira' }), /line 3: value must be text/],
      [JSON.stringify({ kind: 'audit', actionId: 'a', at: '2025-03-01T12:00:00Z', moderator: 'mira', action: 'drop_tables', commentId: null, reason: null, detail: null, undoes: null }), /line 3: action must be one of "sign_in"/],
      [JSON.stringify({ kind: 'sender', commentId: 'gone', ip: '192.0.2.1', userAgent: 'x', createdAt: '2025-03-01T12:00:00Z' }), /line 3: the sender record names comment gone/],
      [JSON.stringify({ kind: 'word', list: 'hold', word: 'a\u001b[2J' }), /line 3: word must not contain control characters/],
      [JSON.stringify({ kind: 'report', reader: '192.0.2.1', reason: 'spam', createdAt: '2025-03-01T12:00:00Z' }), /line 3: commentId must be text/],
      [JSON.stringify({ kind: 'report', commentId: 'good', reader: '192.0.2.1', reason: 'rude', createdAt: '2025-03-01T12:00:00Z' }), /line 3: reason must be one of "abusive", "spam"/],
      [JSON.stringify({ kind: 'report', commentId: 'gone', reader: '192.0.2.1', reason: 'spam', createdAt: '2025-03-01T12:00:00Z' }), /line 3: the report names comment gone/],
      [JSON.stringify({ kind: 'idempotencyKey', key: 'k', fingerprint: 'f', commentId: 'elsewhere', createdAt: '2025-03-01T12:00:00Z' }), /line 3: the idempotency key names comment elsewhere/],
      ['{"kind": "comment", ', /line 3 is not JSON/],
    ];
    // Each checked as the command reads it, the first also through the command itself.
    for (const [line, message] of cases) assert.throws(() => readTransferFile(`${header}\n${good}\n${line}\n`), message);
    writeFileSync(badExport, `${header}\n${good}\n${cases[0][0]}\n`);
    refused(badExport, cases[0][1]);
    assert.throws(() => readTransferFile(`${JSON.stringify({ format: 'news-comments', version: 3 })}\n${good}\n`), /version 3; this server reads versions 1 and 2/);
    // A file of version 1, from before the desk's records, is read as it is, and holds none of them.
    const first = JSON.stringify({ format: 'news-comments', version: 1 });
    assert.equal(readTransferFile(`${first}\n${good}\n`).records.length, 1);
    const word = JSON.stringify({ kind: 'word', list: 'hold', word: 'w' });
    assert.throws(() => readTransferFile(`${first}\n${good}\n${word}\n`), /line 3: unknown record kind "word" in an export of version 1/);
  });
});
