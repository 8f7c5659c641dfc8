/**
 * The publisher's configuration, made safe: attribute values checked, and what the page itself says about the
 * article used where an attribute is left out. Bad values are reported on the console, never thrown.
 */
import { LIMITS } from './characters.js';

/** A console warning for the page's developer. Values are checked only when they change, so it never repeats. */
export function warn(problem: string): void {
  console.warn(`<news-comments>: ${problem}`);
}

/**
 * The endpoint as an absolute http(s) URL, or `undefined` (with a warning) when it is missing or of another scheme
 * such as `javascript:` or `data:`. A path is resolved against the page.
 */
export function resolveEndpoint(endpoint: string | null | undefined, base = document.baseURI): string | undefined {
  if (!endpoint?.trim()) {
    warn('the "endpoint" attribute is required: the URL that comments are posted to. The form is not shown.');
    return undefined;
  }
  let url: URL | undefined;
  try {
    url = new URL(endpoint.trim(), base);
  } catch {
    // reported below, as for a URL of another scheme
  }
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    warn(`the "endpoint" must be an http(s) URL or a path; ${JSON.stringify(endpoint)} is not. The form is not shown.`);
    return undefined;
  }
  return url.href;
}

/** A positive whole number of characters; anything else falls back to the default with a warning. */
export function resolveMaxLength(maxLength: unknown): number {
  const value = Number(maxLength);
  if (Number.isSafeInteger(value) && value > 0) return value;
  warn(`"max-length" must be a positive whole number; ${JSON.stringify(String(maxLength))} is not. Using ${LIMITS.comment}.`);
  return LIMITS.comment;
}

/** A positive number of milliseconds; anything else falls back to `fallback` with a warning. */
export function resolveTimeout(timeout: unknown, fallback: number): number {
  const value = Number(timeout);
  if (value > 0 && value < 2 ** 31) return value;
  warn(`"timeout" must be a positive number of milliseconds; ${JSON.stringify(String(timeout))} is not. Using ${fallback}.`);
  return fallback;
}

/** The `messages` attribute: JSON of messages by key. Bad JSON is reported, and no message is replaced. */
export function parseMessagesAttribute(value: string | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    warn('the "messages" attribute must be JSON, such as {"heading": "Your view"}; it is ignored.');
    return undefined;
  }
}

/** The color-scheme the page gives the element: `light` or `dark` when it names only one, else none. */
export function pageColorScheme(element: Element): 'light' | 'dark' | undefined {
  const parent = element.parentElement ?? element.ownerDocument.documentElement;
  const schemes = getComputedStyle(parent).colorScheme.split(/\s+/);
  const light = schemes.includes('light');
  const dark = schemes.includes('dark');
  return light === dark ? undefined : dark ? 'dark' : 'light';
}

const CREDENTIALS: RequestCredentials[] = ['same-origin', 'include', 'omit'];

/** How cookies go with the request; anything unknown falls back to `same-origin` (never to other origins). */
export function resolveCredentials(credentials: unknown): RequestCredentials {
  if (CREDENTIALS.includes(credentials as RequestCredentials)) return credentials as RequestCredentials;
  warn(`"credentials" must be one of ${CREDENTIALS.join(', ')}; ${JSON.stringify(String(credentials))} is not. Using same-origin.`);
  return 'same-origin';
}

const canonicalLink = (doc: Document) =>
  doc.querySelector<HTMLLinkElement>('link[rel~="canonical" i][href]')?.href || undefined;

/** What identifies the article, from the page when the publisher did not say. */
export function articleDefaults(doc: Document = document) {
  const canonical = canonicalLink(doc);
  return {
    id: canonical ?? doc.defaultView?.location.pathname ?? '',
    title: doc.querySelector<HTMLMetaElement>('meta[property="og:title"]')?.content?.trim() || doc.title.trim(),
    url: canonical ?? doc.defaultView?.location.href ?? '',
  };
}
