import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { NewsComments } from '../src/news-comments.js';
import { counter, errorOf, fill, send, shadow, warningsDuring } from './support/helpers.js';

/** Mounts the element and waits for its language's messages to load and render. */
async function mount(template: ReturnType<typeof html>): Promise<NewsComments> {
  const wrapper = await fixture<HTMLElement>(html`<div>${template}</div>`);
  const element = wrapper.querySelector('news-comments')!;
  await waitUntil(() => element.shadowRoot?.querySelector('h2'), 'never rendered');
  return element;
}

const heading = (element: NewsComments) => shadow(element).querySelector('h2')!.textContent;
const counterText = (element: NewsComments) => counter(element).textContent!.trim();
const alertOf = (element: NewsComments) => shadow(element).querySelector('[role="alert"]')!.textContent!.trim();
const root = (element: NewsComments) => shadow(element).querySelector<HTMLElement>('.root')!;

describe('when the page is in another language', () => {
  it('speaks Hindi from its own lang attribute', async () => {
    const element = await mount(html`<news-comments lang="hi" endpoint="/mock/published"></news-comments>`);
    expect(heading(element)).to.equal('टिप्पणी लिखें');
    expect(counterText(element)).to.equal('आपके पास 2,000 अक्षर बाकी हैं');
    await expect(element).to.be.accessible();
  });

  it('takes the nearest ancestor’s lang, and Kannada', async () => {
    const element = await mount(html`<section lang="kn-IN"><news-comments endpoint="/mock/published"></news-comments></section>`);
    expect(heading(element)).to.equal('ಪ್ರತಿಕ್ರಿಯೆ ನೀಡಿ');
    expect(counterText(element)).to.equal('ನಿಮಗೆ ಇನ್ನೂ 2,000 ಅಕ್ಷರಗಳು ಉಳಿದಿವೆ');
  });

  it("falls back to the document's language", async () => {
    const previous = document.documentElement.lang;
    document.documentElement.lang = 'ar';
    try {
      const element = await mount(html`<news-comments endpoint="/mock/published"></news-comments>`);
      expect(heading(element)).to.equal('أضف تعليقًا');
    } finally {
      document.documentElement.lang = previous;
    }
  });

  it('speaks English where no language matches', async () => {
    const element = await mount(html`<news-comments lang="fr-CA" endpoint="/mock/published"></news-comments>`);
    expect(heading(element)).to.equal('Leave a Comment');
  });

  it('says again in the new language what happened, when lang changes after a failure', async () => {
    const element = await mount(html`<news-comments lang="en" endpoint="/mock/server-error" article-title="A"></news-comments>`);
    await fill(element, 'comment', 'A comment');
    await fill(element, 'name', 'Asha');
    await fill(element, 'email', 'asha@example.com');
    await send(element);
    await waitUntil(() => alertOf(element).startsWith('Your comment was not sent'), 'no failure shown', { timeout: 8000 });
    element.setAttribute('lang', 'hi');
    await waitUntil(() => heading(element) === 'टिप्पणी लिखें', 'still English');
    expect(alertOf(element)).not.to.contain('Your comment was not sent');
    expect(alertOf(element)).to.match(/[\u0900-\u097f]/);
    expect(shadow(element).querySelector('[part="button"]')!.textContent!.trim()).to.equal('फिर से कोशिश करें');
  });

  it('follows a change of its lang attribute', async () => {
    const element = await mount(html`<news-comments lang="en" endpoint="/mock/published"></news-comments>`);
    element.setAttribute('lang', 'hi');
    await waitUntil(() => heading(element) === 'टिप्पणी लिखें', 'still English');
  });
});

describe('when the countdown is plural and formatted for the language', () => {
  const counts = async (lang: string, max: number, typed: string) => {
    const element = await mount(html`<news-comments lang=${lang} endpoint="/mock/published" max-length=${max}></news-comments>`);
    await fill(element, 'comment', typed);
    return counterText(element);
  };

  it('uses Hindi and Kannada singular and plural', async () => {
    expect(await counts('hi', 2, 'x')).to.equal('आपके पास 1 अक्षर बाकी है');
    expect(await counts('hi', 5, 'x')).to.equal('आपके पास 4 अक्षर बाकी हैं');
    expect(await counts('kn', 2, 'x')).to.equal('ನಿಮಗೆ ಇನ್ನೂ 1 ಅಕ್ಷರ ಉಳಿದಿದೆ');
    expect(await counts('kn', 5, 'x')).to.equal('ನಿಮಗೆ ಇನ್ನೂ 4 ಅಕ್ಷರಗಳು ಉಳಿದಿವೆ');
  });

  it('uses all six Arabic forms, with Arabic digits', async () => {
    const n = (value: number) => new Intl.NumberFormat('ar').format(value);
    expect(await counts('ar', 1, 'x')).to.equal('لم يتبقَّ لديك أي حرف');
    expect(await counts('ar', 2, 'x')).to.equal('تبقّى لديك حرف واحد');
    expect(await counts('ar', 3, 'x')).to.equal('تبقّى لديك حرفان');
    expect(await counts('ar', 6, 'x')).to.equal(`تبقّى لديك ${n(5)} أحرف`);
    expect(await counts('ar', 12, 'x')).to.equal(`تبقّى لديك ${n(11)} حرفًا`);
    expect(await counts('ar', 101, 'x')).to.equal(`تبقّى لديك ${n(100)} حرف`);
  });

  it('formats numbers for the locale, in Devanagari digits where the locale asks', async () => {
    expect(await counts('hi-IN-u-nu-deva', 2000, 'x')).to.equal('आपके पास १,९९९ अक्षर बाकी हैं');
    expect(await counts('hi', 200000, 'x')).to.equal('आपके पास 1,99,999 अक्षर बाकी हैं');
    expect(await counts('en', 2000, 'x')).to.equal('You have 1,999 characters left');
  });

  it('says what is wrong in the reader’s language', async () => {
    const element = await mount(html`<news-comments lang="kn" endpoint="/mock/published"></news-comments>`);
    await send(element);
    expect(errorOf(element, 'comment')).to.equal('ದಯವಿಟ್ಟು ಪ್ರತಿಕ್ರಿಯೆ ಬರೆಯಿರಿ.');
  });
});

describe('when the publisher replaces messages', () => {
  it('takes an object in the messages property', async () => {
    const element = await mount(html`<news-comments
      endpoint="/mock/published"
      .messages=${{ heading: 'Your view', charactersLeft: { one: '{count} to go', other: '{count} to go' } }}
    ></news-comments>`);
    expect(heading(element)).to.equal('Your view');
    expect(counterText(element)).to.equal('2,000 to go');
  });

  it('takes JSON in the messages attribute, for a language we do not ship', async () => {
    const element = await mount(html`<news-comments
      lang="fr"
      endpoint="/mock/published"
      messages='{"heading": "Laisser un commentaire", "charactersLeft": {"one": "Il reste {count} caractère", "other": "Il reste {count} caractères"}}'
    ></news-comments>`);
    expect(heading(element)).to.equal('Laisser un commentaire');
    expect(counterText(element)).to.equal(`Il reste ${new Intl.NumberFormat('fr').format(2000)} caractères`);
  });

  it('warns about an unknown key or a wrong placeholder, and keeps the rest working', async () => {
    let element!: NewsComments;
    const warnings = await warningsDuring(async () => {
      element = await mount(html`<news-comments
        endpoint="/mock/published"
        .messages=${{ heading: 'Your view', headline: 'x', charactersLeft: '{remaining} left', send: 42 }}
      ></news-comments>`);
    });
    expect(warnings).to.contain('unknown key "headline"');
    expect(warnings).to.contain('{remaining}');
    expect(warnings).to.contain('"messages.send" must be a text');
    expect(heading(element)).to.equal('Your view');
    expect(counterText(element)).to.equal('You have 2,000 characters left');
  });

  it('warns about JSON it cannot read, and shows the form in its own words', async () => {
    let element!: NewsComments;
    const warnings = await warningsDuring(async () => {
      element = await mount(html`<news-comments endpoint="/mock/published" messages="{heading: oops"></news-comments>`);
    });
    expect(warnings).to.contain('must be JSON');
    expect(heading(element)).to.equal('Leave a Comment');
  });
});

describe('when the page reads right to left', () => {
  it('mirrors the form for an Arabic page, and passes axe', async () => {
    const element = await mount(html`<news-comments lang="ar" endpoint="/mock/published"></news-comments>`);
    expect(getComputedStyle(root(element)).direction).to.equal('rtl');
    // The label's text sits at the right edge of the form.
    const form = shadow(element).querySelector('form')!.getBoundingClientRect();
    const text = document.createRange();
    text.selectNodeContents(shadow(element).querySelector('label')!);
    const label = text.getBoundingClientRect();
    expect(form.right - label.right).to.be.below(2);
    expect(label.left - form.left).to.be.above(50);
    await expect(element).to.be.accessible();
  });

  it('follows dir="rtl" on any ancestor', async () => {
    const element = await mount(html`<div dir="rtl"><news-comments endpoint="/mock/published"></news-comments></div>`);
    expect(getComputedStyle(root(element)).direction).to.equal('rtl');
  });

  it('keeps left-to-right names readable inside right-to-left text', async () => {
    const element = await mount(html`<news-comments lang="ar" endpoint="/mock/published"></news-comments>`);
    for (const field of shadow(element).querySelectorAll('input:not([tabindex="-1"]), textarea')) {
      expect(field.getAttribute('dir')).to.equal('auto');
    }
  });
});

describe('when the page chooses a theme', () => {
  const background = (element: NewsComments) => getComputedStyle(root(element)).backgroundColor;

  it("follows the reader's system on a page that says nothing", async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const element = await mount(html`<news-comments endpoint="/mock/published"></news-comments>`);
      expect(background(element)).to.equal('rgb(31, 31, 31)');
      await expect(element).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
  });

  it('follows a page that sets color-scheme: dark', async () => {
    const element = await mount(html`<div style="color-scheme: dark"><news-comments endpoint="/mock/published"></news-comments></div>`);
    expect(background(element)).to.equal('rgb(31, 31, 31)');
  });

  it('lets theme="light" win over the page', async () => {
    const element = await mount(html`<div style="color-scheme: dark"><news-comments theme="light" endpoint="/mock/published"></news-comments></div>`);
    expect(background(element)).to.equal('rgb(255, 255, 255)');
  });

  it('switches when the theme attribute changes', async () => {
    const element = await mount(html`<news-comments theme="light" endpoint="/mock/published"></news-comments>`);
    element.theme = 'dark';
    await element.updateComplete;
    expect(background(element)).to.equal('rgb(31, 31, 31)');
  });
});

describe('when loading="lazy"', () => {
  it('renders the form only as it comes near the viewport', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div style="height: 300px; overflow: auto">
      <div style="height: 5000px"></div>
      <news-comments loading="lazy" endpoint="/mock/published"></news-comments>
    </div>`);
    const element = wrapper.querySelector('news-comments')!;
    await element.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shadow(element).querySelector('form')).to.be.null;
    element.scrollIntoView();
    await waitUntil(() => shadow(element).querySelector('form'), 'never rendered');
  });

  it('still renders when moved in the page before it came near', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div>
      <div class="far" style="height: 300px; overflow: auto"><div style="height: 5000px"></div></div>
      <div class="near"></div>
    </div>`);
    const element = document.createElement('news-comments');
    element.setAttribute('loading', 'lazy');
    element.setAttribute('endpoint', '/mock/published');
    wrapper.querySelector('.far')!.append(element);
    await element.updateComplete;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(shadow(element).querySelector('form')).to.be.null;
    // A page that moves its comment box (a layout change, a single-page app) into view.
    wrapper.querySelector('.near')!.append(element);
    await waitUntil(() => shadow(element).querySelector('form'), 'never rendered after the move');
  });

  it('renders at once by default', async () => {
    const element = await fixture<NewsComments>(html`<news-comments endpoint="/mock/published"></news-comments>`);
    expect(shadow(element).querySelector('form')).to.exist;
  });
});
