/**
 * The publisher's data in and out: everything a store keeps but rate-limit counts, sessions and the webhook outbox,
 * as JSON Lines (a header line, then one record a line), and back; or a Disqus export in. A file is read and checked whole before the database
 * is touched, and imported in one transaction: a bad file imports nothing.
 */
import * as z from 'zod/mini';
import { REPORT_REASONS, isCleanText } from '../../src/contract.js';
import { TransferError, readDisqus } from './disqus.js';
import { AUDIT_ACTIONS, ROLES } from './desk-types.js';
import type { CommentStore, TransferRecord } from './store.js';

export { TransferError };

/**
 * The first line of an export; `version` changes only if a record's meaning does. Version 2 added the desk's
 * records (moderators, blocks, word lists, the audit trail, sender records, articles, rejection reasons); a file of
 * version 1 is read as it is.
 */
export const HEADER = { format: 'news-comments', version: 2 } as const;
const READS = [1, 2];

const text = (min = 0, max = 1_000_000) =>
  z.string().check(z.minLength(min), z.maxLength(max), z.refine(isCleanText, 'must not contain control characters'));
// Years 1 to 9999, the dates both stores keep: PostgreSQL refuses year 0 and years of five digits, which SQLite
// would keep as text sorting before every other date.
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');
// Kept as the stores write times, so that their text compares as their time does.
const time = z.pipe(
  z.string().check(
    z.refine((value) => Date.parse(value) >= EARLIEST && Date.parse(value) <= LATEST, 'must be a date and time between the years 1 and 9999'),
  ),
  z.transform((value) => new Date(value).toISOString()),
);
const DESK_KINDS = ['rejectionReason', 'sender', 'article', 'moderator', 'block', 'word', 'holdLinks', 'audit'];
const record = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('comment'),
    id: text(1, 200),
    articleId: text(1, 1000),
    articleUrl: text(0, 4000),
    title: text(),
    comment: text(1),
    name: text(1),
    email: text(0, 1000),
    status: z.enum(['pending', 'published', 'rejected']),
    createdAt: time,
  }),
  z.object({
    kind: z.literal('report'),
    commentId: text(1, 200),
    reader: text(1, 200),
    reason: z.enum(REPORT_REASONS),
    createdAt: time,
  }),
  z.object({
    kind: z.literal('idempotencyKey'),
    key: text(1, 200),
    fingerprint: text(1, 200),
    commentId: text(1, 200),
    createdAt: time,
  }),
  z.object({ kind: z.literal('rejectionReason'), commentId: text(1, 200), reason: text(0, 10_000) }),
  z.object({ kind: z.literal('sender'), commentId: text(1, 200), ip: text(1, 100), userAgent: text(0, 10_000), createdAt: time }),
  z.object({
    kind: z.literal('article'),
    articleId: text(1, 1000),
    articleTitle: z.nullable(text(0, 4000)),
    articleUrl: z.nullable(text(0, 4000)),
    firstCommentAt: z.nullable(time),
    state: z.nullable(z.enum(['open', 'closed'])),
  }),
  z.object({ kind: z.literal('moderator'), name: text(1, 200), role: z.enum(ROLES), passwordHash: text(1, 1000), createdAt: time }),
  z.object({ kind: z.literal('block'), type: z.enum(['email', 'ip']), value: text(1, 1000), createdAt: time, createdBy: text(1, 200) }),
  z.object({ kind: z.literal('word'), list: z.enum(['reject', 'hold']), word: text(1, 1000) }),
  z.object({ kind: z.literal('holdLinks'), value: z.boolean() }),
  z.object({
    kind: z.literal('audit'),
    actionId: text(1, 200),
    at: time,
    moderator: text(1, 200),
    action: z.enum(AUDIT_ACTIONS),
    commentId: z.nullable(text(1, 200)),
    reason: z.nullable(text(0, 10_000)),
    detail: z.nullable(z.record(z.string(), z.unknown())),
    undoes: z.nullable(text(1, 200)),
  }),
]);
const KINDS = new Set(['comment', 'report', 'idempotencyKey', ...DESK_KINDS]);
// A version 1 file holds only comments, reports and idempotency keys.
const DESK_KINDS_SET = new Set<unknown>(DESK_KINDS);

/**
 * A value from the file, for a message to the person importing it: as JSON, so that no control character in it
 * (an escape starting a terminal command, say) reaches their terminal, and cut short.
 */
const quoted = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
};

/** The first problem of a record in words: which field, and what it must be. */
function problem({ issues: [issue] }: z.core.$ZodError): string {
  const field = issue.path.join('.') || 'the record';
  switch (issue.code) {
    case 'invalid_type':
      return `${field} must be ${issue.expected === 'string' ? 'text' : `a ${issue.expected}`}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return `${field} must not be empty`;
    case 'too_big':
      return `${field} must be at most ${issue.maximum} characters`;
    default:
      return `${field} ${issue.message}`;
  }
}

export interface ReadFile {
  format: 'news-comments' | 'disqus';
  records: TransferRecord[];
  /** What was left out, and why (Disqus: deleted and spam posts). */
  skipped: Record<string, number>;
}

/** JSON Lines of an export, checked line by line; the first problem stops it, naming its line. */
function readJsonLines(content: string, version: number): ReadFile {
  const lines = content.split('\n');
  const records: TransferRecord[] = [];
  const comments = new Set<string>();
  lines.forEach((line, index) => {
    if (index === 0 || !line.trim()) return;
    const where = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new TransferError(`${where} is not JSON`);
    }
    const kind = (value as { kind?: unknown })?.kind;
    if (!KINDS.has(kind as string) || (version === 1 && DESK_KINDS_SET.has(kind))) {
      throw new TransferError(`${where}: unknown record kind ${quoted(kind)}${version === 1 ? ' in an export of version 1' : ' (from a newer server?)'}`);
    }
    const parsed = record.safeParse(value);
    if (!parsed.success) {
      throw new TransferError(`${where}: ${problem(parsed.error)}`);
    }
    const item = parsed.data;
    if (item.kind === 'comment') comments.add(item.id);
    else if ('commentId' in item && item.kind !== 'audit' && !comments.has(item.commentId)) {
      const what = { report: 'report', idempotencyKey: 'idempotency key', sender: 'sender record', rejectionReason: 'rejection reason' }[item.kind];
      throw new TransferError(`${where}: the ${what} names comment ${item.commentId}, which is not before it in the file`);
    }
    records.push(item);
  });
  return { format: 'news-comments', records, skipped: {} };
}

/** The records of a file, whichever format its content shows; a `TransferError` for anything else. */
export function readTransferFile(content: string): ReadFile {
  const start = content.replace(/^\uFEFF/, '').trimStart();
  if (start.startsWith('<')) {
    const { records, skipped } = readDisqus(start);
    for (const item of records) {
      const parsed = record.safeParse(item);
      if (!parsed.success) throw new TransferError(`${item.kind} ${'id' in item ? quoted(item.id) : ''}: ${problem(parsed.error)}`);
    }
    return { format: 'disqus', records, skipped };
  }
  const firstLine = start.includes('\n') ? start.slice(0, start.indexOf('\n')) : start;
  let header: unknown;
  try {
    header = JSON.parse(firstLine);
  } catch {
    // not JSON: said below
  }
  const { format, version } = (header ?? {}) as { format?: unknown; version?: unknown };
  if (format !== HEADER.format) {
    throw new TransferError('unknown format: the file is neither a news-comments export (JSON Lines) nor a Disqus export (XML)');
  }
  if (!READS.includes(version as number)) {
    throw new TransferError(`the export is of version ${quoted(version)}; this server reads versions ${READS.join(' and ')}`);
  }
  return readJsonLines(start, version as number);
}

/** Writes the header and every record, one JSON line each; answers how many of each kind. */
export async function exportRecords(store: CommentStore, write: (line: string) => Promise<void>): Promise<Record<string, number>> {
  const counts: Record<string, number> = Object.fromEntries([...KINDS].map((kind) => [kind, 0]));
  await write(`${JSON.stringify({ ...HEADER, exportedAt: new Date().toISOString() })}\n`);
  for await (const item of store.exportRecords()) {
    counts[item.kind]++;
    await write(`${JSON.stringify(item)}\n`);
  }
  return counts;
}
