/**
 * Takes the README's screenshot of the moderation desk: a server on a fresh database, a few comments waiting, an
 * editor signed in. Usage: npx tsx scripts/desk-screenshot.ts [output.png] [view]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Launcher } from 'chrome-launcher';
import puppeteer from 'puppeteer-core';
import { hashPassword } from '../server/src/auth.js';
import { startServer } from '../server/src/server.js';
import { settingsFromEnvironment } from '../server/src/settings.js';
import { sqliteStore } from '../server/src/sqlite-store.js';

const [output = 'docs/desk.png', view = 'pending'] = process.argv.slice(2);
const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-desk-'));
const store = sqliteStore(dataDir);
await store.addModerator('editor', 'admin', await hashPassword('a long demo password'));
await store.close();
const server = await startServer({ ...settingsFromEnvironment({}), port: 0, dataDir, minFillSeconds: 0, rateLimitCount: 1000, trustProxy: 1 });

const comments = [
  ['Asha Rao', 'asha@example.com', 'A fair summary', 'Well reported. The timeline of the talks is the clearest I have read anywhere.', '203.0.113.7'],
  ['Ravi K.', 'ravi@example.net', 'What about the Baltic states?', 'The article does not mention how the Baltic members see this dialogue at all.', '198.51.100.23'],
  ['Mira', 'mira@example.org', 'Buy cheap watches', 'Visit cheap-watches.example.com for the best prices!!!', '192.0.2.55'],
  ['Jonas Weber', 'jonas@example.de', 'Zu einseitig', 'Die Darstellung ist mir zu einseitig.\nWo bleibt die Gegenposition?', '203.0.113.80'],
];
for (const [name, email, title, comment, ip] of comments) {
  await fetch(`${server.url}/api/comments`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': ip, 'User-Agent': 'Mozilla/5.0' },
    body: JSON.stringify({
      articleId: 'nato-russia-dialogue',
      articleUrl: 'https://news.example/nato',
      articleTitle: 'NATO ready for meaningful dialogue with Russia: Stoltenberg',
      title,
      comment,
      name,
      email,
    }),
  });
}

const args = ['--disable-gpu', '--no-first-run', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])];
const browser = await puppeteer.launch({ executablePath: Launcher.getInstallations()[0], headless: true, args });
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 900, deviceScaleFactor: 1 });
  await page.goto(`${server.url}/admin/`);
  await page.type('#name', 'editor');
  await page.type('#password', 'a long demo password');
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.goto(`${server.url}/admin/#${view}`);
  await page.waitForSelector('html[data-ready]');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('x');
  await page.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
