import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { NewsComments } from '../src/news-comments.js';
import { fillValid, send, settled, shadow } from './support/helpers.js';

/** The reference server's URL: `server` publishes at once, `moderated` holds every comment for a moderator. */
const serverUrl = async (which: 'server' | 'moderated' = 'server'): Promise<string> =>
  (await (await fetch(`/e2e/${which}`)).json()).url;

/** Posts comments straight to the server, oldest first, as other readers would have. */
async function seed(server: string, articleId: string, comments: Array<Partial<Record<'title' | 'comment' | 'name', string>>>) {
  for (const [index, comment] of comments.entries()) {
    const response = await fetch(`${server}/api/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        articleId,
        articleUrl: 'https://news.example/article',
        title: 'The article',
        comment: `Comment ${index + 1}`,
        name: `Reader ${index + 1}`,
        email: `reader${index + 1}@example.com`,
        ...comment,
      }),
    });
    expect(response.status).to.equal(201);
  }
}

async function mount(server: string, articleId: string, attributes = '') {
  const wrapper = await fixture<HTMLElement>(html`<div></div>`);
  wrapper.innerHTML = `<news-comments endpoint="${server}/api/comments" article-id="${articleId}" article-title="The article" ${attributes}></news-comments>`;
  const element = wrapper.querySelector('news-comments') as NewsComments;
  await waitUntil(() => shadow(element).querySelector('[part="comments"][aria-busy="false"]'), 'the list never loaded', { timeout: 5000 });
  return element;
}

const list = (element: NewsComments) => shadow(element).querySelector('[part="comments"]')!;
const heading = (element: NewsComments) => list(element).querySelector('h2')!.textContent!.trim();
const texts = (element: NewsComments) => [...list(element).querySelectorAll('.text')].map((node) => node.textContent);
const newArticle = () => `list-${crypto.randomUUID()}`;

describe('when the article has published comments', () => {
  it('lists them under the form, newest first, with their number, and passes axe', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{ comment: 'First\nwith a second line' }, { title: 'My own title' }, {}]);
    const element = await mount(server, articleId);
    expect(heading(element)).to.equal('3 comments');
    expect(texts(element)).to.deep.equal(['Comment 3', 'Comment 2', 'First\nwith a second line']);
    expect(getComputedStyle(list(element).querySelector('.text')!).whiteSpace).to.equal('pre-line');
    // A comment's own title shows; the article's title, which most comments carry, does not.
    expect([...list(element).querySelectorAll('h3')].map((node) => node.textContent)).to.deep.equal(['My own title']);
    const time = list(element).querySelector('time')!;
    expect(Date.now() - Date.parse(time.dateTime)).to.be.within(0, 60_000);
    expect(time.textContent).to.match(/now|second|minute/);
    // The form comes first, the conversation after it.
    expect(shadow(element).querySelector('form')!.compareDocumentPosition(list(element)) & Node.DOCUMENT_POSITION_FOLLOWING).to.be.ok;
    await expect(element).to.be.accessible();
  });

  it('renders markup, links and bidi controls as inert text', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    const hostile = '<img src=x onerror="window.hacked=1"> <a href="javascript:alert(1)">link</a> \u202eevil';
    await seed(server, articleId, [{ comment: hostile, name: '<b>Bold</b>' }, { comment: 'x'.repeat(1500) }]);
    const element = await mount(server, articleId);
    expect(list(element).querySelector('img, a, b')).to.be.null;
    expect(texts(element)[1]).to.equal(hostile);
    expect(list(element).querySelector('.name')!.tagName).to.equal('BDI');
    const long = list(element).querySelector<HTMLElement>('.text')!;
    expect(long.scrollWidth).to.be.at.most(long.clientWidth + 1);
    expect((window as { hacked?: number }).hacked).to.equal(undefined);
  });

  it('pages 20 at a time: "Show more" brings the next, focuses the first of them and says how many', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, Array.from({ length: 23 }, () => ({})));
    const element = await mount(server, articleId);
    expect(heading(element)).to.equal('23 comments');
    expect(texts(element)).to.have.length(20);
    const more = [...list(element).querySelectorAll('button')].find((button) => button.textContent!.includes('Show more'))!;
    more.click();
    await waitUntil(() => texts(element).length === 23, 'no more comments');
    expect(texts(element).slice(-3)).to.deep.equal(['Comment 3', 'Comment 2', 'Comment 1']);
    expect(shadow(element).activeElement?.textContent).to.contain('Comment 3');
    expect(list(element).querySelector('[aria-live="polite"]')!.textContent).to.equal('3 more comments shown.');
    expect([...list(element).querySelectorAll('button')].some((button) => button.textContent!.includes('Show more'))).to.equal(false);
  });

  it('shows the oldest first when asked', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{}, {}, {}]);
    const element = await mount(server, articleId);
    const select = list(element).querySelector('select')!;
    select.value = 'oldest';
    select.dispatchEvent(new Event('change'));
    await waitUntil(() => texts(element)[0] === 'Comment 1', 'not reordered');
    expect(texts(element)).to.deep.equal(['Comment 1', 'Comment 2', 'Comment 3']);
  });

  it('speaks the page’s language: Hindi plural and digits', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{}, {}]);
    const element = await mount(server, articleId, 'lang="hi"');
    expect(heading(element)).to.equal('2 टिप्पणियाँ');
    expect(list(element).querySelector('.link')!.textContent!.trim()).to.equal('रिपोर्ट करें');
  });
});

describe('when the article has no comments yet', () => {
  it('invites the first', async () => {
    const element = await mount(await serverUrl(), newArticle());
    expect(heading(element)).to.equal('No comments yet. Be the first.');
    expect(list(element).querySelector('select')).to.be.null;
  });
});

describe('when the reader sends a comment', () => {
  it('shows a published comment at the top at once', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{}]);
    const element = await mount(server, articleId);
    await fillValid(element, 'My fresh words');
    await send(element);
    await settled(element);
    expect(texts(element)[0]).to.equal('My fresh words');
    expect(heading(element)).to.equal('2 comments');
  });

  it('shows a comment waiting for moderation to its author alone, marked, and keeps no email', async () => {
    const server = await serverUrl('moderated');
    const articleId = newArticle();
    const element = await mount(server, articleId);
    await fillValid(element, 'Waiting for a moderator');
    await send(element);
    await settled(element);
    expect(texts(element)).to.deep.equal(['Waiting for a moderator']);
    expect(list(element).querySelector('.awaiting')!.textContent).to.contain('Awaiting moderation');
    expect(heading(element)).to.equal('No comments yet. Be the first.');
    expect(localStorage.getItem(`news-comments:own:${articleId}`)).not.to.contain('asha@example.com');
    // Another visit on this device still shows it to its author; other readers never get it from the server.
    const again = await mount(server, articleId);
    expect(texts(again)).to.deep.equal(['Waiting for a moderator']);
    const served = await (await fetch(`${server}/api/comments?articleId=${articleId}`)).json();
    expect(served.comments).to.deep.equal([]);
  });
});

describe('when a reader reports a comment', () => {
  it('takes a reason by keyboard alone, confirms, and thanks them', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{}]);
    const element = await mount(server, articleId);
    const report = list(element).querySelector<HTMLButtonElement>('.link')!;
    report.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => list(element).querySelector('fieldset'), 'no report form');
    await element.updateComplete;
    expect(shadow(element).activeElement?.getAttribute('value')).to.equal('abusive');
    await expect(element).to.be.accessible();
    await sendKeys({ press: 'ArrowDown' });
    expect(shadow(element).activeElement?.getAttribute('value')).to.equal('spam');
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => list(element).querySelector('[role="status"]')?.textContent?.includes('Thank you'), 'no thanks');
    expect(list(element).querySelector('.link')).to.be.null;
  });

  it('closes the report form on cancel, and gives focus back', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{}]);
    const element = await mount(server, articleId);
    list(element).querySelector<HTMLButtonElement>('.link')!.click();
    await element.updateComplete;
    [...list(element).querySelectorAll<HTMLButtonElement>('.report button')].find((button) => button.textContent!.includes('Cancel'))!.click();
    await element.updateComplete;
    expect(list(element).querySelector('fieldset')).to.be.null;
    expect(shadow(element).activeElement).to.equal(list(element).querySelector('.link'));
  });
});

describe('when the list cannot load', () => {
  it('says so with "Try again", and the form works as before', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div>
      <news-comments endpoint="/not-a-server/api/comments" article-id="down" article-title="Down"></news-comments>
    </div>`);
    const element = wrapper.querySelector('news-comments')!;
    await waitUntil(() => list(element)?.querySelector('[role="alert"]'), 'no failure shown', { timeout: 5000 });
    expect(list(element).querySelector('[role="alert"]')!.textContent).to.contain('The comments could not be loaded.');
    expect(list(element).querySelector('[role="alert"] button')!.textContent!.trim()).to.equal('Try again');
    expect(shadow(element).querySelector('form')).to.exist;
    await expect(element).to.be.accessible();
  });
});

describe('when the server answers a total that is no number of comments', () => {
  it('takes the answer for a failure, rather than "-5 comments" or "1.7,976,931,348,623,157e+308 comments"', async () => {
    for (const name of ['negative-total', 'fractional-total', 'huge-total']) {
      const wrapper = await fixture<HTMLElement>(html`<div></div>`);
      wrapper.innerHTML = `<news-comments endpoint="/mock/list-${name}" article-id="a" article-title="T"></news-comments>`;
      const element = wrapper.querySelector('news-comments')!;
      await waitUntil(() => list(element)?.querySelector('[role="alert"]'), `${name}: no failure shown`, { timeout: 5000 });
      expect(heading(element), name).not.to.match(/\d/);
      expect(texts(element), name).to.deep.equal([]);
    }
  });
});

describe('when the reader is offline as the list would load', () => {
  it('says so, and loads the comments when the connection returns', async () => {
    const server = await serverUrl();
    const articleId = newArticle();
    await seed(server, articleId, [{}]);
    await executeServerCommand('go-offline', { milliseconds: 1500 });
    await waitUntil(() => !navigator.onLine, 'still online');
    const wrapper = await fixture<HTMLElement>(html`<div></div>`);
    wrapper.innerHTML = `<news-comments endpoint="${server}/api/comments" article-id="${articleId}" article-title="The article"></news-comments>`;
    const element = wrapper.querySelector('news-comments') as NewsComments;
    await waitUntil(() => list(element)?.querySelector('[role="status"]')?.textContent?.includes('offline'), 'offline not said', { timeout: 5000 });
    await waitUntil(() => texts(element).length === 1, 'never loaded after the connection returned', { timeout: 8000 });
    expect(heading(element)).to.equal('1 comment');
  });
});

describe('when the publisher renders comments itself', () => {
  it('leaves only the form with list="off"', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" list="off"></news-comments>`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(shadow(element).querySelector('[part="comments"], .list-anchor')).to.be.null;
    expect(shadow(element).querySelector('form')).to.exist;
  });
});

describe('when the article is closed to new comments', () => {
  it('says so instead of the form when the list says it is closed, and keeps the conversation', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div>
      <news-comments endpoint="/mock/list-closed" article-id="closed" article-title="Closed"></news-comments>
    </div>`);
    const element = wrapper.querySelector('news-comments')!;
    await waitUntil(() => shadow(element).querySelector('[part="notice"]'), 'the form stayed');
    expect(shadow(element).querySelector('[part="notice"]')!.textContent).to.equal('Comments are closed on this article.');
    expect(shadow(element).querySelector('form')).to.be.null;
    expect(list(element)).to.exist;
    await expect(element).to.be.accessible();
  });

  it('says so when a send is refused as closed, and keeps what the reader wrote on the device', async () => {
    const articleId = newArticle();
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/closed" article-id=${articleId} article-title="Closed"></news-comments>`);
    let reason = '';
    element.addEventListener('news-comments-error', (event) => (reason = event.detail.reason));
    await fillValid(element, 'Words for a closed article');
    await send(element);
    await waitUntil(() => shadow(element).querySelector('[part="notice"]'), 'the form stayed');
    expect(shadow(element).querySelector('[part="notice"]')!.textContent).to.equal('Comments are closed on this article.');
    expect(reason).to.equal('closed');
    expect(JSON.parse(localStorage.getItem(`news-comments:draft:${articleId}`)!).comment).to.equal('Words for a closed article');
  });
});
