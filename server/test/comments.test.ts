import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createdAnswer, errorAnswer, fieldErrorsAnswer } from '../../src/contract.js';
import { brokenStore, post, published, testServer, validComment, type TestServer } from './support.js';

describe('posting a comment', () => {
  let server: TestServer;
  before(async () => (server = await testServer()));
  after(() => server.destroy());

  it('answers 201 with an id and "pending" while moderation is on', async () => {
    const response = await post(server, validComment());
    assert.equal(response.status, 201);
    const answer = createdAnswer.parse(await response.json());
    assert.equal(answer.status, 'pending');
    assert.deepEqual((await published(server)).comments, []);
  });

  it('answers 400 with a message per field, in plain words', async () => {
    const response = await post(server, validComment({ title: ' ', email: 'asha@', name: 'n'.repeat(101) }));
    assert.equal(response.status, 400);
    const { errors } = fieldErrorsAnswer.parse(await response.json());
    assert.deepEqual(errors, {
      title: 'Please give your comment a title.',
      email: 'Please enter an email address like name@example.com.',
      name: 'Please keep your name to 100 characters.',
    });
  });

  it('counts the comment in characters as readers see them', async () => {
    const fits = await post(server, validComment({ comment: '👍🏽'.repeat(2000) }));
    assert.equal(fits.status, 201);
    const over = await post(server, validComment({ comment: 'क्षि'.repeat(2003) }));
    assert.deepEqual(await over.json(), { errors: { comment: 'Your comment is 3 characters too long.' } });
  });

  // Node 20 segments one 100,000-character string in about a minute; the contract counts long text in windows.
  it('counts a comment as long as the body limit allows without stalling', { timeout: 10_000 }, async () => {
    // 88,000 code units, 80,000 characters (á is a + combining accent; the last space is trimmed), about 97 KB
    const comment = 'comment a\u0301 '.repeat(8_000);
    const response = await post(server, validComment({ comment }));
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), { errors: { comment: 'Your comment is 77,999 characters too long.' } });
  });

  it('answers 400 to a body that is not JSON, or not an object', async () => {
    const broken = await post(server, '{"title": ');
    assert.equal(broken.status, 400);
    assert.equal(errorAnswer.parse(await broken.json()).error, 'invalid_json');
    const array = await post(server, '[]');
    assert.equal(array.status, 400);
    assert.ok(fieldErrorsAnswer.parse(await array.json()).errors.comment);
  });

  it('answers 415 to a body that is not application/json', async () => {
    const response = await fetch(`${server.url}/api/comments`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify(validComment()),
    });
    assert.equal(response.status, 415);
    assert.equal(errorAnswer.parse(await response.json()).error, 'unsupported_media_type');
  });

  it('answers 413 to a body over the size limit', async () => {
    const response = await post(server, validComment({ comment: 'x'.repeat(200_000) }));
    assert.equal(response.status, 413);
    assert.equal(errorAnswer.parse(await response.json()).error, 'too_large');
  });

  it('answers 404 with JSON for unknown paths', async () => {
    const response = await fetch(`${server.url}/nothing`);
    assert.equal(response.status, 404);
    assert.equal(errorAnswer.parse(await response.json()).error, 'not_found');
  });
});

describe('text as the server stores it', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false })));
  after(() => server.destroy());

  it('normalises to NFC and turns CRLF into LF', async () => {
    await post(server, validComment({ articleId: 'normalise', comment: 'Cafe\u0301\r\nsecond line\rthird' }));
    const [stored] = (await published(server, 'normalise')).comments;
    assert.equal(stored.comment, 'Caf\u00e9\nsecond line\nthird');
  });

  it('keeps markup as text, exactly as written', async () => {
    const comment = '<script>alert(1)</script> <a href="javascript:alert(1)">x</a>';
    await post(server, validComment({ articleId: 'markup', comment }));
    assert.equal((await published(server, 'markup')).comments[0].comment, comment);
  });

  it('keeps bidi overrides and zero-width joiners as text', async () => {
    const comment = 'Family 👨‍👩‍👧 \u202Eevil\u202C and ZWNJ: می\u200Cخواهم';
    await post(server, validComment({ articleId: 'bidi', comment }));
    assert.equal((await published(server, 'bidi')).comments[0].comment, comment);
  });

  it('rejects control characters and broken surrogates with field errors', async () => {
    const response = await post(server, '{"articleId":"x","articleUrl":"","title":"Bell\\u0007","comment":"half \\ud800 pair","name":"Asha","email":"a@example.com"}');
    assert.equal(response.status, 400);
    const { errors } = fieldErrorsAnswer.parse(await response.json());
    assert.match(errors.title, /control characters/);
    assert.match(errors.comment, /control characters/);
  });
});

describe('when text is hostile', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false })));
  after(() => server.destroy());

  const errorsFor = async (fields: Record<string, unknown>) => {
    const response = await post(server, validComment({ articleId: 'hostile', ...fields }));
    assert.equal(response.status, 400, JSON.stringify(fields).slice(0, 80));
    return fieldErrorsAnswer.parse(await response.json()).errors;
  };

  it('refuses control characters in the article id and URL, and stores nothing', async () => {
    assert.match((await errorsFor({ articleId: 'nul\0byte' })).articleId, /control characters/);
    assert.match((await errorsFor({ articleUrl: 'https://news.example/\0' })).articleUrl, /control characters/);
    assert.deepEqual((await published(server, 'nul\0byte'.replace('\0', ''))).comments, []);
  });

  it('takes only an http(s) article URL, or none', async () => {
    const refused = ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://news.example/a'];
    refused.push('news.example/a', 'https://news example/a', 'java\nscript:alert(1)');
    for (const articleUrl of refused) {
      assert.equal((await errorsFor({ articleUrl })).articleUrl, 'This article cannot take comments.', articleUrl);
    }
    for (const articleUrl of ['', 'https://news.example/a?b=c#d', 'HTTP://NEWS.EXAMPLE/', 'http://localhost:8000/demo/']) {
      assert.equal((await post(server, validComment({ articleId: 'urls', articleUrl }))).status, 201, articleUrl);
    }
  });

  it('refuses C1 control characters as it does C0', async () => {
    const errors = await errorsFor({ title: 'Next\u0085line', comment: 'CSI \u009b31m red' });
    assert.match(errors.title, /control characters/);
    assert.match(errors.comment, /control characters/);
  });

  it('counts a field of only invisible characters as empty', async () => {
    const errors = await errorsFor({
      title: '\u200b\u200b',
      comment: '\u200e\u200f\u2060\ufeff\u200d \u2066\u2069',
      name: '\u200b\u200c\u3164\u2800',
    });
    assert.deepEqual(errors, {
      title: 'Please give your comment a title.',
      comment: 'Please write a comment.',
      name: 'Please enter your name.',
    });
  });

  it('refuses one character piled with thousands of marks, and keeps real clusters', async () => {
    const pile = `Z${'\u0301\u0300\u0336'.repeat(15_000)}algo`;
    const { comment } = await errorsFor({ comment: pile });
    assert.equal(comment, 'Please remove the marks piled on one character.');
    const real = [
      // Zalgo, 5 and 20 marks
      'H\u0336\u0321\u0328\u0319\u0349e\u0337\u0301\u0300\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c\u030d\u030e\u030f\u0310 comes',
      '\u{1F9D1}\u{1F3FC}\u200d\u2764\ufe0f\u200d\u{1F48B}\u200d\u{1F9D1}\u{1F3FD}', // kiss, two skin tones: 10 code points
      '\u{1F3F4}\u{E0067}\u{E0062}\u{E0065}\u{E006E}\u{E0067}\u{E007F}', // flag of England: 7
      'र्त्स्न्यं', // a Sanskrit conjunct
    ];
    for (const comment of real) {
      assert.equal((await post(server, validComment({ articleId: 'clusters', comment }))).status, 201, comment);
    }
  });
});

describe('reading the published comments of an article', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ moderation: false });
    for (let i = 1; i <= 5; i++) await post(server, validComment({ articleId: 'paged', comment: `Comment ${i}` }));
    await post(server, validComment({ articleId: 'other', comment: 'Elsewhere' }));
  });
  after(() => server.destroy());

  it('lists them newest first, a page at a time, without emails', async () => {
    const first = await published(server, 'paged', '&limit=2');
    assert.deepEqual(first.comments.map((c) => c.comment), ['Comment 5', 'Comment 4']);
    assert.equal(first.comments[0].email, undefined);
    const second = await published(server, 'paged', `&limit=2&before=${first.next}`);
    assert.deepEqual(second.comments.map((c) => c.comment), ['Comment 3', 'Comment 2']);
    const last = await published(server, 'paged', `&limit=2&before=${second.next}`);
    assert.deepEqual(last.comments.map((c) => c.comment), ['Comment 1']);
    assert.equal(last.next, null);
  });

  it('answers 400 without an article id', async () => {
    const response = await fetch(`${server.url}/api/comments`);
    assert.equal(response.status, 400);
  });

  it('gives a cursor that does not reveal how many comments the site has', async () => {
    const { next } = await published(server, 'paged', '&limit=2');
    assert.ok(next);
    assert.doesNotMatch(next, /^\d+$/);
    assert.doesNotMatch(Buffer.from(next, 'base64url').toString(), /^\d+$/);
  });

  it('answers 400 to a limit that is not a whole number from 1 to 100, never 500', async () => {
    for (const limit of ['0', '2.5', 'abc', '101', '-1', '', '1e2', '20 ', '0x10']) {
      const response = await fetch(`${server.url}/api/comments?articleId=paged&limit=${encodeURIComponent(limit)}`);
      assert.equal(response.status, 400, `limit=${limit}`);
      assert.equal(errorAnswer.parse(await response.json()).error, 'invalid_limit');
    }
    assert.equal((await published(server, 'paged', '&limit=100')).comments.length, 5);
    assert.equal((await published(server, 'paged', '&limit=1')).comments.length, 1);
  });

  it('answers 400 to a cursor it did not give for this article', async () => {
    const { next } = await published(server, 'paged', '&limit=2');
    for (const before of ['3', '!!!', 'x'.repeat(5000), '', Buffer.from('nothing').toString('base64url')]) {
      const response = await fetch(`${server.url}/api/comments?articleId=paged&before=${encodeURIComponent(before)}`);
      assert.equal(response.status, 400, `before=${before.slice(0, 20)}`);
      assert.equal(errorAnswer.parse(await response.json()).error, 'invalid_cursor');
    }
    const elsewhere = await fetch(`${server.url}/api/comments?articleId=other&before=${next}`);
    assert.equal(elsewhere.status, 400);
  });

  it('answers 400 to an article id no article can have', async () => {
    for (const articleId of ['a'.repeat(1001), 'nul\0byte']) {
      const response = await fetch(`${server.url}/api/comments?articleId=${encodeURIComponent(articleId)}`);
      assert.equal(response.status, 400);
      assert.equal(errorAnswer.parse(await response.json()).error, 'invalid_article');
    }
  });
});

describe('when the store fails', () => {
  it('answers 500 with the contract’s error body and no stack trace', async () => {
    const { createApp } = await import('../src/app.js');
    const { settingsFromEnvironment } = await import('../src/settings.js');
    const app = createApp(settingsFromEnvironment({}), brokenStore('disk on fire at /var/secret/comments.db'), () => 'client');
    const originalError = console.error;
    console.error = () => {};
    try {
      const response = await app.request('/api/comments', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(validComment({ elapsed: 60_000 })),
      });
      assert.equal(response.status, 500);
      const text = await response.text();
      assert.equal(errorAnswer.parse(JSON.parse(text)).error, 'internal');
      assert.doesNotMatch(text, /secret|at |Error/);
    } finally {
      console.error = originalError;
    }
  });
});

describe('when the database is briefly out of reach', () => {
  it('answers 503 with Retry-After and the contract’s error body, so that the element sends again', async () => {
    const { createApp } = await import('../src/app.js');
    const { settingsFromEnvironment } = await import('../src/settings.js');
    const { StoreUnavailable } = await import('../src/store.js');
    const store = brokenStore(new StoreUnavailable(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    const app = createApp(settingsFromEnvironment({}), store, () => 'client');
    const originalError = console.error;
    console.error = () => {};
    try {
      for (const request of [
        app.request('/api/comments', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(validComment({ elapsed: 60_000 })),
        }),
        app.request('/api/comments?articleId=x'),
      ]) {
        const response = await request;
        assert.equal(response.status, 503);
        assert.ok(Number(response.headers.get('retry-after')) > 0);
        const text = await response.text();
        assert.equal(errorAnswer.parse(JSON.parse(text)).error, 'unavailable');
        assert.doesNotMatch(text, /ECONNREFUSED|5432/);
      }
    } finally {
      console.error = originalError;
    }
  });
});
