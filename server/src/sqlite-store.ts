/**
 * The `CommentStore` in SQLite, `dataDir/comments.db`, through better-sqlite3. Its schema is built by numbered
 * migrations applied at start; the SQL is plain enough to carry over to another engine.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_COUNT_ARTICLES, type CommentOrder, type CommentRequest, type PublishedComment, type ReportReason } from '../../src/contract.js';
import { rateLimiter } from './rate-limit.js';
import { sqliteDesk } from './sqlite-desk.js';
import {
  IDEMPOTENCY_KEY_LIFETIME_MS,
  ImportConflict,
  StoreUnavailable,
  fingerprint,
  type CommentStore,
  type CreateOptions,
  type CreateOutcome,
  type Page,
  type ReportOutcome,
  type ReportedComment,
  type Status,
  type StoredComment,
  type TransferRecord,
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
  {
    // Per article: how many comments it has published, so that a page's `total` and the counts cost one row each
    // however many comments there are, and its revision, which the ETags are made of. Readers' reports, one per
    // reader and comment.
    name: 'articles with published count and revision; reports',
    up(db) {
      db.exec(`
        CREATE TABLE articles (
          article_id TEXT PRIMARY KEY,
          published INTEGER NOT NULL,
          revision INTEGER NOT NULL
        );
        CREATE TABLE reports (
          comment_id TEXT NOT NULL REFERENCES comments (id),
          reader TEXT NOT NULL,
          reason TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (comment_id, reader)
        );
      `);
      db.prepare(`
        INSERT INTO articles (article_id, published, revision)
        SELECT article_id, SUM(CASE WHEN status = 'published' THEN 1 ELSE 0 END), ? FROM comments GROUP BY article_id
      `).run(Date.now());
    },
  },
  {
    // PostgreSQL keeps rate limits in a table that all its processes share; SQLite serves one process, which keeps
    // them in memory (`rate-limit.ts`). The number is taken all the same, so that both engines count alike.
    name: 'rate limits',
    up: () => undefined,
  },
  {
    // The moderation desk shows each comment's article by title and why it was rejected; an article may be closed
    // by hand or CLOSE_AFTER_DAYS after its first comment, so every article with a comment gets a row.
    name: 'article titles, rejection reasons, closing articles',
    up: (db) =>
      db.exec(`
        ALTER TABLE comments ADD COLUMN article_title TEXT;
        ALTER TABLE comments ADD COLUMN reason TEXT;
        CREATE INDEX comments_by_status ON comments (status, seq);
        CREATE INDEX comments_by_email ON comments (email COLLATE NOCASE, status);
        ALTER TABLE articles ADD COLUMN first_comment_at TEXT;
        ALTER TABLE articles ADD COLUMN article_title TEXT;
        ALTER TABLE articles ADD COLUMN article_url TEXT;
        ALTER TABLE articles ADD COLUMN state TEXT CHECK (state IN ('open', 'closed'));
        INSERT INTO articles (article_id, published, revision) SELECT DISTINCT article_id, 0, 0 FROM comments WHERE true
          ON CONFLICT (article_id) DO NOTHING;
        UPDATE articles SET
          first_comment_at = (SELECT MIN(created_at) FROM comments c WHERE c.article_id = articles.article_id),
          article_url = (SELECT article_url FROM comments c WHERE c.article_id = articles.article_id ORDER BY seq DESC LIMIT 1);
      `),
  },
  {
    // Who sent each comment, kept apart from it so that the purge after SENDER_RECORD_DAYS is one DELETE.
    name: 'sender records',
    up: (db) =>
      db.exec(`
        CREATE TABLE sender_records (
          comment_id TEXT PRIMARY KEY REFERENCES comments (id),
          ip TEXT NOT NULL,
          user_agent TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE INDEX sender_records_by_age ON sender_records (created_at);
        CREATE INDEX sender_records_by_ip ON sender_records (ip);
      `),
  },
  {
    // Sessions are kept as digests of their tokens; the audit trail is only ever appended to.
    name: 'moderators, sessions, audit trail',
    up: (db) =>
      db.exec(`
        CREATE TABLE moderators (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          role TEXT NOT NULL CHECK (role IN ('moderator', 'admin')),
          password_hash TEXT NOT NULL,
          created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
          token_digest TEXT PRIMARY KEY,
          moderator_id INTEGER NOT NULL REFERENCES moderators (id),
          created_at TEXT NOT NULL,
          last_seen_at TEXT NOT NULL
        );
        CREATE INDEX sessions_by_moderator ON sessions (moderator_id);
        CREATE INDEX sessions_by_use ON sessions (last_seen_at);
        CREATE TABLE audit (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          action_id TEXT NOT NULL,
          at TEXT NOT NULL,
          moderator TEXT NOT NULL,
          action TEXT NOT NULL,
          comment_id TEXT,
          reason TEXT,
          detail TEXT,
          undoes TEXT
        );
        CREATE INDEX audit_by_action ON audit (action_id);
        CREATE INDEX audit_by_comment ON audit (comment_id);
        CREATE INDEX audit_by_undone ON audit (undoes);
      `),
  },
  {
    // An IP block keeps its range as two 32-hex-digit keys (ip-range.ts), so that matching is plain comparison.
    name: 'blocks and word lists',
    up: (db) =>
      db.exec(`
        CREATE TABLE blocks (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL CHECK (kind IN ('email', 'ip')),
          value TEXT NOT NULL,
          first_ip TEXT,
          last_ip TEXT,
          created_at TEXT NOT NULL,
          created_by TEXT NOT NULL,
          UNIQUE (kind, value)
        );
        CREATE INDEX blocks_by_range ON blocks (first_ip, last_ip);
        CREATE TABLE word_lists (
          list TEXT NOT NULL CHECK (list IN ('reject', 'hold')),
          word TEXT NOT NULL,
          PRIMARY KEY (list, word)
        );
        CREATE TABLE desk_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `),
  },
  {
    // Alerts are queued in the transaction that stores what they tell of, and sent from here: none is lost.
    name: 'webhook outbox',
    up: (db) =>
      db.exec(`
        CREATE TABLE outbox (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          event TEXT NOT NULL,
          comment_id TEXT NOT NULL,
          payload TEXT NOT NULL,
          created_at TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at TEXT NOT NULL,
          locked_until TEXT,
          sent_at TEXT,
          failed_at TEXT,
          last_error TEXT
        );
        CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);
      `),
  },
];

/** The names of the migrations in order: PostgreSQL's must be the same. */
export const SQLITE_MIGRATIONS = MIGRATIONS.map(({ name }) => name);

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

// Comments read at once by an export.
const EXPORT_PAGE = 1000;

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
    // After the migrations, which may rebuild a table the way SQLite asks: with foreign keys off.
    db.pragma('foreign_keys = ON');
  } catch (error) {
    db.close();
    throw error;
  }

  const insert = db.prepare(`
    INSERT INTO comments (id, article_id, article_url, article_title, title, comment, name, email, status, created_at, reason)
    VALUES (@id, @articleId, @articleUrl, @articleTitle, @title, @comment, @name, @email, @status, @createdAt, @reason)`);
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
  // Named as the contract names them, so that rows are answers as they come, with nothing to copy.
  const listed = `SELECT id, article_id AS articleId, title, comment, name, created_at AS createdAt FROM comments`;
  const pages: Record<CommentOrder, Database.Statement<[string, number, number], PublishedComment>> = {
    newest: db.prepare(`${listed} WHERE article_id = ? AND status = 'published' AND seq < ? ORDER BY seq DESC LIMIT ?`),
    oldest: db.prepare(`${listed} WHERE article_id = ? AND status = 'published' AND seq > ? ORDER BY seq LIMIT ?`),
  };
  const article = db.prepare<[string], { published: number; revision: number }>(
    'SELECT published, revision FROM articles WHERE article_id = ?',
  );
  const change = db.prepare<[string, number, number]>(`
    INSERT INTO articles (article_id, published, revision) VALUES (?, ?, ?)
    ON CONFLICT (article_id) DO UPDATE SET
      published = articles.published + excluded.published,
      revision = CASE WHEN articles.revision < excluded.revision THEN excluded.revision ELSE articles.revision + 1 END`);
  /** Within a write: the article's published comments changed by `delta`, so its revision moves on. */
  const changed = (articleId: string, delta: number) => void change.run(articleId, delta, now());
  const pending = db.prepare<[], Row>(`SELECT * FROM comments WHERE status = 'pending' ORDER BY seq`);
  const state = db.prepare<[string], { article_id: string; status: Status }>('SELECT article_id, status FROM comments WHERE id = ?');
  const setStatus = db.prepare<[Status, string]>('UPDATE comments SET status = ? WHERE id = ?');
  const reportedBy = db.prepare<[string, string]>('SELECT 1 FROM reports WHERE comment_id = ? AND reader = ?');
  const addReport = db.prepare<[string, string, ReportReason, string]>(
    'INSERT INTO reports (comment_id, reader, reason, created_at) VALUES (?, ?, ?, ?)',
  );
  const reportCount = db.prepare<[string], { count: number }>('SELECT COUNT(*) AS count FROM reports WHERE comment_id = ?');
  const clearReports = db.prepare<[string]>('DELETE FROM reports WHERE comment_id = ?');
  const reported = db.prepare<[], Row & { reason: ReportReason; count: number }>(`
    SELECT c.*, r.reason, COUNT(*) AS count
    FROM comments c JOIN reports r ON r.comment_id = c.id
    WHERE c.status IN ('published', 'pending')
    GROUP BY c.seq, r.reason
    ORDER BY c.seq`);
  const commentsAfter = db.prepare<[number], Row>(`SELECT * FROM comments WHERE seq > ? ORDER BY seq LIMIT ${EXPORT_PAGE}`);
  const allReports = db.prepare<[], { comment_id: string; reader: string; reason: ReportReason; created_at: string }>(
    'SELECT r.* FROM reports r JOIN comments c ON c.id = r.comment_id ORDER BY c.seq, r.created_at, r.reader',
  );
  const liveKeys = db.prepare<[string], { key: string; fingerprint: string; comment_id: string; created_at: string }>(
    'SELECT key, fingerprint, comment_id, created_at FROM idempotency_keys WHERE created_at >= ? ORDER BY created_at, key',
  );
  const importComment = db.prepare(`
    INSERT INTO comments (id, article_id, article_url, title, comment, name, email, status, created_at)
    VALUES (@id, @articleId, @articleUrl, @title, @comment, @name, @email, @status, @createdAt)
    ON CONFLICT (id) DO NOTHING`);
  const importReport = db.prepare(`
    INSERT INTO reports (comment_id, reader, reason, created_at) VALUES (@commentId, @reader, @reason, @createdAt)
    ON CONFLICT (comment_id, reader) DO NOTHING`);
  const contentOf = db.prepare<[string], Pick<StoredComment, 'articleId' | 'title' | 'comment' | 'name' | 'email'>>(
    'SELECT article_id AS articleId, title, comment, name, email FROM comments WHERE id = ?',
  );
  const importKey = db.prepare(`
    INSERT INTO idempotency_keys (key, fingerprint, comment_id, created_at) VALUES (@key, @fingerprint, @commentId, @createdAt)
    ON CONFLICT (key) DO NOTHING`);

  // One statement per number of ids, made when first asked for (and kept, up to what a request may ask): the
  // placeholders are part of the SQL.
  const perArticles = new Map<
    number,
    {
      counts: Database.Statement<string[], { id: string; published: number; revision: number }>;
      revision: Database.Statement<string[], { revision: number }>;
    }
  >();
  const forArticles = (count: number) => {
    let statements = perArticles.get(count);
    if (!statements) {
      const ids = `(${Array<string>(count).fill('?').join(', ')})`;
      statements = {
        counts: db.prepare(`SELECT article_id AS id, published, revision FROM articles WHERE article_id IN ${ids}`),
        revision: db.prepare(`SELECT COALESCE(SUM(revision), 0) AS revision FROM articles WHERE article_id IN ${ids}`),
      };
      if (count <= MAX_COUNT_ARTICLES) perArticles.set(count, statements);
    }
    return statements;
  };
  const unique = (articleIds: readonly string[]) => [...new Set(articleIds)];
  const desk = sqliteDesk(db, now, changed);

  const create = db.transaction((comment: CommentRequest, status: Status, key: string | undefined, options?: CreateOptions): CreateOutcome => {
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
    insert.run({ ...comment, articleTitle: comment.articleTitle || null, id, status, createdAt, reason: options?.reason ?? null });
    if (status === 'published') changed(comment.articleId, 1);
    desk.created(comment, id, status, createdAt, options);
    if (key !== undefined) rememberKey.run(key, print, id, createdAt);
    forgetExpiredKeys.run(oldest);
    // A rejected comment (a blocked sender, a word that rejects) is answered as the rules say, else as one waiting.
    return { kind: 'created', id, status: options?.answer ?? (status === 'published' ? 'published' : 'pending') };
  });

  // A read transaction: the page, its total and its revision come from one snapshot, even while another process
  // writes, so that an ETag never names a page it does not describe.
  const readPage = db.transaction((articleId: string, limit: number, order: CommentOrder, afterId?: string): Page | undefined => {
    let from = order === 'newest' ? Number.MAX_SAFE_INTEGER : 0;
    if (afterId !== undefined) {
      const found = position.get(afterId, articleId);
      if (!found) return undefined;
      from = found.seq;
    }
    const { published: total, revision } = article.get(articleId) ?? { published: 0, revision: 0 };
    const comments = total === 0 ? [] : pages[order].all(articleId, from, limit + 1);
    const more = comments.length > limit;
    if (more) comments.pop();
    return { comments, more, total, revision };
  });

  const report = db.transaction((commentId: string, reader: string, reason: ReportReason, threshold: number, alert = false): ReportOutcome => {
    // Before the status: a reader whose report hid the comment, sending again, gets the first answer, not a 404.
    if (reportedBy.get(commentId, reader)) return { kind: 'repeated' };
    const found = state.get(commentId);
    if (found?.status !== 'published') return { kind: 'not_found' };
    addReport.run(commentId, reader, reason, new Date(now()).toISOString());
    if (alert) desk.reported(commentId);
    if (reportCount.get(commentId)!.count < threshold) return { kind: 'received', hidden: false };
    setStatus.run('pending', commentId);
    changed(found.article_id, -1);
    return { kind: 'received', hidden: true };
  });

  const moderate = db.transaction((id: string, status: 'published' | 'rejected'): boolean => {
    const found = state.get(id);
    if (!found) return false;
    setStatus.run(status, id);
    if (status === 'published') clearReports.run(id);
    const delta = (status === 'published' ? 1 : 0) - (found.status === 'published' ? 1 : 0);
    if (delta) changed(found.article_id, delta);
    return true;
  });

  const importAll = db.transaction((records: TransferRecord[]) => {
    let added = 0;
    for (const record of records) {
      if (record.kind !== 'comment' && record.kind !== 'report' && record.kind !== 'idempotencyKey') {
        added += desk.importRecord(record);
        continue;
      }
      const { kind, ...fields } = record;
      const statement = kind === 'comment' ? importComment : kind === 'report' ? importReport : importKey;
      const stored = statement.run(fields).changes;
      // An imported comment counts, and changes its article, like one that came in.
      if (stored && record.kind === 'comment' && record.status === 'published') changed(record.articleId, 1);
      added += stored;
    }
    const named = new Set(records.flatMap((record) => ('commentId' in record && record.kind !== 'audit' ? [record.commentId] : [])));
    for (const record of records) {
      if (record.kind !== 'comment' || !named.has(record.id)) continue;
      const kept = contentOf.get(record.id)!;
      const fields = ['articleId', 'title', 'comment', 'name', 'email'] as const;
      if (fields.some((field) => kept[field] !== record[field])) throw ImportConflict.comment(record.id);
    }
    return { added, present: records.length - added };
  });

  // Another process holding the write lock past better-sqlite3's 5 s wait: the request may be sent again.
  const busy = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw new StoreUnavailable(error);
      throw error;
    }
  };
  // The desk's methods likewise.
  const deskMethods = Object.fromEntries(
    Object.entries(desk.methods).map(([name, method]) => [
      name,
      (...args: unknown[]) =>
        (method as (...given: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => busy(() => {
          throw error;
        })),
    ]),
  ) as unknown as typeof desk.methods;

  return {
    // IMMEDIATE takes the write lock before reading, so another process cannot change what was read in between.
    create: async (comment, status, key, options) => busy(() => create.immediate(comment, status, key, options)),
    published: async (articleId, { limit, order, afterId }) => readPage(articleId, limit, order, afterId),
    async counts(articleIds) {
      const ids = unique(articleIds);
      const counts = Object.fromEntries(ids.map((id) => [id, 0]));
      let revision = 0;
      if (ids.length) {
        for (const row of forArticles(ids.length).counts.all(...ids)) {
          counts[row.id] = row.published;
          revision += row.revision;
        }
      }
      return { counts, revision };
    },
    async revision(articleIds) {
      const ids = unique(articleIds);
      return ids.length ? forArticles(ids.length).revision.get(...ids)!.revision : 0;
    },
    report: async (commentId, reader, reason, threshold, options) =>
      busy(() => report.immediate(commentId, reader, reason, threshold, options?.alert)),
    pending: async () => pending.all().map(toComment),
    async reported() {
      const comments = new Map<string, ReportedComment & { total: number; seq: number }>();
      for (const row of reported.all()) {
        let comment = comments.get(row.id);
        if (!comment) comments.set(row.id, (comment = { ...toComment(row), reports: {}, total: 0, seq: row.seq }));
        comment.reports[row.reason] = row.count;
        comment.total += row.count;
      }
      return [...comments.values()]
        .sort((a, b) => b.total - a.total || a.seq - b.seq)
        .map(({ total, seq, ...comment }) => comment);
    },
    moderate: async (id, status) => busy(() => moderate.immediate(id, status)),
    rateLimiter(_name, limit) {
      const limiter = rateLimiter({ ...limit, now });
      return { take: async (client) => limiter.take(client), wait: async (client) => limiter.wait(client) };
    },
    async *exportRecords() {
      // A page at a time, never an open cursor: requests may use the connection between two pages.
      for (let last = 0, rows: Row[]; (rows = commentsAfter.all(last)).length; last = rows[rows.length - 1].seq) {
        for (const row of rows) yield { kind: 'comment', ...toComment(row) };
      }
      for (const row of allReports.all()) {
        yield { kind: 'report', commentId: row.comment_id, reader: row.reader, reason: row.reason, createdAt: row.created_at };
      }
      for (const row of liveKeys.all(new Date(now() - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString())) {
        yield { kind: 'idempotencyKey', key: row.key, fingerprint: row.fingerprint, commentId: row.comment_id, createdAt: row.created_at };
      }
      yield* desk.exportRecords();
    },
    importRecords: async (records) => busy(() => importAll.immediate(records)),
    close: async () => void db.close(),
    ...deskMethods,
  };
}
