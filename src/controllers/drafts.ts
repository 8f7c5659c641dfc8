/**
 * The reader's draft on this device: restored when the form opens, saved while they type (at most every 400 ms, and
 * at once when the page is hidden or left, the last chance a phone gives), removed when they discard it, and emptied
 * once the server has confirmed the comment.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { loadDraft, loadReader, pruneDrafts, removeDraft, saveDraft, saveReader, type Idempotency } from '../draft.js';

/** What the form holds, as a draft keeps it. */
export interface FormValues {
  title: string;
  comment: string;
  name: string;
  email: string;
}

/** What the host tells the controller at the moment of saving. */
export interface DraftSource {
  articleId: string;
  /** False while the form cannot send (no usable endpoint): nothing is saved. */
  enabled: boolean;
  values: FormValues;
  titleEdited: boolean;
  rememberReader: boolean;
}

// Drafts are written at most this often while the reader types, and at once when the page is hidden.
const SAVE_EVERY = 400;

export class DraftController implements ReactiveController {
  /** The form holds a draft restored from this device. */
  restored = false;
  /** The idempotency key of the last attempt to send this article's comment, kept with the draft. */
  key?: Idempotency;
  #timer?: ReturnType<typeof setTimeout>;
  #pruned = false;

  readonly #host: ReactiveControllerHost;
  readonly #source: () => DraftSource;

  constructor(host: ReactiveControllerHost, source: () => DraftSource) {
    this.#host = host;
    this.#source = source;
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener('visibilitychange', this.#saveIfHidden);
    addEventListener('pagehide', this.#saveIfHidden);
  }

  hostDisconnected(): void {
    this.flush();
    document.removeEventListener('visibilitychange', this.#saveIfHidden);
    removeEventListener('pagehide', this.#saveIfHidden);
  }

  /** The article's draft, and name and email from the reader's last comment unless the publisher said not to. */
  restore(articleId: string, articleTitle: string, current: FormValues, rememberReader: boolean) {
    if (!this.#pruned) pruneDrafts();
    this.#pruned = true;
    const draft = loadDraft(articleId);
    const reader = rememberReader ? loadReader() : undefined;
    this.restored = !!draft && (draft.comment.trim() !== '' || draft.titleEdited);
    this.key = this.storedKey(articleId);
    this.#host.requestUpdate();
    return {
      values: {
        title: draft?.titleEdited ? draft.title : articleTitle,
        comment: draft?.comment ?? '',
        name: draft?.name || reader?.name || current.name,
        email: draft?.email || reader?.email || current.email,
      },
      titleEdited: !!draft?.titleEdited,
    };
  }

  /** The key another attempt (in this tab, after a reload, or in another tab) stored for this article. */
  storedKey(articleId: string): Idempotency | undefined {
    const draft = loadDraft(articleId);
    return draft?.key ? { key: draft.key, keyFor: draft.keyFor ?? '' } : undefined;
  }

  /** The reader typed: save soon. */
  schedule(): void {
    this.#timer ??= setTimeout(() => this.save(), SAVE_EVERY);
  }

  /** Saves now what is waiting to be saved, for `articleId` (the form's article unless the page moved on). */
  flush(articleId?: string): void {
    if (this.#timer !== undefined) this.save(articleId);
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  save(articleId?: string): void {
    this.cancel();
    const { articleId: current, enabled, values, titleEdited, rememberReader } = this.#source();
    const id = articleId ?? current;
    if (!enabled || !id) return;
    saveDraft(id, { ...values, titleEdited, ...this.key });
    if (rememberReader) saveReader({ name: values.name, email: values.email });
  }

  /**
   * The server confirmed the comment: the device keeps nothing of it, only its key and fingerprint, so that another
   * tab sending the same text is recognised and stored once.
   */
  sent(articleId: string, idempotency: Idempotency | undefined, reader?: { name: string; email: string }): void {
    this.cancel();
    this.restored = false;
    saveDraft(articleId, { title: '', comment: '', name: '', email: '', titleEdited: false, ...idempotency });
    if (reader) saveReader(reader);
  }

  discard(articleId: string): void {
    this.cancel();
    removeDraft(articleId);
    this.restored = false;
    this.key = undefined;
    this.#host.requestUpdate();
  }

  #saveIfHidden = (event: Event): void => {
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') this.flush();
  };
}
