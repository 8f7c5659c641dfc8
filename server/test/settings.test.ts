import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settingsFromEnvironment } from '../src/settings.js';

describe('reading the settings from the environment', () => {
  it('takes TRUST_PROXY as off, on (one proxy) or a number of proxies', () => {
    assert.equal(settingsFromEnvironment({}).trustProxy, 0);
    assert.equal(settingsFromEnvironment({ TRUST_PROXY: 'off' }).trustProxy, 0);
    assert.equal(settingsFromEnvironment({ TRUST_PROXY: 'on' }).trustProxy, 1);
    assert.equal(settingsFromEnvironment({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.throws(() => settingsFromEnvironment({ TRUST_PROXY: 'yes please' }), /TRUST_PROXY must be/);
  });
});
