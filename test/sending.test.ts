import { aTimeout, expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import {
  alertText,
  button,
  field,
  fill,
  fillValid,
  mockUrl,
  newRun,
  received,
  send,
  settled,
  statusText,
} from './support/helpers.js';

const mount = (endpoint: string, extra = '') =>
  fixture<NewsComments>(html`<news-comments
    endpoint=${endpoint}
    article-id="nato-russia"
    article-url="https://news.example/nato"
    article-title="NATO ready for dialogue"
    timeout=${extra === 'short-timeout' ? '400' : '15000'}
  ></news-comments>`);

describe('when the reader sends a comment', () => {
  it('posts the comment as JSON to the endpoint', async () => {
    const run = newRun();
    const element = await mount(mockUrl('published', run));
    await fillValid(element, '  Well reported, thank you.\n');
    await send(element);
    await settled(element);
    const [request] = await received(run);
    expect(request.contentType).to.equal('application/json');
    expect(request.accept).to.equal('application/json');
    const { elapsed, ...fields } = request.body;
    expect(elapsed).to.be.a('number').and.to.be.at.least(0);
    expect(fields).to.deep.equal({
      articleId: 'nato-russia',
      articleUrl: 'https://news.example/nato',
      // The article's title, for the moderators; the comment's own title follows.
      articleTitle: 'NATO ready for dialogue',
      title: 'NATO ready for dialogue',
      comment: 'Well reported, thank you.',
      name: 'Asha Rao',
      email: 'asha@example.com',
    });
  });

  it('sends text in any script exactly as written', async () => {
    const run = newRun();
    const element = await mount(mockUrl('published', run));
    const comment = 'ಧನ್ಯವಾದಗಳು! बहुत अच्छा लेख 👏🏾 <b>not bold</b>';
    await fillValid(element, comment);
    await send(element);
    await settled(element);
    expect((await received(run))[0].body.comment).to.equal(comment);
  });
});

describe('while the comment is on its way', () => {
  let element: NewsComments;
  let run: string;
  beforeEach(async () => {
    run = newRun();
    element = await mount(mockUrl('published', run, 600));
    await fillValid(element);
    await send(element);
  });

  it('says it is sending, on the button and to screen readers', async () => {
    expect(button(element).textContent!.trim()).to.equal('Sending…');
    expect(button(element).getAttribute('aria-disabled')).to.equal('true');
    expect(statusText(element)).to.equal('Sending your comment…');
    await expect(element).to.be.accessible();
  });

  it('sends nothing more on a second click or Enter', async () => {
    button(element).click();
    field(element, 'name').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    element.shadowRoot!.querySelector('form')!.requestSubmit();
    await settled(element);
    expect(await received(run)).to.have.length(1);
  });

  it('keeps the fields from changing under the request', () => {
    expect(field(element, 'comment').readOnly).to.be.true;
  });
});

describe('when the server publishes the comment', () => {
  let element: NewsComments;
  beforeEach(async () => {
    element = await mount(mockUrl('published', newRun()));
    await fillValid(element);
  });

  it('thanks the reader, says it is live, empties the comment and keeps name and email', async () => {
    await send(element);
    await settled(element);
    expect(statusText(element)).to.equal('Thank you! Your comment has been published.');
    expect(field(element, 'comment').value).to.equal('');
    expect(field(element, 'name').value).to.equal('Asha Rao');
    expect(field(element, 'email').value).to.equal('asha@example.com');
    expect(field(element, 'title').value).to.equal('NATO ready for dialogue');
    expect(element.shadowRoot!.querySelector('[aria-invalid="true"]')).to.be.null;
    expect(button(element).textContent!.trim()).to.equal('Send comment');
    await expect(element).to.be.accessible();
  });

  it('fires news-comments-submit with the request, then news-comments-success with the answer', async () => {
    const submitted = oneEvent(element, 'news-comments-submit');
    button(element).click();
    const submit = await submitted;
    expect(submit.detail.comment).to.equal('A thoughtful comment.');
    expect(submit.bubbles && submit.composed && submit.cancelable).to.be.true;
    const success = await oneEvent(element, 'news-comments-success');
    expect(success.detail).to.deep.equal({ id: 'c-1', status: 'published' });
    expect(success.bubbles && success.composed).to.be.true;
  });
});

describe('when the server holds the comment for moderation', () => {
  it('says it will appear once approved', async () => {
    const element = await mount(mockUrl('pending', newRun()));
    await fillValid(element);
    await send(element);
    await settled(element);
    expect(statusText(element)).to.equal(
      'Thank you! Your comment was received and will appear once a moderator has approved it.',
    );
  });
});

describe('when the publisher cancels news-comments-submit', () => {
  it('sends nothing and keeps the text', async () => {
    const run = newRun();
    const element = await mount(mockUrl('published', run));
    element.addEventListener('news-comments-submit', (event) => event.preventDefault());
    await fillValid(element);
    await send(element);
    await aTimeout(100);
    expect(await received(run)).to.have.length(0);
    expect(field(element, 'comment').value).to.equal('A thoughtful comment.');
  });
});

describe('when the comment cannot be delivered', () => {
  const failures: Array<[string, string, string]> = [
    ['the server is unreachable', 'http://127.0.0.1:9/comments', 'The comment service could not be reached.'],
    ['the server fails with 500', '/mock/server-error', 'The comment service had a problem.'],
    ['a proxy answers 502 with an HTML page', '/mock/html-502', 'The comment service had a problem.'],
    ['the server answers 201 with text, not JSON', '/mock/not-json', 'could not be understood'],
    ['the server answers 200 with other JSON', '/mock/wrong-json', 'could not be understood'],
    ['the server is too busy (429)', '/mock/rate-limited', 'Too many comments are being sent right now'],
    ['the server refuses with a message', '/mock/refused-with-message', 'refused it: The comment is too large.'],
    ['the server refuses the article', '/mock/invalid-article', 'Comments are closed on this article.'],
  ];

  for (const [what, endpoint, reason] of failures) {
    describe(`because ${what}`, () => {
      let element: NewsComments;
      let errorEvent: Promise<CustomEvent>;
      beforeEach(async () => {
        element = await mount(endpoint);
        await fillValid(element);
        errorEvent = oneEvent(element, 'news-comments-error');
        await send(element);
        await settled(element);
      });

      it('says the comment was not sent and why, keeps everything, and offers to try again', async () => {
        expect(alertText(element)).to.match(/^Your comment was not sent\./);
        expect(alertText(element)).to.contain(reason);
        expect(alertText(element)).to.contain('Everything you wrote is still here');
        expect(field(element, 'comment').value).to.equal('A thoughtful comment.');
        expect(field(element, 'name').value).to.equal('Asha Rao');
        expect(button(element).textContent!.trim()).to.equal('Try again');
        expect((await errorEvent).detail.reason).to.be.a('string');
        await expect(element).to.be.accessible();
      });
    });
  }

  it('shows a server error page as text, never as markup', async () => {
    const element = await mount('/mock/html-502');
    await fillValid(element);
    await send(element);
    await settled(element);
    expect((window as { hacked?: boolean }).hacked).to.be.undefined;
    expect(element.shadowRoot!.querySelector('h1')).to.be.null;
  });

  it('gives up after the timeout and says so', async () => {
    const element = await mount(mockUrl('published', newRun(), 3000), 'short-timeout');
    await fillValid(element);
    await send(element);
    await settled(element, 2000);
    expect(alertText(element)).to.contain('The comment service took too long to answer.');
    expect(field(element, 'comment').value).to.equal('A thoughtful comment.');
  });

  it('sends the same text again with one press of "Try again"', async () => {
    const run = newRun();
    const element = await mount(mockUrl('server-error', run));
    await fillValid(element);
    await send(element);
    await settled(element);
    element.endpoint = mockUrl('published', run);
    await element.updateComplete;
    await send(element);
    await settled(element);
    const requests = await received(run);
    expect(requests).to.have.length(2);
    const { elapsed: _first, ...first } = requests[0].body;
    const { elapsed: _second, ...second } = requests[1].body;
    expect(second).to.deep.equal(first);
    expect(statusText(element)).to.contain('Thank you!');
    expect(alertText(element)).to.equal('');
  });
});

describe('when the reader edits the comment after a failure', () => {
  it('sends the edited text on the retry', async () => {
    const run = newRun();
    const element = await mount(mockUrl('server-error', run));
    await fillValid(element);
    await send(element);
    await settled(element);
    await fill(element, 'comment', 'A thoughtful comment, improved.');
    element.endpoint = mockUrl('pending', run);
    await element.updateComplete;
    await send(element);
    await settled(element);
    expect((await received(run)).map((request) => request.body.comment)).to.deep.equal([
      'A thoughtful comment.',
      'A thoughtful comment, improved.',
    ]);
  });
});

describe('when a bot fills the hidden field', () => {
  it('sends it, so the server can drop the comment', async () => {
    const run = newRun();
    const element = await mount(mockUrl('published', run));
    await fillValid(element);
    element.shadowRoot!.querySelector<HTMLInputElement>('[name="website"]')!.value = 'https://spam.example';
    await send(element);
    await settled(element);
    expect((await received(run))[0].body.website).to.equal('https://spam.example');
  });
});
