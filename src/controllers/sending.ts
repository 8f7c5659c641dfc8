/**
 * Sending one comment, in the shape of `@lit/task`: `send()` runs, `abort()` stops, a call id drops the result of a
 * run the form has moved past. It keeps what happened (the outcome, a wait before a retry), never the words for it:
 * the element translates at render time, so a change of language re-translates what is on screen.
 *
 * Part of the deferred code: the element creates it when the reader first sends.
 */
import type { ReactiveControllerHost } from 'lit';
import type { CommentRequest } from '../contract.js';
import type { NewsCommentsErrorDetail } from '../news-comments.js';
import { fingerprint, newIdempotencyKey, sendComment, type CommentPayload, type Outcome, type Wait } from '../send.js';
import type { DraftController } from './drafts.js';

export type Phase = 'editing' | 'sending' | 'sent' | 'failed';

export interface SendOptions {
  endpoint: string;
  timeout: number;
  credentials: RequestCredentials;
  /** Milliseconds since the form appeared, and the trap field's value: the spam signals. */
  elapsed: number;
  website?: string;
}

/** Field names the reader can correct; other field errors from the server are shown as one refusal. */
export const fieldsOf = (errors: Record<string, string>, fields: readonly string[]) =>
  Object.keys(errors).filter((key) => fields.includes(key));

export class SendingController {
  phase: Phase = 'editing';
  /** How the last run ended; undefined before the first, and after `reset()`. */
  outcome?: Outcome;
  /** While sending: the pause before the next attempt, if one is under way. */
  wait?: Wait;
  #abort?: AbortController;
  #call = 0;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #drafts: DraftController;
  readonly #fields: readonly string[];

  constructor(host: ReactiveControllerHost & HTMLElement, drafts: DraftController, fields: readonly string[]) {
    this.#host = host;
    this.#drafts = drafts;
    this.#fields = fields;
  }

  get busy(): boolean {
    return this.phase === 'sending';
  }

  /**
   * Sends a checked request for `articleId`, with the element's events around it. Resolves with the outcome, or
   * undefined when a `news-comments-submit` listener cancelled, or the form moved on (another article) meanwhile.
   */
  async send(articleId: string, request: CommentRequest, options: SendOptions): Promise<Outcome | undefined> {
    const payload: CommentPayload = {
      ...request,
      elapsed: options.elapsed,
      ...(options.website ? { website: options.website } : {}),
    };
    if (!this.#emit('news-comments-submit', payload, true)) return undefined;
    // The key an earlier attempt at this same request used (this tab, a reload, or another tab through the draft),
    // so the server stores it once however often it is sent; a changed request gets a new key.
    const keyFor = fingerprint(JSON.stringify(request));
    const earlier = [this.#drafts.key, this.#drafts.storedKey(articleId)].find((candidate) => candidate?.keyFor === keyFor);
    const idempotency = (this.#drafts.key = earlier ?? { key: newIdempotencyKey(), keyFor });
    // Saved before sending: after a reload mid-request, the retry carries the same key.
    this.#drafts.save();

    const call = ++this.#call;
    const abort = (this.#abort = new AbortController());
    this.phase = 'sending';
    this.outcome = this.wait = undefined;
    this.#host.requestUpdate();
    const outcome = await sendComment(options.endpoint, payload, {
      timeout: options.timeout,
      credentials: options.credentials,
      idempotencyKey: idempotency.key,
      signal: abort.signal,
      onWait: (wait) => {
        if (call !== this.#call) return;
        this.wait = wait;
        this.#host.requestUpdate();
      },
    });
    if (call !== this.#call) {
      // The form shows another article now: only the old draft learns that its comment was sent.
      if (outcome.kind === 'created') this.#drafts.sent(articleId, idempotency);
      return undefined;
    }
    this.settle(outcome);
    if (outcome.kind === 'created') this.#emit('news-comments-success', outcome.answer);
    else {
      const detail: NewsCommentsErrorDetail =
        outcome.kind === 'invalid'
          ? { reason: 'invalid', status: outcome.status, errors: outcome.errors }
          : { reason: outcome.reason, status: outcome.status };
      this.#emit('news-comments-error', detail);
    }
    return outcome;
  }

  /** Stops the request under way; its outcome is `cancelled`. */
  abort(): void {
    this.#abort?.abort();
  }

  /** Records how a run ended. */
  settle(outcome: Outcome): void {
    this.#abort = this.wait = undefined;
    this.outcome = outcome;
    this.phase =
      outcome.kind === 'created'
        ? 'sent'
        : outcome.kind === 'invalid'
          ? // Errors on fields the reader cannot change (such as the article id) are a refusal, not a correction.
            fieldsOf(outcome.errors, this.#fields).length === Object.keys(outcome.errors).length
            ? 'editing'
            : 'failed'
          : outcome.reason === 'cancelled'
            ? 'editing'
            : 'failed';
    this.#host.requestUpdate();
  }

  /** Back to a fresh form: a run still under way finishes, but its outcome is no longer shown. */
  reset(): void {
    this.#call++;
    this.phase = 'editing';
    this.outcome = this.wait = undefined;
    this.#host.requestUpdate();
  }

  #emit(type: keyof HTMLElementEventMap, detail: unknown, cancelable = false): boolean {
    return this.#host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}
