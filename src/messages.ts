import { LIMITS, type Field } from './contract.js';

/**
 * Every text the element shows, in one catalogue per language. A message is a string with `{placeholders}`, or a set
 * of plural forms chosen with `Intl.PluralRules` for `{count}`. Numbers are formatted for the locale.
 */

type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
export type Message = string | PluralForms;

export const en = {
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
  sending: 'Sending your comment…',
  sendingButton: 'Sending…',
  retry: 'Try again',
  cancel: 'Cancel',
  cancelled: 'Sending stopped. Your comment is still here.',
  waitingBusy: 'Too many comments right now — trying again in {count} s.',
  waitingRetry: 'The comment service did not answer — trying again in {count} s.',
  waitingOffline: 'You are offline. Your comment will be sent when the connection returns.',
  restored: 'Your unsent comment was restored.',
  discard: 'Discard it',
  published: 'Thank you! Your comment has been published.',
  pending: 'Thank you! Your comment was received and will appear once a moderator has approved it.',
  notSent: 'Your comment was not sent. {reason} Everything you wrote is still here: press “Try again” to send it.',
  unreachable: 'The comment service could not be reached.',
  timeout: 'The comment service took too long to answer.',
  busy: 'Too many comments are being sent right now; wait a moment.',
  serverError: 'The comment service had a problem.',
  unreadable: 'The comment service gave an answer that could not be understood.',
  rejected: 'The comment service refused it: {detail}',
  fixProblems: { one: 'Please correct the highlighted field.', other: 'Please correct the {count} highlighted fields.' },
  unavailable: 'Comments are not available on this page.',
  titleRequired: 'Please give your comment a title.',
  titleTooLong: { one: 'Please keep the title to {count} character.', other: 'Please keep the title to {count} characters.' },
  commentRequired: 'Please write a comment.',
  commentTooLong: {
    one: 'Your comment is {count} character too long.',
    other: 'Your comment is {count} characters too long.',
  },
  nameRequired: 'Please enter your name.',
  nameTooLong: { one: 'Please keep your name to {count} character.', other: 'Please keep your name to {count} characters.' },
  emailRequired: 'Please enter your email address.',
  emailTooLong: {
    one: 'Please keep the email address to {count} character.',
    other: 'Please keep the email address to {count} characters.',
  },
  emailInvalid: 'Please enter an email address like name@example.com.',
  invalidCharacters: 'Please remove the invisible control characters from this text.',
  tooManyMarks: 'Please remove the marks piled on one character.',
  articleInvalid: 'This article cannot take comments.',
} satisfies Record<string, Message>;

export type MessageKey = keyof typeof en;
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
export function catalogueFor(locale: string): Messages | Promise<Messages> {
  const load = catalogues[baseLanguage(locale)];
  return load ? load().then((module) => module.default) : en;
}

const placeholders = (message: Message) =>
  new Set((typeof message === 'string' ? [message] : Object.values(message)).join(' ').match(/\{\w+\}/g));
const PLURAL_CATEGORIES = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);

/**
 * A publisher's replacements for messages, checked: an unknown key, a wrong shape, or a placeholder the message
 * does not have is left out with a console warning; the rest is used.
 */
export function checkMessages(overrides: unknown, warn: (problem: string) => void): Partial<Messages> {
  const checked: Partial<Messages> = {};
  if (overrides == null) return checked;
  if (typeof overrides !== 'object') {
    warn('"messages" must be an object of message texts by key.');
    return checked;
  }
  for (const [key, message] of Object.entries(overrides)) {
    if (!(key in en)) {
      warn(`"messages" has an unknown key "${key}"; it is ignored.`);
      continue;
    }
    const valid =
      typeof message === 'string' ||
      (message !== null &&
        typeof message === 'object' &&
        typeof (message as PluralForms).other === 'string' &&
        Object.entries(message).every(([form, text]) => PLURAL_CATEGORIES.has(form) && typeof text === 'string'));
    if (!valid) {
      warn(`"messages.${key}" must be a text, or plural forms with at least "other"; it is ignored.`);
      continue;
    }
    const allowed = placeholders(en[key as MessageKey]);
    const unknown = [...placeholders(message as Message)].filter((placeholder) => !allowed.has(placeholder));
    if (unknown.length) {
      warn(`"messages.${key}" has ${unknown.join(', ')}, which this message does not fill; it is ignored.`);
      continue;
    }
    checked[key as MessageKey] = message as Message;
  }
  return checked;
}

// Plain English plurals and digit grouping, without Intl: creating the first Intl.PluralRules and NumberFormat on a
// page costs Chrome tens of milliseconds (measured: 80 ms on the benchmark machine), all before the form appears.
const PLAIN_ENGLISH = new Set(['en', 'en-US', 'en-GB', 'en-AU', 'en-CA', 'en-NZ', 'en-IE']);
const englishPlurals = { select: (count: number) => (count === 1 ? 'one' : 'other') as Intl.LDMLPluralRule };
const englishNumbers = { format: (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',') };

/** Builds the function that turns a message key and its values into text for `locale`. */
export function translator(locale = 'en', ...catalogues: Partial<Messages>[]): Translate {
  const messages: Messages = Object.assign({}, en, ...catalogues);
  const english = PLAIN_ENGLISH.has(locale);
  const plurals = english ? englishPlurals : new Intl.PluralRules(locale);
  const numbers = english ? englishNumbers : new Intl.NumberFormat(locale);
  return (key, values = {}) => {
    const message = messages[key];
    const text =
      typeof message === 'string' ? message : (message[plurals.select(Number(values.count))] ?? message.other);
    return text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name] ?? '';
      return typeof value === 'number' ? numbers.format(value) : value;
    });
  };
}

/**
 * The words for a field's validation problem (a key from `validateRequest`), as the element shows them and the
 * reference server answers them: "too long" names the field's limit, or for the comment how far over it is.
 */
export function problemText(t: Translate, field: Field, problem: string, commentOverBy: number): string {
  return t(problem as MessageKey, { count: field === 'comment' ? commentOverBy : LIMITS[field] });
}
