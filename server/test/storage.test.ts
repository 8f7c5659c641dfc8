import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { post, published, testServer, validComment, type TestServer } from './support.js';

describe('when the server restarts', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false })));
  after(() => server.destroy());

  it('keeps every comment', async () => {
    await post(server, validComment({ articleId: 'restart', comment: 'Before the restart' }));
    server = await server.restart();
    assert.deepEqual((await published(server, 'restart')).comments.map((c) => c.comment), ['Before the restart']);
  });
});

describe('when many comments arrive at once', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false })));
  after(() => server.destroy());

  it('stores 200 concurrent comments, each exactly once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(server, validComment({ articleId: 'busy', comment: `Comment ${i}` }))),
    );
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]));
    const ids = new Set((await Promise.all(answers.map((answer) => answer.json()))).map((body) => body.id));
    assert.equal(ids.size, 200);
    const stored = (await published(server, 'busy', '&limit=100')).comments;
    const rest = (await published(server, 'busy', `&limit=100&before=${(await published(server, 'busy', '&limit=100')).next}`)).comments;
    const texts = [...stored, ...rest].map((c) => c.comment).sort();
    assert.equal(texts.length, 200);
    assert.equal(new Set(texts).size, 200);
  });

  it('stores a comment once however often it is sent with the same Idempotency-Key', async () => {
    const headers = { 'Idempotency-Key': crypto.randomUUID() };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => post(server, validComment({ articleId: 'retried' }), headers)),
    );
    const bodies = await Promise.all(answers.map((answer) => answer.json()));
    assert.equal(new Set(bodies.map((body) => body.id)).size, 1);
    assert.deepEqual(new Set(answers.map((answer) => answer.status)), new Set([201]));
    assert.equal(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true').length, 19);
    assert.equal((await published(server, 'retried')).comments.length, 1);
  });
});
