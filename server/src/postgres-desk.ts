/**
 * The moderation desk's part of the PostgreSQL store, as `sqlite-desk.ts` is SQLite's: the same methods, the same
 * answers. Each write is one transaction; rows a decision reads are locked (`FOR UPDATE`), so that two processes
 * deciding on one comment, or undoing one action, take turns.
 */
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import type { ReportReason } from '../../src/contract.js';
import type {
  Alert,
  Article,
  AuditAction,
  AuditEntry,
  Block,
  DeskQuery,
  Queue,
  ReaderExport,
  Role,
  SenderRecord,
  WordLists,
} from './desk-types.js';
import { commentFields, deskComment } from './desk-types.js';
import { alertPayload } from './outbox.js';
import { ipRange } from './ip-range.js';
import { type DeskRecord, type DeskStore, ImportConflict, type Status } from './store.js';

/** The desk's migrations, after the comments' own: the same names, in the same order, as SQLite's. */
export const DESK_MIGRATIONS: Array<{ name: string; sql: string }> = [
  {
    name: 'article titles, rejection reasons, closing articles',
    sql: `
      ALTER TABLE comments ADD COLUMN article_title text, ADD COLUMN reason text;
      CREATE INDEX comments_by_status ON comments (status, seq);
      CREATE INDEX comments_by_email ON comments (lower(email), status);
      ALTER TABLE articles ADD COLUMN first_comment_at timestamptz, ADD COLUMN article_title text,
        ADD COLUMN article_url text, ADD COLUMN state text CHECK (state IN ('open', 'closed'));
      INSERT INTO articles (article_id, published, revision) SELECT DISTINCT article_id, 0, 0 FROM comments
        ON CONFLICT (article_id) DO NOTHING;
      UPDATE articles a SET first_comment_at = f.first, article_url = f.url
        FROM (SELECT article_id, MIN(created_at) AS first, (array_agg(article_url ORDER BY seq DESC))[1] AS url
          FROM comments GROUP BY article_id) f
        WHERE f.article_id = a.article_id;`,
  },
  {
    name: 'sender records',
    sql: `
      CREATE TABLE sender_records (
        comment_id text PRIMARY KEY REFERENCES comments (id),
        ip text NOT NULL,
        user_agent text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX sender_records_by_age ON sender_records (created_at);
      CREATE INDEX sender_records_by_ip ON sender_records (ip text_pattern_ops);`,
  },
  {
    name: 'moderators, sessions, audit trail',
    sql: `
      CREATE TABLE moderators (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('moderator', 'admin')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE UNIQUE INDEX moderators_by_name ON moderators (lower(name));
      CREATE TABLE sessions (
        token_digest text PRIMARY KEY,
        moderator_id integer NOT NULL REFERENCES moderators (id),
        created_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL
      );
      CREATE INDEX sessions_by_moderator ON sessions (moderator_id);
      CREATE INDEX sessions_by_use ON sessions (last_seen_at);
      CREATE TABLE audit (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        action_id text NOT NULL,
        at timestamptz NOT NULL,
        moderator text NOT NULL,
        action text NOT NULL,
        comment_id text,
        reason text,
        detail jsonb,
        undoes text
      );
      CREATE INDEX audit_by_action ON audit (action_id);
      CREATE INDEX audit_by_comment ON audit (comment_id);
      CREATE INDEX audit_by_undone ON audit (undoes);`,
  },
  {
    // The range keys compare as bytes ("C"), as SQLite compares them.
    name: 'blocks and word lists',
    sql: `
      CREATE TABLE blocks (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('email', 'ip')),
        value text NOT NULL,
        first_ip text COLLATE "C",
        last_ip text COLLATE "C",
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        UNIQUE (kind, value)
      );
      CREATE INDEX blocks_by_range ON blocks (first_ip, last_ip);
      CREATE TABLE word_lists (
        list text NOT NULL CHECK (list IN ('reject', 'hold')),
        word text NOT NULL,
        PRIMARY KEY (list, word)
      );
      CREATE TABLE desk_settings (key text PRIMARY KEY, value text NOT NULL);`,
  },
  {
    name: 'webhook outbox',
    sql: `
      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event text NOT NULL,
        comment_id text NOT NULL,
        payload text NOT NULL,
        created_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        locked_until timestamptz,
        sent_at timestamptz,
        failed_at timestamptz,
        last_error text
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;`,
  },
];

/**
 * What `create` adds to its statement for the desk, as common table expressions on its `inserted` rows: the
 * article's row (its first comment, title and address; its count and revision when published), the sender record
 * and the alert. Parameters from `$first`: the revision, the article title, the IP, the user agent, the alert's
 * payload (null for none).
 */
export const createdWrites = (first: number) => `
  touched AS (
    INSERT INTO articles AS a (article_id, published, revision, first_comment_at, article_title, article_url)
    SELECT article_id, CASE WHEN status = 'published' THEN 1 ELSE 0 END,
      CASE WHEN status = 'published' THEN $${first}::bigint ELSE 0 END, created_at, $${first + 1}::text, article_url
    FROM inserted
    ON CONFLICT (article_id) DO UPDATE SET
      published = a.published + excluded.published,
      revision = CASE WHEN excluded.published = 0 THEN a.revision ELSE GREATEST(excluded.revision, a.revision + 1) END,
      first_comment_at = COALESCE(a.first_comment_at, excluded.first_comment_at),
      article_title = COALESCE(excluded.article_title, a.article_title),
      article_url = CASE WHEN excluded.article_url = '' THEN a.article_url ELSE excluded.article_url END),
  sender AS (
    INSERT INTO sender_records (comment_id, ip, user_agent, created_at)
    SELECT id, $${first + 2}::text, $${first + 3}::text, created_at FROM inserted WHERE $${first + 2}::text IS NOT NULL),
  alerted AS (
    INSERT INTO outbox (event, comment_id, payload, created_at, next_attempt_at)
    SELECT 'pending', id, $${first + 4}::text, created_at, created_at FROM inserted WHERE $${first + 4}::text IS NOT NULL)`;

interface CommentRow {
  seq: string;
  id: string;
  article_id: string;
  article_url: string;
  article_title: string | null;
  title: string;
  comment: string;
  name: string;
  email: string;
  status: Status;
  created_at: Date;
  reason: string | null;
}

interface AuditRow {
  id: string;
  action_id: string;
  at: Date;
  moderator: string;
  action: AuditAction;
  comment_id: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
}

type ArticleRow = {
  article_id: string;
  article_title: string | null;
  article_url: string | null;
  first_comment_at: Date | null;
  state: Article['state'];
  revision: string;
  published: number;
  pending: number;
};

type BlockRow = { id: number; kind: 'email' | 'ip'; value: string; created_at: Date; created_by: string };

const SESSION_TOUCH_MS = 60_000;
const ANONYMOUS = 'Anonymous';
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const REPORTED = 'EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id)';
const QUEUE_WHERE: Record<Queue, string> = {
  pending: `c.status = 'pending' AND NOT ${REPORTED}`,
  reported: `c.status IN ('pending', 'published') AND ${REPORTED}`,
  published: `c.status = 'published' AND NOT ${REPORTED}`,
  rejected: `c.status = 'rejected'`,
};

const ARTICLE_COLUMNS = `a.article_id, a.article_title, a.article_url, a.first_comment_at, a.state, a.revision, a.published,
  (SELECT COUNT(*)::integer FROM comments c WHERE c.article_id = a.article_id AND c.status = 'pending') AS pending`;

const toArticle = (row: ArticleRow): Article => ({
  articleId: row.article_id,
  articleTitle: row.article_title,
  articleUrl: row.article_url || null,
  firstCommentAt: row.first_comment_at?.toISOString() ?? null,
  state: row.state,
  revision: Number(row.revision),
  published: row.published,
  pending: row.pending,
});

const toBlock = (row: BlockRow): Block => ({
  id: row.id,
  kind: row.kind,
  value: row.value,
  createdAt: row.created_at.toISOString(),
  createdBy: row.created_by,
});

type Change = { id: string; from: Status; to: Status; reason: string | null; reports: Array<{ reason: ReportReason; created_at: string }> };

export interface PostgresDeskContext {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<pg.QueryResult<R>>;
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  changeArticle(client: pg.PoolClient, articleId: string, delta: number): Promise<unknown>;
  now(): number;
}

export function postgresDesk({ query, transaction, changeArticle, now }: PostgresDeskContext) {
  const iso = (time = now()) => new Date(time).toISOString();

  const audit = (
    client: pg.PoolClient,
    actionId: string,
    moderator: string,
    action: AuditAction,
    { commentId = null, reason = null, detail = null, undoes = null }: { commentId?: string | null; reason?: string | null; detail?: object | null; undoes?: string | null } = {},
  ) =>
    client.query(
      `INSERT INTO audit (action_id, at, moderator, action, comment_id, reason, detail, undoes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [actionId, iso(), moderator, action, commentId, reason, detail && JSON.stringify(detail), undoes],
    );

  /** Within a write: moves a comment to `to`, keeping the published counts and revisions right. */
  const move = async (client: pg.PoolClient, row: CommentRow, to: Status, reason: string | null) => {
    await client.query('UPDATE comments SET status = $1, reason = $2 WHERE id = $3', [to, reason, row.id]);
    const delta = (to === 'published' ? 1 : 0) - (row.status === 'published' ? 1 : 0);
    if (delta) await changeArticle(client, row.article_id, delta);
  };

  const readLists = async (client?: pg.PoolClient): Promise<WordLists> => {
    const run = <R extends pg.QueryResultRow>(text: string) => (client ? client.query<R>(text) : query<R>(text));
    const [words, setting] = await Promise.all([
      run<{ list: 'reject' | 'hold'; word: string }>('SELECT list, word FROM word_lists ORDER BY list, word COLLATE "C"'),
      run<{ value: string }>(`SELECT value FROM desk_settings WHERE key = 'holdLinks'`),
    ]);
    const lists: WordLists = { reject: [], hold: [], holdLinks: setting.rows[0]?.value === 'true' };
    for (const { list, word } of words.rows) lists[list].push(word);
    return lists;
  };

  const senderOf = async (client: pg.PoolClient, commentId: string): Promise<SenderRecord | undefined> => {
    const row = (
      await client.query<{ ip: string; user_agent: string; created_at: Date }>(
        'SELECT ip, user_agent, created_at FROM sender_records WHERE comment_id = $1',
        [commentId],
      )
    ).rows[0];
    return row && { ip: row.ip, userAgent: row.user_agent, createdAt: row.created_at.toISOString() };
  };

  const commentsOfReader = (client: pg.PoolClient, email: string) =>
    client.query<CommentRow>('SELECT * FROM comments WHERE lower(email) = lower($1) ORDER BY seq', [email]);

  /** Within `report`'s transaction: the first report of a comment brings it to the Reported queue, with an alert. */
  const reported = async (client: pg.PoolClient, commentId: string) => {
    const { rows } = await client.query<{ count: number }>('SELECT COUNT(*)::integer AS count FROM reports WHERE comment_id = $1', [commentId]);
    if (rows[0].count !== 1) return;
    const row = (await client.query<CommentRow>('SELECT * FROM comments WHERE id = $1', [commentId])).rows[0];
    const payload = alertPayload('reported', {
      id: row.id,
      articleId: row.article_id,
      articleUrl: row.article_url,
      articleTitle: row.article_title,
      title: row.title,
      createdAt: row.created_at.toISOString(),
    });
    await client.query(
      `INSERT INTO outbox (event, comment_id, payload, created_at, next_attempt_at) VALUES ('reported', $1, $2, $3, $3)`,
      [commentId, JSON.stringify(payload), iso()],
    );
  };

  const methods: DeskStore = {
    async addModerator(name, role, passwordHash) {
      const { rowCount } = await query(
        'INSERT INTO moderators (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT ((lower(name))) DO NOTHING',
        [name, role, passwordHash, iso()],
      );
      return rowCount === 1;
    },
    removeModerator: (name) =>
      transaction(async (client) => {
        const found = (await client.query<{ id: number }>('SELECT id FROM moderators WHERE lower(name) = lower($1) FOR UPDATE', [name])).rows[0];
        if (!found) return false;
        await client.query('DELETE FROM sessions WHERE moderator_id = $1', [found.id]);
        await client.query('DELETE FROM moderators WHERE id = $1', [found.id]);
        return true;
      }),
    setPassword: (name, passwordHash) =>
      transaction(async (client) => {
        const found = (await client.query<{ id: number }>('SELECT id FROM moderators WHERE lower(name) = lower($1) FOR UPDATE', [name])).rows[0];
        if (!found) return false;
        await client.query('UPDATE moderators SET password_hash = $1 WHERE id = $2', [passwordHash, found.id]);
        await client.query('DELETE FROM sessions WHERE moderator_id = $1', [found.id]);
        return true;
      }),
    async moderator(name) {
      const row = (
        await query<{ id: number; name: string; role: Role; created_at: Date; password_hash: string }>(
          'SELECT * FROM moderators WHERE lower(name) = lower($1)',
          [name],
          'moderator-named',
        )
      ).rows[0];
      return row && { id: row.id, name: row.name, role: row.role, createdAt: row.created_at.toISOString(), passwordHash: row.password_hash };
    },
    async moderators() {
      const { rows } = await query<{ id: number; name: string; role: Role; created_at: Date }>(
        'SELECT id, name, role, created_at FROM moderators ORDER BY lower(name)',
      );
      return rows.map((row) => ({ id: row.id, name: row.name, role: row.role, createdAt: row.created_at.toISOString() }));
    },
    createSession: (digest, moderator) =>
      transaction(async (client) => {
        const time = iso();
        await client.query('INSERT INTO sessions (token_digest, moderator_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)', [
          digest,
          moderator.id,
          time,
        ]);
        await audit(client, randomUUID(), moderator.name, 'sign_in');
      }),
    async session(digest, startedAfter, usedAfter) {
      const row = (
        await query<{ id: number; name: string; role: Role; created_at: Date; last_seen_at: Date }>(
          `SELECT m.id, m.name, m.role, m.created_at, s.last_seen_at FROM sessions s JOIN moderators m ON m.id = s.moderator_id
          WHERE s.token_digest = $1 AND s.created_at > $2 AND s.last_seen_at > $3`,
          [digest, startedAfter, usedAfter],
          'session',
        )
      ).rows[0];
      if (!row) return undefined;
      if (row.last_seen_at.getTime() < now() - SESSION_TOUCH_MS) {
        await query('UPDATE sessions SET last_seen_at = $1 WHERE token_digest = $2', [iso(), digest], 'session-touch');
      }
      return { id: row.id, name: row.name, role: row.role, createdAt: row.created_at.toISOString() };
    },
    deleteSession: async (digest) => void (await query('DELETE FROM sessions WHERE token_digest = $1', [digest])),

    async deskComments(q: DeskQuery) {
      const newest = q.order === 'newest';
      const values: unknown[] = [q.cursor ?? (newest ? '9223372036854775807' : 0), q.limit + 1];
      const where = [QUEUE_WHERE[q.queue], newest ? 'c.seq < $1' : 'c.seq > $1'];
      if (q.articleId !== undefined) where.push(`c.article_id = $${values.push(q.articleId)}`);
      if (q.q !== undefined) {
        const like = `$${values.push(`%${escapeLike(q.q)}%`)}`;
        const prefix = `$${values.push(`${escapeLike(q.q)}%`)}`;
        where.push(`(c.comment ILIKE ${like} OR c.title ILIKE ${like} OR c.name ILIKE ${like} OR c.email ILIKE ${like}
          OR c.article_title ILIKE ${like} OR c.id IN (SELECT comment_id FROM sender_records WHERE ip LIKE ${prefix}))`);
      }
      const { rows } = await query<CommentRow & { approved: number; rejected: number }>(
        `SELECT c.*,
          (SELECT COUNT(*)::integer FROM comments h WHERE lower(h.email) = lower(c.email) AND h.status = 'published') AS approved,
          (SELECT COUNT(*)::integer FROM comments h WHERE lower(h.email) = lower(c.email) AND h.status = 'rejected') AS rejected
        FROM comments c WHERE ${where.join(' AND ')} ORDER BY c.seq ${newest ? 'DESC' : 'ASC'} LIMIT $2`,
        values,
      );
      const more = rows.length > q.limit;
      if (more) rows.pop();
      const reasons = new Map<string, Partial<Record<ReportReason, number>>>();
      if (rows.length) {
        const counted = await query<{ comment_id: string; reason: ReportReason; count: number }>(
          'SELECT comment_id, reason, COUNT(*)::integer AS count FROM reports WHERE comment_id = ANY($1::text[]) GROUP BY comment_id, reason',
          [rows.map((row) => row.id)],
        );
        for (const { comment_id, reason, count } of counted.rows) reasons.set(comment_id, { ...reasons.get(comment_id), [reason]: count });
      }
      return {
        comments: rows.map((row) =>
          deskComment({ ...row, created_at: row.created_at.toISOString() }, reasons.get(row.id) ?? {}, {
            approved: row.approved,
            rejected: row.rejected,
          }),
        ),
        next: more ? String(rows.at(-1)!.seq) : null,
      };
    },
    async queueCounts() {
      const { rows } = await query<Record<Queue, number>>(
        `SELECT ${Object.entries(QUEUE_WHERE)
          .map(([queue, where]) => `(SELECT COUNT(*)::integer FROM comments c WHERE ${where}) AS ${queue}`)
          .join(', ')}`,
        [],
        'queue-counts',
      );
      return { ...rows[0] };
    },
    decide: (given, decision, reason, actor) =>
      transaction(async (client) => {
        const ids = [...new Set(given)];
        const found = new Map(
          (await client.query<CommentRow>('SELECT * FROM comments WHERE id = ANY($1::text[]) ORDER BY seq FOR UPDATE', [ids])).rows.map((row) => [row.id, row]),
        );
        const missing = ids.filter((id) => !found.has(id));
        if (missing.length) return { kind: 'missing' as const, ids: missing };
        const actionId = randomUUID();
        const to: Status = decision === 'approve' ? 'published' : 'rejected';
        for (const id of ids) {
          const row = found.get(id)!;
          const reports =
            decision === 'approve'
              ? (
                  await client.query<{ reason: ReportReason; created_at: Date }>(
                    'SELECT reason, created_at FROM reports WHERE comment_id = $1 ORDER BY created_at',
                    [id],
                  )
                ).rows.map((report) => ({ reason: report.reason, created_at: report.created_at.toISOString() }))
              : [];
          if (reports.length) await client.query('DELETE FROM reports WHERE comment_id = $1', [id]);
          await move(client, row, to, decision === 'reject' ? (reason ?? null) : null);
          const change: Change = { id, from: row.status, to, reason: row.reason, reports };
          await audit(client, actionId, actor, decision, { commentId: id, reason: reason ?? null, detail: change });
        }
        return { kind: 'done' as const, actionId, comments: ids.map((id) => ({ id, status: to as 'published' | 'rejected' })) };
      }),
    undo: (actionId, actor, undoAfter) =>
      transaction(async (client) => {
        // Locked: of two undos of one action at once, the second finds it undone.
        const rows = (await client.query<AuditRow>('SELECT * FROM audit WHERE action_id = $1 ORDER BY id FOR UPDATE', [actionId])).rows;
        if (!rows.length || rows.some((row) => row.moderator !== actor || (row.action !== 'approve' && row.action !== 'reject'))) {
          return { kind: 'not_found' as const };
        }
        if ((await client.query('SELECT 1 FROM audit WHERE undoes = $1 LIMIT 1', [actionId])).rowCount) return { kind: 'not_found' as const };
        if (rows[0].at.toISOString() < undoAfter) return { kind: 'too_late' as const };
        const changes = rows.map((row) => row.detail as unknown as Change);
        const current = new Map(
          (await client.query<CommentRow>('SELECT * FROM comments WHERE id = ANY($1::text[]) FOR UPDATE', [changes.map((c) => c.id)])).rows.map((row) => [row.id, row]),
        );
        const changedSince = changes.filter((change) => current.get(change.id)?.status !== change.to).map((change) => change.id);
        if (changedSince.length) return { kind: 'changed' as const, ids: changedSince };
        const undoId = randomUUID();
        for (const change of changes) {
          for (const [n, report] of change.reports.entries()) {
            await client.query('INSERT INTO reports (comment_id, reader, reason, created_at) VALUES ($1, $2, $3, $4)', [
              change.id,
              `restored:${actionId}:${n}`,
              report.reason,
              report.created_at,
            ]);
          }
          await move(client, current.get(change.id)!, change.from, change.reason);
          await audit(client, undoId, actor, 'undo', { commentId: change.id, detail: { from: change.to, to: change.from }, undoes: actionId });
        }
        return {
          kind: 'done' as const,
          actionId: undoId,
          comments: changes.map((change) => ({ id: change.id, status: change.from })),
        };
      }),

    blocks: async () => (await query<BlockRow>('SELECT id, kind, value, created_at, created_by FROM blocks ORDER BY id DESC')).rows.map(toBlock),
    addBlock: (block, actor) =>
      transaction(async (client) => {
        const range = block.kind === 'ip' ? [block.first, block.last] : [null, null];
        const inserted = await client.query<BlockRow>(
          `INSERT INTO blocks (kind, value, first_ip, last_ip, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (kind, value) DO NOTHING RETURNING id, kind, value, created_at, created_by`,
          [block.kind, block.value, range[0], range[1], iso(), actor],
        );
        if (inserted.rows[0]) {
          await audit(client, randomUUID(), actor, 'block', { detail: { id: inserted.rows[0].id, kind: block.kind, value: block.value } });
          return toBlock(inserted.rows[0]);
        }
        const existing = await client.query<BlockRow>('SELECT id, kind, value, created_at, created_by FROM blocks WHERE kind = $1 AND value = $2', [
          block.kind,
          block.value,
        ]);
        return toBlock(existing.rows[0]);
      }),
    removeBlock: (id, actor) =>
      transaction(async (client) => {
        const { rows } = await client.query<{ kind: string; value: string }>('DELETE FROM blocks WHERE id = $1 RETURNING kind, value', [id]);
        if (!rows.length) return false;
        await audit(client, randomUUID(), actor, 'unblock', { detail: { id, ...rows[0] } });
        return true;
      }),
    async isBlocked(email, ip) {
      const { rowCount } = await query(
        `SELECT 1 FROM blocks WHERE (kind = 'email' AND value = $1) OR (first_ip <= $2 AND last_ip >= $2) LIMIT 1`,
        [email.toLowerCase(), ip ?? null],
        'is-blocked',
      );
      return rowCount === 1;
    },
    wordLists: () => readLists(),
    setWordLists: (lists, actor) =>
      transaction(async (client) => {
        // Locked first: two saves at once take turns, and each one's trail says what it changed.
        await client.query('LOCK TABLE word_lists IN SHARE ROW EXCLUSIVE MODE');
        const before = await readLists(client);
        await client.query('DELETE FROM word_lists');
        for (const list of ['reject', 'hold'] as const) {
          if (lists[list].length) {
            await client.query('INSERT INTO word_lists (list, word) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [list, lists[list]]);
          }
        }
        await client.query(
          `INSERT INTO desk_settings (key, value) VALUES ('holdLinks', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
          [String(lists.holdLinks)],
        );
        const diff = (list: 'reject' | 'hold') => ({
          added: lists[list].filter((word) => !before[list].includes(word)),
          removed: before[list].filter((word) => !lists[list].includes(word)),
        });
        await audit(client, randomUUID(), actor, 'word_lists', { detail: { reject: diff('reject'), hold: diff('hold'), holdLinks: lists.holdLinks } });
      }),
    async senderHistory(email, since = '1970-01-01T00:00:00Z') {
      const { rows } = await query<{ approved: number; rejected: number }>(
        `SELECT COUNT(*) FILTER (WHERE status = 'published')::integer AS approved, COUNT(*) FILTER (WHERE status = 'rejected')::integer AS rejected
        FROM comments WHERE lower(email) = lower($1) AND created_at >= $2`,
        [email, since],
        'sender-history',
      );
      return { ...rows[0] };
    },

    exportSender: (commentId, actor) =>
      transaction(async (client) => {
        if (!(await client.query('SELECT 1 FROM comments WHERE id = $1', [commentId])).rowCount) return 'no_comment' as const;
        const record = await senderOf(client, commentId);
        if (record) await audit(client, randomUUID(), actor, 'export_sender', { commentId });
        return record;
      }),
    exportReader: (email, actor) =>
      transaction(async (client): Promise<ReaderExport> => {
        const comments = [];
        for (const row of (await commentsOfReader(client, email)).rows) {
          const reports = await client.query<{ count: number }>('SELECT COUNT(*)::integer AS count FROM reports WHERE comment_id = $1', [row.id]);
          comments.push({
            ...commentFields({ ...row, created_at: row.created_at.toISOString() }),
            reports: reports.rows[0].count,
            sender: (await senderOf(client, row.id)) ?? null,
          });
        }
        await audit(client, randomUUID(), actor, 'export_reader', { detail: { comments: comments.map((comment) => comment.id) } });
        return { email, comments };
      }),
    eraseReader: (email, mode, actor) =>
      transaction(async (client) => {
        const rows = (await client.query<CommentRow>('SELECT * FROM comments WHERE lower(email) = lower($1) ORDER BY seq FOR UPDATE', [email])).rows;
        const ids = rows.map((row) => row.id);
        for (const table of ['sender_records', 'idempotency_keys', 'outbox']) {
          await client.query(`DELETE FROM ${table} WHERE comment_id = ANY($1::text[])`, [ids]);
        }
        if (mode === 'remove') {
          await client.query('DELETE FROM reports WHERE comment_id = ANY($1::text[])', [ids]);
          await client.query('DELETE FROM comments WHERE id = ANY($1::text[])', [ids]);
        } else {
          await client.query(`UPDATE comments SET name = '${ANONYMOUS}', email = '' WHERE id = ANY($1::text[])`, [ids]);
        }
        for (const row of rows) if (row.status === 'published') await changeArticle(client, row.article_id, mode === 'remove' ? -1 : 0);
        await audit(client, randomUUID(), actor, 'erase_reader', { detail: { mode, comments: ids } });
        return rows.length;
      }),
    purge: ({ sendersBefore, sessionsStartedBefore, sessionsUsedBefore, alertsBefore }) =>
      transaction(async (client) => {
        const senderRecords = (await client.query('DELETE FROM sender_records WHERE created_at < $1', [sendersBefore])).rowCount ?? 0;
        await client.query(
          `UPDATE reports SET reader = 'forgotten:' || gen_random_uuid() WHERE created_at < $1 AND reader NOT LIKE 'forgotten:%'`,
          [sendersBefore],
        );
        await client.query('DELETE FROM sessions WHERE created_at < $1 OR last_seen_at < $2', [sessionsStartedBefore, sessionsUsedBefore]);
        await client.query('DELETE FROM outbox WHERE sent_at < $1 OR failed_at < $1', [alertsBefore]);
        return { senderRecords };
      }),
    async audit({ limit, cursor }) {
      const { rows } = await query<AuditRow>('SELECT * FROM audit WHERE id < $1 ORDER BY id DESC LIMIT $2', [
        cursor ?? '9223372036854775807',
        limit + 1,
      ]);
      const more = rows.length > limit;
      if (more) rows.pop();
      const entries: AuditEntry[] = rows.map((row) => ({
        id: Number(row.id),
        actionId: row.action_id,
        at: row.at.toISOString(),
        moderator: row.moderator,
        action: row.action,
        commentId: row.comment_id,
        reason: row.reason,
        detail: row.detail,
      }));
      return { entries, next: more ? String(rows.at(-1)!.id) : null };
    },

    async article(articleId) {
      const row = (await query<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.article_id = $1`, [articleId], 'article')).rows[0];
      return row && toArticle(row);
    },
    async articles({ q = '', limit }) {
      const { rows } = await query<ArticleRow>(
        `SELECT ${ARTICLE_COLUMNS} FROM articles a WHERE a.article_id ILIKE $1 OR a.article_title ILIKE $1
        ORDER BY a.first_comment_at DESC NULLS LAST LIMIT $2`,
        [`%${escapeLike(q)}%`, limit],
      );
      return rows.map(toArticle);
    },
    setArticleState: (articleId, state, actor) =>
      transaction(async (client) => {
        await client.query('INSERT INTO articles (article_id, published, revision) VALUES ($1, 0, 0) ON CONFLICT (article_id) DO NOTHING', [articleId]);
        await client.query('UPDATE articles SET state = $1 WHERE article_id = $2', [state, articleId]);
        // The list answer says whether the article is closed: its ETag must change.
        await changeArticle(client, articleId, 0);
        await audit(client, randomUUID(), actor, state === 'closed' ? 'close_article' : 'open_article', { detail: { articleId } });
        return true;
      }),

    async claimAlerts(limit, leaseMs) {
      const time = now();
      const { rows } = await query<Alert & { id: string }>(
        `UPDATE outbox SET locked_until = $3 WHERE id IN (
          SELECT id FROM outbox
          WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
          ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id, event, payload, attempts`,
        [iso(time), limit, iso(time + leaseMs)],
        'claim-alerts',
      );
      return rows.map((row) => ({ ...row, id: Number(row.id) })).sort((a, b) => a.id - b.id);
    },
    alertSent: async (id) => void (await query('UPDATE outbox SET sent_at = $1, locked_until = NULL, attempts = attempts + 1 WHERE id = $2', [iso(), id])),
    async alertFailed(id, retryAt, error) {
      if (retryAt === null) {
        await query('UPDATE outbox SET attempts = attempts + 1, failed_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3', [iso(), error.slice(0, 500), id]);
      } else {
        await query('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3', [retryAt, error.slice(0, 500), id]);
      }
    },
  };

  /** The desk's records of an export, after the comments', reports and keys. */
  async function* exportRecords(): AsyncGenerator<DeskRecord> {
    const reasons = await query<{ id: string; reason: string }>('SELECT id, reason FROM comments WHERE reason IS NOT NULL ORDER BY seq');
    for (const row of reasons.rows) yield { kind: 'rejectionReason', commentId: row.id, reason: row.reason };
    const senders = await query<{ comment_id: string; ip: string; user_agent: string; created_at: Date }>(
      'SELECT s.* FROM sender_records s JOIN comments c ON c.id = s.comment_id ORDER BY c.seq',
    );
    for (const row of senders.rows) {
      yield { kind: 'sender', commentId: row.comment_id, ip: row.ip, userAgent: row.user_agent, createdAt: row.created_at.toISOString() };
    }
    const articles = await query<Omit<ArticleRow, 'revision' | 'published' | 'pending'>>(
      'SELECT article_id, article_title, article_url, first_comment_at, state FROM articles ORDER BY article_id COLLATE "C"',
    );
    for (const row of articles.rows) {
      yield {
        kind: 'article',
        articleId: row.article_id,
        articleTitle: row.article_title,
        articleUrl: row.article_url,
        firstCommentAt: row.first_comment_at?.toISOString() ?? null,
        state: row.state,
      };
    }
    const moderators = await query<{ name: string; role: Role; password_hash: string; created_at: Date }>(
      'SELECT name, role, password_hash, created_at FROM moderators ORDER BY id',
    );
    for (const row of moderators.rows) {
      yield { kind: 'moderator', name: row.name, role: row.role, passwordHash: row.password_hash, createdAt: row.created_at.toISOString() };
    }
    const blocks = await query<BlockRow>('SELECT id, kind, value, created_at, created_by FROM blocks ORDER BY id');
    for (const row of blocks.rows) {
      yield { kind: 'block', type: row.kind, value: row.value, createdAt: row.created_at.toISOString(), createdBy: row.created_by };
    }
    const lists = await readLists();
    for (const list of ['reject', 'hold'] as const) for (const word of lists[list]) yield { kind: 'word', list, word };
    const holdLinks = await query(`SELECT 1 FROM desk_settings WHERE key = 'holdLinks'`);
    if (holdLinks.rowCount) yield { kind: 'holdLinks', value: lists.holdLinks };
    const trail = await query<Omit<AuditRow, 'at'> & { at: Date; undoes: string | null }>('SELECT * FROM audit ORDER BY id');
    for (const row of trail.rows) {
      yield {
        kind: 'audit',
        actionId: row.action_id,
        at: row.at.toISOString(),
        moderator: row.moderator,
        action: row.action,
        commentId: row.comment_id,
        reason: row.reason,
        detail: row.detail,
        undoes: row.undoes,
      };
    }
  }

  const differ = (what: string, kept: Record<string, unknown>, given: Record<string, unknown>) => {
    if (Object.keys(given).some((field) => kept[field] !== given[field])) throw ImportConflict.desk(what);
  };
  /** Adds one desk record of an import, inside its transaction: 1 if added, 0 if already kept. */
  async function importRecord(client: pg.PoolClient, record: DeskRecord): Promise<number> {
    switch (record.kind) {
      case 'rejectionReason': {
        const set = await client.query('UPDATE comments SET reason = $1 WHERE id = $2 AND reason IS NULL', [record.reason, record.commentId]);
        if (set.rowCount) return 1;
        const { rows } = await client.query<{ reason: string | null }>('SELECT reason FROM comments WHERE id = $1', [record.commentId]);
        differ(`comment ${JSON.stringify(record.commentId)}'s rejection reason`, { reason: rows[0]?.reason }, { reason: record.reason });
        return 0;
      }
      case 'sender': {
        const added = await client.query(
          'INSERT INTO sender_records (comment_id, ip, user_agent, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (comment_id) DO NOTHING',
          [record.commentId, record.ip, record.userAgent, record.createdAt],
        );
        if (added.rowCount) return 1;
        const { rows } = await client.query<{ ip: string; user_agent: string }>('SELECT ip, user_agent FROM sender_records WHERE comment_id = $1', [record.commentId]);
        differ(`comment ${JSON.stringify(record.commentId)}'s sender record`, { ip: rows[0].ip, userAgent: rows[0].user_agent }, { ip: record.ip, userAgent: record.userAgent });
        return 0;
      }
      case 'article': {
        // As SQLite's: what the row lacks is filled in, a state set by hand here wins.
        const { rowCount } = await client.query(
          `INSERT INTO articles AS a (article_id, published, revision, first_comment_at, article_title, article_url, state)
          VALUES ($1, 0, 0, $2, $3, $4, $5)
          ON CONFLICT (article_id) DO UPDATE SET
            first_comment_at = COALESCE(a.first_comment_at, excluded.first_comment_at),
            article_title = COALESCE(a.article_title, excluded.article_title),
            article_url = COALESCE(NULLIF(a.article_url, ''), excluded.article_url),
            state = COALESCE(a.state, excluded.state)
          WHERE a.first_comment_at IS NULL AND excluded.first_comment_at IS NOT NULL
            OR a.article_title IS NULL AND excluded.article_title IS NOT NULL
            OR COALESCE(a.article_url, '') = '' AND COALESCE(excluded.article_url, '') <> ''
            OR a.state IS NULL AND excluded.state IS NOT NULL`,
          [record.articleId, record.firstCommentAt, record.articleTitle, record.articleUrl, record.state],
        );
        if (rowCount && record.state) await changeArticle(client, record.articleId, 0);
        return rowCount ?? 0;
      }
      case 'moderator': {
        const added = await client.query(
          'INSERT INTO moderators (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT ((lower(name))) DO NOTHING',
          [record.name, record.role, record.passwordHash, record.createdAt],
        );
        if (added.rowCount) return 1;
        const { rows } = await client.query<{ role: Role; password_hash: string }>('SELECT role, password_hash FROM moderators WHERE lower(name) = lower($1)', [record.name]);
        differ(`moderator ${JSON.stringify(record.name)}`, { role: rows[0].role, passwordHash: rows[0].password_hash }, { role: record.role, passwordHash: record.passwordHash });
        return 0;
      }
      case 'block': {
        const range = record.type === 'ip' ? ipRange(record.value) : undefined;
        if (range && 'problem' in range) throw new ImportConflict(`the block of ${JSON.stringify(record.value)} is no IP address or prefix`);
        const { rowCount } = await client.query(
          `INSERT INTO blocks (kind, value, first_ip, last_ip, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)
          ON CONFLICT (kind, value) DO NOTHING`,
          [record.type, record.value, range?.first ?? null, range?.last ?? null, record.createdAt, record.createdBy],
        );
        return rowCount ?? 0;
      }
      case 'word':
        return (await client.query('INSERT INTO word_lists (list, word) VALUES ($1, $2) ON CONFLICT DO NOTHING', [record.list, record.word])).rowCount ?? 0;
      case 'holdLinks': {
        const value = String(record.value);
        const added = await client.query(`INSERT INTO desk_settings (key, value) VALUES ('holdLinks', $1) ON CONFLICT (key) DO NOTHING`, [value]);
        if (added.rowCount) return 1;
        const { rows } = await client.query<{ value: string }>(`SELECT value FROM desk_settings WHERE key = 'holdLinks'`);
        differ('the setting to hold comments with links', { value: rows[0].value }, { value });
        return 0;
      }
      case 'audit': {
        const { rows } = await client.query<{ moderator: string; action: string; reason: string | null; at: Date }>(
          'SELECT moderator, action, reason, at FROM audit WHERE action_id = $1 AND comment_id IS NOT DISTINCT FROM $2',
          [record.actionId, record.commentId],
        );
        if (rows.length) {
          const [kept] = rows;
          const { moderator, action, reason, at } = record;
          differ(`audit row ${JSON.stringify(record.actionId)}`, { moderator: kept.moderator, action: kept.action, reason: kept.reason, at: kept.at.toISOString() }, { moderator, action, reason, at });
          return 0;
        }
        await client.query(
          `INSERT INTO audit (action_id, at, moderator, action, comment_id, reason, detail, undoes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [record.actionId, record.at, record.moderator, record.action, record.commentId, record.reason, record.detail && JSON.stringify(record.detail), record.undoes],
        );
        return 1;
      }
    }
  }

  return { methods, reported, exportRecords, importRecord };
}
