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
