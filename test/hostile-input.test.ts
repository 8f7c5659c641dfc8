import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import {
  alertText,
  counter,
  errorOf,
  field,
  fill,
  fillValid,
  leave,
  newRun,
  received,
  send,
  settled,
  shadow,
  warningsDuring,
} from './support/helpers.js';

const mount = (endpoint: string) =>
  fixture<NewsComments>(html`<news-comments endpoint=${endpoint} article-title="Hostile"></news-comments>`);

describe('when text is hostile', () => {
  it('keeps markup, scripts and javascript: links as plain text, and sends them as written', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    const comment = '<img src=x onerror="window.hacked=true"><script>window.hacked=true</script> [x](javascript:alert(1))';
    await fillValid(element, comment);
    await fill(element, 'name', '<b>Asha</b>');
    await send(element);
    await settled(element);
    expect((window as { hacked?: boolean }).hacked).to.be.undefined;
    expect(shadow(element).querySelector('img, script, b')).to.be.null;
    expect((await received(run))[0].body).to.include({ comment, name: '<b>Asha</b>' });
  });

  it('accepts bidi overrides and zero-width joiners as text', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    const comment = 'Family 👨‍👩‍👧 \u202Eevil\u202C and ZWNJ: می\u200Cخواهم';
    await fillValid(element, comment);
    await send(element);
    await settled(element);
    expect((await received(run))[0].body.comment).to.equal(comment);
  });

  it('refuses control characters and broken surrogate pairs with a clear message', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    await fillValid(element, 'A bell\u0007 rings');
    await fill(element, 'name', 'Half \ud83d pair');
    await send(element);
    expect(errorOf(element, 'comment')).to.equal('Please remove the invisible control characters from this text.');
    expect(errorOf(element, 'name')).to.equal('Please remove the invisible control characters from this text.');
    expect(field(element, 'comment').value).to.equal('A bell\u0007 rings');
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
  });

  it('refuses C1 control characters too', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    await fillValid(element, 'Escape \u009b31m red');
    await send(element);
    expect(errorOf(element, 'comment')).to.equal('Please remove the invisible control characters from this text.');
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
  });

  it('counts a field of only invisible characters as empty', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    await fillValid(element, '\u200b\u200e\u2060\ufeff');
    await fill(element, 'name', '\u200b\u200c\u200d');
    await send(element);
    expect(errorOf(element, 'comment')).to.equal('Please write a comment.');
    expect(errorOf(element, 'name')).to.equal('Please enter your name.');
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
  });

  it('refuses one character piled with thousands of marks, says why, and keeps the text', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    const pile = `Z${'\u0301\u0300\u0336'.repeat(15_000)}algo`;
    await fillValid(element, pile);
    await send(element);
    expect(errorOf(element, 'comment')).to.equal('Please remove the marks piled on one character.');
    expect(field(element, 'comment').value).to.equal(pile);
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
    await expect(element).to.be.accessible();
  });

  it('takes a few stacked marks, long emoji sequences and conjuncts', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    const comment = 'Ze\u0301\u0300\u0336\u0301\u0300\u0336\u0301\u0300\u0336\u0301\u0300\u0336 \u{1F9D1}\u{1F3FC}\u200d\u2764\ufe0f\u200d\u{1F48B}\u200d\u{1F9D1}\u{1F3FD} र्त्स्न्यं';
    await fillValid(element, comment);
    await send(element);
    await settled(element);
    expect((await received(run))[0].body.comment).to.equal(comment);
  });

  it('takes a 1 MB paste whole, counts it, and blocks sending', async () => {
    const run = newRun();
    const element = await mount(`/mock/published?run=${run}`);
    const huge = 'ಕನ್ನಡ 👍🏽 '.repeat(100_000).slice(0, 1_000_000);
    await fillValid(element, huge);
    expect(field(element, 'comment').value).to.have.length(huge.length);
    expect(counter(element).textContent).to.match(/^[\d,]+ characters over the limit$/);
    await leave(element, 'comment');
    expect(errorOf(element, 'comment')).to.match(/^Your comment is [\d,]+ characters too long\.$/);
    await send(element);
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
  });

  it("shows a server's hostile message as text", async () => {
    const element = await mount('/mock/hostile-message');
    await fillValid(element);
    await send(element);
    await settled(element);
    expect(alertText(element)).to.contain('<img src=x onerror="window.hacked=true">Blocked');
    expect(shadow(element).querySelector('img')).to.be.null;
    expect((window as { hacked?: boolean }).hacked).to.be.undefined;
  });

  it('treats a lone surrogate in an attribute as text to correct', async () => {
    const element = await fixture<NewsComments>(html`<news-comments
      endpoint="/mock/published"
      article-title=${'Broken \udc00 title'}
    ></news-comments>`);
    await fillValid(element);
    await send(element);
    expect(errorOf(element, 'title')).to.contain('control characters');
  });
});

describe('when the publisher sets an unknown credentials mode', () => {
  it('warns and keeps cookies to the same origin', async () => {
    let element!: NewsComments;
    const warnings = await warningsDuring(async () => {
      element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" credentials="always"></news-comments>`);
    });
    expect(warnings).to.contain('"credentials" must be one of same-origin, include, omit');
    expect(element.credentials).to.equal('always');
  });
});
