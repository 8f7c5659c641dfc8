/**
 * The element's language: `lang` on it or its nearest ancestor, else the document's; its catalogue of messages,
 * loaded before the first render (so the form never shows English first); and the translator made from them, the
 * English texts that arrive with the deferred code, and the publisher's `messages` (checked by that code too: a page
 * that sets `messages` waits for it before the first render, so that it never shows our words first).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { warn } from '../config.js';
import { deferredNow, listNow, loadDeferred, type Deferred } from '../later.js';
import { catalogueFor, formMessages, isRightToLeft, localeOf, translator, type Messages, type Translate } from '../messages.js';

type Host = ReactiveControllerHost & HTMLElement & { messages?: Partial<Messages> };

export class LanguageController implements ReactiveController {
  locale = 'en';
  /** The built-in messages of `locale`, once loaded. */
  catalogue?: Partial<Messages>;
  t: Translate = translator();
  #madeFor?: unknown[];
  #overridesFailed = false;

  readonly #host: Host;

  constructor(host: Host) {
    this.#host = host;
    host.addController(this);
  }

  get ready(): boolean {
    if (this.#host.messages !== undefined && !deferredNow() && !this.#overridesFailed) {
      void loadDeferred().then(
        () => this.#host.requestUpdate(),
        () => {
          // Not loaded (a flaky network): the built-in texts, rather than no form.
          this.#overridesFailed = true;
          this.#host.requestUpdate();
        },
      );
      return false;
    }
    return !!this.catalogue;
  }

  /** An Arabic or Urdu page without `dir` still reads right to left; a `dir` on the page is followed as it is. */
  get dir(): 'rtl' | '' {
    return isRightToLeft(this.locale) && !this.#host.closest('[dir]') ? 'rtl' : '';
  }

  hostConnected(): void {
    this.readLocale();
  }

  /** After `lang` changed on the element (or it moved): the new language's catalogue, then a render. */
  readLocale(): void {
    const locale = localeOf(this.#host);
    if (locale === this.locale && this.catalogue) return;
    this.locale = locale;
    const catalogue = catalogueFor(locale);
    if (!(catalogue instanceof Promise)) {
      this.catalogue = catalogue;
      this.#host.requestUpdate();
      return;
    }
    catalogue
      // A catalogue that fails to load (a flaky network) leaves the form in English, never without a form.
      .catch(() => formMessages)
      .then((loaded) => {
        if (this.locale !== locale) return;
        this.catalogue = loaded;
        this.#host.requestUpdate();
      });
  }

  hostUpdate(): void {
    const late: Deferred | undefined = deferredNow();
    const list = listNow();
    const key = [this.locale, this.catalogue, this.#host.messages, late, list];
    if (this.#madeFor?.every((part, index) => part === key[index])) return;
    this.#madeFor = key;
    const overrides = late?.checkMessages(this.#host.messages, warn) ?? {};
    this.t = translator(this.locale, late?.lateMessages ?? {}, list?.listMessages ?? {}, this.catalogue ?? {}, overrides);
  }
}
