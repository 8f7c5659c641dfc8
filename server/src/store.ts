/**
 * Where comments are kept. The routes use only the `CommentStore` interface, so another engine needs only another
 * implementation of it: every method returns a promise, as the drivers of networked databases do. SQLite
 * (`sqlite-store.ts`) is the default; PostgreSQL (`postgres-store.ts`) serves several processes as one. One
 * conformance suite (`test/store-conformance.ts`) holds both to the same answers.
 */
import { createHash } from 'node:crypto';
import type { CommentOrder, CommentRequest, CreatedAnswer, PublishedComment, ReportReason } from '../../src/contract.js';
import type {
  Alert,
  Article,
  AuditEntry,
  Block,
  DecideOutcome,
  Decision,
  DeskComment,
  DeskQuery,
  Moderator,
  NewBlock,
  Queue,
  ReaderExport,
  Role,
  SenderRecord,
  UndoOutcome,
  WordLists,
} from './desk-types.js';

export type Status = CreatedAnswer['status'] | 'rejected';

export interface StoredComment extends PublishedComment {
  articleUrl: string;
  email: string;
  status: Status;
}

/** Who sent a comment, as the sender record keeps it (`SENDER_RECORD_DAYS`). */
export interface Sender {
  ip: string;
  userAgent: string;
}

/** What became of a comment sent to `create`. */
export type CreateOutcome =
  | { kind: 'created'; id: string; status: CreatedAnswer['status'] }
  /** The idempotency key came with this same comment before: nothing new is stored, this is the first answer. */
  | { kind: 'repeated'; id: string; status: CreatedAnswer['status'] }
  /** The idempotency key came with another comment within its lifetime: nothing is stored. */
  | { kind: 'key_reused' };

/** A page of an article's published comments. */
export interface Page {
  comments: PublishedComment[];
  /** Whether more remain after the last of `comments`, in the order asked for. */
  more: boolean;
  /** The article's published comments, in all. */
  total: number;
  /** The article's revision (see `revision`) that this page shows, read with it in one snapshot. */
  revision: number;
}

/** What became of a report sent to `report`. */
export type ReportOutcome =
  /** Stored; `hidden` when it was the report that sent the comment back to moderation. */
  | { kind: 'received'; hidden: boolean }
  /** This reader had already reported this comment: nothing new is stored. */
  | { kind: 'repeated' }
  /** No such comment, or none a reader can see (pending, rejected). */
  | { kind: 'not_found' };

/** A comment that readers reported, with how many reported it for each reason. */
export interface ReportedComment extends StoredComment {
  reports: Partial<Record<ReportReason, number>>;
}

/**
 * The store keeps, per article, a revision: a number that grows with every change a reader may see of it (a comment
 * published, approved, rejected once published, hidden by reports; each changes the list or its `total`), in the
 * same transaction as the change. An erasure, when stores have one, must move it too. The server's ETags are made of it, so every process behind a cache agrees on them.
 * It is a millisecond time where the clock allows (or the last one plus one), so that a database started afresh
 * does not give an old ETag to new content. 0 for an article with nothing published ever.
 */
export interface CommentStore extends DeskStore {
  /**
   * Stores a comment, with its idempotency key if it has one, in one transaction. A key names one comment for
   * `IDEMPOTENCY_KEY_LIFETIME_MS`; after that it may name another.
   */
  create(comment: CommentRequest, status: Status, idempotencyKey?: string, options?: CreateOptions): Promise<CreateOutcome>;
  /**
   * Published comments of an article in `order`, `limit` at a time; with `afterId`, only those that come after that
   * comment in that order (whatever its status now). `undefined` when `afterId` is no comment of this article.
   */
  published(articleId: string, page: { limit: number; order: CommentOrder; afterId?: string }): Promise<Page | undefined>;
  /** How many comments each article has published, 0 for those with none, and the sum of their revisions. */
  counts(articleIds: readonly string[]): Promise<{ counts: Record<string, number>; revision: number }>;
  /**
   * The sum of the articles' revisions: it grows with every change a reader may see of any of them. Cheap, for
   * `If-None-Match`.
   */
  revision(articleIds: readonly string[]): Promise<number>;
  /**
   * Records that `reader` (a client address) reports a published comment, once per reader and comment. The report
   * that makes `threshold` readers sends the comment back to moderation (pending), in the same transaction. With
   * `alert`, the first report of a comment queues a webhook alert, in that transaction too.
   */
  report(commentId: string, reader: string, reason: ReportReason, threshold: number, options?: { alert?: boolean }): Promise<ReportOutcome>;
  /** Comments waiting for a moderator, oldest first. */
  pending(): Promise<StoredComment[]>;
  /** Published and pending comments that readers reported, the most reported first. */
  reported(): Promise<ReportedComment[]>;
  /**
   * Approves (`published`) or rejects a comment; false when there is no such comment. Approval clears its reports:
   * a moderator has read it.
   */
  moderate(id: string, status: 'published' | 'rejected'): Promise<boolean>;
  /**
   * A limit of `count` events per client in `windowSeconds`, kept where every process of this store sees it: named,
   * so that two limits (comments, sign-ins) never count each other's events.
   */
  rateLimiter(name: string, limit: RateLimit): SharedRateLimiter;
  /**
   * Everything kept but rate-limit counts, sessions, queued alerts and what follows from the rest (articles' counts
   * and revisions): comments in the order they came, their reports, live idempotency keys, then the desk's records.
   */
  exportRecords(): AsyncIterable<TransferRecord>;
  /**
   * Adds the records in one transaction, comments in the order given after those already kept, each counted on its
   * article as if it had come in. A comment, report or key already kept is left as it is: importing a file twice
   * adds nothing. Reports, keys and sender records of a comment kept with other content under its id, and desk
   * records kept with other content (a moderator's password, an audit row), are an `ImportConflict`.
   */
  importRecords(records: TransferRecord[]): Promise<{ added: number; present: number }>;
  close(): Promise<void>;

}

/**
 * The moderation desk's part of the store (types in desk-types.ts). Everything that several server processes must
 * agree on is here: accounts, sessions, the queues, the audit trail, blocks, word lists, sender records, the outbox.
 */
export interface DeskStore {
  addModerator(name: string, role: Role, passwordHash: string): Promise<boolean>;
  removeModerator(name: string): Promise<boolean>;
  setPassword(name: string, passwordHash: string): Promise<boolean>;
  moderator(name: string): Promise<(Moderator & { passwordHash: string }) | undefined>;
  moderators(): Promise<Moderator[]>;
  /** Starts a session for the moderator, under the digest of its token; the sign-in is in the audit trail. */
  createSession(tokenDigest: string, moderator: Moderator): Promise<void>;
  /** The session's moderator, if it started after `startedAfter` and was last used after `usedAfter`; marks it used. */
  session(tokenDigest: string, startedAfter: string, usedAfter: string): Promise<Moderator | undefined>;
  deleteSession(tokenDigest: string): Promise<void>;

  deskComments(query: DeskQuery): Promise<{ comments: DeskComment[]; next: string | null }>;
  queueCounts(): Promise<Record<Queue, number>>;
  /**
   * Approves or rejects all the comments, in one transaction with their audit rows; nothing when one of them does
   * not exist (its id is answered).
   */
  decide(ids: string[], decision: Decision, reason: string | undefined, actor: string): Promise<DecideOutcome>;
  /** Puts back what the action changed, as a new action by `actor`, if the action was a decision of `actor`'s. */
  undo(actionId: string, actor: string, undoAfter: string): Promise<UndoOutcome>;

  blocks(): Promise<Block[]>;
  addBlock(block: NewBlock, actor: string): Promise<Block>;
  removeBlock(id: number, actor: string): Promise<boolean>;
  /** Whether the email, or the IP address (as `ipKey` spells it), is blocked. */
  isBlocked(email: string, ip: string | undefined): Promise<boolean>;
  wordLists(): Promise<WordLists>;
  setWordLists(lists: WordLists, actor: string): Promise<void>;
  /** How many comments of this email were published and rejected since `since` (ISO time; all time without). */
  senderHistory(email: string, since?: string): Promise<{ approved: number; rejected: number }>;

  /** A comment's sender record, written to the audit trail as an export by `actor`; undefined if none. */
  exportSender(commentId: string, actor: string): Promise<SenderRecord | undefined | 'no_comment'>;
  /** Everything kept of the reader with this email, written to the audit trail as an export. */
  exportReader(email: string, actor: string): Promise<ReaderExport>;
  /** Removes or anonymises every comment of this email, their sender records with them; answers how many. */
  eraseReader(email: string, mode: 'remove' | 'anonymise', actor: string): Promise<number>;
  /**
   * Forgets sender records (and reporters' addresses) older than `sendersBefore`, sessions started or last used
   * before their cut-offs, and alerts sent or given up before `alertsBefore`.
   */
  purge(cutoffs: {
    sendersBefore: string;
    sessionsStartedBefore: string;
    sessionsUsedBefore: string;
    alertsBefore: string;
  }): Promise<{ senderRecords: number }>;
  audit(query: { limit: number; cursor?: number }): Promise<{ entries: AuditEntry[]; next: string | null }>;

  article(articleId: string): Promise<Article | undefined>;
  articles(query: { q?: string; limit: number }): Promise<Article[]>;
  setArticleState(articleId: string, state: 'open' | 'closed', actor: string): Promise<boolean>;

  /** Up to `limit` alerts due now, each held for `leaseMs` so that another process does not send it too. */
  claimAlerts(limit: number, leaseMs: number): Promise<Alert[]>;
  alertSent(id: number): Promise<void>;
  alertFailed(id: number, retryAt: string | null, error: string): Promise<void>;
}

/** What else `create` keeps with a comment. */
export interface CreateOptions {
  sender?: Sender;
  /** Queue a webhook alert for it (if it is pending), in the same transaction. */
  alert?: boolean;
  /** Why the rules rejected or held it, for the desk. */
  reason?: string;
  /** The status to answer, when it is not the one stored (a rejected comment is answered as the rules say). */
  answer?: CreatedAnswer['status'];
}

export interface RateLimit {
  count: number;
  windowSeconds: number;
  /** Most clients remembered at once where they are kept in memory; a database table is bounded by its window. */
  maxClients?: number;
}

export interface SharedRateLimiter {
  /** Records an event if the client may have one: 0, else the seconds until it may (and records nothing). */
  take(client: string): Promise<number>;
  /** The seconds until the client may have an event, 0 if now; records nothing. */
  wait(client: string): Promise<number>;
}

/** One line of an export (JSON Lines): what the server keeps, in words of the contract rather than of a schema. */
export type TransferRecord =
  | ({ kind: 'comment' } & StoredComment)
  /** `reader` is the reporting client's address. */
  | { kind: 'report'; commentId: string; reader: string; reason: ReportReason; createdAt: string }
  | { kind: 'idempotencyKey'; key: string; fingerprint: string; commentId: string; createdAt: string }
  | DeskRecord;

/**
 * The moderation desk's lines of an export (version 2): everything it keeps but sessions, which a move to another
 * database ends as a restart does. Blocks, moderators and audit rows are named by their content, not by the ids of
 * the database they came from.
 */
export type DeskRecord =
  /** Why a comment was rejected, as the desk shows it. */
  | { kind: 'rejectionReason'; commentId: string; reason: string }
  | { kind: 'sender'; commentId: string; ip: string; userAgent: string; createdAt: string }
  | {
      kind: 'article';
      articleId: string;
      articleTitle: string | null;
      articleUrl: string | null;
      firstCommentAt: string | null;
      state: 'open' | 'closed' | null;
    }
  | { kind: 'moderator'; name: string; role: Role; passwordHash: string; createdAt: string }
  | { kind: 'block'; type: 'email' | 'ip'; value: string; createdAt: string; createdBy: string }
  | { kind: 'word'; list: 'reject' | 'hold'; word: string }
  | { kind: 'holdLinks'; value: boolean }
  | {
      kind: 'audit';
      actionId: string;
      at: string;
      moderator: string;
      action: AuditEntry['action'];
      commentId: string | null;
      reason: string | null;
      detail: Record<string, unknown> | null;
      undoes: string | null;
    };

/**
 * The database cannot be reached just now (down, restarting, a connection cut, too busy): the request may succeed
 * if sent again in a moment, so it is answered 503 with `Retry-After` rather than 500.
 */
export class StoreUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the database is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnavailable';
  }
}

/**
 * An import whose reports, idempotency keys or sender records name a comment of the file that this database holds with other content
 * (article, title, text, name or email) under the same id: the file is not an export of these comments, and its
 * reports would count against a comment nobody reported. Thrown inside the import's transaction: nothing is imported.
 */
export class ImportConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportConflict';
  }

  static comment(commentId: string): ImportConflict {
    return new ImportConflict(
      `the file's comment ${JSON.stringify(commentId)} comes with reports, idempotency keys or a sender record, but this ` +
        'database holds another comment under that id: the file is not an export of these comments',
    );
  }

  /** A desk record (a moderator, a sender record, an audit row…) kept here with other content. */
  static desk(what: string): ImportConflict {
    return new ImportConflict(`this database holds ${what} with other content than the file's: the file is not an export of it`);
  }
}

/**
 * A day, as payment APIs keep theirs: the element's own retries come within minutes, and a key that lived forever
 * would let a client's first comment block a different one years later.
 */
export const IDEMPOTENCY_KEY_LIFETIME_MS = 24 * 3600_000;

/**
 * What makes a repeat "the same comment": the contract's fields as stored (normalised), and nothing else. The spam
 * signals such as `elapsed` change on every retry, so they are left out.
 */
export function fingerprint(comment: CommentRequest): string {
  const { articleId, articleUrl, title, comment: text, name, email } = comment;
  return createHash('sha256').update(JSON.stringify([articleId, articleUrl, title, text, name, email])).digest('base64url');
}
