/**
 * `<news-comments-count article-id="…" endpoint="…">`: "12 comments" for an article, on home and section pages, in
 * the page's language. Every count element on a page asks its endpoint once, together
 * (`GET {endpoint}/counts?articleId=a&articleId=b…`, up to 100 ids and 6,000 characters of URL a request). Tiny on
 * purpose, so it carries no Lit and no zod: it checks the answer by hand. Until the count is known, or if it cannot
 * be had, the element shows its own content (a publisher's fallback, or nothing).
 *
 * @tagname news-comments-count
 * @attribute article-id - The article, as `<news-comments>` names it.
 * @attribute endpoint - The comments URL, as `<news-comments>` takes it.
 * @csspart count - The text "12 comments".
 */

type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

const WORDS: Record<string, Forms> = {
  en: { one: '{count} comment', other: '{count} comments' },
  hi: { one: '{count} टिप्पणी', other: '{count} टिप्पणियाँ' },
  kn: { one: '{count} ಟಿಪ್ಪಣಿ', other: '{count} ಟಿಪ್ಪಣಿಗಳು' },
  ar: { zero: 'لا تعليقات', one: 'تعليق واحد', two: 'تعليقان', few: '{count} تعليقات', many: '{count} تعليقًا', other: '{count} تعليق' },
};

// Most ids one request names, and the longest URL it may have: proxies in front of a server often refuse request
// lines over 8 KB (nginx, Apache, CloudFront), and Node's server refuses 16 KB of request line and headers together.
const MAX_IDS = 100;
const MAX_URL = 6000;
type Waiting = Map<string, Array<(count: number | undefined) => void>>;
const queued = new Map<string, Waiting>();

const countsUrl = (endpoint: string) => {
  const url = new URL(endpoint);
  url.pathname = `${url.pathname.replace(/\/$/, '')}/counts`;
  return url;
};

/** Asks for the count of `articleId` at `endpoint`, together with every other element asking in the same task. */
function countOf(endpoint: string, articleId: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    let waiting = queued.get(endpoint);
    if (!waiting) {
      queued.set(endpoint, (waiting = new Map()));
      setTimeout(() => {
        queued.delete(endpoint);
        const base = countsUrl(endpoint).href.length;
        let batch: string[] = [];
        let length = base;
        for (const id of waiting!.keys()) {
          const added = new URLSearchParams({ articleId: id }).toString().length + 1;
          if (batch.length && (batch.length === MAX_IDS || length + added > MAX_URL)) {
            void ask(endpoint, batch, waiting!);
            [batch, length] = [[], base];
          }
          batch.push(id);
          length += added;
        }
        void ask(endpoint, batch, waiting!);
      });
    }
    waiting.set(articleId, [...(waiting.get(articleId) ?? []), resolve]);
  });
}

async function ask(endpoint: string, ids: string[], waiting: Waiting): Promise<void> {
  let counts: Record<string, unknown> = {};
  try {
    const url = countsUrl(endpoint);
    for (const id of ids) url.searchParams.append('articleId', id);
    const response = await fetch(url, { headers: { Accept: 'application/json' }, signal: AbortSignal.timeout(15_000) });
    const body: unknown = response.ok ? await response.json() : undefined;
    const found = (body as { counts?: unknown } | undefined)?.counts;
    if (found && typeof found === 'object') counts = found as Record<string, unknown>;
  } catch {
    // no count: the element keeps its own content
  }
  for (const id of ids) {
    const count = counts[id];
    const usable = Number.isSafeInteger(count) && (count as number) >= 0 ? (count as number) : undefined;
    for (const resolve of waiting.get(id) ?? []) resolve(usable);
  }
}

export class NewsCommentsCount extends HTMLElement {
  static observedAttributes = ['article-id', 'endpoint', 'lang'];
  #text = document.createElement('span');
  #asked = 0;

  constructor() {
    super();
    this.#text.part.add('count');
    this.attachShadow({ mode: 'open' }).append(document.createElement('slot'));
  }

  connectedCallback(): void {
    void this.#update();
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.#update();
  }

  async #update(): Promise<void> {
    const asked = ++this.#asked;
    const articleId = this.getAttribute('article-id')?.trim();
    let endpoint: URL | undefined;
    try {
      endpoint = new URL(this.getAttribute('endpoint')?.trim() || '', document.baseURI);
    } catch {
      // reported below
    }
    if (!articleId || !/^https?:$/.test(endpoint?.protocol ?? '') || !this.getAttribute('endpoint')?.trim()) {
      console.warn('<news-comments-count>: "article-id" and an http(s) "endpoint" are required.');
      return;
    }
    const count = await countOf(endpoint!.href, articleId);
    if (asked !== this.#asked || count === undefined) return;
    const tag = this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en';
    let locale = 'en';
    try {
      locale = Intl.getCanonicalLocales(tag)[0] ?? 'en';
    } catch {
      // an unusable lang reads as English
    }
    const words = WORDS[locale.split('-')[0].toLowerCase()] ?? WORDS.en;
    const form = words[new Intl.PluralRules(locale).select(count)] ?? words.other;
    this.#text.textContent = form.replace('{count}', new Intl.NumberFormat(locale).format(count));
    this.shadowRoot!.replaceChildren(this.#text);
  }
}

if (!customElements.get('news-comments-count')) customElements.define('news-comments-count', NewsCommentsCount);

declare global {
  interface HTMLElementTagNameMap {
    'news-comments-count': NewsCommentsCount;
  }
}
