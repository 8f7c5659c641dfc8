/**
 * Breaking things on purpose: one test per fault between the reader and the server. Each checks what the reader
 * sees, that the text is still there (or, after success, gone from the draft), and how many comments the server
 * stored: exactly one after success, none otherwise.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { NewsComments } from '../src/news-comments.js';
import {
  alertText,
  button,
  draftOf,
  field,
  fillValid,
  newRun,
  received,
  send,
  settled,
  shadow,
  statusText,
  stored,
} from './support/helpers.js';

const COMMENT = 'A thoughtful comment.';

/** Mounts a form posting to the mock's `answers` sequence, fills it and sends it. */
async function sendThrough(answers: string, timeout = 2000) {
  const run = newRun();
  const articleId = `faults-${run}`;
  const element = await fixture<NewsComments>(html`<news-comments
    endpoint=${answers.startsWith('http') ? answers : `/mock/${answers}?run=${run}`}
    article-id=${articleId}
    article-title="Faults"
    timeout=${timeout}
  ></news-comments>`);
  await fillValid(element);
  await send(element);
  return { element, run, articleId };
}

async function expectKeptAndNotSent(element: NewsComments, articleId: string, reason: string) {
  expect(alertText(element)).to.contain('Your comment was not sent.');
  expect(alertText(element)).to.contain(reason);
  expect(field(element, 'comment').value).to.equal(COMMENT);
  expect(draftOf(articleId).comment).to.equal(COMMENT);
  expect(button(element).textContent!.trim()).to.equal('Try again');
}

async function expectSentOnce(element: NewsComments, run: string, articleId: string) {
  expect(statusText(element)).to.contain('Thank you!');
  expect(field(element, 'comment').value).to.equal('');
  expect(draftOf(articleId)?.comment ?? '').to.equal('');
  expect(await stored(run)).to.equal(1);
  const keys = new Set((await received(run)).map((request) => request.idempotencyKey));
  expect(keys.size, 'every attempt carries the same Idempotency-Key').to.equal(1);
}

describe('fault: the connection is refused', () => {
  it('retries a few times, then says the service could not be reached and keeps the text', async () => {
    const { element, articleId } = await sendThrough('http://127.0.0.1:9/comments');
    await waitUntil(() => statusText(element).includes('trying again'), 'no retry announced');
    await settled(element, 8000);
    await expectKeptAndNotSent(element, articleId, 'could not be reached');
  });
});

describe('fault: the connection is reset mid-request', () => {
  it('retries on its own with the same key and the comment is stored once', async () => {
    const { element, run, articleId } = await sendThrough('reset,published');
    await settled(element);
    await expectSentOnce(element, run, articleId);
  });

  it('keeps the text when every attempt is reset', async () => {
    const { element, run, articleId } = await sendThrough('reset');
    await settled(element, 8000);
    await expectKeptAndNotSent(element, articleId, 'could not be reached');
    // Four attempts of ours; Chrome itself may retry a reset connection too.
    expect((await received(run)).length).to.be.at.least(4);
    expect(await stored(run)).to.equal(0);
  });
});

describe('fault: the server does not answer in time', () => {
  it('gives up after the timeout, says so, and keeps the text', async () => {
    const { element, run, articleId } = await sendThrough('server-error@3000', 400);
    await settled(element);
    await expectKeptAndNotSent(element, articleId, 'took too long');
    expect(await stored(run)).to.equal(0);
  });
});

describe('fault: the server answers 500', () => {
  it('says the service had a problem, keeps the text, stores nothing', async () => {
    const { element, run, articleId } = await sendThrough('server-error');
    await settled(element);
    await expectKeptAndNotSent(element, articleId, 'had a problem');
    expect(await received(run)).to.have.length(1);
    expect(await stored(run)).to.equal(0);
  });
});

describe('fault: a proxy answers 502 with an HTML page', () => {
  it('retries on its own, shows no markup, and the comment is stored once', async () => {
    const { element, run, articleId } = await sendThrough('html-502,published');
    await settled(element);
    expect((window as { hacked?: boolean }).hacked).to.be.undefined;
    await expectSentOnce(element, run, articleId);
  });
});

describe('fault: the server answers 503 with Retry-After', () => {
  it('waits as asked, then sends; stored once', async () => {
    const { element, run, articleId } = await sendThrough('unavailable-briefly,published');
    await waitUntil(() => statusText(element).includes('trying again in 1 s'), 'wait not announced');
    await settled(element);
    await expectSentOnce(element, run, articleId);
  });
});

describe('fault: the server answers 429', () => {
  it('says it will try again in the time the server asks, then sends; stored once', async () => {
    const { element, run, articleId } = await sendThrough('rate-limited-briefly,published');
    await waitUntil(() => statusText(element) === 'Too many comments right now — trying again in 1 s.', 'no wait');
    await expect(element).to.be.accessible();
    await settled(element);
    await expectSentOnce(element, run, articleId);
  });

  it('does not wait ten minutes: asks the reader to try later, keeping the text', async () => {
    const { element, run, articleId } = await sendThrough('rate-limited');
    await settled(element);
    await expectKeptAndNotSent(element, articleId, 'Too many comments');
    expect(await received(run)).to.have.length(1);
  });
});

describe('fault: the server answers 413', () => {
  it("shows the server's reason, keeps the text, stores nothing", async () => {
    const { element, run, articleId } = await sendThrough('refused-with-message');
    await settled(element);
    await expectKeptAndNotSent(element, articleId, 'The comment is too large.');
    expect(await stored(run)).to.equal(0);
  });
});

describe('fault: the server answers 400 with field errors', () => {
  it('shows them on the fields, keeps the text, stores nothing', async () => {
    const { element, run, articleId } = await sendThrough('invalid');
    await settled(element);
    expect(shadow(element).querySelector('#email-error')!.textContent).to.equal('This address cannot receive mail.');
    expect(field(element, 'comment').value).to.equal(COMMENT);
    expect(draftOf(articleId).comment).to.equal(COMMENT);
    expect(await stored(run)).to.equal(0);
  });
});

describe('fault: the server answers 201 with a body that is not JSON', () => {
  it('says the answer was not understood, keeps the text; the retry is recognised, so it is stored once', async () => {
    const { element, run, articleId } = await sendThrough('not-json,published');
    await settled(element);
    await expectKeptAndNotSent(element, articleId, 'could not be understood');
    await send(element);
    await settled(element);
    await expectSentOnce(element, run, articleId);
  });
});

describe('fault: the 201 arrives after the timeout', () => {
  it('tells the reader it took too long; the retry carries the same key, so it is stored once', async () => {
    const { element, run, articleId } = await sendThrough('published@1500,published', 500);
    await settled(element);
    await expectKeptAndNotSent(element, articleId, 'took too long');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await stored(run), 'the late request was stored').to.equal(1);
    await send(element);
    await settled(element);
    await expectSentOnce(element, run, articleId);
  });
});

describe('fault: the reader is offline, then online', () => {
  it('says it will send when the connection returns, and does', async () => {
    const run = newRun();
    const articleId = `offline-${run}`;
    const element = await fixture<NewsComments>(html`<news-comments
      endpoint="/mock/published?run=${run}"
      article-id=${articleId}
      article-title="Offline"
    ></news-comments>`);
    await fillValid(element);
    await executeServerCommand('go-offline', { milliseconds: 1500 });
    await waitUntil(() => !navigator.onLine, 'still online');
    await send(element);
    await waitUntil(() => statusText(element).includes('You are offline'), 'offline not said');
    expect(button(element).textContent!.trim()).to.equal('Sending…');
    await settled(element);
    await expectSentOnce(element, run, articleId);
  });
});

describe('fault: the reader clicks send twice', () => {
  it('sends once', async () => {
    const { element, run, articleId } = await sendThrough('published@300');
    button(element).click();
    button(element).click();
    await settled(element);
    expect(await received(run)).to.have.length(1);
    await expectSentOnce(element, run, articleId);
  });
});

describe('when the reader cancels while it waits', () => {
  it('stops, keeps everything, and lets the reader edit', async () => {
    const { element, run, articleId } = await sendThrough('rate-limited-briefly,published');
    await waitUntil(() => statusText(element).includes('trying again'), 'no wait');
    shadow(element).querySelector<HTMLButtonElement>('[part="cancel"]')!.click();
    await settled(element);
    expect(statusText(element)).to.equal('Sending stopped. Your comment is still here.');
    expect(field(element, 'comment').readOnly).to.be.false;
    expect(field(element, 'comment').value).to.equal(COMMENT);
    expect(draftOf(articleId).comment).to.equal(COMMENT);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await received(run)).to.have.length(1);
    expect(await stored(run)).to.equal(0);
  });
});
