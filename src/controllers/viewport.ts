/**
 * `loading="lazy"`: the form renders only once the element comes near the viewport (most comment boxes sit below the
 * fold). The observer follows the element: it stops on disconnect and starts again when the element is put back.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class ViewportController implements ReactiveController {
  /** The element has come within `margin` of the viewport at least once. */
  near = false;
  #observer?: IntersectionObserver;

  readonly #host: ReactiveControllerHost & Element & { loading: 'eager' | 'lazy' };
  readonly #margin: string;

  constructor(host: ReactiveControllerHost & Element & { loading: 'eager' | 'lazy' }, margin = '400px') {
    this.#host = host;
    this.#margin = margin;
    host.addController(this);
  }

  /** Whether the form may render: always with `loading="eager"`, else once near. */
  get shown(): boolean {
    return this.#host.loading !== 'lazy' || this.near;
  }

  hostConnected(): void {
    this.watch();
  }

  hostDisconnected(): void {
    this.#stop();
  }

  /** Starts watching, when `loading="lazy"` and not yet near; call again after `loading` changes. */
  watch(): void {
    this.#stop();
    if (this.shown || !this.#host.isConnected) return;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.near = true;
        this.#stop();
        this.#host.requestUpdate();
      },
      { rootMargin: this.#margin },
    );
    this.#observer.observe(this.#host);
  }

  #stop(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }
}
