/**
 * Whether a part of the element has come near the viewport: the whole element for `loading="lazy"` (most comment
 * boxes sit below the fold), and the place of the list under the form, whose chunk loads only then. The observer
 * follows the element: it stops on disconnect and starts again after the next render, so an element moved in the
 * page before it came near still renders.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ViewportController implements ReactiveController {
  /** The target has come within the margin of the viewport at least once. */
  near = false;
  #observer?: IntersectionObserver;
  #watching?: Element;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #target: () => Element | null | undefined;
  readonly #margin: string;
  readonly #onNear?: () => void;

  constructor(
    host: ReactiveControllerHost & HTMLElement,
    target: () => Element | null | undefined,
    margin: string,
    onNear?: () => void,
  ) {
    this.#host = host;
    this.#target = target;
    this.#margin = margin;
    this.#onNear = onNear;
    host.addController(this);
  }

  hostConnected(): void {
    if (!this.near) this.#host.requestUpdate();
  }

  hostUpdated(): void {
    const target = this.#target();
    if (this.near || !target || target === this.#watching) return;
    this.#stop();
    this.#watching = target;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.near = true;
        this.#stop();
        this.#onNear?.();
        this.#host.requestUpdate();
      },
      { rootMargin: this.#margin },
    );
    this.#observer.observe(target);
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    this.#observer?.disconnect();
    this.#observer = this.#watching = undefined;
  }
}
