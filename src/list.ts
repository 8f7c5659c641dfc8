/**
 * The published comments under the form: a chunk of its own, loaded once the form is on screen and the list comes
 * near the viewport. It draws with the element's own Lit (`html` and `nothing` are handed in), so it carries no copy
 * of Lit, and adds its styles to the element's shadow root as a constructed stylesheet (allowed under a strict CSP).
 * Everything a comment holds is rendered as text; nothing from the server ever becomes HTML.
 */
import type { ReactiveControllerHost, TemplateResult, html as litHtml, nothing as litNothing } from 'lit';
import { REPORT_REASONS, commentListAnswer, type CommentListAnswer, type PublishedComment, type ReportReason } from './contract.js';
import type { MessageKey, Translate } from './messages.js';
import { listMessages } from './messages-list.js';
import { forgetOwn, ownComments, type OwnComment } from './own-comments.js';

export { listMessages };


const PAGE = 20;
const TIMEOUT = 15_000;

export interface ListSource {
  endpoint: string;
  articleId: string;
  articleTitle: string;
  credentials: RequestCredentials;
  locale: string;
}

type Shown = PublishedComment & { pending?: boolean };
type Report = { state: 'open' | 'sending' | 'sent' | 'failed'; reason?: ReportReason };

const styles = `
.comments{margin-top:var(--_space);display:grid;gap:var(--_space)}
.comments-head{display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:.5rem var(--_space)}
.comments-head h2{margin:0}
select{font:inherit;font-size:max(1em,16px);color:inherit;background:var(--_field-background);border:1px solid var(--_border);border-radius:var(--_radius);padding:.25em .5em}
.comment-list{list-style:none;margin:0;padding:0;display:grid;gap:var(--_space)}
.comment{padding-block-start:var(--_space);border-block-start:1px solid var(--_border);display:grid;gap:.25rem;min-width:0}
.comment:focus-visible{outline:3px solid var(--_accent);outline-offset:2px}
.comment h3{margin:0;font-size:1.05em;overflow-wrap:anywhere}
.meta{margin:0;color:var(--_muted);font-size:.9375em;overflow-wrap:anywhere}
.name{font-weight:600;color:var(--_text)}
.text{margin:0;white-space:pre-line;overflow-wrap:anywhere}
.awaiting{margin:0;font-size:.9375em;padding:.25em .5em;border-inline-start:4px solid var(--_accent)}
.report{display:grid;gap:.5rem;margin:0;padding:.5rem .75rem;border:1px solid var(--_border);border-radius:var(--_radius)}
.report fieldset{border:0;margin:0;padding:0;display:grid;gap:.25rem}
.report legend{font-weight:600;padding:0}
.report label{font-weight:400;display:flex;align-items:center;gap:.5rem}
.report input{width:auto;min-height:0;margin:0;padding:0;accent-color:var(--_accent);inline-size:1.25em;block-size:1.25em}
.comment .link{justify-self:start;font-size:.9375em;color:var(--_muted)}
.note{margin:0}
`;

export class CommentList {
  comments: Shown[] = [];
  total = 0;
  /** The server says the article takes no new comments. */
  closed = false;
  #next: string | null = null;
  #order: 'newest' | 'oldest' = 'newest';
  #state: 'loading' | 'ready' | 'failed' | 'offline' = 'loading';
  #loadingMore = false;
  #announcement = '';
  #reports = new Map<string, Report>();
  #call = 0;
  #focusAfterRender?: string;
  #t?: Translate;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #html: typeof litHtml;
  readonly #nothing: typeof litNothing;
  readonly #source: () => ListSource;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    lit: { html: typeof litHtml; nothing: typeof litNothing },
    source: () => ListSource,
  ) {
    this.#host = host;
    this.#html = lit.html;
    this.#nothing = lit.nothing;
    this.#source = source;
    const root = host.shadowRoot;
    if (root && 'adoptedStyleSheets' in root) {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(styles);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
    }
    void this.load();
  }

  /** The first page again: for another article, another order, or after a failure. */
  async load(): Promise<void> {
    const call = ++this.#call;
    this.#state = 'loading';
    this.#reports.clear();
    this.#host.requestUpdate();
    const page = await this.#fetch();
    if (call !== this.#call) return;
    if (page === 'offline') return this.#waitForConnection();
    if (!page) {
      this.#state = 'failed';
      return this.#host.requestUpdate();
    }
    this.comments = page.comments;
    this.total = page.total;
    this.closed = (page as { closed?: unknown }).closed === true;
    this.#next = page.next;
    this.#state = 'ready';
    this.#mergeOwn();
    this.#host.requestUpdate();
  }

  /** A comment the reader just sent: published ones join the list at once, pending ones show to them alone. */
  addOwn(comment: OwnComment): void {
    this.#mergeOwn([comment]);
    this.#host.requestUpdate();
  }

  render(t: Translate): TemplateResult {
    this.#t = t;
    const html = this.#html;
    const nothing = this.#nothing;
    const state = this.#state;
    const heading = this.total ? t('commentsHeading', { count: this.total }) : state === 'ready' ? t('noComments') : '';
    return html`<section class="comments" part="comments" aria-labelledby="comments-heading" aria-busy=${state === 'loading' ? 'true' : 'false'}>
      <div class="comments-head">
        <h2 id="comments-heading">${heading || t('loadingComments')}</h2>
        ${this.total > 1 || this.#order === 'oldest'
          ? html`<label
              >${t('order')}
              <select @change=${(event: Event) => this.#reorder((event.target as HTMLSelectElement).value)}>
                <option value="newest" ?selected=${this.#order === 'newest'}>${t('newest')}</option>
                <option value="oldest" ?selected=${this.#order === 'oldest'}>${t('oldest')}</option>
              </select></label
            >`
          : nothing}
      </div>
      ${state === 'failed'
        ? html`<p class="note status failed" role="alert">
            ${t('listFailed')} <button type="button" class="secondary" @click=${() => this.load()}>${t('retry')}</button>
          </p>`
        : state === 'offline'
          ? html`<p class="note status" role="status">${t('listOffline')}</p>`
          : nothing}
      ${this.comments.length
        ? html`<ol class="comment-list">
            ${this.comments.map((comment) => html`<li>${this.#renderComment(comment, t)}</li>`)}
          </ol>`
        : nothing}
      ${this.#next && state === 'ready'
        ? html`<button type="button" class="secondary" aria-disabled=${this.#loadingMore ? 'true' : 'false'} @click=${() => this.#more()}>
            ${this.#loadingMore ? t('loadingComments') : t('showMore')}
          </button>`
        : nothing}
      <p class="visually-hidden" aria-live="polite">${this.#announcement}</p>
    </section>`;
  }

  /** Moves focus where a finished action left it, once its render is done. */
  afterRender(root: ShadowRoot): void {
    const id = this.#focusAfterRender;
    if (!id) return;
    this.#focusAfterRender = undefined;
    root.getElementById(id)?.focus();
  }

  #renderComment(comment: Shown, t: Translate) {
    const html = this.#html;
    const nothing = this.#nothing;
    const { locale, articleTitle } = this.#source();
    const date = new Date(comment.createdAt);
    const valid = !Number.isNaN(date.getTime());
    const id = `comment-${comment.id}`;
    return html`<article class="comment" id=${id} tabindex="-1" aria-labelledby="${id}-by">
      ${comment.title && comment.title !== articleTitle ? html`<h3 dir="auto">${comment.title}</h3>` : nothing}
      <p class="meta" id="${id}-by">
        <bdi class="name">${comment.name}</bdi>${valid
          ? html` · <time datetime=${date.toISOString()} title=${fullDate(date, locale)}>${relativeDate(date, locale)}</time>`
          : nothing}
      </p>
      ${comment.pending ? html`<p class="awaiting">${t('awaiting')}</p>` : nothing}
      <p class="text" dir="auto">${comment.comment}</p>
      ${comment.pending ? nothing : this.#renderReport(comment, t)}
    </article>`;
  }

  #renderReport(comment: Shown, t: Translate) {
    const html = this.#html;
    const report = this.#reports.get(comment.id);
    const toggle = `report-${comment.id}`;
    if (!report) {
      return html`<button type="button" class="link" id=${toggle} aria-expanded="false" @click=${() => this.#openReport(comment.id)}>
        ${t('report')}
      </button>`;
    }
    if (report.state === 'sent') return html`<p class="note" role="status">${t('reportSent')}</p>`;
    const sending = report.state === 'sending';
    return html`<form class="report" @submit=${(event: SubmitEvent) => this.#sendReport(event, comment.id)}>
      <fieldset>
        <legend>${t('reportLegend')}</legend>
        ${REPORT_REASONS.map(
          (reason, index) => html`<label>
            <input type="radio" name="reason" value=${reason} id=${index ? this.#nothing : `${toggle}-first`} required ?checked=${report.reason === reason} />
            ${t(reason as MessageKey)}
          </label>`,
        )}
      </fieldset>
      ${report.state === 'failed' ? html`<p class="note" role="alert">${t('reportFailed')}</p>` : this.#nothing}
      <div class="actions">
        <button aria-disabled=${sending ? 'true' : 'false'}>${t('sendReport')}</button>
        <button type="button" class="secondary" @click=${() => this.#closeReport(comment.id)}>${t('cancel')}</button>
      </div>
    </form>`;
  }

  #openReport(id: string): void {
    this.#reports.set(id, { state: 'open' });
    this.#focusAfterRender = `report-${id}-first`;
    this.#host.requestUpdate();
  }

  #closeReport(id: string): void {
    this.#reports.delete(id);
    this.#focusAfterRender = `report-${id}`;
    this.#host.requestUpdate();
  }

  async #sendReport(event: SubmitEvent, id: string): Promise<void> {
    event.preventDefault();
    const report = this.#reports.get(id);
    const reason = new FormData(event.target as HTMLFormElement).get('reason') as ReportReason | null;
    if (!report || report.state === 'sending' || !reason) return;
    this.#reports.set(id, { state: 'sending', reason });
    this.#host.requestUpdate();
    const { endpoint, credentials } = this.#source();
    let sent = false;
    try {
      const url = new URL(endpoint);
      url.pathname = `${url.pathname.replace(/\/$/, '')}/${encodeURIComponent(id)}/reports`;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ reason }),
        credentials,
        signal: AbortSignal.timeout(TIMEOUT),
      });
      sent = response.ok;
    } catch {
      // reported below
    }
    this.#reports.set(id, { state: sent ? 'sent' : 'failed', reason });
    this.#host.requestUpdate();
  }

  #reorder(order: string): void {
    this.#order = order === 'oldest' ? 'oldest' : 'newest';
    void this.load();
  }

  async #more(): Promise<void> {
    if (this.#loadingMore || !this.#next) return;
    const call = this.#call;
    this.#loadingMore = true;
    this.#host.requestUpdate();
    const page = await this.#fetch(this.#next);
    if (call !== this.#call) return;
    this.#loadingMore = false;
    if (!page || page === 'offline') {
      this.#announcement = this.#translate('listFailed');
      return this.#host.requestUpdate();
    }
    const known = new Set(this.comments.map((comment) => comment.id));
    const added = page.comments.filter((comment) => !known.has(comment.id));
    this.comments = [...this.comments, ...added];
    this.#next = page.next;
    this.total = Math.max(this.total, page.total);
    // The reader asked for more: they land on the first of them, and hear how many there are.
    if (added[0]) this.#focusAfterRender = `comment-${added[0].id}`;
    this.#announcement = this.#translate('moreLoaded', added.length);
    this.#mergeOwn();
    this.#host.requestUpdate();
  }

  /** One page from the server, `undefined` when it failed or answered something else, `offline` without a network. */
  async #fetch(before?: string): Promise<CommentListAnswer | 'offline' | undefined> {
    if (navigator.onLine === false) return 'offline';
    const { endpoint, articleId, credentials } = this.#source();
    // The endpoint's own query (a site's key, say) stays; ours is added to it.
    const url = new URL(endpoint);
    const query = { articleId, limit: String(PAGE), order: this.#order, ...(before ? { before } : {}) };
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    try {
      const response = await fetch(url, { headers: { Accept: 'application/json' }, credentials, signal: AbortSignal.timeout(TIMEOUT) });
      if (!response.ok) return undefined;
      const parsed = commentListAnswer.safeParse(await response.json());
      // A total that is no number of comments (negative, fractional, beyond counting) is a broken answer too, or the
      // heading would say "-5 comments". Checked here: zod's integer check costs the shared chunk 480 B brotli.
      const total = parsed.data?.total;
      return Number.isSafeInteger(total) && total! >= 0 ? parsed.data : undefined;
    } catch {
      // The connection may have gone while waiting.
      return (navigator as { onLine: boolean }).onLine ? undefined : 'offline';
    }
  }

  #waitForConnection(): void {
    this.#state = 'offline';
    this.#host.requestUpdate();
    addEventListener('online', () => void this.load(), { once: true });
  }

  /**
   * The reader's own comments that the server's list does not show yet: at the top when newest come first, at the end
   * of the last page otherwise. Those the server now shows are forgotten.
   */
  #mergeOwn(fresh: OwnComment[] = []): void {
    const { articleId } = this.#source();
    const shown = new Set(this.comments.filter((comment) => !comment.pending).map((comment) => comment.id));
    const own = [...fresh, ...ownComments(articleId)].filter(
      (comment, index, all) => comment.articleId === articleId && all.findIndex((other) => other.id === comment.id) === index,
    );
    forgetOwn(articleId, new Set(own.filter((comment) => shown.has(comment.id)).map((comment) => comment.id)));
    const missing: Shown[] = own
      .filter((comment) => !shown.has(comment.id))
      .map(({ status, ...comment }) => ({ ...comment, pending: status === 'pending' }));
    if (!missing.length) return;
    const ids = new Set(missing.map((comment) => comment.id));
    const rest = this.comments.filter((comment) => !ids.has(comment.id));
    const published = missing.filter((comment) => !comment.pending).length;
    const before = this.comments.filter((comment) => ids.has(comment.id) && !comment.pending).length;
    this.total += published - before;
    if (this.#order === 'newest') this.comments = [...missing, ...rest];
    else if (!this.#next) this.comments = [...rest, ...missing.reverse()];
  }

  /** Words for an announcement, in the language of the last render. */
  #translate(key: MessageKey, count?: number): string {
    return this.#t?.(key, count === undefined ? undefined : { count }) ?? '';
  }
}

/** "3 minutes ago", "yesterday"; the date itself after a week. */
function relativeDate(date: Date, locale: string): string {
  const seconds = (date.getTime() - Date.now()) / 1000;
  const size = Math.abs(seconds);
  const [value, unit]: [number, Intl.RelativeTimeFormatUnit] =
    size < 60 ? [seconds, 'second'] : size < 3600 ? [seconds / 60, 'minute'] : size < 86400 ? [seconds / 3600, 'hour'] : [seconds / 86400, 'day'];
  if (size >= 7 * 86400) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(date);
  return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(value), unit);
}

const fullDate = (date: Date, locale: string) =>
  new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short' }).format(date);
