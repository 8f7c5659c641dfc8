/**
 * Where comments are kept. The routes use only the `CommentStore` interface, so another engine needs only another
 * implementation of it: every method returns a promise, as the drivers of networked databases do. SQLite
 * (`sqlite-store.ts`) is the default.
 */
import { createHash } from 'node:crypto';
import type { CommentRequest, CreatedAnswer, PublishedComment } from '../../src/contract.js';

export type Status = CreatedAnswer['status'] | 'rejected';

export interface StoredComment extends PublishedComment {
  articleUrl: string;
  email: string;
  status: Status;
}

/** What became of a comment sent to `create`. */
export type CreateOutcome =
  | { kind: 'created'; id: string; status: CreatedAnswer['status'] }
  /** The idempotency key came with this same comment before: nothing new is stored, this is the first answer. */
  | { kind: 'repeated'; id: string; status: CreatedAnswer['status'] }
  /** The idempotency key came with another comment within its lifetime: nothing is stored. */
  | { kind: 'key_reused' };

export interface CommentStore {
  /**
   * Stores a comment, with its idempotency key if it has one, in one transaction. A key names one comment for
   * `IDEMPOTENCY_KEY_LIFETIME_MS`; after that it may name another.
   */
  create(comment: CommentRequest, status: CreatedAnswer['status'], idempotencyKey?: string): Promise<CreateOutcome>;
  /**
   * Published comments of an article, newest first, `limit` at a time; with `beforeId`, only those older than that
   * comment. `more` says whether older ones remain. `undefined` when `beforeId` is no comment of this article.
   */
  published(
    articleId: string,
    limit: number,
    beforeId?: string,
  ): Promise<{ comments: PublishedComment[]; more: boolean } | undefined>;
  /** Comments waiting for a moderator, oldest first. */
  pending(): Promise<StoredComment[]>;
  /** Approves (`published`) or rejects a comment; false when there is no such comment. */
  moderate(id: string, status: 'published' | 'rejected'): Promise<boolean>;
  close(): Promise<void>;
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
