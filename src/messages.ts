import type { lateMessages } from './messages-late.js';
import type { listMessages } from './messages-list.js';

/**
 * Every text the element shows, in one catalogue per language. A message is a string with `{placeholders}`, or a set
 * of plural forms chosen with `Intl.PluralRules` for `{count}`. Numbers are formatted for the locale.
 */

type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | PluralForms;

/**
 * The English texts that draw the form, and the two that say the sending code could not be loaded. Everything else
 * the form may say (sending, errors, validation) is in `messages-late.ts`, which arrives with the checks.
 */
export const formMessages = {
  heading: 'Leave a Comment',
  titleLabel: 'Title',
  commentLabel: 'Comment',
  nameLabel: 'Name',
  emailLabel: 'Email',
  charactersLeft: { one: 'You have {count} character left', other: 'You have {count} characters left' },
  charactersOver: { one: '{count} character over the limit', other: '{count} characters over the limit' },
  disclaimerHeading: 'Disclaimer:',
  disclaimer:
    'Please write your correct name and email address. Kindly do not post any personal, abusive, defamatory, ' +
    'infringing, obscene, indecent, discriminatory or unlawful or similar comments. {site} will not be responsible ' +
    'for any defamatory message posted under this article.',
  thisSite: 'This site',
  send: 'Send comment',
  retry: 'Try again',
  restored: 'Your unsent comment was restored.',
  discard: 'Discard it',
  notSent: 'Your comment was not sent. {reason} Everything you wrote is still here: press “Try again” to send it.',
  unreachable: 'The comment service could not be reached.',
  unavailable: 'Comments are not available on this page.',
  closed: 'Comments are closed on this article.',
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof formMessages | keyof typeof lateMessages | keyof typeof listMessages;
export type Messages = Record<MessageKey, Message>;
export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

/**
 * The languages built in besides English. Each catalogue is its own module, loaded only on pages in that language,
 * so English readers download none of them.
 */
const catalogues: Record<string, () => Promise<{ default: Messages }>> = {
  ar: () => import('./locales/ar.js'),
  hi: () => import('./locales/hi.js'),
  kn: () => import('./locales/kn.js'),
};

const RIGHT_TO_LEFT = new Set(['ar', 'arc', 'ckb', 'dv', 'fa', 'he', 'ks', 'ps', 'sd', 'ug', 'ur', 'yi']);

const baseLanguage = (locale: string) => locale.toLowerCase().split(/[-_]/)[0];

/** The element's language: its own `lang`, else the nearest ancestor's, else the document's; English if none. */
export function localeOf(element: Element): string {
  const tag = element.closest('[lang]')?.getAttribute('lang') || element.ownerDocument.documentElement.lang || 'en';
  try {
    return Intl.getCanonicalLocales(tag.trim())[0] ?? 'en';
  } catch {
    return 'en';
  }
}

export const isRightToLeft = (locale: string) => RIGHT_TO_LEFT.has(baseLanguage(locale));

/** The built-in catalogue for a locale, by its base language: English at once, another language once loaded. */
export function catalogueFor(locale: string): Partial<Messages> | Promise<Partial<Messages>> {
  const load = catalogues[baseLanguage(locale)];
  return load ? load().then((module) => module.default) : formMessages;
}

// Plain English plurals and digit grouping, without Intl: creating the first Intl.PluralRules and NumberFormat on a
// page costs Chrome tens of milliseconds (measured: 80 ms on the benchmark machine), all before the form appears.
const PLAIN_ENGLISH = new Set(['en', 'en-US', 'en-GB', 'en-AU', 'en-CA', 'en-NZ', 'en-IE']);
const englishPlurals = { select: (count: number) => (count === 1 ? 'one' : 'other') as Intl.LDMLPluralRule };
const englishNumbers = { format: (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',') };

/** Builds the function that turns a message key and its values into text for `locale`. */
export function translator(locale = 'en', ...catalogues: Partial<Messages>[]): Translate {
  const messages = Object.assign({}, formMessages, ...catalogues) as Messages;
  const english = PLAIN_ENGLISH.has(locale);
  const plurals = english ? englishPlurals : new Intl.PluralRules(locale);
  const numbers = english ? englishNumbers : new Intl.NumberFormat(locale);
  return (key, values = {}) => {
    const message = messages[key];
    // The texts of `messages-late.ts` are asked for only once they have arrived; until then, say nothing.
    if (message === undefined) return '';
    const text =
      typeof message === 'string' ? message : (message[plurals.select(Number(values.count))] ?? message.other);
    return text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name] ?? '';
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };
}
