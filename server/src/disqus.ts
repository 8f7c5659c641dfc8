/**
 * A Disqus export (the XML file Disqus mails a site's admin) as comments to import, so that a publisher leaving
 * Disqus keeps their archive. The format: a `<disqus>` root holding `<category>`s, `<thread dsq:id>`s (an article:
 * `<id>` is the site's identifier for it, often empty, `<link>` its address, `<title>`) and `<post dsq:id>`s (a
 * comment: `<message>` in Disqus's HTML, `<createdAt>`, `<isDeleted>`, `<isSpam>`, `<author>` with `<name>`,
 * `<email>` and `<username>`, and `<thread dsq:id>` naming its article). Read as a stream by saxes, which refuses
 * any XML that is not well-formed.
 */
import { SaxesParser } from 'saxes';
import type { TransferRecord } from './store.js';

/** The file cannot be imported; the message says why, for the person running the import. */
export class TransferError extends Error {}

interface Thread {
  identifier: string;
  link: string;
  title: string;
}

interface Post {
  disqusId: string;
  thread: string;
  message: string;
  createdAt: string;
  isDeleted: string;
  isSpam: string;
  name: string;
  email: string;
  username: string;
}

export interface DisqusImport {
  records: TransferRecord[];
  /** Posts left out, by reason. */
  skipped: { deleted: number; spam: number; empty: number; withoutArticle: number };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

const decodeEntities = (text: string) =>
  text.replace(/&(#x[\da-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? entity;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });

/**
 * Disqus's HTML as the plain text our comments are: paragraphs and line breaks as line breaks, a link as its text
 * (and its address after it in brackets, when the text is not the address), every other tag dropped, entities
 * decoded, control characters removed.
 *
 * Every pattern here stops at the next `<` (and a link's text at the next link), and trailing spaces are matched
 * only from the start of their run: with `[^>]*`, `[\s\S]*?` or `[ \t]+\n` alone, each unclosed `<` or space of a
 * hostile message scanned to its end, and a megabyte of them took minutes.
 */
export function plainText(html: string): string {
  const text = html
    .replace(/<a\s[^<>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')[^<>]*>((?:[^<]|<(?!\/?a[\s>]))*?)<\/a\s*>/gi, (_, double, single, label: string) => {
      const href = decodeEntities(double ?? single ?? '');
      const shown = decodeEntities(label.replace(/<[^<>]*>/g, '')).trim();
      if (!/^https?:\/\//i.test(href)) return shown;
      // Disqus shows a long address shortened ("news.example/2019/05/a-very-lo…"): the whole one is better.
      const withoutScheme = (url: string) => url.replace(/^https?:\/\//i, '');
      if (withoutScheme(href).startsWith(withoutScheme(shown.replace(/(…|\.\.\.)$/, '')))) return href;
      return `${shown} (${href})`;
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|blockquote|pre|li|h[1-6])\s*>/gi, '\n\n')
    .replace(/<li\b[^<>]*>/gi, '• ')
    .replace(/<[^<>]*>/g, '');
  return decodeEntities(text)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '')
    .replace(/(?<![ \t])[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function readDisqus(xml: string): DisqusImport {
  const threads = new Map<string, Thread>();
  const posts: Post[] = [];
  const parser = new SaxesParser({ position: true });
  const path: string[] = [];
  let thread: (Thread & { id: string }) | undefined;
  let post: Post | undefined;
  let text = '';

  parser.on('opentag', (tag) => {
    path.push(tag.name);
    text = '';
    if (path.length === 1 && tag.name !== 'disqus') {
      throw new TransferError(`this XML file is not a Disqus export: its root element is <${tag.name}>, not <disqus>`);
    }
    const disqusId = String(tag.attributes['dsq:id'] ?? '');
    if (path.length === 2 && tag.name === 'thread') thread = { id: disqusId, identifier: '', link: '', title: '' };
    if (path.length === 2 && tag.name === 'post') {
      post = { disqusId, thread: '', message: '', createdAt: '', isDeleted: '', isSpam: '', name: '', email: '', username: '' };
    }
    if (post && path.length === 3 && tag.name === 'thread') post.thread = disqusId;
  });
  parser.on('text', (chunk) => (text += chunk));
  parser.on('cdata', (chunk) => (text += chunk));
  parser.on('closetag', (tag) => {
    // Only the first four levels mean anything; joining a deeper path at every closing tag made nesting quadratic.
    const where = path.length <= 4 ? path.join('/') : '';
    const value = text.trim();
    if (thread && where === 'disqus/thread/id') thread.identifier = value;
    if (thread && where === 'disqus/thread/link') thread.link = value;
    if (thread && where === 'disqus/thread/title') thread.title = value;
    if (thread && where === 'disqus/thread') {
      threads.set(thread.id, thread);
      thread = undefined;
    }
    if (post) {
      const field = { message: 'message', createdAt: 'createdAt', isDeleted: 'isDeleted', isSpam: 'isSpam' }[tag.name];
      if (path.length === 3 && field) post[field as 'message'] = value;
      if (where === 'disqus/post/author/name') post.name = value;
      if (where === 'disqus/post/author/email') post.email = value;
      if (where === 'disqus/post/author/username') post.username = value;
      if (where === 'disqus/post') {
        posts.push(post);
        post = undefined;
      }
    }
    path.pop();
    text = '';
  });

  try {
    parser.write(xml).close();
  } catch (error) {
    if (error instanceof TransferError) throw error;
    const [, line, column, message] = /(\d+):(\d+): (.*)$/s.exec((error as Error).message) ?? [];
    throw new TransferError(`the file is not well-formed XML: ${message ?? (error as Error).message} (line ${line ?? '?'}, column ${column ?? '?'})`);
  }

  const skipped = { deleted: 0, spam: 0, empty: 0, withoutArticle: 0 };
  const comments: Array<TransferRecord & { kind: 'comment' }> = [];
  for (const item of posts) {
    if (item.isDeleted === 'true') skipped.deleted++;
    else if (item.isSpam === 'true') skipped.spam++;
    else {
      const article = threads.get(item.thread);
      const articleId = (article?.identifier || article?.link || '').slice(0, 1000);
      const comment = plainText(item.message);
      const time = Date.parse(item.createdAt);
      if (!articleId) skipped.withoutArticle++;
      else if (!comment || Number.isNaN(time)) skipped.empty++;
      else {
        comments.push({
          kind: 'comment',
          // Named after the Disqus post, so that importing the file again finds it already there.
          id: `disqus-${item.disqusId}`,
          articleId,
          articleUrl: /^https?:\/\//i.test(article!.link) ? article!.link : '',
          title: plainText(article!.title),
          comment,
          name: plainText(item.name || item.username) || 'Anonymous',
          email: item.email,
          status: 'published',
          createdAt: new Date(time).toISOString(),
        });
      }
    }
  }
  // Oldest first, so that they are listed newest first, as on Disqus.
  comments.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return { records: comments, skipped };
}
