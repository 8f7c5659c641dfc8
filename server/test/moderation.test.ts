import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, post, published, testServer, validComment, type TestServer } from './support.js';

const moderate = (server: TestServer, id: string, decision: string, headers: Record<string, string> = adminHeaders) =>
  fetch(`${server.url}/admin/comments/${id}/${decision}`, { method: 'POST', headers, redirect: 'manual' });

describe('moderating comments', () => {
  let server: TestServer;
  before(async () => (server = await testServer()));
  after(() => server.destroy());

  it('asks for the admin token', async () => {
    const anonymous = await fetch(`${server.url}/admin/`);
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /Basic/);
    const wrong = await fetch(`${server.url}/admin/`, { headers: { Authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
  });

  it('lists pending comments as text, and approving one publishes it', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'moderated', comment: '<b>bold?</b>' }))).json();
    const page = await (await fetch(`${server.url}/admin/`, { headers: adminHeaders })).text();
    assert.match(page, /<bdi>&lt;b&gt;bold\?&lt;\/b&gt;<\/bdi>/);
    assert.doesNotMatch(page, /<b>bold/);
    const approved = await moderate(server, id, 'approve');
    assert.equal(approved.status, 303);
    assert.deepEqual((await published(server, 'moderated')).comments.map((c) => c.id), [id]);
  });

  it('rejecting one keeps it unpublished and off the list', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'rejected' }))).json();
    assert.equal((await moderate(server, id, 'reject')).status, 303);
    assert.deepEqual((await published(server, 'rejected')).comments, []);
    assert.doesNotMatch(await (await fetch(`${server.url}/admin/`, { headers: adminHeaders })).text(), new RegExp(id));
  });

  it('refuses a moderation form posted from another site', async () => {
    const { id } = await (await post(server, validComment({ articleId: 'csrf' }))).json();
    const response = await moderate(server, id, 'approve', { ...adminHeaders, Origin: 'https://evil.example' });
    assert.equal(response.status, 403);
    assert.deepEqual((await published(server, 'csrf')).comments, []);
  });
});

describe('when no admin token is set', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ adminToken: undefined })));
  after(() => server.destroy());

  it('keeps moderation closed', async () => {
    const response = await fetch(`${server.url}/admin/`, { headers: adminHeaders });
    assert.equal(response.status, 404);
    assert.equal((await response.json()).error, 'moderation_closed');
  });
});
