/**
 * Where comments are kept. The routes use only the `CommentStore` interface, so another engine needs only another
 * implementation of it; SQLite is the default.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CommentRequest, CreatedAnswer, PublishedComment } from '../../src/contract.js';

export type Status = CreatedAnswer['status'] | 'rejected';

export interface StoredComment extends PublishedComment {
  articleUrl: string;
  email: string;
  status: Status;
}

export interface CommentStore {
  /**
   * Stores a comment once. With an idempotency key that was seen before, stores nothing and returns the first
   * answer, with `repeated: true`.
   */
  create(comment: CommentRequest, status: CreatedAnswer['status'], idempotencyKey?: string): CreatedAnswer & { repeated: boolean };
  /** Published comments of an article, newest first, `limit` at a time, older than the cursor `before`. */
  published(articleId: string, limit: number, before?: string): { comments: PublishedComment[]; next: string | null };
  /** Comments waiting for a moderator, oldest first. */
  pending(): StoredComment[];
  /** Approves (`published`) or rejects a comment; false when there is no such comment. */
  moderate(id: string, status: 'published' | 'rejected'): boolean;
  close(): void;
}

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

const toPublished = ({ id, articleId, title, comment, name, createdAt }: StoredComment): PublishedComment => ({
  id,
  articleId,
  title,
  comment,
  name,
  createdAt,
});

/** SQLite in `dataDir/comments.db`. Each comment is one INSERT in one transaction: a crash leaves no half row. */
export function sqliteStore(dataDir: string): CommentStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'comments.db'));
  db.pragma('journal_mode = WAL');
  // FULL: a comment the server has answered for survives a power cut, not only a crash of the process.
  db.pragma('synchronous = FULL');
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
    VALUES (@id, @articleId, @articleUrl, @title, @comment, @name, @email, @status, @createdAt, @idempotencyKey)
    ON CONFLICT (idempotency_key) DO NOTHING`);
  const byKey = db.prepare<[string], Row>('SELECT * FROM comments WHERE idempotency_key = ?');
  const page = db.prepare<[string, number, number], Row>(
    `SELECT * FROM comments WHERE article_id = ? AND status = 'published' AND seq < ? ORDER BY seq DESC LIMIT ?`,
  );
  const pending = db.prepare<[], Row>(`SELECT * FROM comments WHERE status = 'pending' ORDER BY seq`);
  const moderate = db.prepare(`UPDATE comments SET status = ? WHERE id = ?`);

  return {
    create(comment, status, idempotencyKey) {
      const id = crypto.randomUUID();
      const { changes } = insert.run({
        ...comment,
        id,
        status,
        createdAt: new Date().toISOString(),
        idempotencyKey: idempotencyKey ?? null,
      });
      if (changes === 1 || !idempotencyKey) return { id, status, repeated: false };
      const first = byKey.get(idempotencyKey)!;
      // A comment rejected since is reported as still waiting: its author learns nothing from the repeat.
      return { id: first.id, status: first.status === 'published' ? 'published' : 'pending', repeated: true };
    },
    published(articleId, limit, before) {
      const rows = page.all(articleId, before ? Number(before) || 0 : Number.MAX_SAFE_INTEGER, limit + 1);
      const more = rows.length > limit;
      const shown = rows.slice(0, limit);
      return {
        comments: shown.map((row) => toPublished(toComment(row))),
        next: more ? String(shown[shown.length - 1].seq) : null,
      };
    },
    pending: () => pending.all().map(toComment),
    moderate: (id, status) => moderate.run(status, id).changes === 1,
    close: () => db.close(),
  };
}
