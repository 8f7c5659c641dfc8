import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { errorAnswer } from '../../src/contract.js';
import {
  ADMIN_TOKEN,
  addModerator,
  adminApi,
  deskApi,
  moderate,
  posted,
  published,
  sameOrigin,
  signIn,
  testServer,
  type TestServer,
} from './support.js';

const PASSWORD = 'correct horse battery staple';

describe('signing in to the desk', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ adminToken: undefined });
    await addModerator(server, 'asha', PASSWORD, 'admin');
  });
  after(() => server.destroy());

  it('shows the sign-in form to a visitor, under a policy that runs only the desk’s own files', async () => {
    const response = await fetch(`${server.url}/admin/`);
    assert.equal(response.status, 200);
    const page = await response.text();
    assert.match(page, /<form method="post" action="\/admin\/sign-in">/);
    assert.match(page, /autocomplete="current-password"/);
    const policy = response.headers.get('content-security-policy') ?? '';
    assert.match(policy, /script-src 'self'/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    assert.match(policy, /frame-ancestors 'none'/);
    assert.equal(response.headers.get('cache-control'), 'no-store');
  });

  it('refuses a wrong password and an unknown name alike, and sets no cookie', async () => {
    for (const [name, password] of [['asha', 'wrong password!'], ['nobody', PASSWORD], ['', ''], ['asha', 'x'.repeat(5000)]]) {
      const { response, cookie } = await signIn(server, name, password);
      assert.equal(response.status, 401, name);
      assert.equal(cookie, undefined);
      assert.match(await response.text(), /role="alert" id="problem">Wrong name or password\./);
    }
  });

  it('signs in with a session cookie that scripts cannot read and other sites do not send', async () => {
    const { response, cookie } = await signIn(server, 'asha', PASSWORD);
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/admin/');
    const header = response.headers.get('set-cookie') ?? '';
    assert.match(header, /^desk_session=[\w-]{43};/);
    assert.match(header, /HttpOnly/);
    assert.match(header, /SameSite=Strict/);
    assert.match(header, /Path=\/admin/);
    assert.doesNotMatch(header, /Secure/, 'plain HTTP: a Secure cookie would never come back');
    const me = await deskApi(server, cookie!, 'GET', 'me');
    assert.deepEqual(await me.json(), { name: 'asha', role: 'admin' });
    const desk = await (await fetch(`${server.url}/admin/`, { headers: { Cookie: cookie! } })).text();
    assert.match(desk, /<script type="module" src="\/admin\/assets\/desk\.js"><\/script>/);
  });

  it('takes the name in any case, as accounts are unique regardless of case', async () => {
    assert.equal((await signIn(server, 'ASHA', PASSWORD)).response.status, 303);
  });

  it('makes the cookie Secure and __Host- behind an HTTPS proxy', async () => {
    const proxied = await testServer({ adminToken: undefined, trustProxy: 1 }, server.dataDir);
    try {
      const { response } = await signIn(proxied, 'asha', PASSWORD, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '203.0.113.9' });
      const header = response.headers.get('set-cookie') ?? '';
      assert.match(header, /^__Host-desk_session=/);
      assert.match(header, /Secure/);
      assert.match(header, /Path=\/;/);
    } finally {
      await proxied.close();
    }
  });

  it('gives a new session at each sign-in, whatever cookie came with it (no fixation)', async () => {
    const planted = 'desk_session=' + 'a'.repeat(43);
    const { cookie } = await signIn(server, 'asha', PASSWORD, { Cookie: planted });
    assert.notEqual(cookie, planted);
    assert.equal((await deskApi(server, planted, 'GET', 'me')).status, 401);
    const { cookie: earlier } = await signIn(server, 'asha', PASSWORD);
    const { cookie: later } = await signIn(server, 'asha', PASSWORD, { Cookie: earlier! });
    assert.equal((await deskApi(server, earlier!, 'GET', 'me')).status, 401, 'the session presented at sign-in ended');
    assert.equal((await deskApi(server, later!, 'GET', 'me')).status, 200);
  });

  it('signs out: the cookie is cleared and the session is gone, even for a copy of the cookie', async () => {
    const { cookie } = await signIn(server, 'asha', PASSWORD);
    const out = await fetch(`${server.url}/admin/sign-out`, { method: 'POST', headers: { Cookie: cookie!, ...sameOrigin(server) }, redirect: 'manual' });
    assert.equal(out.status, 303);
    assert.match(out.headers.get('set-cookie') ?? '', /desk_session=;.*Max-Age=0/);
    const replayed = await deskApi(server, cookie!, 'GET', 'me');
    assert.equal(replayed.status, 401);
    assert.equal(errorAnswer.parse(await replayed.json()).error, 'unauthorized');
  });

  it('ends every session of a moderator whose password changes or who is removed', async () => {
    await addModerator(server, 'ravi', PASSWORD);
    const { cookie } = await signIn(server, 'ravi', PASSWORD);
    const { openStore } = await import('../src/server.js');
    const { hashPassword } = await import('../src/auth.js');
    const store = await openStore(server.settings);
    try {
      await store.setPassword('ravi', await hashPassword('another long password'));
      assert.equal((await deskApi(server, cookie!, 'GET', 'me')).status, 401);
      const { cookie: again } = await signIn(server, 'ravi', 'another long password');
      await store.removeModerator('ravi');
      assert.equal((await deskApi(server, again!, 'GET', 'me')).status, 401);
    } finally {
      await store.close();
    }
  });

  it('never takes the admin token as a cookie or as Basic auth', async () => {
    const tokenServer = await testServer({}, server.dataDir);
    try {
      const attempts: Array<Record<string, string>> = [
        { Cookie: `desk_session=${ADMIN_TOKEN}` },
        { Cookie: `admin_token=${ADMIN_TOKEN}` },
        { Authorization: `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}` },
      ];
      for (const headers of attempts) {
        assert.equal((await adminApi(tokenServer, 'GET', 'me', undefined, headers)).status, 401, JSON.stringify(headers));
      }
      assert.deepEqual(await (await adminApi(tokenServer, 'GET', 'me')).json(), { name: 'automation (ADMIN_TOKEN)', role: 'admin' });
    } finally {
      await tokenServer.close();
    }
  });
});

describe('when a session gets old', () => {
  let server: TestServer;
  // 1.8 s: long enough for the first requests, short enough to wait out.
  beforeEach(async () => {
    server = await testServer({ adminToken: undefined, sessionHours: 0.0005 });
    await addModerator(server, 'asha', PASSWORD);
  });
  afterEach(() => server.destroy());

  it('ends it, and the desk asks to sign in again', async () => {
    const { cookie } = await signIn(server, 'asha', PASSWORD);
    assert.equal((await deskApi(server, cookie!, 'GET', 'me')).status, 200);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    assert.equal((await deskApi(server, cookie!, 'GET', 'me')).status, 401);
    assert.match(await (await fetch(`${server.url}/admin/`, { headers: { Cookie: cookie! } })).text(), /action="\/admin\/sign-in"/);
  });
});

describe('when a request that changes something comes from elsewhere', () => {
  let server: TestServer;
  let cookie: string;
  before(async () => {
    server = await testServer();
    await addModerator(server, 'asha', PASSWORD);
    cookie = (await signIn(server, 'asha', PASSWORD)).cookie!;
  });
  after(() => server.destroy());

  const approve = (id: string, headers: Record<string, string>, contentType = 'application/json') =>
    fetch(`${server.url}/admin/api/comments/approve`, {
      method: 'POST',
      headers: { 'Content-Type': contentType, Cookie: cookie, ...headers },
      body: JSON.stringify({ ids: [id] }),
    });

  it('refuses another site’s page, an opaque or malformed Origin, or a cross-site fetch, with 403 and nothing changed', async () => {
    const id = await posted(server, { articleId: 'csrf' });
    const odd: Array<Record<string, string>> = [
      { Origin: 'https://evil.example' },
      { Origin: 'null' },
      { Origin: 'not a url' },
      { Origin: 'http://' },
      { Origin: 'http://[::1' },
      { Origin: `${server.url}/admin/` },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
      { Origin: server.url, 'Sec-Fetch-Site': 'cross-site' },
    ];
    for (const headers of odd) {
      const response = await approve(id, headers);
      assert.equal(response.status, 403, JSON.stringify(headers));
      assert.equal(errorAnswer.parse(await response.json()).error, 'origin_not_allowed');
    }
    assert.deepEqual((await published(server, 'csrf')).comments, []);
  });

  it('refuses a change sent with the cookie by no browser at all, and a form posted as text', async () => {
    const id = await posted(server, { articleId: 'csrf-tools' });
    assert.equal((await approve(id, {})).status, 403);
    assert.equal((await approve(id, sameOrigin(server), 'text/plain')).status, 415);
    assert.equal((await approve(id, sameOrigin(server), 'application/x-www-form-urlencoded')).status, 415);
    assert.deepEqual((await published(server, 'csrf-tools')).comments, []);
    assert.equal((await approve(id, sameOrigin(server))).status, 200);
    assert.equal((await published(server, 'csrf-tools')).total, 1);
  });

  it('refuses a sign-in or sign-out form posted from another site', async () => {
    const { response } = await signIn(server, 'asha', PASSWORD, { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' });
    assert.equal(response.status, 403);
    assert.equal(response.headers.get('set-cookie'), null);
    const out = await fetch(`${server.url}/admin/sign-out`, { method: 'POST', headers: { Cookie: cookie, Origin: 'https://evil.example' } });
    assert.equal(out.status, 403);
    assert.equal((await deskApi(server, cookie, 'GET', 'me')).status, 200);
  });

  it('takes automation’s bearer token from scripts that send no Origin', async () => {
    const id = await posted(server, { articleId: 'automation' });
    assert.equal((await moderate(server, id, 'approve')).status, 200);
    assert.equal((await published(server, 'automation')).total, 1);
  });
});

describe('when someone guesses passwords or the admin token', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await testServer({ signInLimitCount: 3, signInLimitWindowSeconds: 600, trustProxy: 1 });
    await addModerator(server, 'asha', PASSWORD);
  });
  afterEach(() => server.destroy());

  const from = (client: string) => ({ 'X-Forwarded-For': client });
  const bearer = (token: string, client: string) => adminApi(server, 'GET', 'me', undefined, { Authorization: `Bearer ${token}`, ...from(client) });

  it('refuses further sign-ins with 429 after a few wrong ones, even the right password', async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await signIn(server, 'asha', `wrong guess number ${i}`, from('203.0.113.7'))).response.status);
    assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
    const refused = await signIn(server, 'asha', PASSWORD, from('203.0.113.7'));
    assert.equal(refused.response.status, 429);
    assert.equal(refused.cookie, undefined);
    const retryAfter = Number(refused.response.headers.get('retry-after'));
    assert.ok(retryAfter > 0 && retryAfter <= 600, `Retry-After: ${retryAfter}`);
    assert.equal((await signIn(server, 'asha', PASSWORD, from('203.0.113.8'))).response.status, 303, 'another client is not held');
  });

  it('counts wrong bearer tokens with wrong passwords, and refuses even the right token after them', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await bearer(`wrong-token-guess-${i}`, '203.0.113.7')).status, 401);
    await signIn(server, 'asha', 'wrong guess', from('203.0.113.7'));
    const refused = await bearer(ADMIN_TOKEN, '203.0.113.7');
    assert.equal(refused.status, 429);
    assert.equal(errorAnswer.parse(await refused.json()).error, 'too_many_attempts');
  });

  it('takes only the token itself: not a prefix, a longer one, or another case', async () => {
    for (const token of [ADMIN_TOKEN.slice(0, -1), `${ADMIN_TOKEN}x`, ADMIN_TOKEN.toUpperCase(), '']) {
      assert.equal((await bearer(token, `198.51.100.${token.length}`)).status, 401, token);
    }
    assert.equal((await bearer(ADMIN_TOKEN, '198.51.100.99')).status, 200);
  });
});

describe('when no admin token is set and no moderator exists', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ adminToken: undefined })));
  after(() => server.destroy());

  it('keeps the desk closed, and opens it once a moderator is added', async () => {
    const response = await fetch(`${server.url}/admin/`);
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error, 'moderation_closed');
    await addModerator(server, 'first', PASSWORD);
    assert.equal((await fetch(`${server.url}/admin/`)).status, 200);
  });
});

describe('the moderator command', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ adminToken: undefined })));
  after(() => server.destroy());

  const run = (args: string[], input: string) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'src/moderator-cli.ts', ...args], {
      input,
      encoding: 'utf8',
      env: { ...process.env, DATA_DIR: server.dataDir, ...(server.settings.databaseUrl ? { DATABASE_URL: server.settings.databaseUrl } : {}) },
      timeout: 30_000,
    });

  it('adds an admin with a password from standard input, who can then sign in', async () => {
    const added = run(['add', 'editor', '--role', 'admin'], `${PASSWORD}\n`);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /Added editor \(admin\)/);
    const { cookie } = await signIn(server, 'editor', PASSWORD);
    assert.deepEqual(await (await deskApi(server, cookie!, 'GET', 'me')).json(), { name: 'editor', role: 'admin' });
  });

  it('refuses a short password, a name taken, a bad name or role, saying why', () => {
    assert.match(run(['add', 'shorty'], 'short\n').stderr, /at least 12 characters/);
    assert.match(run(['add', 'editor'], `${PASSWORD}\n`).stderr, /editor exists already/);
    assert.match(run(['add', 'two words'], `${PASSWORD}\n`).stderr, /A name is 1 to 64 letters/);
    assert.match(run(['add', 'x', '--role', 'owner'], `${PASSWORD}\n`).stderr, /Usage/);
    assert.equal(run(['add', 'shorty'], 'short\n').status, 1);
  });

  it('changes a password and removes an account, ending their sessions', async () => {
    const { cookie } = await signIn(server, 'editor', PASSWORD);
    assert.equal(run(['password', 'editor'], 'a brand new password\n').status, 0);
    assert.equal((await deskApi(server, cookie!, 'GET', 'me')).status, 401);
    assert.equal((await signIn(server, 'editor', 'a brand new password')).response.status, 303);
    assert.equal(run(['remove', 'editor'], '').status, 0);
    assert.equal((await signIn(server, 'editor', 'a brand new password')).response.status, 401);
    assert.match(run(['remove', 'editor'], '').stderr, /There is no moderator editor/);
  });
});
