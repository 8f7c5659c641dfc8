import { expect, fixture, html } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import { counter, field, shadow } from './support/helpers.js';

const title = 'NATO ready for meaningful dialogue with Russia: Stoltenberg';

describe('when a reader opens an article', () => {
  let element: NewsComments;
  beforeEach(async () => {
    element = await fixture(html`<news-comments
      endpoint="/mock/published"
      article-id="nato-russia"
      site-name="Daijiworld.com"
      article-title=${title}
    ></news-comments>`);
  });

  it('passes axe', async () => {
    await expect(element).to.be.accessible();
  });

  it('shows "Leave a Comment" with visible labels in the order of the original box', () => {
    expect(shadow(element).querySelector('h2')!.textContent).to.equal('Leave a Comment');
    const visibleLabels = [...shadow(element).querySelectorAll('label')].filter((label) => !label.closest('[aria-hidden]'));
    expect(visibleLabels.map((label) => label.textContent!.trim())).to.deep.equal(['Title', 'Comment', 'Name', 'Email']);
    for (const label of visibleLabels) {
      expect(shadow(element).getElementById(label.htmlFor), label.htmlFor).to.exist;
    }
    const order = [...shadow(element).querySelectorAll('input:not([tabindex="-1"]), textarea, [part="counter"], [part="disclaimer"], button')]
      .map((node) => node.id || node.getAttribute('part'));
    expect(order).to.deep.equal(['title', 'comment', 'counter', 'name', 'email', 'disclaimer', 'button']);
  });

  it('hides the spam trap from people, keyboards and screen readers', () => {
    const trap = shadow(element).querySelector<HTMLInputElement>('[name="website"]')!;
    expect(trap.closest('[aria-hidden="true"]')).to.exist;
    expect(trap.tabIndex).to.equal(-1);
    // Clipped to nothing by its container: on screen it takes no pixel.
    const box = trap.closest('[aria-hidden="true"]')!.getBoundingClientRect();
    expect(box.width * box.height).to.be.at.most(1);
  });

  it('prefills the title with the article title, and lets the reader change it', () => {
    expect(field(element, 'title').value).to.equal(title);
    expect(field(element, 'title').readOnly).to.be.false;
  });

  it('counts down from 2000 characters', () => {
    expect(counter(element).textContent!.trim()).to.equal('You have 2,000 characters left');
  });

  it('shows the disclaimer naming the site', () => {
    const disclaimer = shadow(element).querySelector('[part="disclaimer"]')!.textContent!;
    expect(disclaimer).to.contain('Disclaimer:');
    expect(disclaimer).to.contain('Daijiworld.com will not be responsible');
  });

  it('uses the right kinds of field for phones and autofill', () => {
    expect(field(element, 'email').getAttribute('type')).to.equal('email');
    expect(field(element, 'email').getAttribute('autocomplete')).to.equal('email');
    expect(field(element, 'name').getAttribute('autocomplete')).to.equal('name');
    expect(field(element, 'comment').tagName).to.equal('TEXTAREA');
  });
});

describe('when the publisher replaces the disclaimer', () => {
  it('shows the slotted text instead of the default', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published">
      <p slot="disclaimer">Be kind. Comments are moderated.</p>
    </news-comments>`);
    const slot = shadow(element).querySelector<HTMLSlotElement>('slot[name="disclaimer"]')!;
    expect(slot.assignedElements()[0].textContent).to.equal('Be kind. Comments are moderated.');
    await expect(element).to.be.accessible();
  });

  it('spaces a disclaimer of several paragraphs like its own, not with the browser\'s margins', async () => {
    const own = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published"></news-comments>`);
    const ownMargins = getComputedStyle(shadow(own).querySelector('[part="disclaimer"] p')!);
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published">
      <p slot="disclaimer"><strong>Disclaimer:</strong> Please write your correct name and email address.</p>
      <p slot="disclaimer">Sending false messages is punishable under law.</p>
      <p slot="disclaimer">Offensive comments are at your own risk.</p>
    </news-comments>`);
    for (const paragraph of element.querySelectorAll('p')) {
      const { marginTop, marginBottom } = getComputedStyle(paragraph);
      expect([marginTop, marginBottom]).to.deep.equal([ownMargins.marginTop, ownMargins.marginBottom]);
    }
    await expect(element).to.be.accessible();
  });

  it('names no site when none is configured', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published"></news-comments>`);
    expect(shadow(element).querySelector('[part="disclaimer"]')!.textContent).to.contain('This site will not be responsible');
  });
});

describe('when the page is narrow or styled by the publisher', () => {
  it('fits a 320px wide screen with fields of at least 16px', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 320px; font-size: 12px">
      <news-comments endpoint="/mock/published"></news-comments>
    </div>`);
    const element = wrapper.querySelector('news-comments')!;
    await element.updateComplete;
    expect(element.scrollWidth).to.be.at.most(320);
    for (const name of ['title', 'comment', 'name', 'email'] as const) {
      expect(parseFloat(getComputedStyle(field(element, name)).fontSize)).to.be.at.least(16);
      expect(field(element, name).getBoundingClientRect().right).to.be.at.most(element.getBoundingClientRect().right);
    }
  });

  it('inherits the page font and takes custom properties', async () => {
    const element = await fixture<NewsComments>(html`<news-comments
      endpoint="/mock/published"
      style="font-family: Georgia, serif; --news-comments-accent: rgb(200, 0, 0); --news-comments-radius: 0px"
    ></news-comments>`);
    expect(getComputedStyle(field(element, 'name')).fontFamily).to.contain('Georgia');
    expect(getComputedStyle(shadow(element).querySelector('button')!).backgroundColor).to.equal('rgb(200, 0, 0)');
    expect(getComputedStyle(field(element, 'name')).borderTopLeftRadius).to.equal('0px');
  });

  it('exposes parts for every piece a publisher may style', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published"></news-comments>`);
    const parts = new Set([...shadow(element).querySelectorAll('[part]')].map((node) => node.getAttribute('part')));
    for (const part of ['form', 'heading', 'title-label', 'title-input', 'comment-label', 'comment-input', 'name-label',
      'name-input', 'email-label', 'email-input', 'counter', 'disclaimer', 'button', 'status']) {
      expect(parts.has(part), part).to.be.true;
    }
  });

  it('turns dark with theme="dark", and stays light with theme="light"', async () => {
    const dark = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" theme="dark"></news-comments>`);
    const light = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" theme="light"></news-comments>`);
    expect(getComputedStyle(shadow(dark).querySelector('.root')!).backgroundColor).to.equal('rgb(31, 31, 31)');
    expect(getComputedStyle(shadow(light).querySelector('.root')!).backgroundColor).to.equal('rgb(255, 255, 255)');
    await expect(dark).to.be.accessible();
  });
});
