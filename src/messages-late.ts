/**
 * What the form says once the reader acts (sending, waiting, failures, validation), in English, and the checks of
 * a publisher's `messages`. Loaded with the deferred code, never on the critical path; the server uses `en`.
 */
import { LIMITS, type Field } from './characters.js';
import { formMessages, type Message, type MessageKey, type Messages, type Translate } from './messages.js';
import { listMessages } from './messages-list.js';

export const lateMessages = {
  sending: 'Sending your comment…',
  sendingButton: 'Sending…',
  cancel: 'Cancel',
  cancelled: 'Sending stopped. Your comment is still here.',
  waitingBusy: 'Too many comments right now — trying again in {count} s.',
  waitingRetry: 'The comment service did not answer — trying again in {count} s.',
  waitingOffline: 'You are offline. Your comment will be sent when the connection returns.',
  published: 'Thank you! Your comment has been published.',
  pending: 'Thank you! Your comment was received and will appear once a moderator has approved it.',
  timeout: 'The comment service took too long to answer.',
  busy: 'Too many comments are being sent right now; wait a moment.',
  serverError: 'The comment service had a problem.',
  unreadable: 'The comment service gave an answer that could not be understood.',
  rejected: 'The comment service refused it: {detail}',
  fixProblems: { one: 'Please correct the highlighted field.', other: 'Please correct the {count} highlighted fields.' },
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

/** The whole English catalogue. */
export const en: Messages = { ...formMessages, ...lateMessages, ...listMessages };

type PluralForms = Exclude<Message, string>;

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

/**
 * The words for a field's validation problem (a key from `validateRequest`), as the element shows them and the
 * reference server answers them: "too long" names the field's limit, or for the comment how far over it is.
 */
export function problemText(t: Translate, field: Field, problem: string, commentOverBy: number): string {
  return t(problem as MessageKey, { count: field === 'comment' ? commentOverBy : LIMITS[field] });
}
