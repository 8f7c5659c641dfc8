import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { errorAnswer } from '../../src/contract.js';
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

describe('when an Idempotency-Key comes again', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false })));
  after(() => server.destroy());

  it('answers a retry of the same comment with the first answer, whatever its spam signals', async () => {
    const headers = { 'Idempotency-Key': crypto.randomUUID() };
    const first = await (await post(server, validComment({ articleId: 'again', elapsed: 40_000 }), headers)).json();
    // The retry is the same comment as the reader sees it: the server stores it normalised.
    const sameAsStored = validComment({ articleId: 'again', title: ' NATO ready for dialogue\r\n', elapsed: 95_000 });
    const retry = await post(server, sameAsStored, headers);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await retry.json(), first);
    assert.equal((await published(server, 'again')).comments.length, 1);
  });

  it('refuses the key with another comment, or the same comment on another article, and stores neither', async () => {
    const headers = { 'Idempotency-Key': crypto.randomUUID() };
    await post(server, validComment({ articleId: 'reused', comment: 'Mine' }), headers);
    const others = [
      validComment({ articleId: 'reused', comment: 'Someone else’s' }),
      validComment({ articleId: 'reused-elsewhere', comment: 'Mine' }),
    ];
    for (const other of others) {
      const response = await post(server, other, headers);
      assert.equal(response.status, 422);
      const body = errorAnswer.parse(await response.json());
      assert.equal(body.error, 'idempotency_key_reused');
      assert.match(body.message, /Idempotency-Key/);
    }
    assert.deepEqual((await published(server, 'reused')).comments.map((c) => c.comment), ['Mine']);
    assert.deepEqual((await published(server, 'reused-elsewhere')).comments, []);
  });
});
