/**
 * The size check: the built scripts, brotli-compressed at quality 11, within the ceilings of bench/budgets.json.
 * Sizes are deterministic, unlike times, so they belong in the test run (times are measured by npm run bench).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import { brotliCompressSync, constants } from 'node:zlib';

const { ceilings } = JSON.parse(readFileSync('bench/budgets.json', 'utf8'));
const brotli = (path) =>
  brotliCompressSync(readFileSync(path), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;

test(`the ES module build is at most ${ceilings.moduleBrotli} bytes brotli`, () => {
  const size = brotli('dist/news-comments.js');
  assert.ok(size <= ceilings.moduleBrotli, `dist/news-comments.js is ${size} bytes brotli`);
});

test(`the classic-script build is at most ${ceilings.classicBrotli} bytes brotli`, () => {
  const size = brotli('dist/news-comments.iife.js');
  assert.ok(size <= ceilings.classicBrotli, `dist/news-comments.iife.js is ${size} bytes brotli`);
});

test(`each language catalogue is at most ${ceilings.localeBrotli} bytes brotli`, () => {
  const files = readdirSync('dist/locales');
  assert.equal(files.length, 3, 'Hindi, Kannada and Arabic');
  for (const file of files) {
    const size = brotli(`dist/locales/${file}`);
    assert.ok(size <= ceilings.localeBrotli, `${file} is ${size} bytes brotli`);
  }
});
