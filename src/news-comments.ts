import { LitElement, html, nothing } from 'lit';
import { FIELDS, LIMITS, countCharacters, type Field } from './characters.js';
import { pageColorScheme, parseMessagesAttribute } from './config.js';
import type { CommentRequest, CreatedAnswer } from './contract.js';
import { DraftController, type FormValues } from './controllers/drafts.js';
import { InteractionController } from './controllers/interaction.js';
import { LanguageController } from './controllers/language.js';
import type { SendingController } from './controllers/sending.js';
import type { CommentList } from './list.js';
import { DEFAULTS, SettingsController, type Settings } from './controllers/settings.js';
import { ViewportController } from './controllers/viewport.js';
import { deferredNow, listNow, loadDeferred, loadList } from './later.js';
import type { Messages } from './messages.js';
import type { CommentPayload, FailureReason, Outcome } from './send.js';
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

// The countdown is announced when typing pauses this long, and at once when it crosses a threshold.
const ANNOUNCE_AFTER_PAUSE = 1_000;
const LOW_REMAINING = 100;

const autocomplete: Record<Field, 'off' | 'name' | 'email'> = { title: 'off', comment: 'off', name: 'name', email: 'email' };
const countBand = (remaining: number) =>
  remaining < 0 ? 'over' : remaining === 0 ? 'none' : remaining <= LOW_REMAINING ? 'low' : 'plenty';

/**
 * A comment form for a news article: title (prefilled with the article's), comment with a live countdown, name,
 * email and the site's disclaimer. Posts JSON to the publisher's `endpoint`; the reader's text is never lost. Under
 * it, the article's published comments (`list="off"` leaves them out), each with "Report".
 *
 * @tagname news-comments
 * @fires news-comments-submit - Before sending; cancelable. `detail` is the request body.
 * @fires news-comments-success - The server stored the comment. `detail` is its answer: `{id, status}`.
 * @fires news-comments-error - The comment was not accepted. `detail`: `{reason, status?, errors?}`, where `reason`
 *   is `invalid` (field errors from the server), `unreachable`, `timeout`, `busy` (429), `serverError`,
 *   `unreadable` (not the contract's answer), `rejected` (a 4xx with a message), `closed` (the article takes no
 *   more comments: the form gives way to "Comments are closed") or `cancelled` (by the reader).
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
 * @csspart comments - The published comments under the form: heading, order, the comments, "Show more".
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
  static override properties = {
    endpoint: {},
    articleId: { attribute: 'article-id' },
    articleTitle: { attribute: 'article-title' },
    articleUrl: { attribute: 'article-url' },
    maxLength: { attribute: 'max-length', type: Number },
    siteName: { attribute: 'site-name' },
    timeout: { type: Number },
    credentials: {},
    rememberReader: { attribute: 'remember-reader' },
    theme: { reflect: true },
    messages: { converter: { fromAttribute: parseMessagesAttribute } },
    loading: {},
    list: {},
    values: { state: true, attribute: false },
    serverErrors: { state: true, attribute: false },
    toCorrect: { state: true, attribute: false },
    announced: { state: true, attribute: false },
    pageScheme: { state: true, attribute: false },
    unloaded: { state: true, attribute: false },
  };


  /** Registers the element under `tag`; calling it again, or loading the script twice, does nothing. */
  static define(tag = 'news-comments', registry: CustomElementRegistry = customElements): void {
    if (!registry.get(tag)) registry.define(tag, registry.getName?.(this) ? class extends this {} : this);
  }

  /**
   * Where comments are posted: an http(s) URL, or a path on the page's origin. Required: without a usable one the
   * element shows "Comments are not available on this page." and warns on the console.
   */
  endpoint?: string;

  /** Identifies the article to the server. Default: the canonical link, else the page's path. */
  articleId?: string;

  /** Prefills the title field. Default: the `og:title` meta, else the document title. */
  articleTitle?: string;

  /** Sent with each comment. Default: the canonical link, else the page's address. */
  articleUrl?: string;

  /**
   * Longest comment, in characters as a reader counts them. Not a positive whole number: a warning and 2000.
   * @default 2000
   */
  maxLength: number = DEFAULTS.maxLength;

  /** Named in the default disclaimer ("This site" when empty). */
  siteName?: string;

  /**
   * Milliseconds before one attempt to send is given up.
   * @default 15000
   */
  timeout: number = DEFAULTS.timeout;

  /**
   * Cookies with the request: `same-origin` (none to another origin), `include` (to a cross-origin endpoint too;
   * its CORS must allow credentials), or `omit`.
   * @default 'same-origin'
   */
  credentials: RequestCredentials = DEFAULTS.credentials;

  /** `off`: do not remember the reader's name and email across articles on this device. */
  rememberReader: 'on' | 'off' = 'on';

  /** `auto` follows the page's `color-scheme`, else the reader's system; `light` or `dark` pins one. Reflected. */
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /**
   * Replaces any message, by key (the keys of `en` in `src/messages-late.ts`): an object, or JSON in the attribute.
   * An unknown key or a placeholder the message does not have is a console warning, and left out.
   */
  messages?: Partial<Messages>;

  /** `lazy`: render the form only when it comes near the viewport (most comment boxes sit below the fold). */
  loading: 'eager' | 'lazy' = 'eager';

  /**
   * `off`: the form alone, without the article's published comments under it (for a publisher who renders them
   * itself). The list loads after the form, when it comes near the viewport.
   */
  list: 'on' | 'off' = 'on';

  /** What the reader typed. */
  private values: FormValues = { title: '', comment: '', name: '', email: '' };
  /** Field errors from the server, until the reader changes the field. */
  private serverErrors: Partial<Record<Field, string>> = {};
  /** Send was pressed with this many fields to correct. */
  private toCorrect = 0;
  /** The count of characters left that screen readers were last told. */
  private announced?: number;
  /** The page's own `color-scheme`, which `theme="auto"` follows. */
  private pageScheme?: 'light' | 'dark';
  /** Send was pressed, and the code to send could not be loaded. */
  private unloaded = false;

  readonly #settings = new SettingsController(this);
  readonly #language = new LanguageController(this);
  /** With `loading="lazy"`, the form renders once the element comes near the viewport. */
  readonly #viewport = new ViewportController(this, (): Element | undefined => (this.loading === 'lazy' ? this : undefined), '400px');
  readonly #interaction = new InteractionController(this);
  readonly #drafts = new DraftController(this, () => ({
    articleId: this.#settings.value.article.id,
    enabled: !!this.#settings.value.endpoint,
    values: this.values,
    titleEdited: this.#titleEdited,
    rememberReader: this.#settings.value.rememberReader,
  }));
  /** The list's chunk loads once the form is on screen and the list's place below it comes near the viewport. */
  readonly #listPlace = new ViewportController(
    this,
    (): Element | null => this.renderRoot.querySelector('.list-anchor'),
    '600px',
    () =>
      void loadList().then(
        () => this.requestUpdate(),
        // Not loaded: tried again when the connection returns, or after a pause; watched again from then on.
        () => {
          const retry = () => ((this.#listPlace.near = false), this.requestUpdate());
          if (navigator.onLine === false) addEventListener('online', retry, { once: true });
          else setTimeout(retry, 5000);
        },
      ),
  );
  /** Created with the deferred code, when the reader first sends. */
  #sending?: SendingController;
  /** The published comments, once their chunk has arrived. */
  #list?: CommentList;

  #titleEdited = false;
  #remaining: number = LIMITS.comment;
  #problems: Partial<Record<string, string>> = {};
  #announceTimer?: ReturnType<typeof setTimeout>;
  /** When the form first appeared: servers take a form sent within seconds for a bot's. */
  #shownAt = 0;
  /** What the reader's last action waits for (the deferred code, a send getting under way): `updateComplete` too. */
  readonly #waitingFor = new Set<Promise<unknown>>();
  /** Send was pressed, and the comment is being checked (waiting for the deferred code, perhaps). */
  #preparing = false;

  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.pageScheme = pageColorScheme(this);
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang' && this.isConnected) this.#language.readLocale();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#announceTimer);
  }

  protected override willUpdate(): void {
    const { articleChanged, previous } = this.#settings.refresh();
    const { article, maxLength } = this.#settings.value;
    if (articleChanged) this.#openArticle(previous.id);
    if (!this.#titleEdited && this.values.title !== article.title) this.values = { ...this.values, title: article.title };
    const module = listNow();
    if (module && !this.#list && this.list !== 'off' && this.#settings.value.endpoint) {
      this.#list = new module.CommentList(this, { html, nothing }, () => ({
        endpoint: this.#settings.value.endpoint!,
        articleId: this.#settings.value.article.id,
        articleTitle: this.#settings.value.article.title,
        credentials: this.#settings.value.credentials,
        locale: this.#language.locale,
      }));
    } else if (articleChanged && this.#list) void this.#list.load();
    this.#remaining = maxLength - countCharacters(this.values.comment);
    this.#problems = this.#check();
  }

  protected override updated(): void {
    this.#list?.afterRender(this.renderRoot as ShadowRoot);
    // The form may first appear after the language loads, or when it scrolls near (loading="lazy").
    if (this.#shownAt || !this.renderRoot.querySelector('form')) return;
    this.#shownAt = performance.now();
    // The checks and the sending code, as soon as the form has been painted: never on the critical path, and never
    // left for the reader's first click to fetch.
    requestAnimationFrame(() => setTimeout(() => void loadDeferred().catch(() => undefined)));
  }

  /** Also waits for the deferred code when the reader's last action needs it. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let complete = await super.getUpdateComplete();
    while (this.#waitingFor.size) {
      await Promise.allSettled(this.#waitingFor);
      complete = await super.getUpdateComplete();
    }
    return complete;
  }

  override render() {
    // Nothing until the reader's language is at hand, and with loading="lazy" until the form is near the viewport:
    // one render in the right words, never English first and then a jump.
    if (!this.#language.ready || (this.loading === 'lazy' && !this.#viewport.near)) return nothing;
    const { t, dir } = this.#language;
    const scheme = this.theme === 'auto' && this.pageScheme ? this.pageScheme : '';
    if (!this.#settings.value.endpoint) {
      return html`<div class="root ${scheme}" .dir=${dir}><p part="notice">${t('unavailable')}</p></div>`;
    }
    // Closed (the list said so, or a send was refused): no form, the conversation stays.
    const outcome = this.#sending?.outcome;
    if (this.#list?.closed || (outcome?.kind === 'failed' && outcome.reason === 'closed')) {
      return html`<div class="root ${scheme}" .dir=${dir}>
        <p part="notice" role="status">${t('closed')}</p>
        ${this.list === 'off' ? nothing : this.#list?.render(t)}
      </div>`;
    }
    return html`<div class="root ${scheme}" .dir=${dir}>
      <h2 id="heading" part="heading">${t('heading')}</h2>
      <form
        part="form"
        aria-labelledby="heading"
        novalidate
        @submit=${this.#onSubmit}
        @input=${this.#onInput}
        @focusout=${this.#onFocusOut}
        @pointerdown=${() => this.#interaction.pointerDown()}
      >
        ${this.#drafts.restored
          ? html`<p class="restored" part="restored">
              ${t('restored')} <button type="button" class="link" @click=${this.#discard}>${t('discard')}</button>
            </p>`
          : nothing}
        ${this.#renderField('title')} ${this.#renderField('comment')}
        <div class="people">${this.#renderField('name')} ${this.#renderField('email')}</div>
        <div class="trap" aria-hidden="true">
          <label>Website <input name="website" tabindex="-1" autocomplete="off" /></label>
        </div>
        <div class="disclaimer" part="disclaimer">
          <slot name="disclaimer">
            <p><strong>${t('disclaimerHeading')}</strong> ${t('disclaimer', { site: this.siteName?.trim() || t('thisSite') })}</p>
          </slot>
        </div>
        ${this.#renderActions()}
      </form>
      <p class="visually-hidden" aria-live="polite">${this.announced === undefined ? '' : this.#counterText(this.announced)}</p>
      ${this.list === 'off' ? nothing : (this.#list?.render(t) ?? html`<div class="list-anchor"></div>`)}
    </div>`;
  }

  #renderField(field: Field) {
    const error = this.#visibleError(field);
    const describedBy = [field === 'comment' && 'counter', error && `${field}-error`].filter(Boolean).join(' ');
    const readonly = !!this.#sending?.busy;
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
            ?readonly=${readonly}
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
            ?readonly=${readonly}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
          />`;
    return html`<div class="field">
      <label for=${field} part="${field}-label">${this.#language.t(`${field}Label`)}</label>
      ${control} ${field === 'comment' ? this.#renderCounter() : nothing}
      ${error ? html`<p id="${field}-error" class="error" part="error">${error}</p>` : nothing}
    </div>`;
  }

  #renderCounter() {
    const over = this.#remaining < 0;
    return html`<p id="counter" class="counter ${over ? 'over' : ''}" part="counter">${this.#counterText(this.#remaining)}</p>`;
  }

  #renderActions() {
    const { t } = this.#language;
    const sending = this.#sending;
    const phase = this.unloaded ? 'failed' : (sending?.phase ?? 'editing');
    const busy = phase === 'sending';
    // Nothing is said about sending before the reader sends, and by then the deferred code with its words is here;
    // if it could not be loaded, only that the comment was not sent.
    const late = deferredNow();
    const alert = this.unloaded
      ? t('notSent', { reason: t('unreachable') })
      : (late?.alertText(t, sending?.outcome, this.toCorrect) ?? '');
    return html`<div class="actions">
      <button part="button" aria-disabled=${busy ? 'true' : 'false'}>
        ${busy ? t('sendingButton') : phase === 'failed' ? t('retry') : t('send')}
      </button>
      ${busy
        ? html`<button type="button" part="cancel" class="secondary" @click=${() => sending?.abort()}>${t('cancel')}</button>`
        : nothing}
      <p class="status ${phase}" part="status" role="status">${sending ? late?.statusText(t, sending) : ''}</p>
      <p class="status failed" part="status" role="alert">${alert}</p>
    </div>`;
  }

  #counterText(remaining: number): string {
    const { t } = this.#language;
    return remaining < 0 ? t('charactersOver', { count: -remaining }) : t('charactersLeft', { count: remaining });
  }

  /** The message under a field: the server's, else our own once the reader has left the field or pressed send. */
  #visibleError(field: Field): string {
    const fromServer = this.serverErrors[field];
    if (fromServer) return fromServer;
    const problem = this.#problems[field];
    const late = deferredNow();
    if (!problem || !late || !this.#interaction.showsError(field)) return '';
    return late.problemText(this.#language.t, field, problem, -this.#remaining);
  }

  /**
   * The problems of the form, once an error may show: until the reader has left a field or pressed send nothing
   * needs checking, so the first paint and each keystroke skip the schema. If the checks have not arrived yet, they
   * are fetched and the errors show when they have.
   */
  #check(): Partial<Record<string, string>> {
    if (!this.#interaction.checking) return {};
    const late = deferredNow();
    if (late) return late.validateRequest(this.#request(), this.#settings.value.maxLength);
    if (!this.#waitingFor.size) void this.#track(loadDeferred().then(() => this.requestUpdate())).catch(() => undefined);
    return {};
  }

  /** Until `promise` settles, `updateComplete` waits for it and the renders that follow. */
  #track<T>(promise: Promise<T>): Promise<T> {
    this.#waitingFor.add(promise);
    const done = () => void this.#waitingFor.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /** The request as it would be sent now. */
  #request(): CommentRequest {
    const { title, comment, name, email } = this.values;
    const { article } = this.#settings.value;
    return {
      articleId: article.id,
      articleUrl: article.url,
      // Moderators see which article a comment is on.
      ...(article.title ? { articleTitle: article.title } : {}),
      title: title.trim(),
      comment: comment.trim(),
      name: name.trim(),
      email: email.trim(),
    };
  }

  /** Another article (or the first): what was typed for the previous one stays in its draft; this one's is restored. */
  #openArticle(previousId: string): void {
    if (previousId) this.#drafts.flush(previousId);
    this.#resetFeedback();
    const { article, rememberReader } = this.#settings.value;
    const restored = this.#drafts.restore(article.id, article.title, this.values, rememberReader);
    this.values = restored.values;
    this.#titleEdited = restored.titleEdited;
  }

  /** Back to a fresh start: no errors, no outcome of an earlier send. */
  #resetFeedback(): void {
    this.#interaction.reset();
    this.#sending?.reset();
    this.serverErrors = {};
    this.toCorrect = 0;
    this.unloaded = false;
  }

  #discard(): void {
    this.#drafts.discard(this.#settings.value.article.id);
    this.#titleEdited = false;
    this.values = { ...this.values, title: this.#settings.value.article.title, comment: '' };
    this.#resetFeedback();
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('#comment')?.focus());
  }

  #onInput(event: Event): void {
    const { name, value } = event.target as HTMLInputElement | HTMLTextAreaElement;
    const field = name as Field;
    if (!FIELDS.includes(field)) return;
    this.values = { ...this.values, [field]: value };
    if (field === 'title') this.#titleEdited = true;
    if (this.serverErrors[field]) this.serverErrors = { ...this.serverErrors, [field]: undefined };
    if (field === 'comment') this.#scheduleAnnouncement(this.#settings.value.maxLength - countCharacters(value));
    this.#drafts.schedule();
  }

  /** Screen readers hear the countdown when typing pauses, and at once when it crosses 100 left, 0 left or over. */
  #scheduleAnnouncement(remaining: number): void {
    clearTimeout(this.#announceTimer);
    const announce = () => (this.announced = remaining);
    if (countBand(remaining) !== countBand(this.#remaining)) announce();
    else this.#announceTimer = setTimeout(announce, ANNOUNCE_AFTER_PAUSE);
  }

  #onFocusOut(event: FocusEvent): void {
    const field = (event.target as HTMLElement).id as Field;
    if (FIELDS.includes(field)) this.#interaction.leave(field);
  }

  #onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const settings = this.#settings.value;
    if (this.#sending?.busy || this.#preparing || !settings.endpoint) return;
    this.#preparing = true;
    this.#interaction.submit();
    this.serverErrors = {};
    this.toCorrect = 0;
    this.unloaded = false;
    // Pressed before the deferred code arrived: the click waits for it, and is never lost. Tests and pages awaiting
    // `updateComplete` wait until the comment is on its way (or its problems are shown).
    let started!: () => void;
    void this.#track(new Promise<void>((resolve) => (started = resolve)));
    void this.#submit(settings, started);
  }

  async #submit(settings: Settings, started: () => void): Promise<void> {
    let sent: Promise<Outcome | undefined>;
    let request: CommentRequest;
    try {
      const late = deferredNow() ?? (await loadDeferred());
      request = this.#request();
      this.#problems = late.validateRequest(request, settings.maxLength);
      const invalid = FIELDS.filter((field) => this.#problems[field]);
      if (invalid.length) {
        this.toCorrect = invalid.length;
        void this.#focusFirstProblem();
        return;
      }
      const sending = (this.#sending ??= new late.SendingController(this, this.#drafts, FIELDS));
      sent = sending.send(settings.article.id, request, {
        endpoint: settings.endpoint!,
        timeout: settings.timeout,
        credentials: settings.credentials,
        elapsed: Math.round(performance.now() - this.#shownAt),
        website: this.renderRoot.querySelector<HTMLInputElement>('[name="website"]')?.value,
      });
    } catch {
      this.unloaded = true;
      return;
    } finally {
      this.#preparing = false;
      this.requestUpdate();
      started();
    }
    const outcome = await sent;
    if (outcome?.kind === 'created') {
      const { article, rememberReader } = this.#settings.value;
      const { name, email } = this.values;
      // The reader sees their comment under the form at once: published for all, or pending for them alone.
      const { title, comment, name: sender } = request!;
      const own = { ...outcome.answer, articleId: article.id, title, comment, name: sender, createdAt: new Date().toISOString() };
      deferredNow()?.rememberOwn(own, !rememberReader);
      this.#list?.addOwn(own);
      this.values = { ...this.values, comment: '', title: article.title };
      this.#titleEdited = false;
      this.#interaction.reset();
      this.#drafts.sent(article.id, this.#drafts.key, rememberReader ? { name, email } : undefined);
    } else if (outcome?.kind === 'invalid') {
      const { errors } = outcome;
      this.serverErrors = Object.fromEntries(FIELDS.filter((field) => errors[field]).map((field) => [field, errors[field]]));
      void this.#focusFirstProblem();
    }
  }

  async #focusFirstProblem(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }
}
