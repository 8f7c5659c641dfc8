/**
 * The documentation cannot drift: custom-elements.json must be what the analyzer makes of the source today, and
 * README's tables must be what scripts/readme-tables.mjs makes of it. Run by `npm test` with Node's test runner.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { withTables } from '../scripts/readme-tables.mjs';

const committed = JSON.parse(readFileSync('custom-elements.json', 'utf8'));

test('custom-elements.json is generated from the current source', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cem-'));
  try {
    // The analyzer joins --outdir to the working directory: an absolute one would land in the repo, under tmp/.
    execFileSync('npx', ['cem', 'analyze', '--outdir', relative(process.cwd(), dir)], { stdio: 'ignore' });
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'custom-elements.json'), 'utf8')), committed, 'run npm run analyze');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the check leaves nothing in the repo: tmp/ holds no committed file and is ignored', () => {
  assert.equal(execFileSync('git', ['ls-files', 'tmp'], { encoding: 'utf8' }), '');
  assert.doesNotThrow(() => execFileSync('git', ['check-ignore', '--quiet', '--no-index', 'tmp/cem-x/custom-elements.json']));
});

test('custom-elements.json names the tags, so editors and tools know <news-comments> and <news-comments-count>', () => {
  const elements = committed.modules.flatMap((module) => module.declarations).filter((d) => d.customElement);
  assert.deepEqual(
    elements.map(({ name, tagName }) => ({ name, tagName })),
    [
      { name: 'NewsComments', tagName: 'news-comments' },
      { name: 'NewsCommentsCount', tagName: 'news-comments-count' },
    ],
  );
});

test("README's attribute, event, custom property, part and slot tables match custom-elements.json", () => {
  const readme = readFileSync('README.md', 'utf8');
  assert.equal(withTables(readme, committed), readme, 'run npm run analyze');
  for (const name of ['attributes', 'events', 'css-properties', 'parts', 'slots']) {
    assert.match(readme, new RegExp(`<!-- manifest:${name} -->\\n\\|`), `README has the ${name} table`);
  }
});
