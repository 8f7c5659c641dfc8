import { expect, waitUntil } from '@open-wc/testing';

/** Loads a plain page holding only the built script and the element, as a publisher's page would. */
async function load(page: string): Promise<Document> {
  const frame = document.createElement('iframe');
  frame.src = page;
  document.body.append(frame);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const doc = frame.contentDocument!;
  await waitUntil(() => doc.querySelector('news-comments')?.shadowRoot?.querySelector('form'), 'no form rendered');
  return doc;
}

describe('when a page loads a built script', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('renders the form from the classic <script src> build, even when it is loaded twice', async () => {
    const doc = await load('/test/fixtures/classic-script.html');
    const root = doc.querySelector('news-comments')!.shadowRoot!;
    expect(root.querySelector<HTMLInputElement>('#title')!.value).to.equal('Plain page');
    expect(Object.keys(doc.defaultView!).filter((key) => /news|comments/i.test(key))).to.deep.equal([]);
  });

  it('loads a language catalogue beside the classic build, relative to the script', async () => {
    const doc = await load('/test/fixtures/classic-script-hindi.html');
    const root = doc.querySelector('news-comments')!.shadowRoot!;
    expect(root.querySelector('h2')!.textContent).to.equal('टिप्पणी लिखें');
  });

  it('renders the form from the ES module build', async () => {
    const doc = await load('/test/fixtures/module-script.html');
    expect(doc.querySelector('news-comments')!.shadowRoot!.querySelector('[part="counter"]')!.textContent!.trim()).to.equal(
      'You have 2,000 characters left',
    );
  });
});

describe('when the reader acts before the deferred code has arrived', () => {
  afterEach(() => document.querySelectorAll('iframe').forEach((frame) => frame.remove()));

  it('sends the comment once the code arrives: the click is not lost', async () => {
    const run = crypto.randomUUID();
    const doc = await load(`/test/fixtures/slow-chunk.html?endpoint=${encodeURIComponent(`/mock/published?run=${run}`)}`);
    const element = doc.querySelector('news-comments')!;
    const root = element.shadowRoot!;
    for (const [name, value] of Object.entries({ comment: 'Sent before the checks arrived', name: 'Asha', email: 'asha@example.com' })) {
      const control = root.querySelector<HTMLInputElement>(`#${name}`)!;
      control.value = value;
      control.dispatchEvent(new Event('input', { bubbles: true }));
    }
    root.querySelector<HTMLButtonElement>('[part="button"]')!.click();
    const log = async () => (await (await fetch(`/mock/log?run=${run}`)).json()) as { stored: number };
    expect((await log()).stored).to.equal(0);
    await waitUntil(() => root.querySelector('[role="status"]')!.textContent!.includes('Thank you'), 'never sent', { timeout: 5000 });
    expect((await log()).stored).to.equal(1);
  });

  it('shows the error of a field left early, once the checks arrive', async () => {
    const doc = await load(`/test/fixtures/slow-chunk.html?endpoint=/mock/published`);
    const root = doc.querySelector('news-comments')!.shadowRoot!;
    const email = root.querySelector<HTMLInputElement>('#email')!;
    email.value = 'asha@';
    email.dispatchEvent(new Event('input', { bubbles: true }));
    email.focus();
    email.blur();
    await waitUntil(() => root.querySelector('#email-error'), 'no error shown', { timeout: 5000 });
    expect(root.querySelector('#email-error')!.textContent).to.contain('name@example.com');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
  });
});
