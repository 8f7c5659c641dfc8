import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { adminApi, post, published, queue, testServer, validComment } from './support.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'news-comments-migrations-'));

/** The schema the server made before it had migrations: one table, written here as that code wrote it. */
function databaseOfTheOldServer(dataDir: string) {
  const db = new Database(join(dataDir, 'comments.db'));
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS comments (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      article_id TEXT NOT NULL,
      article_url TEXT NOT NULL,
      title TEXT NOT NULL,
      comment TEXT NOT NULL,
      name TEXT NOT NULL,
      email TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected')),
      created_at TEXT NOT NULL,
      idempotency_key TEXT UNIQUE
    );
    CREATE INDEX IF NOT EXISTS comments_by_article ON comments (article_id, status, seq);
  `);
  const insert = db.prepare(`
    INSERT INTO comments (id, article_id, article_url, title, comment, name, email, status, created_at, idempotency_key)
    VALUES (@id, @articleId, @articleUrl, @title, @comment, @name, @email, @status, @createdAt, @idempotencyKey)`);
  const base = validComment({ articleId: 'upgraded' });
  const rows = [
    { id: 'old-1', comment: 'First, published', status: 'published', idempotencyKey: 'key-1' },
    { id: 'old-2', comment: 'Second, pending', status: 'pending', idempotencyKey: null },
    { id: 'old-3', comment: 'Third, published', status: 'published', idempotencyKey: 'key-3' },
  ];
  for (const row of rows) insert.run({ ...base, ...row, createdAt: new Date().toISOString() });
  db.close();
}

const schemaOf = (dataDir: string) => {
  const db = new Database(join(dataDir, 'comments.db'), { readonly: true });
  try {
    return {
      tables: db.prepare(`SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name`).all(),
      versions: db.prepare('SELECT version FROM schema_migrations ORDER BY version').all(),
    };
  } finally {
    db.close();
  }
};

describe('when the server starts on a database made before migrations', () => {
  const dataDir = freshDir();
  databaseOfTheOldServer(dataDir);
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('upgrades it, keeping every comment, their order, their idempotency keys and their count', async () => {
    let server = await testServer({ moderation: false }, dataDir);
    try {
      const first = await published(server, 'upgraded', '&limit=1');
      assert.deepEqual(first.comments.map((c) => c.comment), ['Third, published']);
      assert.equal(first.total, 2, 'the published comments counted from before the upgrade');
      const second = await published(server, 'upgraded', `&limit=1&before=${first.next}`);
      assert.deepEqual(second.comments.map((c) => c.comment), ['First, published']);
      assert.equal(second.next, null);

      const repeat = await post(server, validComment({ articleId: 'upgraded', comment: 'First, published' }), {
        'Idempotency-Key': 'key-1',
      });
      assert.equal(repeat.status, 201);
      assert.deepEqual(await repeat.json(), { id: 'old-1', status: 'published' });
      const another = validComment({ articleId: 'upgraded', comment: 'Another' });
      const reused = await post(server, another, { 'Idempotency-Key': 'key-3' });
      assert.equal(reused.status, 422);

      server = await server.restart();
      assert.equal((await published(server, 'upgraded')).comments.length, 2);

      // The desk sees the old comments in their queues, and the article from its first comment on.
      assert.deepEqual((await queue(server, 'pending')).comments.map((c) => [c.id, c.articleTitle]), [['old-2', null]]);
      const { articles } = await (await adminApi(server, 'GET', 'articles?q=upgraded')).json();
      assert.deepEqual(
        articles.map((a: Record<string, unknown>) => [a.articleId, a.articleUrl, typeof a.firstCommentAt, a.closed]),
        [['upgraded', 'https://news.example/nato', 'string', false]],
      );
    } finally {
      await server.close();
    }
    assert.deepEqual(schemaOf(dataDir).versions, Array.from({ length: 9 }, (_, i) => ({ version: i + 1 })));
    const db = new Database(join(dataDir, 'comments.db'), { readonly: true });
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    db.close();
  });

  it('ends with the same schema as a fresh database', async () => {
    const fresh = freshDir();
    try {
      await (await testServer({}, fresh)).close();
      assert.deepEqual(schemaOf(dataDir), schemaOf(fresh));
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });
});

describe('when the database is newer than the server', () => {
  it('refuses to start, saying so', async () => {
    const dataDir = freshDir();
    try {
      await (await testServer({}, dataDir)).close();
      const db = new Database(join(dataDir, 'comments.db'));
      db.prepare(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'future', '2099-01-01')`).run();
      db.close();
      await assert.rejects(testServer({}, dataDir), /schema version 99.*newer/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
