import { aTimeout, expect, fixture, html } from '@open-wc/testing';
import type { NewsComments } from '../src/news-comments.js';
import { alertText, errorOf, settled, field, fill, fillValid, leave, mockUrl, newRun, received, send } from './support/helpers.js';

describe('when the reader leaves a field empty or wrong', () => {
  let element: NewsComments;
  let run: string;
  beforeEach(async () => {
    run = newRun();
    element = await fixture(html`<news-comments endpoint=${mockUrl('published', run)} article-title="An article"></news-comments>`);
  });

  it('shows no error before the reader has left the field', async () => {
    await fill(element, 'email', 'asha@');
    expect(errorOf(element, 'email')).to.equal('');
    expect(field(element, 'email').getAttribute('aria-invalid')).to.equal('false');
  });

  it('shows the error next to the field once the reader leaves it', async () => {
    await fill(element, 'email', 'asha@');
    await leave(element, 'email');
    expect(errorOf(element, 'email')).to.equal('Please enter an email address like name@example.com.');
    const email = field(element, 'email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(email.getAttribute('aria-describedby')).to.equal('email-error');
    await expect(element).to.be.accessible();
  });

  it('clears the error as soon as the value is right', async () => {
    await fill(element, 'name', '');
    await leave(element, 'name');
    expect(errorOf(element, 'name')).to.equal('Please enter your name.');
    await fill(element, 'name', 'Asha');
    expect(errorOf(element, 'name')).to.equal('');
    expect(field(element, 'name').getAttribute('aria-invalid')).to.equal('false');
  });

  it('counts spaces alone as empty', async () => {
    await fill(element, 'title', '   ');
    await leave(element, 'title');
    expect(errorOf(element, 'title')).to.equal('Please give your comment a title.');
  });

  it('enforces the length of title, name and email without cutting them', async () => {
    await fill(element, 'title', 't'.repeat(201));
    await fill(element, 'name', 'n'.repeat(101));
    await fill(element, 'email', `${'e'.repeat(250)}@example.com`);
    await send(element);
    expect(errorOf(element, 'title')).to.equal('Please keep the title to 200 characters.');
    expect(errorOf(element, 'name')).to.equal('Please keep your name to 100 characters.');
    expect(errorOf(element, 'email')).to.equal('Please keep the email address to 254 characters.');
    expect(field(element, 'title').value).to.have.length(201);
  });
});

describe('when the reader presses send with problems', () => {
  let element: NewsComments;
  let run: string;
  beforeEach(async () => {
    run = newRun();
    element = await fixture(html`<news-comments endpoint=${mockUrl('published', run)} article-title="An article"></news-comments>`);
    await fill(element, 'comment', 'Good piece.');
    await send(element);
  });

  it('shows every error, says how many, and focuses the first', async () => {
    expect(errorOf(element, 'name')).to.equal('Please enter your name.');
    expect(errorOf(element, 'email')).to.equal('Please enter your email address.');
    expect(errorOf(element, 'title')).to.equal('');
    expect(alertText(element)).to.equal('Please correct the 2 highlighted fields.');
    expect(element.shadowRoot!.activeElement).to.equal(field(element, 'name'));
    await expect(element).to.be.accessible();
  });

  it('sends nothing', async () => {
    await aTimeout(50);
    expect(await received(run)).to.have.length(0);
  });

  it('sends once the problems are fixed', async () => {
    await fillValid(element, 'Good piece.');
    await send(element);
    await aTimeout(100);
    expect(await received(run)).to.have.length(1);
  });
});

describe('when the server rejects fields', () => {
  let element: NewsComments;
  beforeEach(async () => {
    element = await fixture(html`<news-comments endpoint=${mockUrl('invalid', newRun())} article-title="An article"></news-comments>`);
    await fillValid(element);
    await send(element);
    await settled(element);
  });

  it("shows the server's message on each field and focuses the first", async () => {
    expect(errorOf(element, 'name')).to.equal('This name is taken.');
    expect(errorOf(element, 'email')).to.equal('This address cannot receive mail.');
    expect(field(element, 'name').getAttribute('aria-invalid')).to.equal('true');
    expect(element.shadowRoot!.activeElement).to.equal(field(element, 'name'));
    await expect(element).to.be.accessible();
  });

  it('keeps everything the reader wrote', () => {
    expect(field(element, 'comment').value).to.equal('A thoughtful comment.');
    expect(field(element, 'name').value).to.equal('Asha Rao');
  });

  it("drops the server's message once the reader changes that field", async () => {
    await fill(element, 'name', 'Asha R.');
    expect(errorOf(element, 'name')).to.equal('');
    expect(errorOf(element, 'email')).to.equal('This address cannot receive mail.');
  });
});
