import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fieldErrorsAnswer } from '../../src/contract.js';
import { foldForMatching, hasLink, matcher, verdict, wordsOf } from '../src/moderation.js';
import { sqliteStore } from '../src/sqlite-store.js';
import { adminApi, moderate, post, published, queue, testServer, validComment, type TestServer } from './support.js';

const matches = (entries: string[], text: string) => matcher(entries)(wordsOf(text));

describe('matching word lists', () => {
  it('matches whole words only, in any case', () => {
    assert.equal(matches(['idiot'], 'You IDIOT!'), 'idiot');
    assert.equal(matches(['idiot'], 'idiots and idiotic'), undefined);
    assert.equal(matches(['ass'], 'a class of grass'), undefined);
    assert.equal(matches(['buy now'], 'Please BUY   now, friend'), 'buy now');
    assert.equal(matches(['buy now'], 'buy it now'), undefined);
  });

  it('ignores Latin diacritics, both ways', () => {
    assert.equal(matches(['creme brulee'], 'I like crème brûlée'), 'creme brulee');
    assert.equal(matches(['crème'], 'creme'), 'crème');
    assert.equal(matches(['szolo'], 'Szőlő'), 'szolo');
    assert.equal(matches(['nino'], 'nin\u0303o'), 'nino', 'a combining tilde, as typed on some keyboards');
  });

  it('ignores Arabic vowel marks and the tatweel', () => {
    assert.equal(matches(['كتب'], 'كَتَبَ'), 'كتب');
    assert.equal(matches(['كَتَبَ'], 'كتب'), 'كَتَبَ');
    assert.equal(matches(['كتب'], 'كـــتب'), 'كتب');
  });

  it('keeps Indic vowel signs, which make other words', () => {
    assert.equal(matches(['कल'], 'काल'), undefined);
    assert.equal(matches(['कल'], 'कल मिलेंगे'), 'कल');
    assert.equal(matches(['ಕಲ'], 'ಕಾಲ'), undefined);
    assert.equal(foldForMatching('काल'), 'काल');
  });

  it('finds words in scripts written without spaces', () => {
    assert.equal(matches(['ไทย'], 'ภาษาไทยง่าย'), 'ไทย');
  });

  it('sees links with a scheme, www, or a spammers’ domain, and not abbreviations', () => {
    for (const text of ['see https://x.example', 'www.example.org', 'cheap-pills.ru now', 'visit example.com/path']) assert.ok(hasLink(text), text);
    for (const text of ['e.g. this', 'Mr.Smith said', 'No links here.', 'version 2.0']) assert.ok(!hasLink(text), text);
  });

  it('applies the rules in order: block, reject words, hold words and links, trusted sender, MODERATION', () => {
    const lists = { reject: ['idiot'], hold: ['refund'], holdLinks: true };
    const comment = (text: string) => validComment({ comment: text }) as Parameters<typeof verdict>[0];
    const facts = { blocked: false, trusted: true, moderation: true };
    assert.deepEqual(verdict(comment('Fine'), lists, { ...facts, blocked: true }), { status: 'rejected', answer: 'published', because: 'blocked' });
    assert.equal(verdict(comment('idiot refund'), lists, facts).because, 'reject_word');
    assert.equal(verdict(comment('refund https://x.example'), lists, facts).because, 'hold_word');
    assert.equal(verdict(comment('https://x.example'), lists, facts).because, 'link');
    assert.equal(verdict(comment('Fine'), lists, facts).because, 'trusted');
    assert.equal(verdict(comment('Fine'), lists, { ...facts, trusted: false }).because, 'moderation');
    assert.equal(verdict(comment('Fine'), lists, { ...facts, trusted: false, moderation: false }).because, 'no_moderation');
  });
});

describe('blocking senders', () => {
  let server: TestServer;
  before(async () => (server = await testServer({ moderation: false, trustProxy: 1 })));
  after(() => server.destroy());

  const from = (address: string) => ({ 'X-Forwarded-For': address });
  const send = async (overrides: Record<string, unknown>, address = '192.0.2.1') => {
    const response = await post(server, validComment(overrides), from(address));
    assert.equal(response.status, 201);
    return (await response.json()) as { id: string; status: string };
  };

  it('stores a blocked email’s comments as rejected, answering as anyone is answered', async () => {
    const block = await adminApi(server, 'POST', 'blocks', { email: '  Troll@Example.com ' });
    assert.equal(block.status, 201);
    assert.equal((await block.json()).block.value, 'troll@example.com');
    const blocked = await send({ articleId: 'blocks', email: 'TROLL@example.com', comment: 'From the troll' });
    const anyone = await send({ articleId: 'blocks', email: 'reader@example.com', comment: 'From a reader' });
    assert.equal(blocked.status, anyone.status, 'the same answer: published, as moderation is off');
    assert.deepEqual((await published(server, 'blocks')).comments.map((c) => c.comment), ['From a reader']);
    const [rejected] = (await queue(server, 'rejected', '&articleId=blocks')).comments;
    assert.deepEqual([rejected.id, rejected.reason], [blocked.id, 'Blocked sender']);
  });

  it('blocks an IP address or a prefix, IPv4 and IPv6, and unblocks', async () => {
    const v4 = await (await adminApi(server, 'POST', 'blocks', { ip: '203.0.113.77/24' })).json();
    assert.equal(v4.block.value, '203.0.113.0/24');
    await adminApi(server, 'POST', 'blocks', { ip: '2001:DB8:1::/48' });
    await send({ articleId: 'ip-blocks', comment: 'In the prefix' }, '203.0.113.9');
    await send({ articleId: 'ip-blocks', comment: 'IPv6 in the prefix' }, '2001:db8:1:ffff::1');
    await send({ articleId: 'ip-blocks', comment: 'Next door' }, '203.0.114.1');
    await send({ articleId: 'ip-blocks', comment: 'IPv6 next door' }, '2001:db8:2::1');
    assert.deepEqual((await published(server, 'ip-blocks')).comments.map((c) => c.comment), ['IPv6 next door', 'Next door']);
    assert.equal((await adminApi(server, 'DELETE', `blocks/${v4.block.id}`)).status, 204);
    await send({ articleId: 'ip-blocks', comment: 'Unblocked' }, '203.0.113.9');
    assert.equal((await published(server, 'ip-blocks')).total, 3);
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=3')).json();
    assert.deepEqual(entries.map((e: { action: string }) => e.action).slice(0, 2), ['unblock', 'block']);
  });

  it('lists blocks, and takes the same one twice as one', async () => {
    const again = await adminApi(server, 'POST', 'blocks', { email: 'troll@example.com' });
    const { blocks } = await (await adminApi(server, 'GET', 'blocks')).json();
    assert.equal(blocks.filter((b: { value: string }) => b.value === 'troll@example.com').length, 1);
    assert.equal((await again.json()).block.kind, 'email');
  });

  it('refuses what is no email, address or prefix, or a prefix that would block half the internet', async () => {
    const bodies: Array<[unknown, string]> = [
      [{}, 'email'],
      [{ email: 'a@example.com', ip: '192.0.2.1' }, 'email'],
      [{ email: 'not an email' }, 'email'],
      [{ email: 42 }, 'email'],
      [{ ip: '999.1.1.1' }, 'ip'],
      [{ ip: '192.0.2.1/33' }, 'ip'],
      [{ ip: '10.0.0.0/4' }, 'ip'],
      [{ ip: '::/0' }, 'ip'],
      [{ ip: '192.0.2.1/x' }, 'ip'],
      [{ ip: '192.0.2.1/24/8' }, 'ip'],
      [{ ip: 'fe80::1%eth0' }, 'ip'],
      [{ ip: ['192.0.2.1'] }, 'ip'],
    ];
    for (const [body, field] of bodies) {
      const response = await adminApi(server, 'POST', 'blocks', body);
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.ok(fieldErrorsAnswer.parse(await response.json()).errors[field], JSON.stringify(body));
    }
    for (const id of ['999999', 'abc', '-1', '1e3']) assert.equal((await adminApi(server, 'DELETE', `blocks/${id}`)).status, 404, id);
  });
});

describe('word lists the desk edits', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ moderation: false });
    const saved = await adminApi(server, 'PUT', 'word-lists', {
      reject: ['idiot', 'creme brulee'],
      hold: ['refund', 'كتب', 'कल'],
      holdLinks: true,
    });
    assert.equal(saved.status, 200);
  });
  after(() => server.destroy());

  const answer = async (comment: string) => {
    const response = await post(server, validComment({ articleId: 'words', comment }));
    return ((await response.json()) as { status: string }).status;
  };

  it('rejects comments with a rejecting word, whole and in any case, answering as anyone is answered', async () => {
    assert.equal(await answer('You IDIOT!'), 'published');
    assert.equal(await answer('I like Crème Brûlée.'), 'published');
    assert.equal(await answer('Idiots, all of them'), 'published');
    assert.deepEqual((await published(server, 'words')).comments.map((c) => c.comment), ['Idiots, all of them']);
    const reasons = (await queue(server, 'rejected', '&articleId=words')).comments.map((c) => c.reason).sort();
    assert.deepEqual(reasons, ['Word list: “creme brulee”', 'Word list: “idiot”']);
  });

  it('holds comments with a holding word or a link, with moderation off', async () => {
    assert.equal(await answer('I want a REFUND'), 'pending');
    assert.equal(await answer('كَتَبَ الطالب'), 'pending');
    assert.equal(await answer('काल बहुत अच्छा था'), 'published');
    assert.equal(await answer('see www.example.org'), 'pending');
    const held = (await queue(server, 'pending', '&articleId=words')).comments.map((c) => c.reason).sort();
    assert.deepEqual(held, ['Held for a link', 'Held for the word “refund”', 'Held for the word “كتب”']);
  });

  it('gives the lists back as saved, and writes what changed into the trail', async () => {
    assert.deepEqual(await (await adminApi(server, 'GET', 'word-lists')).json(), {
      reject: ['creme brulee', 'idiot'],
      hold: ['refund', 'कल', 'كتب'].sort(),
      holdLinks: true,
    });
    await adminApi(server, 'PUT', 'word-lists', { reject: ['idiot'], hold: ['refund', 'كتب', 'कल', 'spam'], holdLinks: false });
    const { entries } = await (await adminApi(server, 'GET', 'audit?limit=1')).json();
    assert.deepEqual(entries[0].detail, {
      reject: { added: [], removed: ['creme brulee'] },
      hold: { added: ['spam'], removed: [] },
      holdLinks: false,
    });
  });

  it('refuses lists it cannot take, saying which, and keeps the old ones', async () => {
    const before = await (await adminApi(server, 'GET', 'word-lists')).json();
    const bodies: Array<[unknown, string]> = [
      [{ hold: [], holdLinks: true }, 'reject'],
      [{ reject: 'idiot', hold: [], holdLinks: true }, 'reject'],
      [{ reject: [1], hold: [], holdLinks: true }, 'reject'],
      [{ reject: [''], hold: [], holdLinks: true }, 'reject'],
      [{ reject: ['\u200b'], hold: [], holdLinks: true }, 'reject'],
      [{ reject: ['x'.repeat(101)], hold: [], holdLinks: true }, 'reject'],
      [{ reject: [], hold: ['bell\u0007'], holdLinks: true }, 'hold'],
      [{ reject: [], hold: Array.from({ length: 1001 }, (_, i) => `w${i}`), holdLinks: true }, 'hold'],
      [{ reject: [], hold: [], holdLinks: 'yes' }, 'holdLinks'],
    ];
    for (const [body, field] of bodies) {
      const response = await adminApi(server, 'PUT', 'word-lists', body);
      assert.equal(response.status, 400, JSON.stringify(body).slice(0, 60));
      assert.ok(fieldErrorsAnswer.parse(await response.json()).errors[field], JSON.stringify(body).slice(0, 60));
    }
    assert.deepEqual(await (await adminApi(server, 'GET', 'word-lists')).json(), before);
  });
});

describe('trusted senders (TRUST_AFTER)', () => {
  it('publishes at once the comments of an email with enough approved and none rejected, with moderation on', async () => {
    const server = await testServer({ trustAfter: 2 });
    try {
      const status = async (email: string, comment = 'Hello') =>
        ((await (await post(server, validComment({ articleId: 'trust', email, comment }))).json()) as { status: string }).status;
      for (let i = 0; i < 2; i++) {
        const { id } = await (await post(server, validComment({ articleId: 'trust', email: 'regular@example.com' }))).json();
        await moderate(server, id, 'approve');
      }
      assert.equal(await status('Regular@Example.com'), 'published');
      assert.equal(await status('newcomer@example.com'), 'pending');
      const { id } = await (await post(server, validComment({ articleId: 'trust', email: 'regular@example.com' }))).json();
      await moderate(server, id, 'reject');
      assert.equal(await status('regular@example.com'), 'pending', 'a rejection since ends the trust');
    } finally {
      await server.destroy();
    }
  });

  it('trusts no one by default', async () => {
    const server = await testServer();
    try {
      for (let i = 0; i < 5; i++) {
        const { id } = await (await post(server, validComment({ email: 'regular@example.com' }))).json();
        await moderate(server, id, 'approve');
      }
      assert.equal((await (await post(server, validComment({ email: 'regular@example.com' }))).json()).status, 'pending');
    } finally {
      await server.destroy();
    }
  });

  it('counts only the last six months', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'news-comments-trust-'));
    let time = Date.parse('2025-01-01T00:00:00Z');
    const store = sqliteStore(dataDir, { now: () => time });
    try {
      await store.create(validComment({ email: 'old@example.com' }), 'published');
      time += 200 * 86_400_000;
      const since = new Date(time - 183 * 86_400_000).toISOString();
      assert.deepEqual(await store.senderHistory('old@example.com', since), { approved: 0, rejected: 0 });
      assert.deepEqual(await store.senderHistory('OLD@example.com'), { approved: 1, rejected: 0 });
    } finally {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
