/**
 * Alerts to the newsroom: for each new pending or reported comment, a POST to `WEBHOOK_URL`. They are queued in the
 * database in the transaction that stores the comment or report (the outbox), and sent from there by a loop that
 * runs while the server runs, so a restart or a receiver that is down loses none. Each is signed with
 * HMAC-SHA256 and retried with growing pauses.
 *
 * The receiver checks `X-News-Comments-Signature: sha256=<hex>`, the HMAC-SHA256 with `WEBHOOK_SECRET` of
 * `<X-News-Comments-Timestamp>.<body>`, and refuses old timestamps, so that a captured alert cannot be replayed.
 */
import { createHmac } from 'node:crypto';
import type { Alert } from './desk-types.js';
import type { CommentStore } from './store.js';

/** What an alert tells: which comment, on which article, and where the desk finds it. No email, no address. */
export function alertPayload(
  event: Alert['event'],
  comment: { id: string; articleId: string; articleUrl: string; articleTitle: string | null; title: string; createdAt: string },
) {
  return {
    event: event === 'pending' ? 'comment.pending' : 'comment.reported',
    comment: {
      id: comment.id,
      articleId: comment.articleId,
      articleUrl: comment.articleUrl,
      articleTitle: comment.articleTitle,
      title: comment.title,
      createdAt: comment.createdAt,
    },
    queue: event,
  };
}

/** The signature header's value for `body` sent at `timestamp` (seconds). */
export const signature = (secret: string, timestamp: number, body: string) =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/**
 * The pause after `attempts` failed attempts: `firstMs` (10 s by default), doubling to at most an hour, each with up
 * to a fifth more at random, so that many alerts that failed together do not all come back at once. After
 * `MAX_ATTEMPTS` (about two days of trying) the alert is given up and kept, marked failed, until the purge.
 */
export const backoffMs = (attempts: number, firstMs = 10_000, random = Math.random) =>
  Math.min(3600_000, firstMs * 2 ** Math.max(0, attempts - 1)) * (1 + random() / 5);
export const MAX_ATTEMPTS = 50;

export interface OutboxOptions {
  url: string;
  secret: string;
  /** The pause before the first retry. */
  retryMs?: number;
  /** How long a receiver may take to answer. */
  timeoutMs?: number;
}

export interface Outbox {
  /** Looks at the outbox now (a comment was just stored). */
  wake(): void;
  stop(): Promise<void>;
}

export function startOutbox(store: CommentStore, { url, secret, retryMs = 10_000, timeoutMs = 10_000 }: OutboxOptions): Outbox {
  // Looked at this often when nothing wakes it: alerts due for a retry, and those another process queued.
  const intervalMs = Math.min(5_000, retryMs);
  let stopped = false;
  // A stopping server does not wait for a slow receiver: the alert is tried again after the restart.
  const stopping = new AbortController();
  let running: Promise<void> | undefined;
  let again = false;

  const deliver = async (alert: Alert) => {
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'news-comments-webhook',
          'X-News-Comments-Delivery': String(alert.id),
          'X-News-Comments-Timestamp': String(timestamp),
          'X-News-Comments-Signature': signature(secret, timestamp, alert.payload),
        },
        body: alert.payload,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), stopping.signal]),
      });
      await response.body?.cancel();
      if (response.ok) return store.alertSent(alert.id);
      throw new Error(`the receiver answered ${response.status}`);
    } catch (error) {
      const attempts = alert.attempts + 1;
      const retryAt = attempts >= MAX_ATTEMPTS ? null : new Date(Date.now() + backoffMs(attempts, retryMs)).toISOString();
      await store.alertFailed(alert.id, retryAt, error instanceof Error ? error.message : String(error));
    }
  };

  const round = async () => {
    do {
      again = false;
      // Held for longer than a delivery can take, so that another process does not send the same alert meanwhile.
      const due = await store.claimAlerts(10, timeoutMs * 2);
      await Promise.all(due.map(deliver));
      if (due.length === 10) again = true;
    } while (again && !stopped);
  };

  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = round()
      .catch((error) => console.error('webhook outbox:', error instanceof Error ? error.message : error))
      .finally(() => (running = undefined));
  };

  const timer = setInterval(wake, intervalMs);
  timer.unref();
  wake();

  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}
