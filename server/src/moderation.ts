/**
 * The rules that decide what becomes of a new comment before a moderator sees it, in this order: a blocked sender,
 * words that reject, words and links that hold, a trusted sender, then `MODERATION`. Matching is pure, so that it
 * is tested without a server.
 */
import type { CommentRequest } from '../../src/contract.js';
import type { Article, WordLists } from './desk-types.js';
import type { Status } from './store.js';

/**
 * Text as word lists compare it: lower case, without Latin diacritics (é, ç, ñ, ő are e, c, n, o) and without
 * Arabic vowel marks (harakat, the superscript alef, Quranic marks) or the tatweel that stretches a word. Indic
 * vowel signs stay: in Hindi or Kannada they are part of the word (कल and काल are different words).
 */
export function foldForMatching(text: string): string {
  return (
    text
      .normalize('NFD')
      // Combining diacritics that follow a Latin letter (with any others piled on it).
      .replace(/(\p{Script=Latin})[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff]+/gu, '$1')
      .replace(/[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u0640]/g, '')
      .normalize('NFC')
      .toLowerCase()
  );
}

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

/**
 * The words of a text, folded, by Unicode's word boundaries (UAX #29, with dictionaries for scripts written without
 * spaces, such as Thai or Japanese), so that "ass" does not match "class" nor "grass".
 */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(foldForMatching(text))) if (isWordLike) words.push(segment);
  return words;
}

/** A compiled word list: each entry, a word or a phrase of several, as its folded words. */
export type Matcher = (words: readonly string[]) => string | undefined;

/** A matcher for `entries`; it answers the first entry found in a text's `wordsOf`, whole words in sequence. */
export function matcher(entries: readonly string[]): Matcher {
  const byFirstWord = new Map<string, Array<{ entry: string; words: string[] }>>();
  for (const entry of entries) {
    const words = wordsOf(entry);
    if (!words.length) continue;
    const list = byFirstWord.get(words[0]) ?? [];
    list.push({ entry, words });
    byFirstWord.set(words[0], list);
  }
  return (words) => {
    for (let i = 0; i < words.length; i++) {
      for (const candidate of byFirstWord.get(words[i]) ?? []) {
        if (candidate.words.every((word, j) => words[i + j] === word)) return candidate.entry;
      }
    }
    return undefined;
  };
}

// A scheme, "www.", or a host name ending in a top-level domain that spammers favour, with or without a path.
const LINK = /\b(?:https?:\/\/|www\.)\S|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|info|biz|io|co|ru|cn|xyz|top|site|online|shop|club|link|ly|me|tk)\b/iu;

/** Whether the text holds a link a reader could follow or paste. */
export const hasLink = (text: string) => LINK.test(text);

export interface RuleFacts {
  blocked: boolean;
  /** Whether the sender counts as trusted (`TRUST_AFTER`). */
  trusted: boolean;
  moderation: boolean;
}

/**
 * What the rules decide: the status stored, why, and the status answered. A sender who is blocked or used a word
 * that rejects gets the answer the other rules would have given anyone (a blocked sender learns nothing).
 */
export type Verdict = {
  status: Status;
  answer: 'pending' | 'published';
  because: 'blocked' | 'reject_word' | 'hold_word' | 'link' | 'trusted' | 'moderation' | 'no_moderation';
  /** The entry of a word list that matched. */
  word?: string;
};

/** What becomes of a comment, by the rules in their order. */
export function verdict(comment: CommentRequest, lists: WordLists, facts: RuleFacts): Verdict {
  const text = [comment.title, comment.comment, comment.name].join('\n');
  const words = wordsOf(text);
  const rest = ((): Verdict => {
    const holdWord = matcher(lists.hold)(words);
    if (holdWord !== undefined) return { status: 'pending', answer: 'pending', because: 'hold_word', word: holdWord };
    if (lists.holdLinks && hasLink(text)) return { status: 'pending', answer: 'pending', because: 'link' };
    if (facts.trusted) return { status: 'published', answer: 'published', because: 'trusted' };
    return facts.moderation
      ? { status: 'pending', answer: 'pending', because: 'moderation' }
      : { status: 'published', answer: 'published', because: 'no_moderation' };
  })();
  if (facts.blocked) return { status: 'rejected', answer: rest.answer, because: 'blocked' };
  const rejectWord = matcher(lists.reject)(words);
  if (rejectWord !== undefined) return { status: 'rejected', answer: rest.answer, because: 'reject_word', word: rejectWord };
  return rest;
}

/** Six months, for `TRUST_AFTER`. */
export const TRUST_WINDOW_MS = 183 * 24 * 3600_000;

/** Whether an article takes no new comments now: closed by hand, or `closeAfterDays` after its first comment. */
export function isClosed(article: Pick<Article, 'state' | 'firstCommentAt'> | undefined, closeAfterDays: number, now = Date.now()): boolean {
  if (!article || article.state === 'open') return false;
  if (article.state === 'closed') return true;
  return closeAfterDays > 0 && !!article.firstCommentAt && Date.parse(article.firstCommentAt) + closeAfterDays * 86_400_000 <= now;
}
