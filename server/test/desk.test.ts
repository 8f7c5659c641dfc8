/**
 * The desk in headless Chromium against the real server: signing in, working a queue of 50 comments by keyboard
 * alone, what screen readers hear (read from Chromium's accessibility tree), axe, and the content security policy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page, SerializedAXNode } from 'puppeteer-core';
import { launchChrome } from './browser.js';
import { addModerator, adminApi, post, queue, report, testServer, validComment, type TestServer } from './support.js';

const PASSWORD = 'correct horse battery staple';
// axe-core comes with the element's test tools (@open-wc/testing); read as text, it is evaluated in the page
// through the DevTools protocol, which the desk's policy (script-src 'self') does not stop.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** The violations axe finds on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const { violations } = await (window as unknown as { axe: { run(): Promise<{ violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> }> } }).axe.run();
    return violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
  return violations;
}

/** What the polite live region holds, as Chromium's accessibility tree has it: what a screen reader is told. */
async function liveRegion(page: Page): Promise<string> {
  const tree = await page.accessibility.snapshot({ interestingOnly: false });
  const texts: string[] = [];
  const collect = (node: SerializedAXNode, inside: boolean) => {
    const here = inside || (node.role === 'status' && node.live === 'polite');
    if (here && node.role === 'StaticText' && node.name) texts.push(node.name);
    for (const child of node.children ?? []) collect(child, here);
  };
  if (tree) collect(tree, false);
  return texts.join(' ');
}

const waitForAnnouncement = async (page: Page, pattern: RegExp) => {
  for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
    const text = await liveRegion(page);
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`the live region never said ${pattern}; it says "${await liveRegion(page)}"`);
};

const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.activeElement;
    return active?.matches('article.comment') ? active.querySelector('h3')?.textContent : active?.tagName;
  });

const pendingCount = (page: Page) => page.$eval('#count-pending', (element) => element.textContent);

describe('the desk in Chromium', { timeout: 180_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    server = await testServer({ moderation: true });
    await addModerator(server, 'editor', PASSWORD, 'admin');
    for (let i = 1; i <= 50; i++) {
      await post(server, validComment({ articleId: 'busy-article', articleTitle: 'A busy article', title: `Comment number ${i}`, comment: `Text of comment ${i}` }));
    }
    browser = await launchChrome();
    page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 900 });
    // Registered before any page script, and by the protocol, so the desk's policy does not block it.
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`));
    });
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(String(error)));
  });
  after(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('signs in with the keyboard alone, on a sign-in page axe finds nothing wrong with', async () => {
    await page.goto(`${server.url}/admin/`);
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'name', 'the name field has focus');
    await page.keyboard.type('editor');
    await page.keyboard.press('Tab');
    await page.keyboard.type('wrong password here');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    assert.match(await page.$eval('[role="alert"]', (element) => element.textContent ?? ''), /Wrong name or password/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'password', 'the name is kept; the password is asked again');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForSelector('html[data-ready]');
    assert.equal(await page.$eval('#me', (element) => element.textContent), 'editor (admin)');
    assert.equal(await pendingCount(page), '(50)');
    // The browser logs the refused sign-in's status; nothing else may be in the console.
    assert.deepEqual(problems.splice(0), ['Failed to load resource: the server responded with a status of 401 (Unauthorized)']);
  });

  it('has nothing axe finds wrong, in the queue, the help, and every other view', async () => {
    assert.deepEqual(await axeViolations(page), [], 'the queue');
    await page.keyboard.press('?');
    assert.equal(await page.$eval('#help', (dialog) => (dialog as HTMLDialogElement).open), true);
    assert.deepEqual(await axeViolations(page), [], 'the help');
    await page.keyboard.press('Escape');
    for (const view of ['rules', 'articles', 'readers', 'audit']) {
      await page.evaluate((hash) => (location.hash = hash), view);
      await page.waitForFunction((id) => !document.getElementById(`${id}-view`)!.hidden, {}, view);
      assert.deepEqual(await axeViolations(page), [], view);
    }
    await page.evaluate(() => (location.hash = 'pending'));
    await page.waitForFunction(() => document.querySelectorAll('#queue article').length === 20);
  });

  it('explains its keys in a help overlay that ? opens and Escape closes', async () => {
    await page.keyboard.press('?');
    const tree = await page.accessibility.snapshot();
    const dialog = JSON.stringify(tree);
    assert.match(dialog, /"role":"dialog"[^{}]*"name":"Keyboard shortcuts","modal":true/);
    for (const key of ['Next comment', 'Previous comment', 'Approve this comment', 'Reject this comment', 'Select or unselect', 'Search']) {
      assert.ok(dialog.includes(key), key);
    }
    await page.keyboard.press('Escape');
    assert.equal(await page.$eval('#help', (element) => (element as HTMLDialogElement).open), false);
  });

  it('works a queue of 50 comments by keyboard alone, telling each change through the live region', async () => {
    await page.keyboard.press('j');
    assert.equal(await focused(page), 'Comment number 50');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    assert.equal(await focused(page), 'Comment number 50');
    for (let left = 50; left > 0; left--) {
      const title = await focused(page);
      assert.match(String(title), /^Comment number \d+$/, `a comment has focus with ${left} left`);
      const approve = left % 2 === 0;
      await page.keyboard.press(approve ? 'a' : 'r');
      // Done when the count moved and the next comment has focus (after the last of a page, the next page's first).
      await page.waitForFunction(
        (expected) =>
          document.querySelector('#count-pending')!.textContent === `(${expected})` &&
          (expected === 0 || document.activeElement?.matches('article.comment')),
        {},
        left - 1,
      );
      if (left % 10 === 0) {
        const said = await waitForAnnouncement(page, new RegExp(`${approve ? 'Approved' : 'Rejected'} “${title}”`));
        assert.match(said, new RegExp(`${left - 1} comments? left in Pending`));
      }
    }
    await page.waitForFunction(() => !document.getElementById('empty')!.hidden);
    assert.equal((await queue(server, 'pending')).comments.length, 0);
    assert.equal((await queue(server, 'published', '&articleId=busy-article')).comments.length, 25);
    assert.equal((await queue(server, 'rejected', '&articleId=busy-article')).comments.length, 25);
  });

  it('undoes the last action with u, and says so', async () => {
    const id = (await (await post(server, validComment({ title: 'Undo me' }))).json()).id;
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await waitForAnnouncement(page, /Pending now has 1 comment\./);
    await page.evaluate(() => (location.hash = 'published'));
    await page.evaluate(() => (location.hash = 'pending'));
    await page.waitForFunction(() => document.querySelectorAll('#queue article').length === 1);
    await page.keyboard.press('j');
    // Pressed at once, as a quick hand would: u waits for the rejection, and undoes that one.
    await page.keyboard.press('r');
    await page.keyboard.press('u');
    await waitForAnnouncement(page, /Undone: 1 comment back as before/);
    assert.deepEqual((await queue(server, 'pending')).comments.map((c) => c.id), [id]);
    await page.keyboard.press('j');
    await page.keyboard.press('r');
    await page.waitForFunction(() => document.getElementById('toast-text')!.textContent === 'Rejected “Undo me”.');
    await waitForAnnouncement(page, /Rejected “Undo me”\. 0 comments left in Pending\. Press u to undo\./);
    assert.equal((await queue(server, 'rejected')).comments.some((c) => c.id === id), true);
    await page.keyboard.press('u');
    await waitForAnnouncement(page, /Undone: 1 comment back as before/);
    assert.deepEqual((await queue(server, 'pending')).comments.map((c) => c.id), [id]);
    await page.waitForFunction(() => document.querySelectorAll('#queue article').length === 1);
  });

  it('selects with x and approves the selection with Shift+A; searches with /', async () => {
    for (const title of ['Select one', 'Select two', 'Leave me']) await post(server, validComment({ title, comment: title }));
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    await page.evaluate(() => (location.hash = 'rejected'));
    await page.waitForFunction(() => document.getElementById('queue-heading')!.textContent === 'Rejected');
    await page.evaluate(() => (location.hash = 'pending'));
    await page.waitForFunction(() => document.querySelectorAll('#queue article').length === 4);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
    await page.keyboard.type('Select');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('#queue article').length === 2);
    await waitForAnnouncement(page, /2 comments shown/);
    await page.keyboard.press('Escape');
    assert.equal(await focused(page), 'Select two');
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    assert.equal(await page.$eval('#selected-count', (element) => element.textContent), '2 comments selected');
    await page.keyboard.down('Shift');
    await page.keyboard.press('A');
    await page.keyboard.up('Shift');
    await waitForAnnouncement(page, /Approved 2 comments/);
    const pending = (await queue(server, 'pending')).comments.map((c) => c.title);
    assert.deepEqual(pending.filter((title) => title !== 'Undo me'), ['Leave me']);
  });

  it('shows a reader’s markup as text, and reasons and reports', async () => {
    // The search of the test before is cleared as a moderator would: / , select all, delete, Enter.
    await page.keyboard.press('/');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');
    await post(server, validComment({ title: '<b>bold</b>', comment: '<img src=x onerror="document.title=1">' }));
    await page.evaluate(() => (location.hash = 'published'));
    await page.evaluate(() => (location.hash = 'pending'));
    await page.waitForFunction(() => document.querySelector('#queue article h3')?.textContent === '<b>bold</b>');
    assert.equal(await page.$$eval('#queue img, #queue b', (elements) => elements.length), 0);
    assert.equal(await page.$eval('#queue article .text', (element) => element.textContent), '<img src=x onerror="document.title=1">');

    const reported = (await (await post(server, validComment({ title: 'Reported one' }))).json()).id;
    await adminApi(server, 'POST', 'comments/approve', { ids: [reported] });
    await report(server, reported, { reason: 'spam' });
    const rejected = (await (await post(server, validComment({ title: 'Rejected one' }))).json()).id;
    await adminApi(server, 'POST', 'comments/reject', { ids: [rejected], reason: 'Off topic' });
    await page.evaluate(() => (location.hash = 'reported'));
    await page.waitForFunction(() => document.querySelector('#queue article h3')?.textContent === 'Reported one');
    assert.equal(await page.$eval('#queue article .reports', (element) => element.textContent), 'Reported by 1 reader (spam: 1); still published.');
    await page.evaluate(() => (location.hash = 'rejected'));
    await page.waitForFunction(() => document.querySelector('#queue article h3')?.textContent === 'Rejected one');
    assert.equal(await page.$eval('#queue article .reason', (element) => element.textContent), 'Rejected: Off topic');
  });

  it('keeps to its content security policy, with no error in the console', () => {
    assert.deepEqual(problems, []);
  });
});

describe('the desk for a moderator who is not an admin', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  before(async () => {
    server = await testServer();
    await addModerator(server, 'mo', PASSWORD);
    browser = await launchChrome();
  });
  after(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('offers no sender records, readers’ data or audit trail', async () => {
    await post(server, validComment());
    const page = await browser.newPage();
    await page.goto(`${server.url}/admin/`);
    await page.type('#name', 'mo');
    await page.type('#password', PASSWORD);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForSelector('html[data-ready]');
    assert.equal(await page.$$eval('.admin-only:not([hidden])', (elements) => elements.length), 0);
    assert.equal(await page.$$eval('[data-action="sender"]', (elements) => elements.length), 0);
    assert.equal(await page.$$eval('[data-action="approve"]', (elements) => elements.length), 1);
    assert.equal((await adminApi(server, 'GET', 'queues')).status, 200);
  });
});
