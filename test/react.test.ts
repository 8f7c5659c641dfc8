import { expect, waitUntil } from '@open-wc/testing';
import type * as ReactTypes from 'react';
import type * as ReactDOMTypes from 'react-dom';
import type * as ReactDOMClientTypes from 'react-dom/client';

// React ships CommonJS only; the test runner serves it bundled as one module (see web-test-runner.config.mjs).
const { React, flushSync, createRoot } = (await import(/* @vite-ignore */ '/react.js' as string)) as {
  React: typeof ReactTypes;
  flushSync: typeof ReactDOMTypes.flushSync;
  createRoot: typeof ReactDOMClientTypes.createRoot;
};
type ReactElement = ReactTypes.ReactElement;
import type { NewsComments } from '../src/news-comments.js';
import { field, fillValid, newRun, send, settled, shadow, statusText, stored } from './support/helpers.js';

/** React 19 passes properties and events to custom elements: the README's React usage, exercised. */
describe('when a React 19 app renders the element', () => {
  it('passes attributes and properties, and hears the events', async () => {
    const run = newRun();
    const container = document.createElement('div');
    document.body.append(container);
    const root = createRoot(container);
    const successes: unknown[] = [];
    const app = (title: string): ReactElement =>
      React.createElement('news-comments', {
        endpoint: `/mock/published?run=${run}`,
        'article-id': `react-${run}`,
        articleTitle: title,
        messages: { heading: 'Join the discussion' },
        'onnews-comments-success': (event: CustomEvent) => successes.push(event.detail),
      });
    flushSync(() => root.render(app('First headline')));
    const element = container.querySelector('news-comments') as NewsComments;
    await waitUntil(() => element.shadowRoot?.querySelector('form'), 'not rendered');
    expect(shadow(element).querySelector('h2')!.textContent).to.equal('Join the discussion');
    expect(field(element, 'title').value).to.equal('First headline');
    flushSync(() => root.render(app('Second headline')));
    await element.updateComplete;
    expect(field(element, 'title').value).to.equal('Second headline');
    await fillValid(element);
    await send(element);
    await settled(element);
    expect(statusText(element)).to.contain('Thank you!');
    expect(successes).to.have.length(1);
    expect(await stored(run)).to.equal(1);
    root.unmount();
    container.remove();
  });
});
