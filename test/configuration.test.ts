import { expect, fixture, html } from '@open-wc/testing';
import { NewsComments } from '../src/news-comments.js';
import { field, fill, fillValid, mockUrl, newRun, received, send, settled, shadow, warningsDuring } from './support/helpers.js';

const notice = (element: NewsComments) => shadow(element).querySelector('[part="notice"]')?.textContent ?? '';

describe('when the endpoint is missing or unsafe', () => {
  for (const [what, endpoint] of [
    ['missing', undefined],
    ['empty', '   '],
    ['a javascript: URL', 'javascript:alert(1)'],
    ['a data: URL', 'data:text/html,<b>hi</b>'],
    ['not a URL at all', 'http://[::1'],
  ] as const) {
    it(`shows a short notice instead of the form when it is ${what}`, async () => {
      let element!: NewsComments;
      const warnings = await warningsDuring(async () => {
        element = await fixture(html`<news-comments endpoint=${endpoint ?? ''}></news-comments>`);
        if (endpoint === undefined) element.removeAttribute('endpoint');
        await element.updateComplete;
      });
      expect(shadow(element).querySelector('form')).to.be.null;
      expect(notice(element)).to.equal('Comments are not available on this page.');
      expect(warnings).to.contain('endpoint');
      await expect(element).to.be.accessible();
    });
  }

  it('shows the form once a good endpoint is set', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="javascript:void 0"></news-comments>`);
    element.setAttribute('endpoint', '/mock/published');
    await element.updateComplete;
    expect(shadow(element).querySelector('form')).to.exist;
  });

  it('accepts a path on the page origin and an absolute https URL', async () => {
    const path = await fixture<NewsComments>(html`<news-comments endpoint="/api/comments"></news-comments>`);
    const absolute = await fixture<NewsComments>(html`<news-comments endpoint="https://comments.example/api"></news-comments>`);
    expect(shadow(path).querySelector('form')).to.exist;
    expect(shadow(absolute).querySelector('form')).to.exist;
  });
});

describe('when max-length is not a positive whole number', () => {
  for (const value of ['abc', '0', '-5', '12.5', '']) {
    it(`warns and falls back to 2000 for "${value}"`, async () => {
      let element!: NewsComments;
      const warnings = await warningsDuring(async () => {
        element = await fixture(html`<news-comments endpoint="/mock/published" max-length=${value}></news-comments>`);
      });
      expect(warnings).to.contain('max-length');
      expect(shadow(element).querySelector('[part="counter"]')!.textContent!.trim()).to.equal(
        'You have 2,000 characters left',
      );
    });
  }

  it('takes a valid max-length', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" max-length="500"></news-comments>`);
    expect(shadow(element).querySelector('[part="counter"]')!.textContent!.trim()).to.equal('You have 500 characters left');
  });
});

describe('when attributes hold hostile text', () => {
  it('shows markup in the title and site name as text', async () => {
    const element = await fixture<NewsComments>(html`<news-comments
      endpoint="/mock/published"
      article-title="<img src=x onerror=alert(1)>Headline"
      site-name="<script>alert(1)</script>"
    ></news-comments>`);
    expect(field(element, 'title').value).to.equal('<img src=x onerror=alert(1)>Headline');
    expect(shadow(element).querySelector('img, script')).to.be.null;
    expect(shadow(element).querySelector('[part="disclaimer"]')!.textContent).to.contain('<script>alert(1)</script>');
  });
});

describe('when the page says what the article is', () => {
  const added: Element[] = [];
  afterEach(() => added.splice(0).forEach((node) => node.remove()));
  const addToHead = (markup: string) => {
    const template = document.createElement('template');
    template.innerHTML = markup;
    const node = template.content.firstElementChild!;
    document.head.append(node);
    added.push(node);
  };

  it('takes id and url from the canonical link and the title from og:title', async () => {
    addToHead('<link rel="canonical" href="https://news.example/world/nato">');
    addToHead('<meta property="og:title" content="NATO ready for dialogue">');
    const run = newRun();
    const element = await fixture<NewsComments>(html`<news-comments endpoint=${mockUrl('published', run)}></news-comments>`);
    expect(field(element, 'title').value).to.equal('NATO ready for dialogue');
    await fillValid(element);
    await send(element);
    await settled(element);
    const [request] = await received(run);
    expect(request.body.articleId).to.equal('https://news.example/world/nato');
    expect(request.body.articleUrl).to.equal('https://news.example/world/nato');
  });

  it('falls back to the document title, path and address', async () => {
    const previousTitle = document.title;
    document.title = 'Page title';
    const run = newRun();
    const element = await fixture<NewsComments>(html`<news-comments endpoint=${mockUrl('published', run)}></news-comments>`);
    document.title = previousTitle;
    expect(field(element, 'title').value).to.equal('Page title');
    await fillValid(element);
    await send(element);
    await settled(element);
    const [request] = await received(run);
    expect(request.body.articleId).to.equal(location.pathname);
    expect(request.body.articleUrl).to.equal(location.href);
  });
});

describe('when a single-page app moves to another article', () => {
  let element: NewsComments;
  let run: string;
  beforeEach(async () => {
    run = newRun();
    element = await fixture(html`<news-comments
      endpoint=${mockUrl('published', run)}
      article-id="first"
      article-title="First article"
    ></news-comments>`);
    await fillValid(element, 'About the first article.');
    element.articleId = 'second';
    element.articleTitle = 'Second article';
    await element.updateComplete;
  });

  it("shows the new article's title and starts an empty comment", () => {
    expect(field(element, 'title').value).to.equal('Second article');
    expect(field(element, 'comment').value).to.equal('');
    expect(field(element, 'name').value).to.equal('Asha Rao');
  });

  it('never sends the first comment as a comment on the second article', async () => {
    await fill(element, 'comment', 'About the second.');
    await send(element);
    await settled(element);
    const [request] = await received(run);
    expect(request.body).to.include({ articleId: 'second', title: 'Second article', comment: 'About the second.' });
  });

  it("keeps a title the reader wrote only while the article doesn't change", async () => {
    await fill(element, 'title', 'My own title');
    element.articleTitle = 'Second article, updated headline';
    await element.updateComplete;
    expect(field(element, 'title').value).to.equal('My own title');
  });
});

describe('when the element is registered', () => {
  it('is registered once, and defining again does nothing', async () => {
    expect(customElements.get('news-comments')).to.equal(NewsComments);
    NewsComments.define();
    await import('../src/define.js');
    expect(customElements.get('news-comments')).to.equal(NewsComments);
  });

  it('can be registered under another tag', async () => {
    NewsComments.define('my-comments');
    const element = await fixture<NewsComments>(html`<my-comments endpoint="/mock/published"></my-comments>`);
    expect(element).to.be.instanceOf(NewsComments);
    expect(shadow(element).querySelector('form')).to.exist;
  });

  it('has an open shadow root, so fields can be found by their labels', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published"></news-comments>`);
    expect(element.shadowRoot!.mode).to.equal('open');
  });
});
