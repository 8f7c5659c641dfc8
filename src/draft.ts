/**
 * What the reader typed, kept in `localStorage` on their own device until the server confirms the comment: one draft
 * per article, and the reader's name and email across articles. Storage that is full, blocked or missing (private
 * modes, sandboxed frames) only stops the saving; nothing here throws.
 */

export interface Draft {
  title: string;
  comment: string;
  name: string;
  email: string;
  /** The reader changed the title from the article's. */
  titleEdited: boolean;
  /** The idempotency key of the last attempt to send, and the fingerprint of the request it was made for. */
  key?: string;
  keyFor?: string;
  savedAt: number;
}

/** An idempotency key and the fingerprint of the request it belongs to: a retry of that request reuses the key. */
export interface Idempotency {
  key: string;
  keyFor: string;
}

export interface Reader {
  name: string;
  email: string;
}

const DRAFT_PREFIX = 'news-comments:draft:';
const READER_KEY = 'news-comments:reader';
/** Drafts older than this are dropped. */
export const DRAFT_MAX_AGE = 30 * 24 * 60 * 60 * 1000;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage ?? undefined;
  } catch {
    // Reading `localStorage` itself throws in sandboxed frames and when the reader blocks site data.
    return undefined;
  }
}

function read<T>(key: string): Partial<T> | undefined {
  try {
    const value: unknown = JSON.parse(storage()?.getItem(key) ?? 'null');
    return value && typeof value === 'object' ? (value as Partial<T>) : undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // Full or blocked: the form goes on without saving.
  }
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The draft for an article, if there is one younger than `DRAFT_MAX_AGE`. */
export function loadDraft(articleId: string, now = Date.now()): Draft | undefined {
  const stored = read<Draft>(DRAFT_PREFIX + articleId);
  if (!stored || typeof stored.savedAt !== 'number' || now - stored.savedAt > DRAFT_MAX_AGE) return undefined;
  return {
    title: text(stored.title),
    comment: text(stored.comment),
    name: text(stored.name),
    email: text(stored.email),
    titleEdited: stored.titleEdited === true,
    key: text(stored.key) || undefined,
    keyFor: text(stored.keyFor) || undefined,
    savedAt: stored.savedAt,
  };
}

export function saveDraft(articleId: string, draft: Omit<Draft, 'savedAt'>): void {
  write(DRAFT_PREFIX + articleId, { ...draft, savedAt: Date.now() });
}

export function removeDraft(articleId: string): void {
  try {
    storage()?.removeItem(DRAFT_PREFIX + articleId);
  } catch {
    // nothing to remove where nothing could be stored
  }
}

/** Removes every draft older than `DRAFT_MAX_AGE`, for all articles. */
export function pruneDrafts(now = Date.now()): void {
  const store = storage();
  try {
    for (let index = (store?.length ?? 0) - 1; index >= 0; index--) {
      const key = store!.key(index);
      if (key?.startsWith(DRAFT_PREFIX) && !loadDraft(key.slice(DRAFT_PREFIX.length), now)) store!.removeItem(key);
    }
  } catch {
    // storage went away while we looked
  }
}

export function loadReader(): Reader {
  const stored = read<Reader>(READER_KEY);
  return { name: text(stored?.name), email: text(stored?.email) };
}

export function saveReader(reader: Reader): void {
  write(READER_KEY, reader);
}
