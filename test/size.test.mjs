/**
 * The size check: the built scripts, brotli-compressed at quality 11, within the ceilings of bench/budgets.json.
 * Sizes are deterministic, unlike times, so they belong in the test run (times are measured by npm run bench).
 * "Critical" is what must download and run before the form shows; "total" adds the deferred chunk, which an English
 * page loads right after.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { brotliCompressSync, constants } from 'node:zlib';

const { ceilings } = JSON.parse(readFileSync('bench/budgets.json', 'utf8'));
const brotli = (path) =>
  brotliCompressSync(readFileSync(path), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
// The deferred checks and sending, with the zod and contract they share with the list.
const deferred = brotli('dist/chunks/deferred.js') + brotli('dist/chunks/shared.js');

for (const [name, path] of [
  ['ES module', 'dist/news-comments.js'],
  ['classic script', 'dist/news-comments.iife.js'],
]) {
  test(`the ${name}'s critical script is at most ${ceilings.criticalBrotli} bytes brotli`, () => {
    const size = brotli(path);
    assert.ok(size <= ceilings.criticalBrotli, `${path} is ${size} bytes brotli`);
  });

  test(`the ${name} and its deferred chunk are at most ${ceilings.totalBrotli} bytes brotli`, () => {
    const size = brotli(path) + deferred;
    assert.ok(size <= ceilings.totalBrotli, `${path} + dist/chunks/deferred.js + shared.js are ${size} bytes brotli`);
  });
}

test(`the list's own chunk is at most ${ceilings.listBrotli} bytes brotli`, () => {
  const size = brotli('dist/chunks/list.js');
  assert.ok(size <= ceilings.listBrotli, `dist/chunks/list.js is ${size} bytes brotli`);
});

for (const path of ['dist/news-comments-count.js', 'dist/news-comments-count.iife.js']) {
  test(`${path} is at most ${ceilings.countBrotli} bytes brotli`, () => {
    const size = brotli(path);
    assert.ok(size <= ceilings.countBrotli, `${path} is ${size} bytes brotli`);
  });
}

test('the late chunks import only each other, so the classic script can load them too', () => {
  for (const file of readdirSync('dist/chunks')) {
    for (const [, target] of readFileSync(`dist/chunks/${file}`, 'utf8').matchAll(/\bfrom\s*["'`]([^"'`]+)["'`]/g)) {
      assert.match(target, /^\.\/[\w-]+\.js$/, `${file} imports ${target}`);
    }
  }
  assert.doesNotMatch(readFileSync('dist/news-comments.js', 'utf8'), /zod|\$ZodType/, 'zod is not on the critical path');
});

test(`each language catalogue is at most ${ceilings.localeBrotli} bytes brotli`, () => {
  const files = readdirSync('dist/locales');
  assert.equal(files.length, 3, 'Hindi, Kannada and Arabic');
  for (const file of files) {
    const size = brotli(`dist/locales/${file}`);
    assert.ok(size <= ceilings.localeBrotli, `${file} is ${size} bytes brotli`);
  }
});
