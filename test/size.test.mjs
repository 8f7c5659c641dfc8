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
const deferred = brotli('dist/chunks/deferred.js');

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
    assert.ok(size <= ceilings.totalBrotli, `${path} + dist/chunks/deferred.js are ${size} bytes brotli`);
  });
}

test('the deferred chunk is self-contained, so the classic script can load it too', () => {
  assert.doesNotMatch(readFileSync('dist/chunks/deferred.js', 'utf8'), /\bimport\s*[{*\w]|\bfrom\s*["'`]/);
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
