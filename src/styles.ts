import { css } from 'lit';

/**
 * The element must look finished on a page with no CSS of ours: it inherits the page's font, and every colour and
 * size is a `--news-comments-*` custom property with a fallback. Private `--_*` properties hold the resolved values.
 */
export const styles = css`
  :host {
    display: block;
  }
  :host([hidden]) {
    display: none;
  }
  .root {
    --_accent: var(--news-comments-accent, light-dark(#0b57d0, #a8c7fa));
    --_on-accent: var(--news-comments-on-accent, light-dark(#fff, #062e6f));
    --_text: var(--news-comments-text, light-dark(#1f1f1f, #e3e3e3));
    --_muted: var(--news-comments-muted, light-dark(#4a4a4a, #c4c7c5));
    --_background: var(--news-comments-background, light-dark(#fff, #1f1f1f));
    --_field-background: var(--news-comments-field-background, var(--_background));
    --_border: var(--news-comments-border, light-dark(#767676, #8e918f));
    --_error: var(--news-comments-error, light-dark(#b3261e, #f2b8b5));
    --_success: var(--news-comments-success, light-dark(#146c2e, #6dd58c));
    --_radius: var(--news-comments-radius, 0.375rem);
    --_space: var(--news-comments-spacing, 1rem);
    /* theme="auto": the page's own color-scheme when it names one (class light/dark), else the reader's system */
    color-scheme: light dark;
    box-sizing: border-box;
    max-width: 100%;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_background);
    color: var(--_text);
    font-size: var(--news-comments-font-size, 1rem);
    line-height: 1.5;
  }
  .root.light,
  :host([theme='light']) .root {
    color-scheme: light;
  }
  .root.dark,
  :host([theme='dark']) .root {
    color-scheme: dark;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2 {
    margin: 0 0 var(--_space);
    font-size: 1.25em;
    line-height: 1.3;
  }
  form {
    display: grid;
    gap: var(--_space);
    margin: 0;
  }
  .field {
    display: grid;
    align-content: start;
    gap: 0.25rem;
    min-width: 0;
  }
  .people {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 14rem), 1fr));
    gap: var(--_space);
  }
  label {
    font-weight: 600;
  }
  input,
  textarea,
  button {
    font: inherit;
    /* 16px at least: smaller text makes phones zoom in on focus */
    font-size: max(1em, 16px);
    color: inherit;
  }
  input,
  textarea {
    width: 100%;
    margin: 0;
    padding: 0.5em 0.625em;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_field-background);
  }
  textarea {
    min-height: 8lh;
    resize: vertical;
  }
  input:focus-visible,
  textarea:focus-visible,
  button:focus-visible {
    outline: 3px solid var(--_accent);
    outline-offset: 2px;
  }
  [aria-invalid='true'] {
    border-color: var(--_error);
    box-shadow: inset 0 0 0 1px var(--_error);
  }
  .counter,
  .disclaimer {
    margin: 0;
    color: var(--_muted);
    font-size: 0.9375em;
  }
  .counter.over,
  .error {
    color: var(--_error);
    font-weight: 600;
  }
  .error {
    margin: 0;
    font-size: 0.9375em;
  }
  .disclaimer p,
  /* a publisher's own paragraphs too, unless the page sets their margins */
  .disclaimer ::slotted(p) {
    margin: 0 0 0.5em;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_space);
  }
  button {
    min-height: 2.75rem;
    padding: 0.5em 1.25em;
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
    cursor: pointer;
  }
  button.secondary {
    border-color: var(--_border);
    background: transparent;
    color: var(--_text);
  }
  button.link {
    min-height: 0;
    padding: 0;
    border: 0;
    background: none;
    color: inherit;
    font-size: inherit;
    text-decoration: underline;
  }
  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.75;
  }
  .status:empty {
    display: none;
  }
  .status,
  .restored {
    margin: 0;
    padding: 0.5em 0.75em;
    border-inline-start: 4px solid var(--_accent);
  }
  .status.sent {
    border-color: var(--_success);
  }
  .status.failed {
    border-color: var(--_error);
  }
  .visually-hidden,
  .trap {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
