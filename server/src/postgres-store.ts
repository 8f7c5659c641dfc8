/**
 * The `CommentStore` in PostgreSQL, through node-postgres (`pg`), for any number of server processes on one
 * database. Everything the processes must agree on is in the database: comments, idempotency keys and rate-limit
 * counts; a process keeps nothing another would need. Each write is one statement, so it commits on its own; a
 * database that cannot be reached is `StoreUnavailable` (answered 503), and the pool opens new connections when it
 * is back.
 */
import pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { CommentOrder, PublishedComment, ReportReason } from '../../src/contract.js';
import { alertPayload } from './outbox.js';
import { DESK_MIGRATIONS, createdWrites, postgresDesk } from './postgres-desk.js';
import type { DatabaseSsl } from './settings.js';
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

/**
 * The schema, one change at a time, with the same numbers and names as SQLite's (`sqlite-store.ts`). Each runs
 * once, in a transaction with the row that records it; a change that has shipped is never edited.
 */
const MIGRATIONS: Array<{ name: string; sql: string }> = [
  {
    name: 'comments',
    sql: `
      CREATE TABLE comments (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id text NOT NULL UNIQUE,
        article_id text NOT NULL,
        article_url text NOT NULL,
        title text NOT NULL,
        comment text NOT NULL,
        name text NOT NULL,
        email text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'published', 'rejected')),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX comments_by_article ON comments (article_id, status, seq);`,
  },
  {
    name: 'idempotency keys with fingerprint and age',
    sql: `
      CREATE TABLE idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        comment_id text NOT NULL REFERENCES comments (id),
        created_at timestamptz NOT NULL
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);`,
  },
  {
    // Per article: how many comments it has published (a page's `total`, the counts) and its revision (the ETags).
    // Readers' reports, one per reader and comment.
    name: 'articles with published count and revision; reports',
    sql: `
      CREATE TABLE articles (
        article_id text PRIMARY KEY,
        published integer NOT NULL,
        revision bigint NOT NULL
      );
      CREATE TABLE reports (
        comment_id text NOT NULL REFERENCES comments (id),
        reader text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (comment_id, reader)
      );
      INSERT INTO articles (article_id, published, revision)
        SELECT article_id, COUNT(*) FILTER (WHERE status = 'published'), (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint
        FROM comments GROUP BY article_id;`,
  },
  {
    // UNLOGGED: a count is written on every post and need not survive a crash (it is emptied then, which lets a
    // client post a few more), so its commit waits for no disk flush. A clean restart keeps it.
    name: 'rate limits',
    sql: `
      CREATE UNLOGGED TABLE rate_limits (
        limiter text NOT NULL,
        client text NOT NULL,
        window_start timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        events integer NOT NULL,
        PRIMARY KEY (limiter, client)
      );
      CREATE INDEX rate_limits_by_expiry ON rate_limits (expires_at);`,
  },
  ...DESK_MIGRATIONS,
];

/** The names of the migrations in order: SQLite's must be the same. */
export const POSTGRES_MIGRATIONS = MIGRATIONS.map(({ name }) => name);

// Any fixed number: every process of this server takes the same lock before it looks at the schema.
const MIGRATION_LOCK = 7_031_946_513;

/**
 * Brings the schema up to the last migration under an advisory lock, on a connection of its own without the
 * statement timeout (a migration may take long, and so may the wait for another process's): of two processes
 * starting at once, the second waits and then finds the work done.
 */
async function migrate(config: pg.ClientConfig): Promise<void> {
  const client = new pg.Client({ ...config, statement_timeout: 0 });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL
    )`);
    const { rows } = await client.query<{ version: number | null }>('SELECT MAX(version) AS version FROM schema_migrations');
    const version = rows[0].version ?? 0;
    if (version > MIGRATIONS.length) {
      throw new Error(
        `the database is at schema version ${version}, newer than this server knows (${MIGRATIONS.length}): run the newer server, or restore a backup.`,
      );
    }
    for (let next = version; next < MIGRATIONS.length; next++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[next].sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, now())', [
          next + 1,
          MIGRATIONS[next].name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    // Ending the session releases the advisory lock.
    await client.end();
  }
}

/**
 * SQLSTATE classes that mean "not now" rather than "never": connection exceptions (08), insufficient resources
 * (53, too many connections), operator intervention (57: shutdown, restart, a cancelled statement), and
 * transaction rollbacks (40: serialization failures, deadlocks).
 */
const RETRYABLE_CLASSES = new Set(['08', '40', '53', '57']);

/**
 * A driver error as the routes should see it: the database not being there (a refused or cut connection, a pool
 * with no connection to give in time) or saying "not now" is `StoreUnavailable`; an error in the SQL stays itself.
 */
function classify(error: unknown): unknown {
  if (error instanceof pg.DatabaseError) {
    return RETRYABLE_CLASSES.has(String(error.code).slice(0, 2)) ? new StoreUnavailable(error) : error;
  }
  return new StoreUnavailable(error);
}

interface Row {
  seq: string;
  id: string;
  article_id: string;
  article_url: string;
  title: string;
  comment: string;
  name: string;
  email: string;
  status: Status;
  created_at: Date;
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
  createdAt: row.created_at.toISOString(),
});

// Each stored comment forgets this many expired keys, and each rate-limit event this many expired counts: the
// tables stay small without a sweep. SKIP LOCKED: two processes never wait for each other over old rows.
const EXPIRED_KEYS_PER_COMMENT = 4;
const EXPIRED_COUNTS_PER_EVENT = 2;
const FORGET_EXPIRED_KEYS = `DELETE FROM idempotency_keys WHERE key IN (
  SELECT key FROM idempotency_keys WHERE created_at < $10 ORDER BY created_at LIMIT ${EXPIRED_KEYS_PER_COMMENT} FOR UPDATE SKIP LOCKED)`;
const COMMENT_VALUES = '$1, $2, $3, $4, $5, $6, $7, $8, $9';
/**
 * Within a write: an article's published comments changed by `published`, so its revision moves on: to the time
 * given, or one past the last if the clock is behind it. (The columns of the rows inserted, `excluded`, are the change.)
 */
const ARTICLE_CHANGED = `ON CONFLICT (article_id) DO UPDATE SET
  published = a.published + excluded.published,
  revision = GREATEST(excluded.revision, a.revision + 1)`;
const COMMENT_COLUMNS = 'id, article_id, article_url, title, comment, name, email, status, created_at';
// Rows read at once by an export, and written at once by an import.
const PAGE = 1000;
// A key whose owner keeps changing (forgotten as expired, taken again) between our reads: give up after this many.
const KEY_ATTEMPTS = 3;

export interface PostgresStoreOptions {
  url: string;
  poolSize?: number;
  statementTimeoutMs?: number;
  ssl?: DatabaseSsl;
  /** The clock, in milliseconds; tests move it to expire idempotency keys and rate-limit windows. */
  now?: () => number;
}

/**
 * The connection settings: `ssl` (DATABASE_SSL), when given, overrides what the URL says, since node-postgres lets
 * the URL's `sslmode` win over its options.
 */
export function connectionConfig(url: string, ssl?: DatabaseSsl): pg.ClientConfig {
  if (ssl === undefined) return { connectionString: url };
  const parsed = new URL(url);
  for (const name of ['ssl', 'sslmode', 'uselibpqcompat']) parsed.searchParams.delete(name);
  return { connectionString: parsed.toString(), ssl: ssl === 'off' ? false : { rejectUnauthorized: ssl === 'verify-full' } };
}

export async function postgresStore({
  url,
  poolSize = 10,
  statementTimeoutMs = 5000,
  ssl,
  now = Date.now,
}: PostgresStoreOptions): Promise<CommentStore> {
  const config = { ...connectionConfig(url, ssl), application_name: 'news-comments' };
  await migrate(config);
  const pool = new pg.Pool({
    ...config,
    max: poolSize,
    statement_timeout: statementTimeoutMs,
    // A request waits this long for a connection (all busy, or the database not answering), then gets 503.
    connectionTimeoutMillis: Math.max(1000, statementTimeoutMs),
    keepAlive: true,
  });
  // An idle connection cut by the database (a restart, pg_terminate_backend): the pool drops it and opens another
  // when needed. Without a listener the 'error' event would end the process.
  pool.on('error', (error) => console.error(`news-comments: a PostgreSQL connection was lost (${error.message})`));

  const query = async <R extends pg.QueryResultRow>(text: string, values: unknown[] = [], name?: string) => {
    try {
      return await pool.query<R>({ text, values, name });
    } catch (error) {
      throw classify(error);
    }
  };

  const commentValues = (comment: StoredComment) => [
    comment.id,
    comment.articleId,
    comment.articleUrl,
    comment.title,
    comment.comment,
    comment.name,
    comment.email,
    comment.status,
    comment.createdAt,
  ];

  /**
   * Stores the comment with its key if the key is free, counts it on its article, and keeps what the desk keeps
   * with it (`createdWrites`): one statement, all or nothing. `desk` are the parameters from $13 on.
   */
  const createKeyed = async (values: unknown[], key: string, print: string, desk: unknown[]) =>
    (
      await query<{ id: string }>(
        `WITH forget AS (${FORGET_EXPIRED_KEYS}),
        keyed AS (
          INSERT INTO idempotency_keys (key, fingerprint, comment_id, created_at) VALUES ($11, $12, $1, $9)
          ON CONFLICT (key) DO NOTHING RETURNING key),
        inserted AS (
          INSERT INTO comments (${COMMENT_COLUMNS}, article_title, reason) SELECT ${COMMENT_VALUES}, $13::text, $14::text FROM keyed
          RETURNING id, article_id, article_url, status, created_at),
        ${createdWrites(15)}
        SELECT id FROM inserted`,
        [...values, key, print, ...desk],
        'create-keyed',
      )
    ).rowCount === 1;

  async function create(
    comment: Parameters<CommentStore['create']>[0],
    status: Status,
    key?: string,
    options: CreateOptions = {},
  ): Promise<CreateOutcome> {
    const time = now();
    const oldest = new Date(time - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString();
    const createdAt = new Date(time).toISOString();
    const stored = (id: string) => [...commentValues({ ...comment, id, status, createdAt }), oldest];
    // A rejected comment (a blocked sender, a word that rejects) is answered as the rules say, else as one waiting.
    const answer = options.answer ?? (status === 'published' ? 'published' : 'pending');
    const articleTitle = comment.articleTitle || null;
    /** The desk's parameters: the comment's title of its article and reason, then `createdWrites`'. */
    const desk = (id: string) => [
      articleTitle,
      options.reason ?? null,
      time,
      articleTitle,
      options.sender?.ip ?? null,
      options.sender?.userAgent ?? null,
      options.alert && status === 'pending'
        ? JSON.stringify(alertPayload('pending', { id, ...comment, articleTitle, createdAt }))
        : null,
    ];
    if (key === undefined) {
      const id = randomUUID();
      await query(
        `WITH forget AS (${FORGET_EXPIRED_KEYS}),
        inserted AS (
          INSERT INTO comments (${COMMENT_COLUMNS}, article_title, reason) VALUES (${COMMENT_VALUES}, $11::text, $12::text)
          RETURNING id, article_id, article_url, status, created_at),
        ${createdWrites(13)}
        SELECT 1`,
        [...stored(id), ...desk(id)],
        'create',
      );
      return { kind: 'created', id, status: answer };
    }
    const print = fingerprint(comment);
    for (let attempt = 0; attempt < KEY_ATTEMPTS; attempt++) {
      const id = randomUUID();
      // Another process storing the same key at this moment makes this statement wait for its commit, then do
      // nothing: the key is looked up below and answered as a repeat.
      if (await createKeyed(stored(id), key, print, desk(id))) return { kind: 'created', id, status: answer };
      const { rows } = await query<{ fingerprint: string; comment_id: string; created_at: Date; status: Status }>(
        `SELECT k.fingerprint, k.comment_id, k.created_at, c.status
        FROM idempotency_keys k JOIN comments c ON c.id = k.comment_id WHERE k.key = $1`,
        [key],
        'key-named',
      );
      const seen = rows[0];
      if (!seen) continue; // forgotten as expired in between: try to take it again
      if (seen.created_at.toISOString() >= oldest) {
        if (seen.fingerprint !== print) return { kind: 'key_reused' };
        // A comment rejected since is reported as still waiting: its author learns nothing from the repeat.
        return { kind: 'repeated', id: seen.comment_id, status: seen.status === 'published' ? 'published' : 'pending' };
      }
      await query('DELETE FROM idempotency_keys WHERE key = $1 AND created_at < $2', [key, oldest], 'forget-key');
    }
    throw new StoreUnavailable(new Error(`the idempotency key ${JSON.stringify(key)} kept changing hands`));
  }

  /** Runs `work` in a transaction on one connection; a connection that failed is closed, not pooled again. */
  async function transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw classify(error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      client.release();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release(true);
      // A refusal of ours is no driver error: it is said as it is.
      throw error instanceof ImportConflict ? error : classify(error);
    }
  }

  const changeArticle = (client: pg.PoolClient, articleId: string, delta: number) =>
    client.query({
      name: 'article-changed',
      text: `INSERT INTO articles AS a (article_id, published, revision) VALUES ($1, $2, $3) ${ARTICLE_CHANGED}`,
      values: [articleId, delta, now()],
    });

  const deskPart = postgresDesk({ query, transaction, changeArticle, now });

  // The page, its total and its revision come from one statement, so from one snapshot, even while other processes
  // write: an ETag never names a page it does not describe.
  const pageQuery = (order: CommentOrder) => `
    SELECT a.published AS total, a.revision, c.seq, c.id, c.article_id, c.title, c.comment, c.name, c.created_at
    FROM (SELECT 1) AS one
    LEFT JOIN articles a ON a.article_id = $1
    LEFT JOIN LATERAL (
      SELECT seq, id, article_id, title, comment, name, created_at FROM comments
      WHERE article_id = $1 AND status = 'published' AND seq ${order === 'newest' ? '<' : '>'} $2
      ORDER BY seq ${order === 'newest' ? 'DESC' : 'ASC'} LIMIT $3
    ) c ON true
    ORDER BY c.seq ${order === 'newest' ? 'DESC' : 'ASC'}`;

  async function published(articleId: string, { limit, order, afterId }: { limit: number; order: CommentOrder; afterId?: string }) {
    let from = order === 'newest' ? '9223372036854775807' : '0';
    if (afterId !== undefined) {
      const { rows } = await query<{ seq: string }>('SELECT seq FROM comments WHERE id = $1 AND article_id = $2', [afterId, articleId], 'position');
      if (!rows.length) return undefined;
      from = rows[0].seq;
    }
    const { rows } = await query<Row & { total: number | null; revision: string | null }>(pageQuery(order), [articleId, from, limit + 1], `page-${order}`);
    const comments: PublishedComment[] = rows
      .filter((row) => row.id !== null)
      .map(({ id, article_id, title, comment, name, created_at }) => ({ id, articleId: article_id, title, comment, name, createdAt: created_at.toISOString() }));
    const more = comments.length > limit;
    if (more) comments.pop();
    const page: Page = { comments, more, total: rows[0].total ?? 0, revision: Number(rows[0].revision ?? 0) };
    return page;
  }

  const report = (commentId: string, reader: string, reason: ReportReason, threshold: number, options: { alert?: boolean } = {}) =>
    transaction(async (client): Promise<ReportOutcome> => {
      // The comment's row is locked first: reports of one comment take turns, so exactly one crosses the threshold.
      const found = (
        await client.query<{ article_id: string; status: Status }>('SELECT article_id, status FROM comments WHERE id = $1 FOR UPDATE', [commentId])
      ).rows[0];
      // Before the status: a reader whose report hid the comment, sending again, gets the first answer, not a 404.
      if ((await client.query('SELECT 1 FROM reports WHERE comment_id = $1 AND reader = $2', [commentId, reader])).rowCount) {
        return { kind: 'repeated' };
      }
      if (found?.status !== 'published') return { kind: 'not_found' };
      await client.query('INSERT INTO reports (comment_id, reader, reason, created_at) VALUES ($1, $2, $3, $4)', [
        commentId,
        reader,
        reason,
        new Date(now()).toISOString(),
      ]);
      if (options.alert) await deskPart.reported(client, commentId);
      const { rows } = await client.query<{ count: number }>('SELECT COUNT(*)::integer AS count FROM reports WHERE comment_id = $1', [commentId]);
      if (rows[0].count < threshold) return { kind: 'received', hidden: false };
      await client.query(`UPDATE comments SET status = 'pending' WHERE id = $1`, [commentId]);
      await changeArticle(client, found.article_id, -1);
      return { kind: 'received', hidden: true };
    });

  const moderate = (id: string, status: 'published' | 'rejected') =>
    transaction(async (client) => {
      const found = (await client.query<{ article_id: string; status: Status }>('SELECT article_id, status FROM comments WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!found) return false;
      await client.query('UPDATE comments SET status = $1 WHERE id = $2', [status, id]);
      // Approval clears the reports: a moderator has read it.
      if (status === 'published') await client.query('DELETE FROM reports WHERE comment_id = $1', [id]);
      const delta = (status === 'published' ? 1 : 0) - (found.status === 'published' ? 1 : 0);
      if (delta) await changeArticle(client, found.article_id, delta);
      return true;
    });

  async function reported(): Promise<ReportedComment[]> {
    const { rows } = await query<Row & { reason: ReportReason; count: number }>(
      `SELECT c.*, r.reason, COUNT(*)::integer AS count
      FROM comments c JOIN reports r ON r.comment_id = c.id
      WHERE c.status IN ('published', 'pending')
      GROUP BY c.seq, r.reason
      ORDER BY c.seq, r.reason`,
      [],
      'reported',
    );
    const comments = new Map<string, ReportedComment & { total: number; seq: number }>();
    for (const row of rows) {
      let comment = comments.get(row.id);
      if (!comment) comments.set(row.id, (comment = { ...toComment(row), reports: {}, total: 0, seq: Number(row.seq) }));
      comment.reports[row.reason] = row.count;
      comment.total += row.count;
    }
    return [...comments.values()].sort((a, b) => b.total - a.total || a.seq - b.seq).map(({ total, seq, ...comment }) => comment);
  }

  const importRecords = (records: TransferRecord[]) =>
    transaction(async (client) => {
      const comments = records.filter((record) => record.kind === 'comment');
      const reports = records.filter((record) => record.kind === 'report');
      const keys = records.filter((record) => record.kind === 'idempotencyKey');
      let added = 0;
      for (let start = 0; start < comments.length; start += PAGE) {
        const page = comments.slice(start, start + PAGE);
        const columns = Array.from({ length: 9 }, (_, i) => page.map((comment) => commentValues(comment)[i]));
        // WITH ORDINALITY … ORDER BY: the comments get their order (seq) in the order of the file; each published
        // one counts on its article, as if it had come in.
        const result = await client.query(
          `WITH inserted AS (
            INSERT INTO comments (${COMMENT_COLUMNS})
            SELECT ${COMMENT_COLUMNS} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
              $7::text[], $8::text[], $9::timestamptz[]) WITH ORDINALITY AS r(${COMMENT_COLUMNS}, n)
            ORDER BY n ON CONFLICT (id) DO NOTHING RETURNING article_id, status),
          counted AS (
            INSERT INTO articles AS a (article_id, published, revision)
            SELECT article_id, COUNT(*) FILTER (WHERE status = 'published'), $10 FROM inserted GROUP BY article_id
            ${ARTICLE_CHANGED})
          SELECT COUNT(*)::integer AS added FROM inserted`,
          [...columns, now()],
        );
        added += result.rows[0].added;
      }
      const desk = records.filter((record) => record.kind !== 'comment' && record.kind !== 'report' && record.kind !== 'idempotencyKey');
      const named = new Set([
        ...[...reports, ...keys].map((record) => record.commentId),
        ...desk.flatMap((record) => (record.kind === 'sender' || record.kind === 'rejectionReason' ? [record.commentId] : [])),
      ]);
      const namedComments = comments.filter((comment) => named.has(comment.id));
      for (let start = 0; start < namedComments.length; start += PAGE) {
        const page = namedComments.slice(start, start + PAGE);
        const fields = ['id', 'articleId', 'title', 'comment', 'name', 'email'] as const;
        const { rows } = await client.query<{ id: string }>(
          `SELECT c.id FROM comments c
          JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS f(id, article_id, title, comment, name, email)
            ON f.id = c.id
          WHERE (c.article_id, c.title, c.comment, c.name, c.email) IS DISTINCT FROM (f.article_id, f.title, f.comment, f.name, f.email)
          LIMIT 1`,
          fields.map((field) => page.map((comment) => comment[field])),
        );
        if (rows.length) throw ImportConflict.comment(rows[0].id);
      }
      for (let start = 0; start < reports.length; start += PAGE) {
        const page = reports.slice(start, start + PAGE);
        const result = await client.query(
          `INSERT INTO reports (comment_id, reader, reason, created_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT (comment_id, reader) DO NOTHING`,
          [page.map((r) => r.commentId), page.map((r) => r.reader), page.map((r) => r.reason), page.map((r) => r.createdAt)],
        );
        added += result.rowCount ?? 0;
      }
      for (let start = 0; start < keys.length; start += PAGE) {
        const page = keys.slice(start, start + PAGE);
        const result = await client.query(
          `INSERT INTO idempotency_keys (key, fingerprint, comment_id, created_at)
          SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) ON CONFLICT (key) DO NOTHING`,
          [page.map((k) => k.key), page.map((k) => k.fingerprint), page.map((k) => k.commentId), page.map((k) => k.createdAt)],
        );
        added += result.rowCount ?? 0;
      }
      // In the file's order, one at a time: the desk's records are few beside the comments.
      for (const record of desk) added += await deskPart.importRecord(client, record);
      return { added, present: records.length - added };
    });

  const unique = (articleIds: readonly string[]) => [...new Set(articleIds)];

  return {
    create,
    published,
    async counts(articleIds) {
      const ids = unique(articleIds);
      const counts: Record<string, number> = Object.fromEntries(ids.map((id) => [id, 0]));
      let revision = 0;
      if (ids.length) {
        const { rows } = await query<{ article_id: string; published: number; revision: string }>(
          'SELECT article_id, published, revision FROM articles WHERE article_id = ANY($1::text[])',
          [ids],
          'counts',
        );
        for (const row of rows) {
          counts[row.article_id] = row.published;
          revision += Number(row.revision);
        }
      }
      return { counts, revision };
    },
    async revision(articleIds) {
      const ids = unique(articleIds);
      if (!ids.length) return 0;
      const { rows } = await query<{ revision: string }>(
        'SELECT COALESCE(SUM(revision), 0) AS revision FROM articles WHERE article_id = ANY($1::text[])',
        [ids],
        'revision',
      );
      return Number(rows[0].revision);
    },
    report,
    pending: async () => (await query<Row>(`SELECT * FROM comments WHERE status = 'pending' ORDER BY seq`, [], 'pending')).rows.map(toComment),
    reported,
    moderate,

    rateLimiter(name, { count, windowSeconds }) {
      const windowMs = windowSeconds * 1000;
      const iso = (time: number) => new Date(time).toISOString();
      const secondsUntil = (expiresAt: Date | undefined, time: number) =>
        expiresAt ? Math.max(1, Math.ceil((expiresAt.getTime() - time) / 1000)) : windowSeconds;
      return {
        // A client's window opens with its first event and lasts `windowSeconds`: `count` events in it, then none
        // until it closes (so at most twice `count` across two windows back to back). One atomic upsert, whichever
        // process runs it; the row is read again only for a refusal, to say how long to wait.
        async take(client) {
          if (count <= 0) return windowSeconds;
          const time = now();
          const { rowCount } = await query(
            `WITH forget AS (
              DELETE FROM rate_limits WHERE (limiter, client) IN (
                SELECT limiter, client FROM rate_limits WHERE expires_at <= $3 AND NOT (limiter = $1 AND client = $2)
                ORDER BY expires_at LIMIT ${EXPIRED_COUNTS_PER_EVENT} FOR UPDATE SKIP LOCKED))
            INSERT INTO rate_limits AS r (limiter, client, window_start, expires_at, events) VALUES ($1, $2, $3, $4, 1)
            ON CONFLICT (limiter, client) DO UPDATE SET
              window_start = CASE WHEN r.expires_at <= $3 THEN $3 ELSE r.window_start END,
              expires_at = CASE WHEN r.expires_at <= $3 THEN $4 ELSE r.expires_at END,
              events = CASE WHEN r.expires_at <= $3 THEN 1 ELSE r.events + 1 END
            WHERE r.expires_at <= $3 OR r.events < $5
            RETURNING events`,
            [name, client, iso(time), iso(time + windowMs), count],
            'rate-take',
          );
          if (rowCount === 1) return 0;
          return secondsUntil((await windowOf(client)).expires_at, time);
        },
        async wait(client) {
          if (count <= 0) return windowSeconds;
          const time = now();
          const row = await windowOf(client);
          return row && row.expires_at.getTime() > time && row.events >= count ? secondsUntil(row.expires_at, time) : 0;
        },
      };
      async function windowOf(client: string) {
        const { rows } = await query<{ expires_at: Date; events: number }>(
          'SELECT expires_at, events FROM rate_limits WHERE limiter = $1 AND client = $2',
          [name, client],
          'rate-window',
        );
        return rows[0];
      }
    },

    async *exportRecords() {
      for (let last = '0'; ; ) {
        const { rows } = await query<Row>('SELECT * FROM comments WHERE seq > $1 ORDER BY seq LIMIT $2', [last, PAGE], 'export-comments');
        for (const row of rows) yield { kind: 'comment', ...toComment(row) };
        if (rows.length < PAGE) break;
        last = rows[rows.length - 1].seq;
      }
      const reports = await query<{ comment_id: string; reader: string; reason: ReportReason; created_at: Date }>(
        `SELECT r.comment_id, r.reader, r.reason, r.created_at FROM reports r JOIN comments c ON c.id = r.comment_id
        ORDER BY c.seq, r.created_at, r.reader COLLATE "C"`,
      );
      for (const row of reports.rows) {
        yield { kind: 'report', commentId: row.comment_id, reader: row.reader, reason: row.reason, createdAt: row.created_at.toISOString() };
      }
      const { rows } = await query<{ key: string; fingerprint: string; comment_id: string; created_at: Date }>(
        'SELECT key, fingerprint, comment_id, created_at FROM idempotency_keys WHERE created_at >= $1 ORDER BY created_at, key COLLATE "C"',
        [new Date(now() - IDEMPOTENCY_KEY_LIFETIME_MS).toISOString()],
      );
      for (const row of rows) {
        yield { kind: 'idempotencyKey', key: row.key, fingerprint: row.fingerprint, commentId: row.comment_id, createdAt: row.created_at.toISOString() };
      }
      yield* deskPart.exportRecords();
    },
    importRecords,
    close: () => pool.end(),
    ...deskPart.methods,
  };
}
