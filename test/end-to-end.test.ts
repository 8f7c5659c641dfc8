import { expect, fixture, html } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import { alertText, field, fillValid, send, settled, statusText } from './support/helpers.js';

const referenceServer = async (): Promise<string> => (await (await fetch('/e2e/server')).json()).url;

describe('when a reader comments through the reference server', () => {
  it('stores the comment, publishes it and lists it for the article', async () => {
    const server = await referenceServer();
    const articleId = `e2e-${crypto.randomUUID()}`;
    const element = await fixture<NewsComments>(html`<news-comments
      endpoint="${server}/api/comments"
      article-id=${articleId}
      article-title="End to end"
    ></news-comments>`);
    await fillValid(element, 'Posted across origins. ಧನ್ಯವಾದಗಳು 👍🏽');
    await send(element);
    await settled(element);
    expect(statusText(element)).to.equal('Thank you! Your comment has been published.');
    expect(field(element, 'comment').value).to.equal('');
    const list = await (await fetch(`${server}/api/comments?articleId=${articleId}`)).json();
    expect(list.comments.map((comment: { comment: string; name: string }) => [comment.comment, comment.name])).to.deep.equal([
      ['Posted across origins. ಧನ್ಯವಾದಗಳು 👍🏽', 'Asha Rao'],
    ]);
  });

  it("shows the server's field errors next to the fields", async () => {
    const server = await referenceServer();
    const element = await fixture<NewsComments>(html`<news-comments
      endpoint="${server}/api/comments"
      article-title="End to end"
    ></news-comments>`);
    await fillValid(element, 'A bell \u0007 rings.');
    await send(element);
    await settled(element);
    expect(element.shadowRoot!.querySelector('#comment-error')!.textContent).to.contain('control characters');
    expect(alertText(element)).to.equal('Please correct the highlighted field.');
  });
});
