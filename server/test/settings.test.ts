import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it('refuses what it would otherwise have to guess: MODERATION, the rate limit, the comment length, the port', () => {
    assert.equal(settingsFromEnvironment({}).moderation, true);
    assert.equal(settingsFromEnvironment({ MODERATION: 'off' }).moderation, false);
    assert.equal(settingsFromEnvironment({ MODERATION: 'on' }).moderation, true);
    assert.throws(() => settingsFromEnvironment({ MODERATION: 'maybe' }), /MODERATION must be on or off/);
    assert.throws(() => settingsFromEnvironment({ RATE_LIMIT_COUNT: '0' }), /RATE_LIMIT_COUNT must be a whole number ≥ 1/);
    assert.throws(() => settingsFromEnvironment({ MAX_COMMENT_LENGTH: '1.5' }), /MAX_COMMENT_LENGTH must be a whole number/);
    assert.throws(() => settingsFromEnvironment({ PORT: '8787.5' }), /PORT must be a whole number from 0 to 65535/);
    assert.throws(() => settingsFromEnvironment({ PORT: '99999' }), /PORT must be a whole number from 0 to 65535/);
    assert.equal(settingsFromEnvironment({ PORT: '0' }).port, 0);
  });

  it('takes ALLOW_CREDENTIALS as on or off, off by default', () => {
    assert.equal(settingsFromEnvironment({}).allowCredentials, false);
    assert.equal(settingsFromEnvironment({ ALLOW_CREDENTIALS: 'on' }).allowCredentials, true);
    assert.throws(() => settingsFromEnvironment({ ALLOW_CREDENTIALS: 'yes' }), /ALLOW_CREDENTIALS must be on or off/);
  });

  it('takes the timeouts in seconds, headers within the request', () => {
    const settings = settingsFromEnvironment({ HEADERS_TIMEOUT_SECONDS: '5', REQUEST_TIMEOUT_SECONDS: '20' });
    assert.deepEqual([settings.headersTimeoutSeconds, settings.requestTimeoutSeconds], [5, 20]);
    assert.throws(() => settingsFromEnvironment({ HEADERS_TIMEOUT_SECONDS: '40' }), /HEADERS_TIMEOUT_SECONDS must be/);
    assert.throws(() => settingsFromEnvironment({ HEADERS_TIMEOUT_SECONDS: '0' }), /HEADERS_TIMEOUT_SECONDS must be/);
  });

  it('takes DATABASE_URL for PostgreSQL, and its pool size, statement timeout and TLS', () => {
    const sqlite = settingsFromEnvironment({});
    assert.equal(sqlite.databaseUrl, undefined);
    assert.deepEqual([sqlite.databasePoolSize, sqlite.databaseStatementTimeoutMs, sqlite.databaseSsl], [10, 5000, undefined]);
    const settings = settingsFromEnvironment({
      DATABASE_URL: 'postgres://comments:secret@db.internal:5432/comments',
      DATABASE_POOL_SIZE: '20',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      DATABASE_SSL: 'verify-full',
    });
    assert.equal(settings.databaseUrl, 'postgres://comments:secret@db.internal:5432/comments');
    assert.deepEqual([settings.databasePoolSize, settings.databaseStatementTimeoutMs, settings.databaseSsl], [20, 2000, 'verify-full']);
    assert.throws(() => settingsFromEnvironment({ DATABASE_URL: 'mysql://db/comments' }), /DATABASE_URL must start with postgres:\/\//);
    assert.throws(() => settingsFromEnvironment({ DATABASE_URL: 'comments' }), /DATABASE_URL must be a URL/);
    assert.throws(() => settingsFromEnvironment({ DATABASE_POOL_SIZE: '0' }), /DATABASE_POOL_SIZE must be a whole number ≥ 1/);
    assert.throws(() => settingsFromEnvironment({ DATABASE_POOL_SIZE: '2.5' }), /DATABASE_POOL_SIZE must be a whole number/);
    assert.throws(() => settingsFromEnvironment({ DATABASE_SSL: 'yes' }), /DATABASE_SSL must be off, require or verify-full/);
  });

  it('lets DATABASE_SSL override the URL’s sslmode, and the URL decide without it', async () => {
    const { connectionConfig } = await import('../src/postgres-store.js');
    const url = 'postgres://u:p%40ss@db.internal/comments?sslmode=disable&application_name=x';
    assert.deepEqual(connectionConfig(url), { connectionString: url });
    const required = connectionConfig(url, 'require');
    assert.deepEqual(required.ssl, { rejectUnauthorized: false });
    assert.equal(required.connectionString, 'postgres://u:p%40ss@db.internal/comments?application_name=x');
    assert.deepEqual(connectionConfig(url, 'verify-full').ssl, { rejectUnauthorized: true });
    assert.equal(connectionConfig(url, 'off').ssl, false);
  });

  it('takes REPORT_THRESHOLD as a whole number of readers from 1, 3 by default', () => {
    assert.equal(settingsFromEnvironment({}).reportThreshold, 3);
    assert.equal(settingsFromEnvironment({ REPORT_THRESHOLD: '1' }).reportThreshold, 1);
    assert.equal(settingsFromEnvironment({ REPORT_THRESHOLD: ' 10 ' }).reportThreshold, 10);
    for (const value of ['0', '-1', '2.5', 'three', '1e3', '0x10']) {
      assert.throws(() => settingsFromEnvironment({ REPORT_THRESHOLD: value }), /REPORT_THRESHOLD must be a whole number/, value);
    }
  });

  it('refuses an ADMIN_TOKEN shorter than 16 characters, and leaves moderation closed without one', () => {
    assert.throws(() => settingsFromEnvironment({ ADMIN_TOKEN: 'x' }), /ADMIN_TOKEN must be at least 16 characters/);
    assert.throws(() => settingsFromEnvironment({ ADMIN_TOKEN: 'fifteen-chars!!' }), /at least 16/);
    assert.equal(settingsFromEnvironment({ ADMIN_TOKEN: 'sixteen-chars!!!' }).adminToken, 'sixteen-chars!!!');
    assert.equal(settingsFromEnvironment({ ADMIN_TOKEN: '' }).adminToken, undefined);
  });

  it('stops the server at start with that message and no stack trace', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-unused-'));
    try {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ADMIN_TOKEN: 'secret' },
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.equal(result.status, 1);
      assert.match(result.stderr, /ADMIN_TOKEN must be at least 16 characters/);
      assert.doesNotMatch(result.stderr, /\bat .+:\d+:\d+/);
      assert.equal(result.stdout, '');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
