/**
 * The `CommentStore` in SQLite, `dataDir/comments.db`, through better-sqlite3. Its schema is built by numbered
 * migrations applied at start; the SQL is plain enough to carry over to another engine.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommentRequest, CreatedAnswer } from '../../src/contract.js';
import {
  IDEMPOTENCY_KEY_LIFETIME_MS,
  fingerprint,
  type CommentStore,
  type CreateOutcome,
  type Status,
  type StoredComment,
} from './store.js';

type Db = Database.Database;

interface Row {
  seq: number;
  id: string;
  article_id: string;
  article_url: string;
  title: string;
  comment: string;
  name: string;
  email: string;
  status: Status;
  created_at: string;
}

/**
 * The schema, one change at a time. Each runs once, in a transaction with the row that records it in
 * `schema_migrations`; a change that has shipped is never edited, the next one is added.
 */
const MIGRATIONS: Array<{ name: string; up(db: Db): void }> = [
  {
    // IF NOT EXISTS: databases made before migrations existed already have this table.
    name: 'comments',
    up: (db) =>
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
      `),
  },
  {
    // A key answers only a repeat of the same comment (its fingerprint), and for a day (its age), so keys move to
    // a table of their own that can forget them; SQLite cannot drop a UNIQUE column, so comments is rebuilt.
    name: 'idempotency keys with fingerprint and age',
    up(db) {
      const keyed = db
        .prepare<[], Row & { idempotency_key: string }>('SELECT * FROM comments WHERE idempotency_key IS NOT NULL')
        .all();
      db.exec(`
        CREATE TABLE comments_rebuilt (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL UNIQUE,
          article_id TEXT NOT NULL,
          article_url TEXT NOT NULL,
          title TEXT NOT NULL,
          comment TEXT NOT NULL,
          name TEXT NOT NULL,
          email TEXT NOT NULL,
          status TEXT NOT NULL CHECK (status IN ('pending', 'published', 'rejected')),
          created_at TEXT NOT NULL
        );
        INSERT INTO comments_rebuilt (seq, id, article_id, article_url, title, comment, name, email, status, created_at)
          SELECT seq, id, article_id, article_url, title, comment, name, email, status, created_at FROM comments;
        DROP TABLE comments;
        ALTER TABLE comments_rebuilt RENAME TO comments;
        CREATE INDEX comments_by_article ON comments (article_id, status, seq);
        CREATE TABLE idempotency_keys (
          key TEXT PRIMARY KEY,
          fingerprint TEXT NOT NULL,
          comment_id TEXT NOT NULL REFERENCES comments (id),
          created_at TEXT NOT NULL
        );
        CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
      `);
      const insert = db.prepare('INSERT INTO idempotency_keys (key, fingerprint, comment_id, created_at) VALUES (?, ?, ?, ?)');
      // The comments were stored normalised, so their fingerprints are those a retry of them has.
      for (const row of keyed) insert.run(row.idempotency_key, fingerprint(toComment(row)), row.id, row.created_at);
    },
  },
];

/** Brings the schema up to the last migration; refuses a database that a newer server has already moved on. */
function migrate(db: Db, file: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (;;) {
    // IMMEDIATE: of two servers starting at once on one file, the second waits and then finds the work done.
    const done = db
      .transaction(() => {
        const version = current.get()!.version ?? 0;
        if (version > MIGRATIONS.length) {
          throw new Error(
            `${file} is at schema version ${version}, newer than this server knows (${MIGRATIONS.length}): ` +
              'run the newer server, or restore a backup.',
          );
        }
        if (version === MIGRATIONS.length) return true;
        MIGRATIONS[version].up(db);
        record.run(version + 1, MIGRATIONS[version].name, new Date().toISOString());
        return false;
      })
      .immediate();
    if (done) return;
  }
}

const toComment = (row: Row): StoredComment => ({
  id: row.id,
  articleId: row.article_id,
  articleUrl: row.article_url,
  title: row.title,
  comment: row.comment,
  name: row.name,
  email: row.email,
  status: row.status,
  createdAt: row.created_at,
});

// Each stored comment forgets this many expired keys: the table stays small without a sweep that pauses the server.
const EXPIRED_KEYS_PER_COMMENT = 4;

export interface SqliteStoreOptions {
  /** The clock, in milliseconds; tests move it to expire idempotency keys. */
  now?: () => number;
}

/** SQLite in `dataDir/comments.db`. Each comment is one transaction: a crash leaves no half row. */
export function sqliteStore(dataDir: string, { now = Date.now }: SqliteStoreOptions = {}): CommentStore {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'comments.db');
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // FULL: a comment the server has answered for survives a power cut, not only a crash of the process.
    db.pragma('synchronous = FULL');
    migrate(db, file);
  } catch (error) {
    db.close();
    throw error;
  }

  const insert = db.prepare(`
    INSERT INTO comments (id, article_id, article_url, title, comment, name, email, status, created_at)
    VALUES (@id, @articleId, @articleUrl, @title, @comment, @name, @email, @status, @createdAt)`);
  const keyNamed = db.prepare<[string], { fingerprint: string; comment_id: string; created_at: string; status: Status }>(`
    SELECT k.fingerprint, k.comment_id, k.created_at, c.status
    FROM idempotency_keys k JOIN comments c ON c.id = k.comment_id
    WHERE k.key = ?`);
  const forgetKey = db.prepare('DELETE FROM idempotency_keys WHERE key = ?');
  const rememberKey = db.prepare('INSERT INTO idempotency_keys (key, fingerprint, comment_id, created_at) VALUES (?, ?, ?, ?)');
  const forgetExpiredKeys = db.prepare(`
    DELETE FROM idempotency_keys WHERE key IN (
      SELECT key FROM idempotency_keys WHERE created_at < ? ORDER BY created_at LIMIT ${EXPIRED_KEYS_PER_COMMENT}
    )`);
  const position = db.prepare<[string, string], { seq: number }>('SELECT seq FROM comments WHERE id = ? AND article_id = ?');
  const page = db.prepare<[string, number, number], Row>(
    `SELECT * FROM comments WHERE article_id = ? AND status = 'published' AND seq < ? ORDER BY seq DESC LIMIT ?`,
  );
  const pending = db.prepare<[], Row>(`SELECT * FROM comments WHERE status = 'pending' ORDER BY seq`);
  const moderate = db.prepare(`UPDATE comments SET status = ? WHERE id = ?`);

  type Create = (comment: CommentRequest, status: CreatedAnswer['status'], key: string | undefined) => CreateOutcome;
  const create = db.transaction<Create>((comment, status, key) => {
    const time = now();
    const oldest = new Date(time - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString();
    const print = key === undefined ? '' : fingerprint(comment);
    if (key !== undefined) {
      const seen = keyNamed.get(key);
      if (seen && seen.created_at >= oldest) {
        if (seen.fingerprint !== print) return { kind: 'key_reused' };
        // A comment rejected since is reported as still waiting: its author learns nothing from the repeat.
        return { kind: 'repeated', id: seen.comment_id, status: seen.status === 'published' ? 'published' : 'pending' };
      }
      if (seen) forgetKey.run(key);
    }
    const id = crypto.randomUUID();
    const createdAt = new Date(time).toISOString();
    insert.run({ ...comment, id, status, createdAt });
    if (key !== undefined) rememberKey.run(key, print, id, createdAt);
    forgetExpiredKeys.run(oldest);
    return { kind: 'created', id, status };
  });

  return {
    // IMMEDIATE takes the write lock before reading the key, so another process cannot store the same key between.
    create: async (comment, status, key) => create.immediate(comment, status, key),
    async published(articleId, limit, beforeId) {
      let before = Number.MAX_SAFE_INTEGER;
      if (beforeId !== undefined) {
        const found = position.get(beforeId, articleId);
        if (!found) return undefined;
        before = found.seq;
      }
      const rows = page.all(articleId, before, limit + 1);
      return {
        comments: rows.slice(0, limit).map(({ id, article_id, title, comment, name, created_at }) => ({
          id,
          articleId: article_id,
          title,
          comment,
          name,
          createdAt: created_at,
        })),
        more: rows.length > limit,
      };
    },
    pending: async () => pending.all().map(toComment),
    moderate: async (id, status) => moderate.run(status, id).changes === 1,
    close: async () => void db.close(),
  };
}
