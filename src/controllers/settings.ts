/**
 * Every attribute of the element resolved once into one object of settings: checked, with page defaults for the
 * article, and each default defined here alone. A value is checked (and warned about) only when it changes.
 */
import { LIMITS } from '../characters.js';
import { articleDefaults, resolveCredentials, resolveEndpoint, resolveMaxLength, resolveTimeout } from '../config.js';

/** The defaults of the element's properties, used by the element and by the checks alike. */
export const DEFAULTS = {
  maxLength: LIMITS.comment as number,
  timeout: 15_000,
  credentials: 'same-origin' as RequestCredentials,
};

/** The attributes, as the element holds them. */
export interface Attributes {
  endpoint?: string;
  articleId?: string;
  articleTitle?: string;
  articleUrl?: string;
  maxLength: number;
  timeout: number;
  credentials: RequestCredentials;
  rememberReader: 'on' | 'off';
}

export interface Article {
  id: string;
  title: string;
  url: string;
}

export interface Settings {
  /** The absolute http(s) URL to post to; undefined when the attribute is missing or unusable. */
  endpoint?: string;
  maxLength: number;
  timeout: number;
  credentials: RequestCredentials;
  article: Article;
  rememberReader: boolean;
}

type Host = HTMLElement & Attributes;

/** Not a reactive controller: the element asks it to refresh at the start of each update, before anything else. */
export class SettingsController {
  value: Settings = {
    maxLength: DEFAULTS.maxLength,
    timeout: DEFAULTS.timeout,
    credentials: DEFAULTS.credentials,
    article: { id: '', title: '', url: '' },
    rememberReader: true,
  };
  #seen?: Attributes;

  readonly #host: Host;

  constructor(host: Host) {
    this.#host = host;
  }

  /**
   * Reads the attributes again before an update; returns the previous article when the article changed (the id, or
   * on the first call), so the element can start a fresh comment.
   */
  refresh(): { articleChanged: boolean; previous: Article } {
    const host = this.#host;
    const seen = this.#seen;
    const previous = this.value.article;
    const changed = (key: keyof Attributes) => !seen || seen[key] !== host[key];
    const next: Settings = { ...this.value };
    if (changed('endpoint')) next.endpoint = resolveEndpoint(host.endpoint);
    if (changed('maxLength')) next.maxLength = resolveMaxLength(host.maxLength);
    if (changed('timeout')) next.timeout = resolveTimeout(host.timeout, DEFAULTS.timeout);
    if (changed('credentials')) next.credentials = resolveCredentials(host.credentials);
    next.rememberReader = host.rememberReader !== 'off';
    if (changed('articleId') || changed('articleTitle') || changed('articleUrl')) {
      const defaults = articleDefaults(host.ownerDocument);
      next.article = {
        id: host.articleId?.trim() || defaults.id,
        title: host.articleTitle?.trim() || defaults.title,
        url: host.articleUrl?.trim() || defaults.url,
      };
    }
    this.#seen = { ...pick(host) };
    this.value = next;
    return { articleChanged: !seen || previous.id !== next.article.id, previous };
  }

}

const pick = ({ endpoint, articleId, articleTitle, articleUrl, maxLength, timeout, credentials, rememberReader }: Attributes) => ({
  endpoint,
  articleId,
  articleTitle,
  articleUrl,
  maxLength,
  timeout,
  credentials,
  rememberReader,
});
