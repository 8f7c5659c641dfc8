/**
 * When to bring in the published comments: once the form is on screen, and the place of the list below it comes
 * near the viewport, never before; the list then is a chunk of its own (`list.ts`) that never delays or moves the
 * form. The observer follows the element: it stops on disconnect and starts again on the next render.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { loadList, type List } from '../later.js';

export class ListLoader implements ReactiveController {
  /** The list chunk's module, once loaded. */
  module?: List;
  #observer?: IntersectionObserver;
  #watching?: Element;
  readonly #host: ReactiveControllerHost & HTMLElement;

  constructor(host: ReactiveControllerHost & HTMLElement) {
    this.#host = host;
    host.addController(this);
  }

  hostUpdated(): void {
    const anchor = this.#host.shadowRoot?.querySelector('.list-anchor');
    if (this.module || !anchor || anchor === this.#watching) return;
    this.#stop();
    this.#watching = anchor;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.#stop();
        loadList().then(
          (module) => {
            this.module = module;
            this.#host.requestUpdate();
          },
          // Not loaded (a flaky connection): the next render watches again.
          () => this.#host.requestUpdate(),
        );
      },
      { rootMargin: '600px' },
    );
    this.#observer.observe(anchor);
  }

  hostConnected(): void {
    // Put back in the page before the list came near: look again after the next render.
    if (!this.module) this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    this.#observer?.disconnect();
    this.#observer = this.#watching = undefined;
  }
}
