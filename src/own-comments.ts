/**
 * The reader's own comments, kept on their device until the list shows them: a published one at once (a cache may
 * serve the list for a few seconds without it), a pending one to its author alone, marked as awaiting moderation.
 * Only title, text and name are kept, never the email; for 30 days, or with `remember-reader="off"` for the page's
 * session only. Nothing here throws: storage that is full or blocked only stops the keeping.
 */
import type { PublishedComment } from './contract.js';

export interface OwnComment extends PublishedComment {
  status: 'published' | 'pending';
}

const PREFIX = 'news-comments:own:';
const MAX_AGE = 30 * 24 * 60 * 60 * 1000;

function storage(name: 'localStorage' | 'sessionStorage'): Storage | undefined {
  try {
    return globalThis[name] ?? undefined;
  } catch {
    // blocked site data, sandboxed frames
    return undefined;
  }
}

const stores = () => [storage('localStorage'), storage('sessionStorage')].filter((store) => store !== undefined);

function read(store: Storage, articleId: string): OwnComment[] {
  try {
    const value: unknown = JSON.parse(store.getItem(PREFIX + articleId) ?? '[]');
    if (!Array.isArray(value)) return [];
    return value.filter(
      (item: Partial<OwnComment>) =>
        item &&
        typeof item.id === 'string' &&
        typeof item.comment === 'string' &&
        typeof item.createdAt === 'string' &&
        Date.now() - Date.parse(item.createdAt) < MAX_AGE,
    );
  } catch {
    return [];
  }
}

function write(store: Storage, articleId: string, comments: OwnComment[]): void {
  try {
    if (comments.length) store.setItem(PREFIX + articleId, JSON.stringify(comments));
    else store.removeItem(PREFIX + articleId);
  } catch {
    // full or blocked
  }
}

/** The reader's own comments on this article that the list may not show yet, newest first. */
export function ownComments(articleId: string): OwnComment[] {
  return stores()
    .flatMap((store) => read(store, articleId))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** Keeps a copy of a comment the server accepted; in the session only when the reader is not to be remembered. */
export function rememberOwn(comment: OwnComment, session: boolean): void {
  const store = storage(session ? 'sessionStorage' : 'localStorage');
  if (!store) return;
  const { id, articleId, title, comment: text, name, createdAt, status } = comment;
  const kept = read(store, articleId).filter((item) => item.id !== id);
  write(store, articleId, [{ id, articleId, title, comment: text, name, createdAt, status }, ...kept]);
}

/** Drops the copies the list now shows from the server. */
export function forgetOwn(articleId: string, ids: Set<string>): void {
  for (const store of stores()) {
    const kept = read(store, articleId);
    const rest = kept.filter((item) => !ids.has(item.id));
    if (rest.length !== kept.length) write(store, articleId, rest);
  }
}
