/**
 * Takes the README's screenshot of the demo comment box, mid-conversation: `npm start` must be running.
 * Usage: node scripts/screenshot.mjs [url] [output.png]
 */
import { launchChrome } from './browser.mjs';

const [url = 'http://127.0.0.1:5173/demo/', output = 'docs/screenshot.png'] = process.argv.slice(2);
const browser = await launchChrome();
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 720, height: 1200, deviceScaleFactor: 1 });
  await page.goto(url, { waitUntil: 'networkidle0' });
  const element = await page.waitForSelector('news-comments');
  await page.locator('news-comments >>> #comment').fill('A measured, well-sourced report. 👍🏽 ಧನ್ಯವಾದಗಳು!');
  await page.locator('news-comments >>> #name').fill('Asha Rao');
  await page.locator('news-comments >>> #email').fill('asha@');
  await page.locator('news-comments >>> #comment').click();
  await element.screenshot({ path: output });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
