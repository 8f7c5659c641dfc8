import { expect, fixture, html } from '@open-wc/testing';
import { resetMouse, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { NewsComments } from '../src/news-comments.js';
import { alertText, errorOf, field, mockUrl, newRun, received, settled, statusText } from './support/helpers.js';

const focused = (element: NewsComments) => element.shadowRoot!.activeElement;

describe('when the reader uses only the keyboard', () => {
  let element: NewsComments;
  let run: string;
  beforeEach(async () => {
    run = newRun();
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <button id="before">Before</button>
      <news-comments endpoint=${mockUrl('pending', run)} article-title="An article"></news-comments>
    </div>`);
    element = wrapper.querySelector('news-comments')!;
    wrapper.querySelector<HTMLButtonElement>('#before')!.focus();
  });

  it('tabs through title, comment, name, email and the button, types, and sends with Enter', async () => {
    await sendKeys({ press: 'Tab' });
    expect(focused(element)).to.equal(field(element, 'title'));
    await sendKeys({ press: 'Tab' });
    expect(focused(element)).to.equal(field(element, 'comment'));
    await sendKeys({ type: 'Typed by keyboard 👍' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'Asha Rao' });
    await sendKeys({ press: 'Tab' });
    await sendKeys({ type: 'asha@example.com' });
    await sendKeys({ press: 'Tab' });
    expect(focused(element)?.tagName).to.equal('BUTTON');
    expect(element.shadowRoot!.querySelector('[part="counter"]')!.textContent!.trim()).to.equal(
      'You have 1,981 characters left',
    );
    await sendKeys({ press: 'Enter' });
    await settled(element);
    expect(statusText(element)).to.contain('Thank you!');
    expect((await received(run))[0].body).to.include({ comment: 'Typed by keyboard 👍', name: 'Asha Rao' });
  });

  it('submits with Enter from a one-line field, showing errors and focusing the first problem', async () => {
    await sendKeys({ press: 'Tab' });
    await sendKeys({ press: 'Enter' });
    await element.updateComplete;
    expect(errorOf(element, 'comment')).to.equal('Please write a comment.');
    expect(alertText(element)).to.equal('Please correct the 3 highlighted fields.');
    expect(focused(element)).to.equal(field(element, 'comment'));
  });

  it('shows an error when the reader tabs away from a wrong value', async () => {
    field(element, 'email').focus();
    await sendKeys({ type: 'not-an-email' });
    await sendKeys({ press: 'Tab' });
    await element.updateComplete;
    expect(errorOf(element, 'email')).to.contain('name@example.com');
  });
});

describe('when the reader clicks send while an error is about to appear', () => {
  afterEach(() => resetMouse());

  it('sends the click to the button, though the error pushes the button down', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published" article-title="A"></news-comments>`);
    field(element, 'email').focus();
    await sendKeys({ type: 'not-an-email' });
    // Pressing the button takes focus from the email field, whose error then appears above the button.
    const box = element.shadowRoot!.querySelector('[part="button"]')!.getBoundingClientRect();
    const position: [number, number] = [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)];
    await sendMouse({ type: 'move', position });
    await sendMouse({ type: 'down' });
    await element.updateComplete;
    await sendMouse({ type: 'up' });
    await element.updateComplete;
    expect(alertText(element)).to.equal('Please correct the 3 highlighted fields.');
    expect(errorOf(element, 'email')).to.contain('name@example.com');
  });
});
