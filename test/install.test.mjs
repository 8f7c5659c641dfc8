/**
 * A newcomer's `npm ci` is quiet: no package it installs refuses a Node version package.json says we support (npm
 * warns EBADENGINE for each), and every install script in the tree has been reviewed in `allowScripts` (npm 11 lists
 * the unreviewed ones; npm 12 will skip them). Read from package-lock.json, which is what `npm ci` installs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import semver from 'semver';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
const packages = Object.entries(lock.packages)
  .filter(([path]) => path.includes('node_modules/'))
  .map(([path, entry]) => ({ ...entry, name: entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 13) }));

test('package.json states the Node versions the project supports', () => {
  assert.ok(semver.validRange(pkg.engines?.node), `engines.node is ${pkg.engines?.node}`);
});

test('every package npm ci installs accepts every supported Node version', () => {
  // npm skips an optional package (a platform's binary) that refuses this Node, without a warning.
  const refusing = packages
    .filter((entry) => !entry.optional && entry.engines?.node && !semver.subset(pkg.engines.node, entry.engines.node))
    .map((entry) => `${entry.name}@${entry.version} needs Node ${entry.engines.node}`);
  assert.deepEqual(refusing, [], `engines.node is ${pkg.engines.node}`);
});

test('every install script in the tree is reviewed in allowScripts', () => {
  const reviewed = pkg.allowScripts ?? {};
  const unreviewed = packages
    .filter((entry) => entry.hasInstallScript && !(`${entry.name}@${entry.version}` in reviewed || entry.name in reviewed))
    .map((entry) => `${entry.name}@${entry.version}`);
  assert.deepEqual(unreviewed, [], 'review them, then npm install-scripts approve (or deny) each');
});
