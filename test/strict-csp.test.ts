import { expect, waitUntil } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import { fillValid, send, settled, shadow, statusText } from './support/helpers.js';

type StrictWindow = Window & { violations: string[] };

describe('when the page has a strict Content-Security-Policy', () => {
  let frame: HTMLIFrameElement;
  let element: NewsComments;
  beforeEach(async () => {
    frame = document.createElement('iframe');
    frame.src = '/test/fixtures/strict-csp.html';
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    await waitUntil(() => {
      element = frame.contentDocument!.querySelector('news-comments')!;
      return element.shadowRoot?.querySelector('form');
    }, 'no form');
  });
  afterEach(() => frame.remove());

  it('really enforces the policy on that page', () => {
    const doc = frame.contentDocument!;
    expect(() => (doc.body.innerHTML = '<b>not trusted</b>')).to.throw(/TrustedHTML/);
  });

  it('renders styled, sends, and thanks the reader with no violation', async () => {
    const button = shadow(element).querySelector<HTMLButtonElement>('[part="button"]')!;
    expect(frame.contentWindow!.getComputedStyle(button).backgroundColor).to.not.equal('rgba(0, 0, 0, 0)');
    await fillValid(element);
    await send(element);
    await settled(element);
    expect(statusText(element)).to.contain('Thank you!');
    expect((frame.contentWindow as StrictWindow).violations).to.deep.equal([]);
  });
});
