/**
 * The moderation desk's part of the SQLite store: moderators and sessions, the queues, decisions with their audit
 * trail, blocks, word lists, sender records, readers' data, articles and the webhook outbox. Plain SQL, one
 * transaction per request that writes, as `sqlite-store.ts` does for comments.
 */
import type Database from 'better-sqlite3';
import type { CommentRequest, ReportReason } from '../../src/contract.js';
import type {
  Alert,
  Article,
  AuditAction,
  AuditEntry,
  Block,
  DecideOutcome,
  Decision,
  DeskComment,
  DeskQuery,
  NewBlock,
  Queue,
  ReaderExport,
  Role,
  SenderRecord,
  UndoOutcome,
  WordLists,
} from './desk-types.js';
import { commentFields, deskComment } from './desk-types.js';
import { alertPayload } from './outbox.js';
import { ipRange } from './ip-range.js';
import { type CreateOptions, type DeskRecord, type DeskStore, ImportConflict, type Status } from './store.js';

type Db = Database.Database;


interface CommentRow {
  seq: number;
  id: string;
  article_id: string;
  article_url: string;
  article_title: string | null;
  title: string;
  comment: string;
  name: string;
  email: string;
  status: Status;
  created_at: string;
  reason: string | null;
}

interface AuditRow {
  id: number;
  action_id: string;
  at: string;
  moderator: string;
  action: AuditAction;
  comment_id: string | null;
  reason: string | null;
  detail: string | null;
}

/** The name comments are left with when their reader's data is anonymised. */
export const ANONYMOUS = 'Anonymous';

// A session's last use is written at most this often: a desk polling every few seconds would otherwise write
// on every poll.
const SESSION_TOUCH_MS = 60_000;

// `LIKE` takes % and _ as wildcards: a search for "100%" means the text.
const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const likePrefix = (text: string) => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Which comments each queue holds. Reports take a comment out of Pending and Published into Reported until a
 * moderator decides (approval clears them); rejected comments are in Rejected whatever was reported.
 */
const REPORTED = 'EXISTS (SELECT 1 FROM reports r WHERE r.comment_id = c.id)';
const QUEUE_WHERE: Record<Queue, string> = {
  pending: `c.status = 'pending' AND NOT ${REPORTED}`,
  reported: `c.status IN ('pending', 'published') AND ${REPORTED}`,
  published: `c.status = 'published' AND NOT ${REPORTED}`,
  rejected: `c.status = 'rejected'`,
};

export function sqliteDesk(db: Db, now: () => number, changed: (articleId: string, delta: number) => void) {
  const iso = (time = now()) => new Date(time).toISOString();

  // Moderators and sessions
  const insertModerator = db.prepare(
    `INSERT INTO moderators (name, role, password_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING`,
  );
  const moderatorNamed = db.prepare<[string], { id: number; name: string; role: Role; created_at: string; password_hash: string }>(
    'SELECT * FROM moderators WHERE name = ?',
  );
  const allModerators = db.prepare<[], { id: number; name: string; role: Role; created_at: string }>(
    'SELECT id, name, role, created_at FROM moderators ORDER BY name',
  );
  const deleteSessionsOf = db.prepare('DELETE FROM sessions WHERE moderator_id = ?');
  const deleteModerator = db.prepare('DELETE FROM moderators WHERE id = ?');
  const updatePassword = db.prepare('UPDATE moderators SET password_hash = ? WHERE id = ?');
  const insertSession = db.prepare('INSERT INTO sessions (token_digest, moderator_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)');
  const sessionNamed = db.prepare<
    [string, string, string],
    { id: number; name: string; role: Role; created_at: string; last_seen_at: string }
  >(`
    SELECT m.id, m.name, m.role, m.created_at, s.last_seen_at FROM sessions s JOIN moderators m ON m.id = s.moderator_id
    WHERE s.token_digest = ? AND s.created_at > ? AND s.last_seen_at > ?`);
  const touchSession = db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_digest = ?');
  const deleteSession = db.prepare('DELETE FROM sessions WHERE token_digest = ?');

  // The audit trail
  const insertAudit = db.prepare(`
    INSERT INTO audit (action_id, at, moderator, action, comment_id, reason, detail, undoes)
    VALUES (@actionId, @at, @moderator, @action, @commentId, @reason, @detail, @undoes)`);
  const audit = (
    actionId: string,
    moderator: string,
    action: AuditAction,
    { commentId = null, reason = null, detail = null, undoes = null }: { commentId?: string | null; reason?: string | null; detail?: object | null; undoes?: string | null } = {},
  ) =>
    insertAudit.run({ actionId, at: iso(), moderator, action, commentId, reason, detail: detail && JSON.stringify(detail), undoes });
  const auditPage = db.prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?');
  const actionRows = db.prepare<[string], AuditRow>('SELECT * FROM audit WHERE action_id = ? ORDER BY id');
  const undoneAlready = db.prepare<[string]>('SELECT 1 FROM audit WHERE undoes = ? LIMIT 1');

  // Comments and their queues
  const commentById = db.prepare<[string], CommentRow>('SELECT * FROM comments WHERE id = ?');
  const setDecision = db.prepare<[Status, string | null, string]>('UPDATE comments SET status = ?, reason = ? WHERE id = ?');
  const reportsOf = db.prepare<[string], { reason: ReportReason; created_at: string }>(
    'SELECT reason, created_at FROM reports WHERE comment_id = ? ORDER BY created_at',
  );
  const reasonsOf = db.prepare<[string], { reason: ReportReason; count: number }>(
    'SELECT reason, COUNT(*) AS count FROM reports WHERE comment_id = ? GROUP BY reason',
  );
  const clearReports = db.prepare('DELETE FROM reports WHERE comment_id = ?');
  const restoreReport = db.prepare('INSERT INTO reports (comment_id, reader, reason, created_at) VALUES (?, ?, ?, ?)');
  const history = `
    (SELECT COUNT(*) FROM comments h WHERE h.email = c.email COLLATE NOCASE AND h.status = 'published') AS approved,
    (SELECT COUNT(*) FROM comments h WHERE h.email = c.email COLLATE NOCASE AND h.status = 'rejected') AS rejected`;
  const historySince = db.prepare<[string, string], { approved: number; rejected: number }>(`
    SELECT COALESCE(SUM(CASE WHEN status = 'published' THEN 1 ELSE 0 END), 0) AS approved,
      COALESCE(SUM(CASE WHEN status = 'rejected' THEN 1 ELSE 0 END), 0) AS rejected
    FROM comments WHERE email = ? COLLATE NOCASE AND created_at >= ?`);
  const counts = db.prepare<[], Record<Queue, number>>(
    `SELECT ${Object.entries(QUEUE_WHERE)
      .map(([queue, where]) => `(SELECT COUNT(*) FROM comments c WHERE ${where}) AS ${queue}`)
      .join(', ')}`,
  );

  // The statements of the queue pages, one per shape of query, made when first asked for.
  const queuePages = new Map<string, Database.Statement<Record<string, unknown>, CommentRow & { approved: number; rejected: number }>>();
  const queuePage = (query: DeskQuery) => {
    const newest = query.order === 'newest';
    const where = [QUEUE_WHERE[query.queue], newest ? 'c.seq < @cursor' : 'c.seq > @cursor'];
    if (query.articleId !== undefined) where.push('c.article_id = @articleId');
    if (query.q !== undefined) {
      where.push(`(c.comment LIKE @like ESCAPE '\\' OR c.title LIKE @like ESCAPE '\\' OR c.name LIKE @like ESCAPE '\\'
        OR c.email LIKE @like ESCAPE '\\' OR c.article_title LIKE @like ESCAPE '\\'
        OR c.id IN (SELECT comment_id FROM sender_records WHERE ip LIKE @prefix ESCAPE '\\'))`);
    }
    const sql = `SELECT c.*, ${history} FROM comments c WHERE ${where.join(' AND ')}
      ORDER BY c.seq ${newest ? 'DESC' : 'ASC'} LIMIT @limit`;
    let statement = queuePages.get(sql);
    if (!statement) queuePages.set(sql, (statement = db.prepare(sql)));
    return statement;
  };

  const deskCommentOf = (row: CommentRow, approved: number, rejected: number): DeskComment => {
    const reasons: DeskComment['reports']['reasons'] = {};
    for (const { reason, count } of reasonsOf.all(row.id)) reasons[reason] = count;
    return deskComment(row, reasons, { approved, rejected });
  };

  // Blocks and word lists
  const allBlocks = db.prepare<[], { id: number; kind: 'email' | 'ip'; value: string; created_at: string; created_by: string }>(
    'SELECT id, kind, value, created_at, created_by FROM blocks ORDER BY id DESC',
  );
  const blockNamed = db.prepare<[string, string], { id: number; kind: 'email' | 'ip'; value: string; created_at: string; created_by: string }>(
    'SELECT id, kind, value, created_at, created_by FROM blocks WHERE kind = ? AND value = ?',
  );
  const insertBlock = db.prepare(
    'INSERT INTO blocks (kind, value, first_ip, last_ip, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const blockById = db.prepare<[number], { kind: string; value: string }>('SELECT kind, value FROM blocks WHERE id = ?');
  const deleteBlock = db.prepare('DELETE FROM blocks WHERE id = ?');
  const blockedEmail = db.prepare<[string]>(`SELECT 1 FROM blocks WHERE kind = 'email' AND value = ? LIMIT 1`);
  const blockedIp = db.prepare<[string, string]>(`SELECT 1 FROM blocks WHERE first_ip <= ? AND last_ip >= ? LIMIT 1`);
  const allWords = db.prepare<[], { list: 'reject' | 'hold'; word: string }>('SELECT list, word FROM word_lists ORDER BY list, word');
  const clearWords = db.prepare('DELETE FROM word_lists');
  const insertWord = db.prepare('INSERT INTO word_lists (list, word) VALUES (?, ?) ON CONFLICT (list, word) DO NOTHING');
  const setting = db.prepare<[string], { value: string }>('SELECT value FROM desk_settings WHERE key = ?');
  const setSetting = db.prepare(
    'INSERT INTO desk_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );

  // Sender records and readers
  const insertSender = db.prepare('INSERT INTO sender_records (comment_id, ip, user_agent, created_at) VALUES (?, ?, ?, ?)');
  const senderOf = db.prepare<[string], { ip: string; user_agent: string; created_at: string }>(
    'SELECT ip, user_agent, created_at FROM sender_records WHERE comment_id = ?',
  );
  const commentsOfReader = db.prepare<[string], CommentRow>('SELECT * FROM comments WHERE email = ? COLLATE NOCASE ORDER BY seq');
  const reportCount = db.prepare<[string], { count: number }>('SELECT COUNT(*) AS count FROM reports WHERE comment_id = ?');
  const forgetSender = db.prepare('DELETE FROM sender_records WHERE comment_id = ?');
  const forgetKeys = db.prepare('DELETE FROM idempotency_keys WHERE comment_id = ?');
  const forgetAlerts = db.prepare('DELETE FROM outbox WHERE comment_id = ?');
  const deleteComment = db.prepare('DELETE FROM comments WHERE id = ?');
  const anonymise = db.prepare(`UPDATE comments SET name = '${ANONYMOUS}', email = '' WHERE id = ?`);
  const purgeSenders = db.prepare('DELETE FROM sender_records WHERE created_at < ?');
  // A report's reader is the address it came from, kept to count each reader once: forgotten with the senders',
  // each as something unique, since a comment's readers must differ.
  const purgeReaders = db.prepare(`
    UPDATE reports SET reader = 'forgotten:' || rowid WHERE created_at < ? AND reader NOT LIKE 'forgotten:%'`);
  const purgeSessions = db.prepare('DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?');
  const purgeAlerts = db.prepare('DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)');

  // Articles
  const articleColumns = `a.article_id, a.article_title, a.article_url, a.first_comment_at, a.state, a.revision, a.published,
    (SELECT COUNT(*) FROM comments c WHERE c.article_id = a.article_id AND c.status = 'pending') AS pending`;
  type ArticleRow = {
    article_id: string;
    article_title: string | null;
    article_url: string | null;
    first_comment_at: string | null;
    state: Article['state'];
    revision: number;
    published: number;
    pending: number;
  };
  const articleNamed = db.prepare<[string], ArticleRow>(`SELECT ${articleColumns} FROM articles a WHERE a.article_id = ?`);
  const articleList = db.prepare<[{ like: string; limit: number }], ArticleRow>(`
    SELECT ${articleColumns} FROM articles a
    WHERE a.article_id LIKE @like ESCAPE '\\' OR a.article_title LIKE @like ESCAPE '\\'
    ORDER BY a.first_comment_at DESC LIMIT @limit`);
  const touchArticle = db.prepare(`
    INSERT INTO articles (article_id, published, revision, first_comment_at, article_title, article_url)
    VALUES (@articleId, 0, 0, @createdAt, @articleTitle, @articleUrl)
    ON CONFLICT (article_id) DO UPDATE SET
      first_comment_at = COALESCE(articles.first_comment_at, excluded.first_comment_at),
      article_title = COALESCE(excluded.article_title, articles.article_title),
      article_url = CASE WHEN excluded.article_url = '' THEN articles.article_url ELSE excluded.article_url END`);
  const ensureArticle = db.prepare(
    'INSERT INTO articles (article_id, published, revision) VALUES (?, 0, 0) ON CONFLICT (article_id) DO NOTHING',
  );
  const setState = db.prepare('UPDATE articles SET state = ? WHERE article_id = ?');
  const toArticle = (row: ArticleRow): Article => ({
    articleId: row.article_id,
    articleTitle: row.article_title,
    articleUrl: row.article_url || null,
    firstCommentAt: row.first_comment_at,
    state: row.state,
    revision: row.revision,
    published: row.published,
    pending: row.pending,
  });

  // The outbox
  const insertAlert = db.prepare(
    'INSERT INTO outbox (event, comment_id, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)',
  );
  const dueAlerts = db.prepare<[string, string, number], Alert>(`
    SELECT id, event, payload, attempts FROM outbox
    WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)
    ORDER BY id LIMIT ?`);
  const lockAlert = db.prepare('UPDATE outbox SET locked_until = ? WHERE id = ?');
  const sentAlert = db.prepare('UPDATE outbox SET sent_at = ?, locked_until = NULL, attempts = attempts + 1 WHERE id = ?');
  const retryAlert = db.prepare(
    'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, locked_until = NULL, last_error = ? WHERE id = ?',
  );
  const failAlert = db.prepare(
    'UPDATE outbox SET attempts = attempts + 1, failed_at = ?, locked_until = NULL, last_error = ? WHERE id = ?',
  );

  const queueAlert = (event: Alert['event'], comment: Parameters<typeof alertPayload>[1]) => {
    const time = iso();
    insertAlert.run(event, comment.id, JSON.stringify(alertPayload(event, comment)), time, time);
  };

  /** Within `create`'s transaction: what the desk keeps with a new comment. */
  const created = (comment: CommentRequest, id: string, status: Status, createdAt: string, options: CreateOptions = {}) => {
    touchArticle.run({ articleId: comment.articleId, createdAt, articleTitle: comment.articleTitle || null, articleUrl: comment.articleUrl });
    if (options.sender) insertSender.run(id, options.sender.ip, options.sender.userAgent, createdAt);
    if (options.alert && status === 'pending') {
      queueAlert('pending', { id, ...comment, articleTitle: comment.articleTitle || null, createdAt });
    }
  };

  /** Within `report`'s transaction: the first report of a comment brings it to the Reported queue, with an alert. */
  const reported = (commentId: string) => {
    if (reportCount.get(commentId)!.count !== 1) return;
    const row = commentById.get(commentId)!;
    queueAlert('reported', {
      id: row.id,
      articleId: row.article_id,
      articleUrl: row.article_url,
      articleTitle: row.article_title,
      title: row.title,
      createdAt: row.created_at,
    });
  };

  type Change = { id: string; from: Status; to: Status; reason: string | null; reports: Array<{ reason: ReportReason; created_at: string }> };

  /** Within a write: moves a comment to `to`, keeping the published counts and revisions right. */
  const move = (row: CommentRow, to: Status, reason: string | null) => {
    setDecision.run(to, reason, row.id);
    const delta = (to === 'published' ? 1 : 0) - (row.status === 'published' ? 1 : 0);
    if (delta) changed(row.article_id, delta);
  };

  const decide = db.transaction((given: string[], decision: Decision, reason: string | undefined, actor: string): DecideOutcome => {
    // Each comment once: a second row read before the first moved would count its move twice.
    const ids = [...new Set(given)];
    const rows = ids.map((id) => commentById.get(id));
    const missing = ids.filter((_, i) => !rows[i]);
    if (missing.length) return { kind: 'missing', ids: missing };
    const actionId = crypto.randomUUID();
    const to: Status = decision === 'approve' ? 'published' : 'rejected';
    const result: Array<{ id: string; status: Status }> = [];
    for (const row of rows as CommentRow[]) {
      // An approval clears the reports (a moderator has read it); they are kept in the trail, without their
      // readers' addresses, so that an undo can bring them back.
      const reports = decision === 'approve' ? reportsOf.all(row.id) : [];
      if (reports.length) clearReports.run(row.id);
      move(row, to, decision === 'reject' ? (reason ?? null) : null);
      const change: Change = { id: row.id, from: row.status, to, reason: row.reason, reports };
      audit(actionId, actor, decision, { commentId: row.id, reason: reason ?? null, detail: change });
      result.push({ id: row.id, status: to });
    }
    return { kind: 'done', actionId, comments: result };
  });

  const undo = db.transaction((actionId: string, actor: string, undoAfter: string): UndoOutcome => {
    const rows = actionRows.all(actionId);
    if (!rows.length || rows.some((row) => row.moderator !== actor || (row.action !== 'approve' && row.action !== 'reject'))) {
      return { kind: 'not_found' };
    }
    if (undoneAlready.get(actionId)) return { kind: 'not_found' };
    if (rows[0].at < undoAfter) return { kind: 'too_late' };
    const changes = rows.map((row) => JSON.parse(row.detail!) as Change);
    const current = changes.map((change) => commentById.get(change.id));
    const changedSince = changes.filter((change, i) => current[i]?.status !== change.to).map((change) => change.id);
    if (changedSince.length) return { kind: 'changed', ids: changedSince };
    const undoId = crypto.randomUUID();
    changes.forEach((change, i) => {
      change.reports.forEach((report, n) => restoreReport.run(change.id, `restored:${actionId}:${n}`, report.reason, report.created_at));
      move(current[i]!, change.from, change.reason);
      audit(undoId, actor, 'undo', { commentId: change.id, detail: { from: change.to, to: change.from }, undoes: actionId });
    });
    return { kind: 'done', actionId: undoId, comments: changes.map((change) => ({ id: change.id, status: change.from })) };
  });

  const addBlock = db.transaction((block: NewBlock, actor: string): Block => {
    const toBlock = (row: { id: number; kind: 'email' | 'ip'; value: string; created_at: string; created_by: string }) => ({
      id: row.id,
      kind: row.kind,
      value: row.value,
      createdAt: row.created_at,
      createdBy: row.created_by,
    });
    const existing = blockNamed.get(block.kind, block.value);
    if (existing) return toBlock(existing);
    const range = block.kind === 'ip' ? [block.first, block.last] : [null, null];
    const id = Number(insertBlock.run(block.kind, block.value, range[0], range[1], iso(), actor).lastInsertRowid);
    audit(crypto.randomUUID(), actor, 'block', { detail: { id, kind: block.kind, value: block.value } });
    return toBlock(blockNamed.get(block.kind, block.value)!);
  });

  const removeBlock = db.transaction((id: number, actor: string): boolean => {
    const block = blockById.get(id);
    if (!block) return false;
    deleteBlock.run(id);
    audit(crypto.randomUUID(), actor, 'unblock', { detail: { id, ...block } });
    return true;
  });

  const readLists = (): WordLists => {
    const lists: WordLists = { reject: [], hold: [], holdLinks: setting.get('holdLinks')?.value === 'true' };
    for (const { list, word } of allWords.all()) lists[list].push(word);
    return lists;
  };

  const setWordLists = db.transaction((lists: WordLists, actor: string) => {
    const before = readLists();
    clearWords.run();
    for (const list of ['reject', 'hold'] as const) for (const word of lists[list]) insertWord.run(list, word);
    setSetting.run('holdLinks', String(lists.holdLinks));
    const diff = (list: 'reject' | 'hold') => ({
      added: lists[list].filter((word) => !before[list].includes(word)),
      removed: before[list].filter((word) => !lists[list].includes(word)),
    });
    audit(crypto.randomUUID(), actor, 'word_lists', {
      detail: { reject: diff('reject'), hold: diff('hold'), holdLinks: lists.holdLinks },
    });
  });

  const exportSender = db.transaction((commentId: string, actor: string): SenderRecord | undefined | 'no_comment' => {
    if (!commentById.get(commentId)) return 'no_comment';
    const row = senderOf.get(commentId);
    if (!row) return undefined;
    audit(crypto.randomUUID(), actor, 'export_sender', { commentId });
    return { ip: row.ip, userAgent: row.user_agent, createdAt: row.created_at };
  });

  const exportReader = db.transaction((email: string, actor: string): ReaderExport => {
    const comments = commentsOfReader.all(email).map((row) => {
      const sender = senderOf.get(row.id);
      return {
        ...commentFields(row),
        reports: reportCount.get(row.id)!.count,
        sender: sender ? { ip: sender.ip, userAgent: sender.user_agent, createdAt: sender.created_at } : null,
      };
    });
    // The trail says which comments were exported, not whose: the email is the reader's data.
    audit(crypto.randomUUID(), actor, 'export_reader', { detail: { comments: comments.map((comment) => comment.id) } });
    return { email, comments };
  });

  const eraseReader = db.transaction((email: string, mode: 'remove' | 'anonymise', actor: string): number => {
    const rows = commentsOfReader.all(email);
    for (const row of rows) {
      forgetSender.run(row.id);
      forgetKeys.run(row.id);
      forgetAlerts.run(row.id);
      if (mode === 'remove') {
        clearReports.run(row.id);
        deleteComment.run(row.id);
        changed(row.article_id, row.status === 'published' ? -1 : 0);
      } else {
        anonymise.run(row.id);
        if (row.status === 'published') changed(row.article_id, 0);
      }
    }
    audit(crypto.randomUUID(), actor, 'erase_reader', { detail: { mode, comments: rows.map((row) => row.id) } });
    return rows.length;
  });

  const setArticleState = db.transaction((articleId: string, state: 'open' | 'closed', actor: string) => {
    ensureArticle.run(articleId);
    setState.run(state, articleId);
    // The list answer says whether the article is closed: its ETag must change.
    changed(articleId, 0);
    audit(crypto.randomUUID(), actor, state === 'closed' ? 'close_article' : 'open_article', { detail: { articleId } });
    return true;
  });

  const claimAlerts = db.transaction((limit: number, leaseMs: number): Alert[] => {
    const time = now();
    const due = dueAlerts.all(iso(time), iso(time), limit);
    for (const alert of due) lockAlert.run(iso(time + leaseMs), alert.id);
    return due;
  });

  const methods: DeskStore = {
    async addModerator(name, role, passwordHash) {
      return insertModerator.run(name, role, passwordHash, iso()).changes === 1;
    },
    removeModerator: async (name) =>
      db.transaction(() => {
        const found = moderatorNamed.get(name);
        if (!found) return false;
        deleteSessionsOf.run(found.id);
        deleteModerator.run(found.id);
        return true;
      })(),
    // A new password ends every session of the old one.
    setPassword: async (name, passwordHash) =>
      db.transaction(() => {
        const found = moderatorNamed.get(name);
        if (!found) return false;
        updatePassword.run(passwordHash, found.id);
        deleteSessionsOf.run(found.id);
        return true;
      })(),
    async moderator(name) {
      const row = moderatorNamed.get(name);
      return row && { id: row.id, name: row.name, role: row.role, createdAt: row.created_at, passwordHash: row.password_hash };
    },
    moderators: async () => allModerators.all().map((row) => ({ id: row.id, name: row.name, role: row.role, createdAt: row.created_at })),
    createSession: async (digest, moderator) =>
      db.transaction(() => {
        const time = iso();
        insertSession.run(digest, moderator.id, time, time);
        audit(crypto.randomUUID(), moderator.name, 'sign_in');
      })(),
    async session(digest, startedAfter, usedAfter) {
      const row = sessionNamed.get(digest, startedAfter, usedAfter);
      if (!row) return undefined;
      if (Date.parse(row.last_seen_at) < now() - SESSION_TOUCH_MS) touchSession.run(iso(), digest);
      return { id: row.id, name: row.name, role: row.role, createdAt: row.created_at };
    },
    deleteSession: async (digest) => void deleteSession.run(digest),

    async deskComments(query) {
      const cursor = query.cursor ?? (query.order === 'newest' ? Number.MAX_SAFE_INTEGER : 0);
      const params: Record<string, unknown> = { cursor, limit: query.limit + 1 };
      if (query.articleId !== undefined) params.articleId = query.articleId;
      if (query.q !== undefined) Object.assign(params, { like: likeText(query.q), prefix: likePrefix(query.q) });
      const rows = queuePage(query).all(params);
      const more = rows.length > query.limit;
      if (more) rows.pop();
      return {
        comments: rows.map((row) => deskCommentOf(row, row.approved, row.rejected)),
        next: more ? String(rows.at(-1)!.seq) : null,
      };
    },
    queueCounts: async () => ({ ...counts.get()! }),
    decide: async (ids, decision, reason, actor) => decide.immediate(ids, decision, reason, actor),
    undo: async (actionId, actor, undoAfter) => undo.immediate(actionId, actor, undoAfter),

    blocks: async () =>
      allBlocks.all().map((row) => ({ id: row.id, kind: row.kind, value: row.value, createdAt: row.created_at, createdBy: row.created_by })),
    addBlock: async (block, actor) => addBlock.immediate(block, actor),
    removeBlock: async (id, actor) => removeBlock.immediate(id, actor),
    isBlocked: async (email, ip) => !!blockedEmail.get(email.toLowerCase()) || (ip !== undefined && !!blockedIp.get(ip, ip)),
    wordLists: async () => readLists(),
    setWordLists: async (lists, actor) => setWordLists.immediate(lists, actor),
    async senderHistory(email, since = '') {
      return { ...historySince.get(email, since)! };
    },

    exportSender: async (commentId, actor) => exportSender.immediate(commentId, actor),
    exportReader: async (email, actor) => exportReader.immediate(email, actor),
    eraseReader: async (email, mode, actor) => eraseReader.immediate(email, mode, actor),
    purge: async ({ sendersBefore, sessionsStartedBefore, sessionsUsedBefore, alertsBefore }) =>
      db.transaction(() => {
        const senderRecords = purgeSenders.run(sendersBefore).changes;
        purgeReaders.run(sendersBefore);
        purgeSessions.run(sessionsStartedBefore, sessionsUsedBefore);
        purgeAlerts.run(alertsBefore, alertsBefore);
        return { senderRecords };
      }).immediate(),
    async audit({ limit, cursor }) {
      const rows = auditPage.all(cursor ?? Number.MAX_SAFE_INTEGER, limit + 1);
      const more = rows.length > limit;
      if (more) rows.pop();
      const entries: AuditEntry[] = rows.map((row) => ({
        id: row.id,
        actionId: row.action_id,
        at: row.at,
        moderator: row.moderator,
        action: row.action,
        commentId: row.comment_id,
        reason: row.reason,
        detail: row.detail === null ? null : JSON.parse(row.detail),
      }));
      return { entries, next: more ? String(rows.at(-1)!.id) : null };
    },

    async article(articleId) {
      const row = articleNamed.get(articleId);
      return row && toArticle(row);
    },
    articles: async ({ q = '', limit }) => articleList.all({ like: likeText(q), limit }).map(toArticle),
    setArticleState: async (articleId, state, actor) => setArticleState.immediate(articleId, state, actor),

    claimAlerts: async (limit, leaseMs) => claimAlerts.immediate(limit, leaseMs),
    alertSent: async (id) => void sentAlert.run(iso(), id),
    async alertFailed(id, retryAt, error) {
      if (retryAt === null) failAlert.run(iso(), error.slice(0, 500), id);
      else retryAlert.run(retryAt, error.slice(0, 500), id);
    },
  };

  // An export's desk records, and their import (within the comments' import transaction).
  const exportStatements = {
    reasons: db.prepare<[], { id: string; reason: string }>('SELECT id, reason FROM comments WHERE reason IS NOT NULL ORDER BY seq'),
    senders: db.prepare<[], { comment_id: string; ip: string; user_agent: string; created_at: string }>(
      'SELECT s.* FROM sender_records s JOIN comments c ON c.id = s.comment_id ORDER BY c.seq',
    ),
    articles: db.prepare<[], Omit<ArticleRow, 'revision' | 'published' | 'pending'>>(
      'SELECT article_id, article_title, article_url, first_comment_at, state FROM articles ORDER BY article_id',
    ),
    moderators: db.prepare<[], { name: string; role: Role; password_hash: string; created_at: string }>(
      'SELECT name, role, password_hash, created_at FROM moderators ORDER BY id',
    ),
    blocks: db.prepare<[], { kind: 'email' | 'ip'; value: string; created_at: string; created_by: string }>(
      'SELECT kind, value, created_at, created_by FROM blocks ORDER BY id',
    ),
    audit: db.prepare<[], AuditRow & { undoes: string | null }>('SELECT * FROM audit ORDER BY id'),
  };
  function* exportRecords(): Generator<DeskRecord> {
    for (const row of exportStatements.reasons.all()) yield { kind: 'rejectionReason', commentId: row.id, reason: row.reason };
    for (const row of exportStatements.senders.all()) {
      yield { kind: 'sender', commentId: row.comment_id, ip: row.ip, userAgent: row.user_agent, createdAt: row.created_at };
    }
    for (const row of exportStatements.articles.all()) {
      yield {
        kind: 'article',
        articleId: row.article_id,
        articleTitle: row.article_title,
        articleUrl: row.article_url,
        firstCommentAt: row.first_comment_at,
        state: row.state,
      };
    }
    for (const row of exportStatements.moderators.all()) {
      yield { kind: 'moderator', name: row.name, role: row.role, passwordHash: row.password_hash, createdAt: row.created_at };
    }
    for (const row of exportStatements.blocks.all()) {
      yield { kind: 'block', type: row.kind, value: row.value, createdAt: row.created_at, createdBy: row.created_by };
    }
    const lists = readLists();
    for (const list of ['reject', 'hold'] as const) for (const word of lists[list]) yield { kind: 'word', list, word };
    if (setting.get('holdLinks')) yield { kind: 'holdLinks', value: lists.holdLinks };
    for (const row of exportStatements.audit.all()) {
      yield {
        kind: 'audit',
        actionId: row.action_id,
        at: row.at,
        moderator: row.moderator,
        action: row.action,
        commentId: row.comment_id,
        reason: row.reason,
        detail: row.detail === null ? null : JSON.parse(row.detail),
        undoes: row.undoes,
      };
    }
  }

  const importStatements = {
    reason: db.prepare('UPDATE comments SET reason = ? WHERE id = ? AND reason IS NULL'),
    reasonOf: db.prepare<[string], { reason: string | null }>('SELECT reason FROM comments WHERE id = ?'),
    sender: db.prepare('INSERT INTO sender_records (comment_id, ip, user_agent, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (comment_id) DO NOTHING'),
    // An article row may be there already, made by its comments: what it lacks is filled in, a state set by hand here wins.
    article: db.prepare(`
      INSERT INTO articles (article_id, published, revision, first_comment_at, article_title, article_url, state)
      VALUES (@articleId, 0, 0, @firstCommentAt, @articleTitle, @articleUrl, @state)
      ON CONFLICT (article_id) DO UPDATE SET
        first_comment_at = COALESCE(articles.first_comment_at, excluded.first_comment_at),
        article_title = COALESCE(articles.article_title, excluded.article_title),
        article_url = COALESCE(NULLIF(articles.article_url, ''), excluded.article_url),
        state = COALESCE(articles.state, excluded.state)
      WHERE articles.first_comment_at IS NULL AND excluded.first_comment_at IS NOT NULL
        OR articles.article_title IS NULL AND excluded.article_title IS NOT NULL
        OR COALESCE(articles.article_url, '') = '' AND COALESCE(excluded.article_url, '') <> ''
        OR articles.state IS NULL AND excluded.state IS NOT NULL`),
    auditNamed: db.prepare<[string, string | null], AuditRow>('SELECT * FROM audit WHERE action_id = ? AND comment_id IS ?'),
  };
  const differ = (what: string, kept: Record<string, unknown>, given: Record<string, unknown>) => {
    if (Object.keys(given).some((field) => kept[field] !== given[field])) throw ImportConflict.desk(what);
  };
  /** Adds one desk record of an import, inside its transaction: 1 if added, 0 if already kept. */
  function importRecord(record: DeskRecord): number {
    switch (record.kind) {
      case 'rejectionReason': {
        if (importStatements.reason.run(record.reason, record.commentId).changes) return 1;
        differ(`comment ${JSON.stringify(record.commentId)}'s rejection reason`, { reason: importStatements.reasonOf.get(record.commentId)?.reason }, { reason: record.reason });
        return 0;
      }
      case 'sender': {
        if (importStatements.sender.run(record.commentId, record.ip, record.userAgent, record.createdAt).changes) return 1;
        const kept = senderOf.get(record.commentId)!;
        differ(`comment ${JSON.stringify(record.commentId)}'s sender record`, { ip: kept.ip, userAgent: kept.user_agent }, { ip: record.ip, userAgent: record.userAgent });
        return 0;
      }
      case 'article': {
        const { kind, ...fields } = record;
        const added = importStatements.article.run(fields).changes;
        // Closed or opened by hand: lists' answers say so, their ETags must change.
        if (added && record.state) changed(record.articleId, 0);
        return added;
      }
      case 'moderator': {
        if (insertModerator.run(record.name, record.role, record.passwordHash, record.createdAt).changes) return 1;
        const kept = moderatorNamed.get(record.name)!;
        differ(`moderator ${JSON.stringify(record.name)}`, { role: kept.role, passwordHash: kept.password_hash }, { role: record.role, passwordHash: record.passwordHash });
        return 0;
      }
      case 'block': {
        if (blockNamed.get(record.type, record.value)) return 0;
        const range = record.type === 'ip' ? ipRange(record.value) : undefined;
        if (range && 'problem' in range) throw new ImportConflict(`the block of ${JSON.stringify(record.value)} is no IP address or prefix`);
        insertBlock.run(record.type, record.value, range?.first ?? null, range?.last ?? null, record.createdAt, record.createdBy);
        return 1;
      }
      case 'word':
        return insertWord.run(record.list, record.word).changes;
      case 'holdLinks': {
        const kept = setting.get('holdLinks');
        if (!kept) return setSetting.run('holdLinks', String(record.value)).changes;
        differ('the setting to hold comments with links', { value: kept.value }, { value: String(record.value) });
        return 0;
      }
      case 'audit': {
        const detail = record.detail && JSON.stringify(record.detail);
        const kept = importStatements.auditNamed.get(record.actionId, record.commentId);
        if (kept) {
          const { moderator, action, reason } = record;
          differ(`audit row ${JSON.stringify(record.actionId)}`, { moderator: kept.moderator, action: kept.action, reason: kept.reason, at: kept.at }, { moderator, action, reason, at: record.at });
          return 0;
        }
        const { actionId, at, moderator, action, commentId, reason, undoes } = record;
        insertAudit.run({ actionId, at, moderator, action, commentId, reason, detail, undoes });
        return 1;
      }
    }
  }

  return { methods, created, reported, exportRecords, importRecord };
}
