/** Registers `<news-comments>`. This is the entry of the built scripts; loading it twice is harmless. */
import { NewsComments } from './news-comments.js';

NewsComments.define();

declare global {
  interface HTMLElementTagNameMap {
    'news-comments': NewsComments;
  }
}
