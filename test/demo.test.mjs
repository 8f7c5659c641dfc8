/**
 * A newcomer's first run: `npm start` as README says, then every demo page in headless Chromium. Each page, with the
 * pages in its frames, must load without a failed request, an error status or a console error or warning, and every
 * `<news-comments>` on it must show its form, pointed at the server `npm start` runs, and pass axe. Both servers get
 * free ports and a throwaway database, so the check runs beside a developer's own `npm start`.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchChrome } from '../scripts/browser.mjs';

const freePort = () =>
  new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });

const serverPort = await freePort();
const demoPort = await freePort();
const demo = `http://127.0.0.1:${demoPort}`;
const endpoint = `http://127.0.0.1:${serverPort}/api/comments`;
const pages = readdirSync('demo').filter((file) => file.endsWith('.html'));
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let start;
let output = '';
let dataDir;
let browser;

/** Polls `url` until it answers 200, failing early if `npm start` has stopped. */
async function waitFor(url, deadline) {
  for (;;) {
    if (start.exitCode !== null || start.signalCode !== null) throw new Error(`npm start stopped:\n${output}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer in time:\n${output}`);
    await sleep(250);
  }
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'news-comments-demo-'));
  // Its own process group, so the servers it starts stop with it.
  start = spawn('npm', ['start'], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(serverPort), DEMO_PORT: String(demoPort), DATA_DIR: dataDir },
  });
  for (const stream of [start.stdout, start.stderr]) stream.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 120_000;
  await waitFor(`${demo}/demo/`, deadline);
  await waitFor(`${endpoint}?articleId=nato-russia-dialogue`, deadline);
  browser = await launchChrome();
});

after(async () => {
  await browser?.close();
  if (start && start.exitCode === null && start.signalCode === null) {
    const stopped = new Promise((resolve) => start.once('exit', resolve));
    process.kill(-start.pid, 'SIGTERM');
    if ((await Promise.race([stopped, sleep(10_000, 'late')])) === 'late') process.kill(-start.pid, 'SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** What axe finds wrong with the `<news-comments>` elements of `frame`, their slotted content included. */
async function axeViolations(frame) {
  // Evaluated through the DevTools protocol, which the strict page's Content-Security-Policy does not govern.
  await frame.evaluate(axeSource);
  return frame.evaluate(async () => {
    const elements = [...document.querySelectorAll('news-comments')];
    if (!elements.length) return [];
    // themes.html shows two English forms side by side, two "Leave a Comment" form landmarks, which axe's best-practice
    // landmark-unique flags; a news page carries one comment form.
    const { violations } = await globalThis.axe.run(elements, { rules: { 'landmark-unique': { enabled: false } } });
    return violations.map(({ id, nodes }) => `${id}: ${nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
}

for (const name of pages) {
  test(`demo/${name} loads clean after npm start`, { timeout: 60_000 }, async () => {
    const page = await browser.newPage();
    try {
      const problems = [];
      page.on('response', (response) => {
        if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
      });
      page.on('requestfailed', (request) => problems.push(`failed ${request.url()}: ${request.failure()?.errorText}`));
      page.on('pageerror', (error) => problems.push(`uncaught ${error.message}`));
      page.on('console', (message) => {
        if (!['error', 'warn', 'assert'].includes(message.type())) return;
        // Lit's notice that the dev server serves its development build, whose extra checks help whoever edits src/.
        if (message.text().includes('lit.dev/msg/dev-mode')) return;
        problems.push(`console.${message.type()}: ${message.text()}`);
      });
      // Tall enough that lazy frames (the classic build on /demo/) load too.
      await page.setViewport({ width: 1280, height: 4000 });
      await page.goto(`${demo}/demo/${name}`, { waitUntil: 'networkidle0' });

      const endpoints = [];
      const rendered = await (async () => {
        for (const frame of page.frames()) {
          await frame.waitForFunction(
            () => [...document.querySelectorAll('news-comments')].every((element) => element.shadowRoot?.querySelector('form')),
            { timeout: 10_000 },
          );
          endpoints.push(...(await frame.$$eval('news-comments', (all) => all.map((element) => element.getAttribute('endpoint')))));
        }
        await page.waitForNetworkIdle({ idleTime: 300 });
      })().catch((error) => error);

      assert.deepEqual(problems, [], `demo/${name}`);
      if (rendered) throw rendered;
      assert.ok(endpoints.length > 0, `demo/${name} has a <news-comments>`);
      for (const frame of page.frames()) assert.notEqual(frame.url(), 'about:blank', `a frame of demo/${name} loaded`);
      for (const url of endpoints) assert.equal(url, endpoint, `demo/${name} posts to the server npm start runs`);
      for (const frame of page.frames()) assert.deepEqual(await axeViolations(frame), [], `axe on ${frame.url()}`);
    } finally {
      await page.close();
    }
  });
}

test("the demo article shows the seed page's whole disclaimer, spaced like the element's own", { timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  // A busy machine (a CI runner on 2 cores) can take long to serve the dev build the first time.
  page.setDefaultNavigationTimeout(60_000);
  try {
    await page.goto(`${demo}/demo/`, { waitUntil: 'networkidle0' });
    await page.waitForFunction(() => document.querySelector('news-comments')?.shadowRoot?.querySelector('form'));
    const paragraphs = await page.evaluate(() => {
      const slot = document.querySelector('news-comments').shadowRoot.querySelector('slot[name="disclaimer"]');
      return slot.assignedElements().map((paragraph) => {
        const { marginTop, marginBottom, fontSize } = getComputedStyle(paragraph);
        const text = paragraph.textContent.replace(/\s+/g, ' ').trim();
        return { text, shown: paragraph.offsetHeight > 0, marginTop, marginBottom, halfLine: `${parseFloat(fontSize) / 2}px` };
      });
    });
    assert.equal(paragraphs.length, 3, 'three paragraphs, as on the seed page');
    assert.match(paragraphs[0].text, /^Disclaimer: Please write your correct name and email address\./);
    assert.match(paragraphs[1].text, /false messages .* punishable under law\. .* provide the IP address .* upon request\.$/);
    assert.match(paragraphs[2].text, /offensive comments .* at your own risk/);
    for (const { text, shown, marginTop, marginBottom, halfLine } of paragraphs) {
      assert.ok(shown, `shown: ${text}`);
      // The default disclaimer's paragraph spacing (none above, half a line below), not the browser's 1em around.
      assert.deepEqual([marginTop, marginBottom], ['0px', halfLine], text);
    }

    // The demo's reserved space holds the taller form, so nothing below it moves when the script arrives.
    for (const width of [320, 375, 414, 480, 600, 768, 1280]) {
      await page.setViewport({ width, height: 900 });
      const { reserved, rendered } = await page.evaluate(() => {
        const element = document.querySelector('news-comments');
        return {
          reserved: parseFloat(getComputedStyle(element).minHeight),
          rendered: element.shadowRoot.querySelector('.root').getBoundingClientRect().height,
        };
      });
      assert.ok(reserved >= rendered, `at ${width} px the form is ${rendered} px tall, ${reserved} px reserved`);
    }
  } finally {
    await page.close();
  }
});
