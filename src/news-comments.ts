import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import {
  articleDefaults,
  pageColorScheme,
  parseMessagesAttribute,
  resolveCredentials,
  resolveEndpoint,
  resolveMaxLength,
  resolveTimeout,
  warn,
} from './config.js';
import {
  FIELDS,
  LIMITS,
  countCharacters,
  validateRequest,
  type CommentRequest,
  type CreatedAnswer,
  type Field,
} from './contract.js';
import { loadDraft, loadReader, pruneDrafts, removeDraft, saveDraft, saveReader } from './draft.js';
import {
  catalogueFor,
  checkMessages,
  en,
  isRightToLeft,
  localeOf,
  problemText,
  translator,
  type Messages,
} from './messages.js';
import { newIdempotencyKey, sendComment, type CommentPayload, type FailureReason, type Outcome } from './send.js';
import { styles } from './styles.js';

/** `detail` of `news-comments-error`: why the comment was not accepted. */
export interface NewsCommentsErrorDetail {
  reason: FailureReason | 'invalid';
  /** The HTTP status, when the server answered at all. */
  status?: number;
  /** Field errors from the server, for `reason: 'invalid'`. */
  errors?: Record<string, string>;
}

declare global {
  interface HTMLElementEventMap {
    'news-comments-submit': CustomEvent<CommentPayload>;
    'news-comments-success': CustomEvent<CreatedAnswer>;
    'news-comments-error': CustomEvent<NewsCommentsErrorDetail>;
  }
}

type Phase = 'editing' | 'sending' | 'sent' | 'failed';
type Values = Record<Field, string>;

const DEFAULT_TIMEOUT = 15_000;
// The countdown is announced when typing pauses this long, and at once when it crosses a threshold.
const ANNOUNCE_AFTER_PAUSE = 1_000;
const LOW_REMAINING = 100;
// Drafts are written at most this often while the reader types, and at once when the page is hidden.
const SAVE_EVERY = 400;

/** Our events cross shadow roots and bubble, as native form events do. */
const event = <T>(type: string, detail: T, cancelable: boolean) =>
  new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });

const autocomplete: Record<Field, 'off' | 'name' | 'email'> = { title: 'off', comment: 'off', name: 'name', email: 'email' };
const countBand = (remaining: number) =>
  remaining < 0 ? 'over' : remaining === 0 ? 'none' : remaining <= LOW_REMAINING ? 'low' : 'plenty';

/**
 * A comment form for a news article: title (prefilled with the article's), comment with a live countdown, name,
 * email and the site's disclaimer. Posts JSON to the publisher's `endpoint`; the reader's text is never lost.
 *
 * @tagname news-comments
 * @fires news-comments-submit - Before sending; cancelable. `detail` is the request body.
 * @fires news-comments-success - The server stored the comment. `detail` is its answer: `{id, status}`.
 * @fires news-comments-error - The comment was not accepted. `detail`: `{reason, status?, errors?}`, where `reason`
 *   is `invalid` (field errors from the server), `unreachable`, `timeout`, `busy` (429), `serverError`,
 *   `unreadable` (not the contract's answer), `rejected` (a 4xx with a message) or `cancelled` (by the reader).
 *
 * @attribute lang - The language of the form: `en` (default), `hi`, `kn`, `ar`, or any other with `messages`.
 *   Inherited from the nearest ancestor with `lang`, else the document's.
 *
 * @slot disclaimer - Replaces the default disclaimer text.
 *
 * @csspart heading - The "Leave a Comment" heading.
 * @csspart form - The form around all fields.
 * @csspart title-label - Label of the title field.
 * @csspart title-input - The title field.
 * @csspart comment-label - Label of the comment box.
 * @csspart comment-input - The comment box.
 * @csspart name-label - Label of the name field.
 * @csspart name-input - The name field.
 * @csspart email-label - Label of the email field.
 * @csspart email-input - The email field.
 * @csspart error - The message under a field that needs correcting.
 * @csspart counter - "You have 2,000 characters left".
 * @csspart disclaimer - The disclaimer block.
 * @csspart button - The send button.
 * @csspart cancel - The button that stops sending.
 * @csspart status - The messages about sending: sending, sent, or what went wrong.
 * @csspart restored - "Your unsent comment was restored", with its discard button.
 * @csspart notice - Shown instead of the form when the element is configured wrongly.
 *
 * @cssprop [--news-comments-accent=#0b57d0 / #a8c7fa] - Button and focus colour.
 * @cssprop [--news-comments-on-accent=#fff / #062e6f] - Text on the button.
 * @cssprop [--news-comments-text=#1f1f1f / #e3e3e3] - Text colour.
 * @cssprop [--news-comments-muted=#4a4a4a / #c4c7c5] - Counter and disclaimer text.
 * @cssprop [--news-comments-background=#fff / #1f1f1f] - Background of the box.
 * @cssprop [--news-comments-field-background=the box's background] - Background of the fields.
 * @cssprop [--news-comments-border=#767676 / #8e918f] - Borders of the box and fields.
 * @cssprop [--news-comments-error=#b3261e / #f2b8b5] - Errors and the counter past the limit.
 * @cssprop [--news-comments-success=#146c2e / #6dd58c] - Edge of the thank-you message.
 * @cssprop [--news-comments-radius=0.375rem] - Corner radius.
 * @cssprop [--news-comments-spacing=1rem] - Space between fields and around the box.
 * @cssprop [--news-comments-font-size=1rem] - Base font size; fields never go below 16px, so phones do not zoom.
 */
export class NewsComments extends LitElement {
  static override styles = styles;

  /** Registers the element under `tag`; calling it again, or loading the script twice, does nothing. */
  static define(tag = 'news-comments', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, registry.getName?.(this) ? class extends this {} : this);
  }

  /**
   * Where comments are posted: an http(s) URL, or a path on the page's origin. Required: without a usable one the
   * element shows "Comments are not available on this page." and warns on the console.
   */
  @property() endpoint?: string;

  /** Identifies the article to the server. Default: the canonical link, else the page's path. */
  @property({ attribute: 'article-id' }) articleId?: string;

  /** Prefills the title field. Default: the `og:title` meta, else the document title. */
  @property({ attribute: 'article-title' }) articleTitle?: string;

  /** Sent with each comment. Default: the canonical link, else the page's address. */
  @property({ attribute: 'article-url' }) articleUrl?: string;

  /** Longest comment, in characters as a reader counts them. Not a positive whole number: a warning and 2000. */
  @property({ attribute: 'max-length', type: Number }) maxLength = 2000;

  /** Named in the default disclaimer ("This site" when empty). */
  @property({ attribute: 'site-name' }) siteName?: string;

  /** Milliseconds before one attempt to send is given up. */
  @property({ type: Number }) timeout = 15000;

  /**
   * Cookies with the request: `same-origin` (none to another origin), `include` (to a cross-origin endpoint too;
   * its CORS must allow credentials), or `omit`.
   */
  @property() credentials: RequestCredentials = 'same-origin';

  /** `off`: do not remember the reader's name and email across articles on this device. */
  @property({ attribute: 'remember-reader' }) rememberReader: 'on' | 'off' = 'on';

  /** `auto` follows the page's `color-scheme`, else the reader's system; `light` or `dark` pins one. Reflected. */
  @property({ reflect: true }) theme: 'auto' | 'light' | 'dark' = 'auto';

  /**
   * Replaces any message, by key (the keys of `en` in `src/messages.ts`): an object, or JSON in the attribute.
   * An unknown key or a placeholder the message does not have is a console warning, and left out.
   */
  @property({ converter: { fromAttribute: parseMessagesAttribute } }) messages?: Partial<Messages>;

  /** `lazy`: render the form only when it comes near the viewport (most comment boxes sit below the fold). */
  @property() loading: 'eager' | 'lazy' = 'eager';

  @state() private values: Values = { title: '', comment: '', name: '', email: '' };
  /** Fields the reader has left: their errors may show. */
  @state() private visited = new Set<Field>();
  /** The reader pressed send: every error may show. */
  @state() private attempted = false;
  @state() private phase: Phase = 'editing';
  @state() private serverErrors: Partial<Record<Field, string>> = {};
  @state() private status = '';
  @state() private alert = '';
  @state() private announcement = '';
  /** The form holds a draft restored from this device. */
  @state() private restored = false;
  /** The language of the element, from `lang` on it or its ancestors. */
  @state() private locale = 'en';
  /** The built-in messages for `locale`, once loaded. */
  @state() private catalogue?: Messages;
  /** With `loading="lazy"`: the form has come near the viewport. */
  @state() private nearViewport = false;
  /** The page's own `color-scheme`, which `theme="auto"` follows. */
  @state() private pageScheme?: 'light' | 'dark';

  private t = translator();
  private endpointUrl?: string;
  private limit: number = LIMITS.comment;
  private timeoutMs = DEFAULT_TIMEOUT;
  private credentialsMode: RequestCredentials = 'same-origin';
  private article = { id: '', title: '', url: '' };
  private titleEdited = false;
  private remaining: number = LIMITS.comment;
  private problems: Partial<Record<string, string>> = {};
  private announceTimer?: ReturnType<typeof setTimeout>;
  /** When the form first appeared: servers take a form sent within seconds for a bot's. */
  private shownAt = 0;
  private saveTimer?: ReturnType<typeof setTimeout>;
  /** The key of the last attempt to send, and the request it was for: a retry of the same request reuses it. */
  private idempotency?: { key: string; keyFor: string };
  /** Stops the request under way. */
  private sending?: AbortController;
  /** While a mouse button or finger is down on the form: fields left meanwhile, whose errors wait for the click. */
  private revealAfterPointer?: Field[];

  private viewportObserver?: IntersectionObserver;

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.saveIfHidden);
    addEventListener('pagehide', this.saveIfHidden);
    this.locale = localeOf(this);
    this.pageScheme = pageColorScheme(this);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang' && this.isConnected) this.locale = localeOf(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.viewportObserver?.disconnect();
    clearTimeout(this.announceTimer);
    this.saveIfPending();
    document.removeEventListener('visibilitychange', this.saveIfHidden);
    removeEventListener('pagehide', this.saveIfHidden);
  }

  protected override updated(): void {
    // The form may first appear after the language loads, or when it scrolls near (loading="lazy").
    if (!this.shownAt && this.renderRoot.querySelector('form')) this.shownAt = performance.now();
  }

  protected override willUpdate(changed: PropertyValues): void {
    const first = !this.hasUpdated;
    if (first || changed.has('endpoint')) this.endpointUrl = resolveEndpoint(this.endpoint);
    if (first || changed.has('maxLength')) this.limit = resolveMaxLength(this.maxLength);
    if (first || changed.has('timeout')) this.timeoutMs = resolveTimeout(this.timeout, DEFAULT_TIMEOUT);
    if (first || changed.has('credentials')) this.credentialsMode = resolveCredentials(this.credentials);
    if (first || changed.has('locale')) this.loadCatalogue();
    if (changed.has('locale') || changed.has('catalogue') || changed.has('messages')) {
      this.t = translator(this.locale, this.catalogue ?? {}, checkMessages(this.messages, warn));
    }
    if (first || changed.has('loading')) this.watchViewport();
    if (first || changed.has('articleId') || changed.has('articleTitle') || changed.has('articleUrl')) {
      this.changeArticle();
    }
    this.remaining = this.limit - countCharacters(this.values.comment);
    // Errors show only once the reader has left a field or pressed send; until then nothing needs checking, and the
    // first paint and each keystroke skip the schema.
    this.problems = this.attempted || this.visited.size ? validateRequest(this.request(), this.limit) : {};
  }

  override render() {
    // Nothing until the reader's language is at hand, and with loading="lazy" until the form is near the viewport:
    // one render in the right words, never English first and then a jump.
    if (!this.catalogue || (this.loading === 'lazy' && !this.nearViewport)) return nothing;
    const { t, phase } = this;
    // An Arabic or Urdu page without dir still reads right to left; a dir on the page is followed as it is.
    const dir = isRightToLeft(this.locale) && !this.closest('[dir]') ? 'rtl' : '';
    const scheme = this.theme === 'auto' && this.pageScheme ? this.pageScheme : '';
    if (!this.endpointUrl) return html`<div class="root ${scheme}" .dir=${dir}><p part="notice">${t('unavailable')}</p></div>`;
    const sending = phase === 'sending';
    return html`<div class="root ${scheme}" .dir=${dir}>
      <h2 id="heading" part="heading">${t('heading')}</h2>
      <form
        part="form"
        aria-labelledby="heading"
        novalidate
        @submit=${this.onSubmit}
        @input=${this.onInput}
        @focusout=${this.onFocusOut}
        @pointerdown=${this.onPointerDown}
      >
        ${this.restored
          ? html`<p class="restored" part="restored">
              ${t('restored')} <button type="button" class="link" @click=${this.discard}>${t('discard')}</button>
            </p>`
          : nothing}
        ${this.renderField('title')} ${this.renderField('comment')}
        <div class="people">${this.renderField('name')} ${this.renderField('email')}</div>
        <div class="trap" aria-hidden="true">
          <label>Website <input name="website" tabindex="-1" autocomplete="off" /></label>
        </div>
        <div class="disclaimer" part="disclaimer">
          <slot name="disclaimer">
            <p><strong>${t('disclaimerHeading')}</strong> ${t('disclaimer', { site: this.siteName?.trim() || t('thisSite') })}</p>
          </slot>
        </div>
        <div class="actions">
          <button part="button" aria-disabled=${sending ? 'true' : 'false'}>
            ${sending ? t('sendingButton') : phase === 'failed' ? t('retry') : t('send')}
          </button>
          ${sending
            ? html`<button type="button" part="cancel" class="secondary" @click=${() => this.sending?.abort()}>
                ${t('cancel')}
              </button>`
            : nothing}
          <p class="status ${phase}" part="status" role="status">${this.status}</p>
          <p class="status failed" part="status" role="alert">${this.alert}</p>
        </div>
      </form>
      <p class="visually-hidden" aria-live="polite">${this.announcement}</p>
    </div>`;
  }

  private loadCatalogue(): void {
    const { locale } = this;
    const catalogue = catalogueFor(locale);
    if (!(catalogue instanceof Promise)) {
      this.catalogue = catalogue;
      return;
    }
    catalogue
      // A catalogue that fails to load (a flaky network) leaves the form in English, never without a form.
      .catch(() => en)
      .then((loaded) => {
        if (this.locale === locale) this.catalogue = loaded;
      });
  }

  private watchViewport(): void {
    this.viewportObserver?.disconnect();
    if (this.loading !== 'lazy' || this.nearViewport) return;
    this.viewportObserver = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.nearViewport = true;
        this.viewportObserver?.disconnect();
      },
      { rootMargin: '400px' },
    );
    this.viewportObserver.observe(this);
  }

  private renderField(field: Field) {
    const error = this.visibleError(field);
    const describedBy = [field === 'comment' && 'counter', error && `${field}-error`].filter(Boolean).join(' ');
    const sending = this.phase === 'sending';
    const value = this.values[field];
    const control =
      field === 'comment'
        ? html`<textarea
            id=${field}
            name=${field}
            part="comment-input"
            rows="8"
            dir="auto"
            required
            .value=${value}
            ?readonly=${sending}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy}
          ></textarea>`
        : html`<input
            id=${field}
            name=${field}
            part="${field}-input"
            type=${field === 'email' ? 'email' : 'text'}
            autocomplete=${autocomplete[field]}
            spellcheck=${field === 'title' ? 'true' : 'false'}
            dir="auto"
            required
            .value=${value}
            ?readonly=${sending}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
          />`;
    return html`<div class="field">
      <label for=${field} part="${field}-label">${this.t(`${field}Label`)}</label>
      ${control} ${field === 'comment' ? this.renderCounter() : nothing}
      ${error ? html`<p id="${field}-error" class="error" part="error">${error}</p>` : nothing}
    </div>`;
  }

  private renderCounter() {
    const over = this.remaining < 0;
    return html`<p id="counter" class="counter ${over ? 'over' : ''}" part="counter">${this.counterText()}</p>`;
  }

  private counterText(remaining = this.remaining): string {
    return remaining < 0
      ? this.t('charactersOver', { count: -remaining })
      : this.t('charactersLeft', { count: remaining });
  }

  /** The message under a field: the server's, else our own once the reader has left the field or pressed send. */
  private visibleError(field: Field): string {
    const fromServer = this.serverErrors[field];
    if (fromServer) return fromServer;
    const problem = this.problems[field];
    if (!problem || !(this.attempted || this.visited.has(field))) return '';
    return problemText(this.t, field, problem, -this.remaining);
  }

  /** The request as it would be sent now. */
  private request(): CommentRequest {
    const { title, comment, name, email } = this.values;
    return {
      articleId: this.article.id,
      articleUrl: this.article.url,
      title: title.trim(),
      comment: comment.trim(),
      name: name.trim(),
      email: email.trim(),
    };
  }

  /** Takes the article from the attributes or the page; a different article starts a fresh comment. */
  private changeArticle(): void {
    const defaults = articleDefaults(this.ownerDocument);
    const previousId = this.article.id;
    this.article = {
      id: this.articleId?.trim() || defaults.id,
      title: this.articleTitle?.trim() || defaults.title,
      url: this.articleUrl?.trim() || defaults.url,
    };
    if (previousId !== this.article.id) {
      // What was typed for the previous article stays in its draft, and never goes with this one.
      if (previousId) this.saveIfPending(previousId);
      this.resetFeedback();
      this.phase = 'editing';
      this.status = '';
      this.restoreDraft();
    }
    if (!this.titleEdited) this.values = { ...this.values, title: this.article.title };
  }

  /** Fills the form from this article's draft, and name and email from the reader's last comment. */
  private restoreDraft(): void {
    if (!this.hasUpdated) pruneDrafts();
    const draft = loadDraft(this.article.id);
    const reader = this.rememberReader === 'off' ? undefined : loadReader();
    this.idempotency = draft?.key ? { key: draft.key, keyFor: draft.keyFor ?? '' } : undefined;
    this.restored = !!draft && (draft.comment.trim() !== '' || draft.titleEdited);
    this.titleEdited = !!draft?.titleEdited;
    this.values = {
      title: draft?.titleEdited ? draft.title : this.article.title,
      comment: draft?.comment ?? '',
      name: draft?.name || reader?.name || this.values.name,
      email: draft?.email || reader?.email || this.values.email,
    };
  }

  private scheduleSave(): void {
    this.saveTimer ??= setTimeout(() => this.saveNow(), SAVE_EVERY);
  }

  private saveIfPending(articleId = this.article.id): void {
    if (this.saveTimer !== undefined) this.saveNow(articleId);
  }

  /** Leaving the page or hiding it may be the last chance to save: a phone may discard the tab after it. */
  private saveIfHidden = (event: Event): void => {
    if (event.type === 'pagehide' || document.visibilityState === 'hidden') this.saveIfPending();
  };

  private cancelSave(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
  }

  private saveNow(articleId = this.article.id): void {
    this.cancelSave();
    if (!this.endpointUrl || !articleId) return;
    const { title, comment, name, email } = this.values;
    saveDraft(articleId, { title, comment, name, email, titleEdited: this.titleEdited, ...this.idempotency });
    if (this.rememberReader !== 'off') saveReader({ name, email });
  }

  private discard(): void {
    removeDraft(this.article.id);
    this.cancelSave();
    this.idempotency = undefined;
    this.restored = false;
    this.titleEdited = false;
    this.values = { ...this.values, title: this.article.title, comment: '' };
    this.resetFeedback();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#comment')?.focus());
  }

  private resetFeedback(): void {
    this.visited = new Set();
    this.attempted = false;
    this.serverErrors = {};
    this.alert = '';
  }

  private onInput(event: Event): void {
    const { name, value } = event.target as HTMLInputElement | HTMLTextAreaElement;
    const field = name as Field;
    if (!FIELDS.includes(field)) return;
    this.values = { ...this.values, [field]: value };
    if (field === 'title') this.titleEdited = true;
    if (this.serverErrors[field]) this.serverErrors = { ...this.serverErrors, [field]: undefined };
    if (field === 'comment') this.scheduleAnnouncement(this.limit - countCharacters(value));
    this.scheduleSave();
  }

  /** Screen readers hear the countdown when typing pauses, and at once when it crosses 100 left, 0 left or over. */
  private scheduleAnnouncement(remaining: number): void {
    clearTimeout(this.announceTimer);
    const announce = () => (this.announcement = this.counterText(remaining));
    if (countBand(remaining) !== countBand(this.remaining)) announce();
    else this.announceTimer = setTimeout(announce, ANNOUNCE_AFTER_PAUSE);
  }

  /**
   * A field's error shows once the reader leaves it. If they leave it by pressing a button, the error would appear
   * between press and release and push the button away from under the pointer, and the click would be lost; so
   * while a pointer is down the error waits until the click has happened.
   */
  private onFocusOut(event: FocusEvent): void {
    const field = (event.target as HTMLElement).id as Field;
    if (!FIELDS.includes(field) || this.visited.has(field)) return;
    if (this.revealAfterPointer) this.revealAfterPointer.push(field);
    else this.visited = new Set(this.visited).add(field);
  }

  private onPointerDown = (): void => {
    if (this.revealAfterPointer) return;
    this.revealAfterPointer = [];
    const release = () => {
      removeEventListener('pointerup', release, true);
      removeEventListener('pointercancel', release, true);
      // After the click that follows the release.
      setTimeout(() => {
        const fields = this.revealAfterPointer ?? [];
        this.revealAfterPointer = undefined;
        if (fields.length) this.visited = new Set([...this.visited, ...fields]);
      });
    };
    addEventListener('pointerup', release, true);
    addEventListener('pointercancel', release, true);
  };

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    if (this.phase === 'sending' || !this.endpointUrl) return;
    this.attempted = true;
    this.serverErrors = {};
    const request = this.request();
    this.problems = validateRequest(request, this.limit);
    const invalid = FIELDS.filter((field) => this.problems[field]);
    if (invalid.length) {
      this.alert = this.t('fixProblems', { count: invalid.length });
      return this.focusFirstProblem();
    }
    const website = this.renderRoot.querySelector<HTMLInputElement>('[name="website"]')?.value;
    const payload: CommentPayload = {
      ...request,
      elapsed: Math.round(performance.now() - this.shownAt),
      ...(website ? { website } : {}),
    };
    if (!this.emit('news-comments-submit', payload, true)) return;
    this.useIdempotencyKey(JSON.stringify(request));
    // Saved before sending: after a reload mid-request, the retry carries the same key.
    this.saveNow();
    const { t } = this;
    const articleId = this.article.id;
    const sending = (this.sending = new AbortController());
    this.phase = 'sending';
    this.alert = '';
    this.status = t('sending');
    const outcome = await sendComment(this.endpointUrl, payload, {
      timeout: this.timeoutMs,
      idempotencyKey: this.idempotency!.key,
      credentials: this.credentialsMode,
      signal: sending.signal,
      onWait: (wait) => {
        this.status =
          wait.reason === 'offline'
            ? t('waitingOffline')
            : t(wait.reason === 'busy' ? 'waitingBusy' : 'waitingRetry', { count: wait.seconds });
      },
    });
    this.sending = undefined;
    if (articleId === this.article.id) this.settle(outcome);
    else {
      // The page moved to another article meanwhile: the form shows that one now, so only the old draft changes.
      if (outcome.kind === 'created') removeDraft(articleId);
      this.phase = 'editing';
      this.status = '';
    }
  }

  /**
   * Reuses the key of an earlier attempt at this same request, from this tab or another one (through the draft),
   * so that however often it is sent, the server stores it once. A changed comment is a new request with a new key.
   */
  private useIdempotencyKey(keyFor: string): void {
    const stored = loadDraft(this.article.id);
    const earlier = [this.idempotency, stored?.key ? { key: stored.key, keyFor: stored.keyFor ?? '' } : undefined];
    this.idempotency = earlier.find((candidate) => candidate?.keyFor === keyFor) ?? { key: newIdempotencyKey(), keyFor };
  }

  private settle(outcome: Outcome): void {
    const { t } = this;
    this.status = '';
    if (outcome.kind === 'created') {
      this.phase = 'sent';
      this.status = t(outcome.answer.status);
      this.values = { ...this.values, comment: '', title: this.article.title };
      this.titleEdited = false;
      this.restored = false;
      this.resetFeedback();
      // The draft keeps only the key of what was sent, so another tab sending the same text is recognised.
      this.saveNow();
      this.emit('news-comments-success', outcome.answer);
    } else if (outcome.kind === 'invalid') {
      this.phase = 'editing';
      const errors: Record<string, string> = { ...outcome.errors };
      this.serverErrors = Object.fromEntries(FIELDS.filter((field) => errors[field]).map((field) => [field, errors[field]]));
      for (const field of FIELDS) delete errors[field];
      // Errors on fields the reader cannot change (such as the article id) are shown as one refusal.
      const others = Object.values(errors).join(' ');
      this.alert = others
        ? t('notSent', { reason: t('rejected', { detail: others }) })
        : t('fixProblems', { count: Object.keys(this.serverErrors).length });
      if (others) this.phase = 'failed';
      this.emit('news-comments-error', { reason: 'invalid', status: outcome.status, errors: outcome.errors });
      void this.focusFirstProblem();
    } else if (outcome.reason === 'cancelled') {
      this.phase = 'editing';
      this.status = t('cancelled');
      this.emit('news-comments-error', { reason: outcome.reason });
    } else {
      this.phase = 'failed';
      this.alert = t('notSent', { reason: t(outcome.reason, { detail: outcome.detail ?? '' }) });
      this.emit('news-comments-error', { reason: outcome.reason, status: outcome.status });
    }
  }

  private async focusFirstProblem(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  private emit<T>(type: keyof HTMLElementEventMap, detail: T, cancelable = false): boolean {
    return this.dispatchEvent(event(type, detail, cancelable));
  }
}
