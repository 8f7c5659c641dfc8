/**
 * What the reader has done with the form, and the one rule for when an error may show: once the reader has left
 * the field, or pressed send. Named as Lion's interaction state names it: `touched` fields and `submitted`.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Field } from '../characters.js';

export class InteractionController implements ReactiveController {
  /** Fields the reader has left. */
  touched = new Set<Field>();
  /** The reader pressed send. */
  submitted = false;
  /** While a mouse button or finger is down on the form: fields left meanwhile, whose errors wait for the click. */
  #leftDuringPointer?: Field[];
  #stopWaitingForRelease?: () => void;

  readonly #host: ReactiveControllerHost;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** The one rule: a field's error shows once it was left, or once send was pressed. */
  showsError(field: Field): boolean {
    return this.submitted || this.touched.has(field);
  }

  /** Some error may show, so the form must be checked. */
  get checking(): boolean {
    return this.submitted || this.touched.size > 0;
  }

  /**
   * The reader left a field. If they left it by pressing a button, its error would appear between press and
   * release and push the button away from under the pointer, and the click would be lost; so while a pointer is
   * down the error waits until the click has happened.
   */
  leave(field: Field): void {
    if (this.touched.has(field)) return;
    if (this.#leftDuringPointer) this.#leftDuringPointer.push(field);
    else this.#touch([field]);
  }

  pointerDown(): void {
    if (this.#leftDuringPointer) return;
    this.#leftDuringPointer = [];
    const stop = (this.#stopWaitingForRelease = () => {
      removeEventListener('pointerup', release, true);
      removeEventListener('pointercancel', release, true);
    });
    const release = () => {
      stop();
      // After the click that follows the release.
      setTimeout(() => {
        const fields = this.#leftDuringPointer ?? [];
        this.#leftDuringPointer = undefined;
        if (fields.length) this.#touch(fields);
      });
    };
    addEventListener('pointerup', release, true);
    addEventListener('pointercancel', release, true);
  }

  hostDisconnected(): void {
    this.#stopWaitingForRelease?.();
    this.#leftDuringPointer = undefined;
  }

  submit(): void {
    this.submitted = true;
    this.#host.requestUpdate();
  }

  /** A fresh start: after a comment was sent or discarded, or for another article. */
  reset(): void {
    this.touched = new Set();
    this.submitted = false;
    this.#host.requestUpdate();
  }

  #touch(fields: Field[]): void {
    this.touched = new Set([...this.touched, ...fields]);
    this.#host.requestUpdate();
  }
}
