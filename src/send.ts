/**
 * Posting a comment and making sense of whatever comes back. Every outcome, however broken the network or the
 * server, ends as one of three plain results; nothing here throws. Failures that pass by themselves (no network,
 * 502/503/504, 429, offline) are retried with the same idempotency key, so the server stores the comment once.
 */
import { createdAnswer, fieldErrorsAnswer, type CommentRequest, type CreatedAnswer } from './contract.js';

/** The request body: the contract's request plus the optional spam signals. */
export type CommentPayload = CommentRequest & { elapsed?: number; website?: string };

/** Why a comment was not sent; each has its own message for the reader. */
export type FailureReason =
  | 'unreachable'
  | 'timeout'
  | 'busy'
  | 'serverError'
  | 'unreadable'
  | 'rejected'
  | 'closed'
  | 'cancelled';

export type Outcome =
  | { kind: 'created'; answer: CreatedAnswer }
  | { kind: 'invalid'; errors: Record<string, string>; status: number }
  | { kind: 'failed'; reason: FailureReason; status?: number; detail?: string; retryAfter?: number };

/** A pause before the next attempt, for the reader to be told about. */
export type Wait = { reason: 'offline' } | { reason: 'busy' | 'retrying'; seconds: number };

export interface SendOptions {
  /** Milliseconds before one attempt is given up. */
  timeout: number;
  /** Sent as `Idempotency-Key` with every attempt. */
  idempotencyKey: string;
  credentials: RequestCredentials;
  /** Aborting it stops at once, with the outcome `cancelled`. */
  signal: AbortSignal;
  onWait(wait: Wait): void;
}

/** Seconds before each automatic retry after a network failure or 502/503/504. */
export const RETRY_DELAYS = [0.5, 1, 2];
/** A `Retry-After` longer than this is not waited for: the reader is told to try later. */
const LONGEST_WAIT = 120;

export async function sendComment(endpoint: string, payload: CommentPayload, options: SendOptions): Promise<Outcome> {
  const { signal } = options;
  for (let retries = 0; ; ) {
    if (navigator.onLine === false) {
      options.onWait({ reason: 'offline' });
      await until(signal, (resume) => addEventListener('online', resume, { once: true }));
    }
    if (signal.aborted) return cancelled;
    const outcome = await attempt(endpoint, payload, options);
    if (outcome.kind !== 'failed' || signal.aborted) return signal.aborted ? cancelled : outcome;
    // Gone offline meanwhile: the top of the loop waits for the connection, then sends again.
    if (outcome.reason === 'unreachable' && navigator.onLine === false) continue;
    const transient =
      outcome.reason === 'unreachable' || outcome.status === 502 || outcome.status === 503 || outcome.status === 504;
    const seconds = outcome.retryAfter ?? RETRY_DELAYS[retries];
    if (!(transient || outcome.reason === 'busy') || retries >= RETRY_DELAYS.length || !(seconds <= LONGEST_WAIT)) {
      return outcome;
    }
    retries++;
    options.onWait({ reason: outcome.reason === 'busy' ? 'busy' : 'retrying', seconds });
    await until(signal, (resume) => setTimeout(resume, seconds * 1000));
    if (signal.aborted) return cancelled;
  }
}

/** A random UUID; also on plain-http pages, where `crypto.randomUUID` is missing. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A fingerprint of what is being sent, so that a retry of the same comment reuses its idempotency key: a 64-bit
 * hash, kept in the draft instead of the comment itself (the device keeps nothing of a comment once it is sent).
 */
export function fingerprint(text: string): string {
  // Two 32-bit FNV-1a-style hashes with different seeds and multipliers; not cryptographic, only for telling one
  // comment from another on the reader's own device.
  let first = 0x811c9dc5;
  let second = 0x01000193 ^ text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    first = Math.imul(first ^ code, 0x01000193);
    second = Math.imul(second ^ code, 0x5bd1e995);
    second ^= second >>> 15;
  }
  const hex = (value: number) => (value >>> 0).toString(16).padStart(8, '0');
  return hex(first) + hex(second);
}

const cancelled: Outcome = { kind: 'failed', reason: 'cancelled' };

/** Resolves when `start` calls back, or at once when the signal aborts. */
const until = (signal: AbortSignal, start: (resume: () => void) => void) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
    start(resolve);
  });

const readJson = async (response: Response): Promise<unknown> => {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
};

/** `Retry-After` in seconds: a number of seconds or an HTTP date. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - Date.now()) / 1000;
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : undefined;
}

async function attempt(endpoint: string, payload: CommentPayload, options: SendOptions): Promise<Outcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeout);
  const cancel = () => controller.abort();
  options.signal.addEventListener('abort', cancel, { once: true });
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Idempotency-Key': options.idempotencyKey,
      },
      body: JSON.stringify(payload),
      credentials: options.credentials,
      signal: controller.signal,
    });
    // The timer stays armed while the body is read: a server that sends headers and then stalls times out too.
    const body = await readJson(response);
    const { status } = response;
    if (response.ok) {
      const created = createdAnswer.safeParse(body);
      return created.success ? { kind: 'created', answer: created.data } : { kind: 'failed', reason: 'unreadable', status };
    }
    const wait = retryAfter(response.headers.get('Retry-After'));
    if (status === 429) return { kind: 'failed', reason: 'busy', status, retryAfter: wait };
    if (status >= 400 && status < 500) {
      const invalid = fieldErrorsAnswer.safeParse(body);
      if (invalid.success && Object.keys(invalid.data.errors).length) {
        return { kind: 'invalid', errors: invalid.data.errors, status };
      }
      const { error, message } = (body ?? {}) as { error?: unknown; message?: unknown };
      // The article takes no more comments: the form gives way to saying so.
      if (status === 403 && error === 'comments_closed') return { kind: 'failed', reason: 'closed', status };
      if (status !== 408 && typeof message === 'string') {
        return { kind: 'failed', reason: 'rejected', status, detail: message };
      }
    }
    return { kind: 'failed', reason: 'serverError', status, retryAfter: status === 503 ? wait : undefined };
  } catch {
    if (controller.signal.aborted) return { kind: 'failed', reason: options.signal.aborted ? 'cancelled' : 'timeout' };
    return { kind: 'failed', reason: 'unreachable' };
  } finally {
    clearTimeout(timer);
    options.signal.removeEventListener('abort', cancel);
  }
}
