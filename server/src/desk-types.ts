/** What the moderation desk reads and writes through the `CommentStore`, as the admin API answers it. */
import type { ReportReason } from '../../src/contract.js';

/** Moderators work the queues, blocks, word lists and articles; admins also read sender records and the trail. */
export type Role = 'moderator' | 'admin';
export const ROLES: readonly Role[] = ['moderator', 'admin'];

export interface Moderator {
  id: number;
  name: string;
  role: Role;
  createdAt: string;
}

/**
 * Pending: waiting for a first decision. Reported: published or pending comments that readers reported, until a
 * moderator decides. Published and Rejected: decided.
 */
export const QUEUES = ['pending', 'reported', 'published', 'rejected'] as const;
export type Queue = (typeof QUEUES)[number];

export type Decision = 'approve' | 'reject';

export interface DeskQuery {
  queue: Queue;
  /** Text searched in the comment, its title, the name, the email and the sender's IP address. */
  q?: string;
  articleId?: string;
  order: 'newest' | 'oldest';
  /** Continue after this position (the `next` of the page before). */
  cursor?: number;
  limit: number;
}

export interface DeskComment {
  id: string;
  /** Where the comment is now: `status`, or `reported` while it has reports. */
  queue: Queue;
  status: 'pending' | 'published' | 'rejected';
  articleId: string;
  articleUrl: string;
  articleTitle: string | null;
  title: string;
  comment: string;
  name: string;
  email: string;
  createdAt: string;
  /** The reason given with the last rejection. */
  reason: string | null;
  reports: { count: number; reasons: Partial<Record<ReportReason, number>> };
  /** The sender's comments (by email), all time. */
  history: { approved: number; rejected: number };
}

/** A stored comment's row as both stores read it, with its time as ISO text. */
export interface DeskCommentRow {
  id: string;
  status: DeskComment['status'];
  article_id: string;
  article_url: string;
  article_title: string | null;
  title: string;
  comment: string;
  name: string;
  email: string;
  created_at: string;
  reason: string | null;
}

/** A comment as the desk shows it: its row, its reports by reason and its sender's history. */
export function deskComment(
  row: DeskCommentRow,
  reasons: DeskComment['reports']['reasons'],
  history: DeskComment['history'],
): DeskComment {
  const count = Object.values(reasons).reduce((sum, n) => sum + (n ?? 0), 0);
  const fields = commentFields(row);
  return { ...fields, queue: count && row.status !== 'rejected' ? 'reported' : row.status, reports: { count, reasons }, history };
}

/** A stored comment's fields as the desk and a reader's export name them. */
export const commentFields = (row: DeskCommentRow) => ({
  id: row.id,
  status: row.status,
  articleId: row.article_id,
  articleUrl: row.article_url,
  articleTitle: row.article_title,
  title: row.title,
  comment: row.comment,
  name: row.name,
  email: row.email,
  createdAt: row.created_at,
  reason: row.reason,
});

export type DecideOutcome =
  | { kind: 'done'; actionId: string; comments: Array<{ id: string; status: DeskComment['status'] }> }
  | { kind: 'missing'; ids: string[] };

export type UndoOutcome =
  | { kind: 'done'; actionId: string; comments: Array<{ id: string; status: DeskComment['status'] }> }
  /** No such action, or none of this actor's that can be undone (not a decision, or undone already). */
  | { kind: 'not_found' }
  | { kind: 'too_late' }
  /** Someone decided on these comments since: undoing would overwrite their decision. */
  | { kind: 'changed'; ids: string[] };

export interface Block {
  id: number;
  kind: 'email' | 'ip';
  /** An email in lower case, an IP address, or a CIDR prefix (`203.0.113.0/24`). */
  value: string;
  createdAt: string;
  createdBy: string;
}

/** An IP block also carries its range, as `ipKey` spells addresses, so that the store can match it in SQL. */
export type NewBlock = { kind: 'email'; value: string } | { kind: 'ip'; value: string; first: string; last: string };

export interface WordLists {
  /** Words that reject a comment. */
  reject: string[];
  /** Words that hold a comment for a moderator, even with moderation off. */
  hold: string[];
  /** Hold comments with links too. */
  holdLinks: boolean;
}

export interface SenderRecord {
  ip: string;
  userAgent: string;
  createdAt: string;
}

export interface ReaderExport {
  email: string;
  comments: Array<
    Omit<DeskComment, 'history' | 'reports' | 'queue'> & { sender: SenderRecord | null; reports: number }
  >;
}

export const AUDIT_ACTIONS = [
  'sign_in',
  'approve',
  'reject',
  'undo',
  'block',
  'unblock',
  'word_lists',
  'export_sender',
  'export_reader',
  'erase_reader',
  'close_article',
  'open_article',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: number;
  /** The rows of one request share it: a bulk approval of ten comments is one action of ten rows. */
  actionId: string;
  at: string;
  moderator: string;
  action: AuditAction;
  commentId: string | null;
  reason: string | null;
  detail: Record<string, unknown> | null;
}

export interface Article {
  articleId: string;
  articleTitle: string | null;
  articleUrl: string | null;
  firstCommentAt: string | null;
  /** `closed` or `open` by a moderator's hand; `null`: as `CLOSE_AFTER_DAYS` has it. */
  state: 'open' | 'closed' | null;
  /** The article's revision (see `CommentStore.revision`). */
  revision: number;
  published: number;
  pending: number;
}

export interface Alert {
  id: number;
  event: 'pending' | 'reported';
  /** The JSON body to send, as stored when the alert was queued. */
  payload: string;
  attempts: number;
}
