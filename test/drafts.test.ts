import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import { DRAFT_MAX_AGE } from '../src/draft.js';
import {
  button,
  draftOf,
  field,
  fill,
  fillValid,
  leave,
  newRun,
  received,
  send,
  settled,
  shadow,
  statusText,
  stored,
} from './support/helpers.js';

const draftKey = (articleId: string) => `news-comments:draft:${articleId}`;
const restoredNotice = (element: NewsComments) => shadow(element).querySelector('[part="restored"]')?.textContent ?? '';

/** A page of its own in an iframe, like a browser tab: reloadable, sharing this origin's storage. */
async function openTab(attributes: Record<string, string>) {
  const frame = document.createElement('iframe');
  frame.src = `/test/fixtures/article.html?${new URLSearchParams(attributes)}`;
  document.body.append(frame);
  const element = await loaded(frame);
  return { frame, element, reload: async () => loaded(frame, () => frame.contentWindow!.location.reload()) };
}

async function loaded(frame: HTMLIFrameElement, start?: () => void): Promise<NewsComments> {
  const load = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  start?.();
  await load;
  let element: NewsComments | null = null;
  await waitUntil(() => {
    element = frame.contentDocument!.querySelector('news-comments');
    return element?.shadowRoot?.querySelector('form');
  }, 'no form in the tab');
  return element!;
}

describe('when the reader comes back to an unsent comment', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('restores everything after a reload, says so, and passes axe', async () => {
    const articleId = `draft-${newRun()}`;
    const tab = await openTab({ endpoint: '/mock/published', 'article-id': articleId, 'article-title': 'Drafts' });
    await fill(tab.element, 'title', 'My own title');
    await fillValid(tab.element, 'Half-written thoughts');
    const element = await tab.reload();
    expect(field(element, 'comment').value).to.equal('Half-written thoughts');
    expect(field(element, 'title').value).to.equal('My own title');
    expect(field(element, 'email').value).to.equal('asha@example.com');
    expect(restoredNotice(element)).to.contain('Your unsent comment was restored.');
  });

  it('writes the draft at most every few hundred milliseconds, and at once when the page is hidden', async () => {
    const articleId = `throttle-${newRun()}`;
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id=${articleId}></news-comments>`);
    await fill(element, 'comment', 'First words');
    expect(draftOf(articleId)).to.be.null;
    await waitUntil(() => draftOf(articleId)?.comment === 'First words', 'never saved', { timeout: 2000 });
    await fill(element, 'comment', 'First words, then more');
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    expect(draftOf(articleId).comment).to.equal('First words, then more');
  });

  it('lets the reader discard the restored draft', async () => {
    const articleId = `discard-${newRun()}`;
    localStorage.setItem(
      draftKey(articleId),
      JSON.stringify({ title: 'T', comment: 'Old words', name: 'Asha', email: 'a@example.com', titleEdited: false, savedAt: Date.now() }),
    );
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id=${articleId} article-title="Fresh"></news-comments>`);
    expect(field(element, 'comment').value).to.equal('Old words');
    expect(restoredNotice(element)).to.contain('Your unsent comment was restored.');
    await expect(element).to.be.accessible();
    shadow(element).querySelector<HTMLButtonElement>('[part="restored"] button')!.click();
    await element.updateComplete;
    expect(field(element, 'comment').value).to.equal('');
    expect(field(element, 'title').value).to.equal('Fresh');
    expect(restoredNotice(element)).to.equal('');
    expect(draftOf(articleId)).to.be.null;
    expect(shadow(element).activeElement).to.equal(field(element, 'comment'));
  });

  it('drops drafts older than 30 days', async () => {
    const articleId = `old-${newRun()}`;
    localStorage.setItem(
      draftKey(articleId),
      JSON.stringify({ title: 'T', comment: 'Stale', name: '', email: '', savedAt: Date.now() - DRAFT_MAX_AGE - 1000 }),
    );
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id=${articleId}></news-comments>`);
    expect(field(element, 'comment').value).to.equal('');
    expect(localStorage.getItem(draftKey(articleId))).to.be.null;
  });

  it('ignores a draft that is not what we wrote', async () => {
    const articleId = `garbage-${newRun()}`;
    localStorage.setItem(draftKey(articleId), '{"comment": 42, "savedAt": "yesterday"');
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id=${articleId}></news-comments>`);
    expect(field(element, 'comment').value).to.equal('');
    expect(shadow(element).querySelector('form')).to.exist;
  });
});

describe('when the server confirms the comment', () => {
  it('removes the draft text, and remembers name and email for the next article', async () => {
    const run = newRun();
    const first = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published?run=${run}" article-id="a-${run}" article-title="A"></news-comments>`);
    await fillValid(first);
    await send(first);
    await settled(first);
    expect(draftOf(`a-${run}`).comment).to.equal('');
    const second = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id="b-${run}"></news-comments>`);
    expect(field(second, 'name').value).to.equal('Asha Rao');
    expect(field(second, 'email').value).to.equal('asha@example.com');
    expect(field(second, 'comment').value).to.equal('');
  });

  it('remembers nobody across articles with remember-reader="off"', async () => {
    const run = newRun();
    const first = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published?run=${run}" article-id="a-${run}" article-title="A" remember-reader="off"></news-comments>`);
    await fillValid(first);
    await send(first);
    await settled(first);
    const second = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id="b-${run}" remember-reader="off"></news-comments>`);
    expect(field(second, 'name').value).to.equal('');
    expect(localStorage.getItem('news-comments:reader')).to.be.null;
  });

  it('keeps nothing of the sent comment on the device, only a fingerprint for retries', async () => {
    const run = newRun();
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published?run=${run}" article-id="kept-${run}" article-title="A" remember-reader="off"></news-comments>`);
    await fill(element, 'title', 'My own title');
    await fillValid(element, 'Words that were sent');
    await send(element);
    await settled(element);
    const stored = localStorage.getItem(`news-comments:draft:kept-${run}`) ?? '';
    for (const sent of ['My own title', 'Words that were sent', 'Asha Rao', 'asha@example.com']) expect(stored).not.to.contain(sent);
    expect(draftOf(`kept-${run}`).keyFor).to.match(/^[0-9a-f]{16}$/);
  });
});

describe('when the reader discards after a failed send', () => {
  it('offers to send, not to try again, over the empty form', async () => {
    const articleId = `discard-failed-${newRun()}`;
    localStorage.setItem(
      draftKey(articleId),
      JSON.stringify({ title: 'T', comment: 'Old words', name: 'Asha', email: 'a@example.com', titleEdited: false, savedAt: Date.now() }),
    );
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/server-error" article-id=${articleId} article-title="A"></news-comments>`);
    await send(element);
    await settled(element);
    expect(button(element).textContent!.trim()).to.equal('Try again');
    shadow(element).querySelector<HTMLButtonElement>('[part="restored"] button')!.click();
    await element.updateComplete;
    expect(field(element, 'comment').value).to.equal('');
    expect(button(element).textContent!.trim()).to.equal('Send comment');
    expect(shadow(element).querySelector('[role="alert"]')!.textContent!.trim()).to.equal('');
  });
});

describe('when a single-page app moves between articles', () => {
  it('keeps each article’s comment in its own draft', async () => {
    const run = newRun();
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-id="one-${run}" article-title="One"></news-comments>`);
    await fill(element, 'comment', 'About article one');
    element.articleId = `two-${run}`;
    element.articleTitle = 'Two';
    await element.updateComplete;
    expect(field(element, 'comment').value).to.equal('');
    await fill(element, 'comment', 'About article two');
    element.articleId = `one-${run}`;
    element.articleTitle = 'One';
    await element.updateComplete;
    expect(field(element, 'comment').value).to.equal('About article one');
    expect(draftOf(`two-${run}`).comment).to.equal('About article two');
  });
});

describe('when storage is full or blocked', () => {
  let setItem: typeof Storage.prototype.setItem;
  beforeEach(() => {
    setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
  });
  afterEach(() => (Storage.prototype.setItem = setItem));

  it('goes on working, only without saving', async () => {
    const run = newRun();
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published?run=${run}" article-id="full-${run}" article-title="Full"></news-comments>`);
    await fillValid(element);
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    await send(element);
    await settled(element);
    expect(statusText(element)).to.contain('Thank you!');
    expect(await stored(run)).to.equal(1);
  });
});

describe('fault: the page reloads while the comment is being sent', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('restores the text, and sending again stores it once', async () => {
    const run = newRun();
    const articleId = `reload-${run}`;
    const tab = await openTab({ endpoint: `/mock/published@800,published?run=${run}`, 'article-id': articleId, 'article-title': 'Reload' });
    await fillValid(tab.element);
    await send(tab.element);
    expect(button(tab.element).textContent!.trim()).to.equal('Sending…');
    const element = await tab.reload();
    expect(field(element, 'comment').value).to.equal('A thoughtful comment.');
    expect(restoredNotice(element)).to.contain('restored');
    await send(element);
    await settled(element);
    expect(statusText(element)).to.contain('Thank you!');
    await new Promise((resolve) => setTimeout(resolve, 900));
    const requests = await received(run);
    expect(requests).to.have.length(2);
    expect(requests[1].idempotencyKey).to.equal(requests[0].idempotencyKey);
    expect(await stored(run)).to.equal(1);
    expect(draftOf(articleId).comment).to.equal('');
  });
});

describe('fault: two tabs send the same draft', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('stores it once, and both tabs thank the reader', async () => {
    const run = newRun();
    const attributes = { endpoint: `/mock/published?run=${run}`, 'article-id': `tabs-${run}`, 'article-title': 'Tabs' };
    const first = await openTab(attributes);
    await fillValid(first.element);
    await leave(first.element, 'email');
    first.frame.contentWindow!.dispatchEvent(new PageTransitionEvent('pagehide'));
    const second = await openTab(attributes);
    expect(field(second.element, 'comment').value).to.equal('A thoughtful comment.');
    await send(first.element);
    await settled(first.element);
    await send(second.element);
    await settled(second.element);
    expect(statusText(first.element)).to.contain('Thank you!');
    expect(statusText(second.element)).to.contain('Thank you!');
    expect(await received(run)).to.have.length(2);
    expect(await stored(run)).to.equal(1);
  });
});

describe('when the element is removed while sending', () => {
  it('finishes quietly: no error, the comment stored once, the draft cleared', async () => {
    const run = newRun();
    const articleId = `removed-${run}`;
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published@300?run=${run}" article-id=${articleId} article-title="Gone"></news-comments>`);
    await fillValid(element);
    await send(element);
    element.remove();
    await waitUntil(async () => (await stored(run)) === 1, 'not stored');
    await waitUntil(() => draftOf(articleId)?.comment === '', 'draft kept');
    window.removeEventListener('error', onError);
    expect(errors).to.deep.equal([]);
  });
});
