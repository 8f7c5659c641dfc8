/** What the element tests share: reaching into the form as a reader would, and asking the mock server what it got. */
import { waitUntil } from '@open-wc/testing';
import type { NewsComments } from '../../src/news-comments.js';
import '../../src/define.js';

export type FieldName = 'title' | 'comment' | 'name' | 'email';

/** A fresh id per test, so each test counts only its own requests. */
export const newRun = () => crypto.randomUUID();

/** The URL of the mock endpoint answering `answer`, optionally after `delay` ms. */
export const mockUrl = (answer: string, run: string, delay = 0) =>
  `/mock/${answer}?run=${run}${delay ? `&delay=${delay}` : ''}`;

export interface Received {
  body: Record<string, unknown>;
  contentType: string;
  accept: string;
  idempotencyKey: string;
}

/** What the mock server received for `run`. */
export async function received(run: string): Promise<Received[]> {
  return (await (await fetch(`/mock/log?run=${run}`)).json()).requests;
}

/** How many comments the mock server stored for `run`: once per idempotency key. */
export async function stored(run: string): Promise<number> {
  return (await (await fetch(`/mock/log?run=${run}`)).json()).stored;
}

// Every test starts on a device with no drafts and no remembered reader.
beforeEach(() => localStorage.clear());

/**
 * Waits until the element has rendered what the reader's last action changed (including, after leaving a field or
 * pressing send, the arrival of the deferred checks). open-wc's `elementUpdated` cannot tell a promise from another
 * frame (a tab in an iframe) and would only wait a frame there.
 */
export const updated = async (element: NewsComments) => void (await element.updateComplete);

export const shadow = (element: NewsComments) => element.shadowRoot!;
export const field = (element: NewsComments, name: FieldName) =>
  shadow(element).querySelector<HTMLInputElement | HTMLTextAreaElement>(`#${name}`)!;
export const button = (element: NewsComments) => shadow(element).querySelector<HTMLButtonElement>('[part="button"]')!;
export const counter = (element: NewsComments) => shadow(element).querySelector('[part="counter"]')!;
export const statusText = (element: NewsComments) =>
  shadow(element).querySelector('[role="status"]')?.textContent?.trim() ?? '';
export const alertText = (element: NewsComments) =>
  shadow(element).querySelector('[role="alert"]')?.textContent?.trim() ?? '';
export const errorOf = (element: NewsComments, name: FieldName) =>
  shadow(element).querySelector(`#${name}-error`)?.textContent?.trim() ?? '';
export const politeAnnouncement = (element: NewsComments) =>
  shadow(element).querySelector('[aria-live="polite"]')?.textContent?.trim() ?? '';

/** Puts `value` in a field the way typing, pasting or autofill does: the value changes and `input` fires. */
export async function fill(element: NewsComments, name: FieldName, value: string): Promise<void> {
  const control = field(element, name);
  control.value = value;
  control.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }));
  await updated(element);
}

/** Leaves a field, as tabbing away does. */
export async function leave(element: NewsComments, name: FieldName): Promise<void> {
  field(element, name).focus();
  field(element, name).blur();
  await updated(element);
}

export async function fillValid(element: NewsComments, comment = 'A thoughtful comment.'): Promise<void> {
  await fill(element, 'comment', comment);
  await fill(element, 'name', 'Asha Rao');
  await fill(element, 'email', 'asha@example.com');
}

export async function send(element: NewsComments): Promise<void> {
  button(element).click();
  await updated(element);
}

/** Waits until the request has settled: the form is no longer sending. */
export async function settled(element: NewsComments, timeout = 5000): Promise<void> {
  await waitUntil(() => button(element).getAttribute('aria-disabled') !== 'true', 'still sending', { timeout });
  await updated(element);
}

/** The console warnings given while `body` runs, one per line. */
export async function warningsDuring(body: () => Promise<unknown>): Promise<string> {
  const warnings: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  try {
    await body();
  } finally {
    console.warn = original;
  }
  return warnings.join('\n');
}

/** The draft this device keeps for an article, as stored. */
export const draftOf = (articleId: string) =>
  JSON.parse(localStorage.getItem(`news-comments:draft:${articleId}`) ?? 'null');
