import { aTimeout, expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import {
  button,
  counter,
  errorOf,
  field,
  fill,
  fillValid,
  mockUrl,
  newRun,
  politeAnnouncement,
  received,
  send,
} from './support/helpers.js';

const counterText = (element: NewsComments) => counter(element).textContent!.trim();

describe('when the reader types a comment', () => {
  let element: NewsComments;
  let run: string;
  beforeEach(async () => {
    run = newRun();
    element = await fixture(html`<news-comments endpoint=${mockUrl('published', run)} max-length="20"></news-comments>`);
  });

  it('counts down on every change', async () => {
    await fill(element, 'comment', 'Hello');
    expect(counterText(element)).to.equal('You have 15 characters left');
    await fill(element, 'comment', 'Hello there');
    expect(counterText(element)).to.equal('You have 9 characters left');
    await fill(element, 'comment', '');
    expect(counterText(element)).to.equal('You have 20 characters left');
  });

  it('says "1 character" in the singular', async () => {
    await fill(element, 'comment', 'x'.repeat(19));
    expect(counterText(element)).to.equal('You have 1 character left');
    await fill(element, 'comment', 'x'.repeat(21));
    expect(counterText(element)).to.equal('1 character over the limit');
  });

  it('counts emoji and Indic letters as the reader sees them', async () => {
    await fill(element, 'comment', 'नमस्ते 👨‍👩‍👧‍👦👍🏽');
    expect(counterText(element)).to.equal('You have 14 characters left');
  });
});

describe('when the reader goes past the limit', () => {
  let element: NewsComments;
  let run: string;
  const pasted = 'This pasted comment is longer than the limit allows.';
  beforeEach(async () => {
    run = newRun();
    element = await fixture(html`<news-comments
      endpoint=${mockUrl('published', run)}
      article-title="An article"
      max-length="40"
    ></news-comments>`);
    await fillValid(element, pasted);
  });

  it('keeps every character that was pasted', () => {
    expect(field(element, 'comment').value).to.equal(pasted);
  });

  it('says how many characters are over, styled as an error', () => {
    expect(counterText(element)).to.equal('12 characters over the limit');
    const counterColor = getComputedStyle(counter(element)).color;
    const labelColor = getComputedStyle(element.shadowRoot!.querySelector('label')!).color;
    expect(counterColor).to.not.equal(labelColor);
  });

  it('sends nothing, says why, and moves focus to the comment', async () => {
    await send(element);
    expect(errorOf(element, 'comment')).to.equal('Your comment is 12 characters too long.');
    expect(element.shadowRoot!.activeElement).to.equal(field(element, 'comment'));
    expect(field(element, 'comment').value).to.equal(pasted);
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
    await expect(element).to.be.accessible();
  });

  it('sends once the reader has trimmed it to fit', async () => {
    await fill(element, 'comment', pasted.slice(0, 40));
    await send(element);
    await waitUntil(async () => (await received(run)).length === 1, 'not sent');
    expect(button(element).textContent!.trim()).to.not.equal('Sending…');
  });
});

describe('when a screen reader follows the countdown', () => {
  let element: NewsComments;
  beforeEach(async () => {
    element = await fixture(html`<news-comments endpoint="/mock/published" max-length="150"></news-comments>`);
  });

  it('keeps the visible counter out of the live region, and describes the comment box with it', () => {
    expect(counter(element).closest('[aria-live]')).to.be.null;
    expect(field(element, 'comment').getAttribute('aria-describedby')).to.contain(counter(element).id);
  });

  it('announces nothing while the reader types, then the count once typing pauses', async () => {
    await fill(element, 'comment', 'Hel');
    await fill(element, 'comment', 'Hello');
    expect(politeAnnouncement(element)).to.equal('');
    await waitUntil(() => politeAnnouncement(element) !== '', 'never announced', { timeout: 3000 });
    expect(politeAnnouncement(element)).to.equal('You have 145 characters left');
  });

  it('announces at once when crossing 100 left, no characters left, and the limit', async () => {
    await fill(element, 'comment', 'x'.repeat(49));
    await fill(element, 'comment', 'x'.repeat(50));
    expect(politeAnnouncement(element)).to.equal('You have 100 characters left');
    await fill(element, 'comment', 'x'.repeat(150));
    expect(politeAnnouncement(element)).to.equal('You have 0 characters left');
    await fill(element, 'comment', 'x'.repeat(153));
    expect(politeAnnouncement(element)).to.equal('3 characters over the limit');
  });
});
