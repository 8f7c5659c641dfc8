/**
 * What every `CommentStore` must do, whatever its engine: one suite, run against each engine by
 * `stores.test.ts`, with the same cases and the same expected answers (as Lion runs one test suite against every
 * form control). A case that needs something of one engine does not belong here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CommentRequest } from '../../src/contract.js';
import type { CommentStore, TransferRecord } from '../src/store.js';
import { validComment } from './support.js';

/** A database of one engine, empty at first, that can be opened several times at once (as by several processes). */
export interface TestDatabase {
  open(options?: { now?: () => number }): Promise<CommentStore>;
  /** The migrations recorded as applied, in order. */
  migrations(): Promise<Array<{ version: number; name: string }>>;
  /** Records a migration that only a newer server knows. */
  addMigrationFromTheFuture(): Promise<void>;
}

export interface StoreEngine {
  name: string;
  /** Whether the engine could not be set up here, and why (a skip outside CI). */
  missing?: string;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  freshDatabase(): Promise<TestDatabase>;
  /** The engine's migration names, in order. */
  migrationNames: string[];
}

const comment = (overrides: Partial<CommentRequest> = {}): CommentRequest => validComment(overrides) as CommentRequest;

// On a minute's boundary, so that no case depends on where in a window it starts.
const START = Date.parse('2025-03-01T12:00:00Z');

/** Opens a fresh database for one `describe`, twice, as two server processes would; closes both after. */
function twoProcesses(engine: StoreEngine, clock?: { time: number }) {
  const opened: { first: CommentStore; second: CommentStore; database: TestDatabase } = {} as never;
  before(async () => {
    opened.database = await engine.freshDatabase();
    const now = clock ? () => clock.time : undefined;
    opened.first = await opened.database.open({ now });
    opened.second = await opened.database.open({ now });
  });
  after(async () => {
    await opened.first?.close();
    await opened.second?.close();
  });
  return opened;
}

async function allPublished(store: CommentStore, articleId: string) {
  const texts: string[] = [];
  let beforeId: string | undefined;
  for (let page = 0; page < 100; page++) {
    const found = await store.published(articleId, { limit: 100, order: 'newest', afterId: beforeId });
    assert.ok(found);
    texts.push(...found.comments.map((c) => c.comment));
    if (!found.more) return texts;
    beforeId = found.comments.at(-1)!.id;
  }
  throw new Error('more than 100 pages');
}

async function exported(store: CommentStore, kind?: TransferRecord['kind']) {
  const records: TransferRecord[] = [];
  for await (const record of store.exportRecords()) if (!kind || record.kind === kind) records.push(record);
  return records;
}

export function storeConformance(engine: StoreEngine) {
  describe(`the ${engine.name} store`, { skip: engine.missing }, () => {
    before(() => engine.setUp());
    after(() => engine.tearDown());

    describe('listing comments', () => {
      const db = twoProcesses(engine);
      before(async () => {
        for (let i = 1; i <= 5; i++) await db.first.create(comment({ articleId: 'paged', comment: `Comment ${i}` }), 'published');
        await db.first.create(comment({ articleId: 'paged', comment: 'Waiting' }), 'pending');
        await db.first.create(comment({ articleId: 'other', comment: 'Elsewhere' }), 'published');
      });

      it('lists the published ones of an article, newest first, a page at a time', async () => {
        const first = await db.second.published('paged', { limit: 2, order: 'newest' });
        assert.deepEqual(first?.comments.map((c) => c.comment), ['Comment 5', 'Comment 4']);
        assert.equal(first?.more, true);
        const second = await db.second.published('paged', { limit: 2, order: 'newest', afterId: first!.comments[1].id });
        assert.deepEqual(second?.comments.map((c) => c.comment), ['Comment 3', 'Comment 2']);
        const last = await db.second.published('paged', { limit: 2, order: 'newest', afterId: second!.comments[1].id });
        assert.deepEqual(last?.comments.map((c) => c.comment), ['Comment 1']);
        assert.equal(last?.more, false);
      });

      it('lists them oldest first when asked, and gives the total and a revision with every page', async () => {
        const first = await db.first.published('paged', { limit: 3, order: 'oldest' });
        assert.deepEqual(first?.comments.map((c) => c.comment), ['Comment 1', 'Comment 2', 'Comment 3']);
        assert.deepEqual([first?.more, first?.total], [true, 5]);
        assert.ok(first!.revision > 0);
        const rest = await db.second.published('paged', { limit: 3, order: 'oldest', afterId: first!.comments[2].id });
        assert.deepEqual(rest?.comments.map((c) => c.comment), ['Comment 4', 'Comment 5']);
        assert.deepEqual([rest?.more, rest?.total, rest?.revision], [false, 5, first!.revision]);
      });

      it('gives each comment its id, article, title, text, name and time, and never an email', async () => {
        const [listed] = (await db.first.published('other', { limit: 10, order: 'newest' }))!.comments;
        assert.deepEqual(Object.keys(listed).sort(), ['articleId', 'comment', 'createdAt', 'id', 'name', 'title']);
        assert.equal(listed.articleId, 'other');
        assert.equal(new Date(listed.createdAt).toISOString(), listed.createdAt);
      });

      it('answers undefined for a cursor that is no comment of this article', async () => {
        const [elsewhere] = (await db.first.published('other', { limit: 1, order: 'newest' }))!.comments;
        assert.equal(await db.first.published('paged', { limit: 2, order: 'newest', afterId: elsewhere.id }), undefined);
        assert.equal(await db.first.published('paged', { limit: 2, order: 'newest', afterId: 'no-such-comment' }), undefined);
      });

      it('answers an empty page for an article without comments', async () => {
        assert.deepEqual(await db.first.published('silent', { limit: 20, order: 'newest' }), { comments: [], more: false, total: 0, revision: 0 });
      });
    });

    describe('keeping text exactly', () => {
      const db = twoProcesses(engine);

      it('stores every character as given, and finds an article by its exact id', async () => {
        const texts = [
          'Family 👨‍👩‍👧 \u202Eevil\u202C and ZWNJ: می\u200Cخواهم',
          'Zalgo H\u0336\u0321e\u0301\u0300 and र्त्स्न्यं',
          '<script>alert(1)</script> \'quotes\' "and" \\backslashes\\ %_ wildcards',
          'line one\nline two\ttabbed',
        ];
        for (const text of texts) await db.first.create(comment({ articleId: 'exact-été', comment: text, name: text }), 'published');
        const listed = (await db.second.published('exact-été', { limit: 10, order: 'newest' }))!.comments;
        assert.deepEqual(listed.map((c) => c.comment).reverse(), texts);
        assert.deepEqual(listed.map((c) => c.name).reverse(), texts);
        assert.deepEqual(await db.second.published('exact-ete', { limit: 10, order: 'newest' }), { comments: [], more: false, total: 0, revision: 0 });
        assert.deepEqual(await db.second.published('%', { limit: 10, order: 'newest' }), { comments: [], more: false, total: 0, revision: 0 });
      });
    });

    describe('moderating', () => {
      const db = twoProcesses(engine);

      it('lists pending comments oldest first, with email and URL, and approves or rejects them', async () => {
        const ids = [];
        for (const text of ['First', 'Second', 'Third']) {
          const outcome = await db.first.create(comment({ articleId: 'moderated', comment: text }), 'pending');
          assert.equal(outcome.kind, 'created');
          if (outcome.kind === 'created') ids.push(outcome.id);
        }
        const pending = await db.second.pending();
        assert.deepEqual(pending.map((c) => c.comment), ['First', 'Second', 'Third']);
        assert.deepEqual(
          { email: pending[0].email, articleUrl: pending[0].articleUrl, status: pending[0].status },
          { email: 'asha@example.com', articleUrl: 'https://news.example/nato', status: 'pending' },
        );
        assert.equal(await db.second.moderate(ids[0], 'published'), true);
        assert.equal(await db.first.moderate(ids[1], 'rejected'), true);
        assert.deepEqual((await db.first.pending()).map((c) => c.comment), ['Third']);
        assert.deepEqual(await allPublished(db.first, 'moderated'), ['First']);
      });

      it('answers false for a comment that does not exist', async () => {
        assert.equal(await db.first.moderate('no-such-comment', 'published'), false);
      });
    });

    describe('counts and revisions', () => {
      const clock = { time: START };
      const db = twoProcesses(engine, clock);

      it('counts the published comments of each article asked for, 0 for those with none', async () => {
        for (const [articleId, count] of [['counted-a', 3], ['counted-b', 1]] as const) {
          for (let i = 0; i < count; i++) await db.first.create(comment({ articleId, comment: `Comment ${i}` }), 'published');
        }
        await db.first.create(comment({ articleId: 'counted-b', comment: 'Waiting' }), 'pending');
        const { counts, revision } = await db.second.counts(['counted-a', 'counted-b', 'counted-none', 'counted-a']);
        assert.deepEqual(counts, { 'counted-a': 3, 'counted-b': 1, 'counted-none': 0 });
        assert.equal(revision, await db.second.revision(['counted-b', 'counted-a', 'counted-none']));
        assert.deepEqual(await db.second.counts([]), { counts: {}, revision: 0 });
        assert.equal(await db.second.revision(['counted-none']), 0);
      });

      it('moves an article’s revision on with every change a reader may see, and not with one they may not', async () => {
        const revision = () => db.second.revision(['revised']);
        const created = await db.first.create(comment({ articleId: 'revised', comment: 'First' }), 'published');
        assert.ok(created.kind === 'created');
        const seen = [await revision()];
        assert.ok(seen[0] >= START, 'a time where the clock allows');
        const waiting = await db.first.create(comment({ articleId: 'revised', comment: 'Waiting' }), 'pending');
        assert.ok(waiting.kind === 'created');
        assert.equal(await revision(), seen[0], 'a pending comment changes nothing a reader sees');
        // The clock stands still: each change still moves the revision on, by one.
        await db.first.moderate(waiting.id, 'published');
        seen.push(await revision());
        await db.second.moderate(created.id, 'rejected');
        seen.push(await revision());
        await db.first.create(comment({ articleId: 'revised', comment: 'Third' }), 'published');
        seen.push(await revision());
        assert.deepEqual(seen, [seen[0], seen[0] + 1, seen[0] + 2, seen[0] + 3]);
        assert.equal((await db.first.published('revised', { limit: 10, order: 'newest' }))?.total, 2);
        clock.time += 60_000;
        await db.first.create(comment({ articleId: 'revised', comment: 'Later' }), 'published');
        assert.equal(await revision(), clock.time, 'the time again once the clock has passed it');
      });
    });

    describe('the revision an ETag is made of', () => {
      const clock = { time: START };
      const db = twoProcesses(engine, clock);

      it('is the time of the change, so that a database made afresh gives no old ETag to new content', async () => {
        assert.equal(await db.first.revision(['timed']), 0);
        await db.first.create(comment({ articleId: 'timed' }), 'published');
        assert.equal(await db.second.revision(['timed']), clock.time);
      });

      it('grows with every change even when the clock does not move, or goes back', async () => {
        const seen = [await db.first.revision(['timed'])];
        await db.second.create(comment({ articleId: 'timed' }), 'published');
        seen.push(await db.first.revision(['timed']));
        clock.time -= 3600_000;
        await db.first.create(comment({ articleId: 'timed' }), 'published');
        seen.push(await db.second.revision(['timed']));
        assert.deepEqual(seen, [seen[0], seen[0] + 1, seen[0] + 2]);
      });

      it('of several articles grows when any of them changes', async () => {
        const before = await db.first.revision(['timed', 'untouched', 'nothing']);
        await db.second.create(comment({ articleId: 'untouched' }), 'published');
        const after = await db.first.revision(['timed', 'untouched', 'nothing']);
        assert.ok(after > before);
        assert.equal((await db.second.counts(['timed', 'untouched', 'nothing'])).revision, after);
      });
    });

    describe('reports', () => {
      const db = twoProcesses(engine);
      const publishedOne = async (text: string) => {
        const outcome = await db.first.create(comment({ articleId: 'reported', comment: text }), 'published');
        assert.ok(outcome.kind === 'created');
        return outcome.id;
      };

      it('takes one report per reader, and the one that makes the threshold sends the comment back to moderation', async () => {
        const id = await publishedOne('Reported');
        assert.deepEqual(await db.first.report(id, '198.51.100.1', 'spam', 3), { kind: 'received', hidden: false });
        assert.deepEqual(await db.second.report(id, '198.51.100.1', 'abusive', 3), { kind: 'repeated' });
        assert.deepEqual(await db.second.report(id, '198.51.100.2', 'abusive', 3), { kind: 'received', hidden: false });
        assert.deepEqual(await db.first.report(id, '198.51.100.3', 'spam', 3), { kind: 'received', hidden: true });
        assert.deepEqual(await allPublished(db.first, 'reported'), []);
        assert.equal((await db.first.published('reported', { limit: 10, order: 'newest' }))?.total, 0);
        assert.deepEqual((await db.second.pending()).map((c) => c.comment), ['Reported']);
        // Hidden now: a new reader finds nothing to report, one who reported gets the first answer.
        assert.deepEqual(await db.first.report(id, '198.51.100.4', 'spam', 3), { kind: 'not_found' });
        assert.deepEqual(await db.first.report(id, '198.51.100.3', 'spam', 3), { kind: 'repeated' });
      });

      it('hides a comment once when many readers report it at once', async () => {
        const id = await publishedOne('Piled on');
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) => (i % 2 ? db.first : db.second).report(id, `203.0.113.${i}`, 'abusive', 5)),
        );
        assert.equal(outcomes.filter((o) => o.kind === 'received' && o.hidden).length, 1);
        assert.equal(outcomes.filter((o) => o.kind === 'received').length, 5);
        assert.equal(outcomes.filter((o) => o.kind === 'not_found').length, 7);
      });

      it('lists reported comments the most reported first, with counts by reason; approval clears them', async () => {
        const few = await publishedOne('Few reports');
        await db.first.report(few, '192.0.2.1', 'other', 10);
        const reported = await db.second.reported();
        assert.deepEqual(
          reported.map((c) => [c.comment, c.reports]),
          [
            ['Piled on', { abusive: 5 }],
            ['Reported', { abusive: 1, spam: 2 }],
            ['Few reports', { other: 1 }],
          ],
        );
        assert.equal(reported[0].email, 'asha@example.com');
        assert.equal(await db.first.moderate(reported[1].id, 'published'), true);
        assert.deepEqual((await db.second.reported()).map((c) => c.comment), ['Piled on', 'Few reports']);
        assert.deepEqual(await allPublished(db.second, 'reported'), ['Few reports', 'Reported']);
      });

      it('finds nothing to report in a comment that does not exist or is not published', async () => {
        const waiting = await db.first.create(comment({ articleId: 'reported', comment: 'Waiting' }), 'pending');
        assert.ok(waiting.kind === 'created');
        assert.deepEqual(await db.first.report(waiting.id, '192.0.2.9', 'spam', 3), { kind: 'not_found' });
        assert.deepEqual(await db.first.report('no-such-comment', '192.0.2.9', 'spam', 3), { kind: 'not_found' });
      });
    });

    describe('when many comments arrive at once on two processes', () => {
      const db = twoProcesses(engine);

      it('stores 200 concurrent comments, each exactly once', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 200 }, (_, i) => (i % 2 ? db.first : db.second).create(comment({ articleId: 'busy', comment: `Comment ${i}` }), 'published')),
        );
        assert.equal(new Set(outcomes.map((outcome) => outcome.kind === 'created' && outcome.id)).size, 200);
        const texts = await allPublished(db.first, 'busy');
        assert.equal(texts.length, 200);
        assert.equal(new Set(texts).size, 200);
      });

      it('stores a comment once however often it is sent with the same key, and answers one id', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => (i % 2 ? db.first : db.second).create(comment({ articleId: 'retried' }), 'published', 'retried-key')),
        );
        assert.equal(outcomes.filter((outcome) => outcome.kind === 'created').length, 1);
        assert.equal(outcomes.filter((outcome) => outcome.kind === 'repeated').length, 19);
        assert.equal(new Set(outcomes.map((outcome) => outcome.kind !== 'key_reused' && outcome.id)).size, 1);
        assert.equal((await allPublished(db.second, 'retried')).length, 1);
      });
    });

    describe('when an idempotency key comes again', () => {
      const db = twoProcesses(engine);

      it('answers the same comment with the first answer, another comment with key_reused', async () => {
        const first = await db.first.create(comment({ articleId: 'again' }), 'published', 'key-a');
        assert.equal(first.kind, 'created');
        assert.deepEqual(await db.second.create(comment({ articleId: 'again' }), 'published', 'key-a'), { ...first, kind: 'repeated' });
        assert.deepEqual(await db.second.create(comment({ articleId: 'again', comment: 'Other' }), 'published', 'key-a'), { kind: 'key_reused' });
        assert.deepEqual(await db.second.create(comment({ articleId: 'elsewhere' }), 'published', 'key-a'), { kind: 'key_reused' });
        assert.deepEqual(await allPublished(db.first, 'again'), ['Well reported.']);
        assert.deepEqual(await allPublished(db.first, 'elsewhere'), []);
      });

      it('reports a comment approved or rejected since as published or still pending', async () => {
        const first = await db.first.create(comment({ articleId: 'judged', comment: 'To approve' }), 'pending', 'key-b');
        const second = await db.first.create(comment({ articleId: 'judged', comment: 'To reject' }), 'pending', 'key-c');
        assert.ok(first.kind === 'created' && second.kind === 'created');
        await db.first.moderate(first.id, 'published');
        await db.first.moderate(second.id, 'rejected');
        const again = (text: string, key: string) => db.second.create(comment({ articleId: 'judged', comment: text }), 'pending', key);
        assert.deepEqual(await again('To approve', 'key-b'), { kind: 'repeated', id: first.id, status: 'published' });
        assert.deepEqual(await again('To reject', 'key-c'), { kind: 'repeated', id: second.id, status: 'pending' });
      });
    });

    describe('when an idempotency key is more than a day old', () => {
      const clock = { time: START };
      const db = twoProcesses(engine, clock);

      it('forgets it: the key may name a new comment', async () => {
        const original = comment({ articleId: 'expiry' });
        const first = await db.first.create(original, 'published', 'daily-key');
        assert.equal(first.kind, 'created');
        clock.time += 23 * 3600_000;
        assert.equal((await db.second.create({ ...original, comment: 'Another' }, 'published', 'daily-key')).kind, 'key_reused');
        assert.deepEqual(await db.second.create(original, 'published', 'daily-key'), { ...first, kind: 'repeated' });
        clock.time += 2 * 3600_000;
        const later = await db.second.create({ ...original, comment: 'Another' }, 'published', 'daily-key');
        assert.equal(later.kind, 'created');
        assert.notEqual(later.kind === 'created' && later.id, first.kind === 'created' && first.id);
        assert.deepEqual(await db.first.create({ ...original, comment: 'Another' }, 'published', 'daily-key'), { ...later, kind: 'repeated' });
      });
    });

    describe('rate limits', () => {
      const clock = { time: START };
      const db = twoProcesses(engine, clock);

      it('allows count events per window, then says how long to wait, and allows more once it has passed', async () => {
        const limiter = db.first.rateLimiter('comments', { count: 3, windowSeconds: 60 });
        const takes = [];
        for (let i = 0; i < 4; i++) takes.push(await limiter.take('203.0.113.1'));
        assert.deepEqual(takes, [0, 0, 0, 60]);
        clock.time = START + 45_000;
        assert.equal(await limiter.wait('203.0.113.1'), 15);
        assert.equal(await limiter.take('203.0.113.1'), 15);
        clock.time = START + 60_001;
        assert.equal(await limiter.wait('203.0.113.1'), 0);
        assert.equal(await limiter.take('203.0.113.1'), 0);
      });

      it('counts each client and each named limit apart, and wait records nothing', async () => {
        clock.time = START + 3600_000;
        const comments = db.first.rateLimiter('comments', { count: 1, windowSeconds: 60 });
        const signIns = db.first.rateLimiter('sign-ins', { count: 1, windowSeconds: 60 });
        assert.equal(await comments.wait('2001:db8::/64'), 0);
        assert.equal(await comments.wait('2001:db8::/64'), 0);
        assert.equal(await comments.take('2001:db8::/64'), 0);
        assert.equal(await comments.take('198.51.100.7'), 0);
        assert.equal(await signIns.take('2001:db8::/64'), 0);
        assert.equal(await comments.take('2001:db8::/64'), 60);
        assert.equal(await signIns.wait('2001:db8::/64'), 60);
      });

      it('refuses everything when the count is 0', async () => {
        const closed = db.first.rateLimiter('closed', { count: 0, windowSeconds: 30 });
        assert.equal(await closed.take('anyone'), 30);
        assert.equal(await closed.wait('anyone'), 30);
      });
    });

    describe('schema migrations', () => {
      it('has the same numbered migrations as every other engine', async () => {
        const db = await engine.freshDatabase();
        const store = await db.open();
        await store.close();
        assert.deepEqual(
          await db.migrations(),
          engine.migrationNames.map((name, i) => ({ version: i + 1, name })),
        );
        assert.deepEqual(engine.migrationNames.slice(0, 4), [
          'comments',
          'idempotency keys with fingerprint and age',
          'articles with published count and revision; reports',
          'rate limits',
        ]);
      });

      it('migrates once when several processes start together on a new database', async () => {
        const db = await engine.freshDatabase();
        const stores = await Promise.all(Array.from({ length: 4 }, () => db.open()));
        await Promise.all(stores.map((store, i) => store.create(comment({ articleId: 'together', comment: `From ${i}` }), 'published')));
        assert.equal((await allPublished(stores[0], 'together')).length, 4);
        await Promise.all(stores.map((store) => store.close()));
        assert.equal((await db.migrations()).length, engine.migrationNames.length);
      });

      it('keeps every comment when reopened', async () => {
        const db = await engine.freshDatabase();
        const store = await db.open();
        await store.create(comment({ articleId: 'reopened', comment: 'Before closing' }), 'published');
        await store.close();
        const again = await db.open();
        assert.deepEqual(await allPublished(again, 'reopened'), ['Before closing']);
        await again.close();
      });

      it('refuses a database a newer server has migrated, saying so', async () => {
        const db = await engine.freshDatabase();
        await (await db.open()).close();
        await db.addMigrationFromTheFuture();
        await assert.rejects(db.open(), /schema version 99.*newer/);
      });
    });

    describe('export and import', () => {
      const clock = { time: START };
      const source = twoProcesses(engine, clock);
      const target = twoProcesses(engine, clock);

      before(async () => {
        for (let i = 1; i <= 3; i++) {
          await source.first.create(comment({ articleId: 'moved', comment: `Published ${i}` }), 'published', `moved-${i}`);
          clock.time += 1000;
        }
        const pending = await source.first.create(comment({ articleId: 'moved', comment: 'Pending' }), 'pending');
        const rejected = await source.first.create(comment({ articleId: 'moved', comment: 'Rejected' }), 'pending');
        assert.ok(rejected.kind === 'created' && pending.kind === 'created');
        await source.first.moderate(rejected.id, 'rejected');
        const [third] = (await source.first.published('moved', { limit: 1, order: 'newest' }))!.comments;
        await source.first.report(third.id, '198.51.100.7', 'spam', 3);
      });

      it('exports every comment with its state, in order, then the live keys', async () => {
        const records = await exported(source.second);
        assert.deepEqual(
          records.map((record) =>
            record.kind === 'comment'
              ? `${record.comment}: ${record.status}`
              : record.kind === 'report'
                ? `report ${record.reason}`
                : record.kind === 'idempotencyKey'
                  ? `key ${record.key}`
                  : `${record.kind} ${'articleId' in record ? record.articleId : ''}`,
          ),
          [
            'Published 1: published',
            'Published 2: published',
            'Published 3: published',
            'Pending: pending',
            'Rejected: rejected',
            'report spam',
            'key moved-1',
            'key moved-2',
            'key moved-3',
            'article moved',
          ],
        );
        const first = records[0];
        assert.ok(first.kind === 'comment');
        assert.equal(first.email, 'asha@example.com');
        assert.equal(first.createdAt, new Date(START).toISOString());
      });

      it('imports them into an empty database as they were, and a second import adds nothing', async () => {
        const records = await exported(source.first);
        assert.deepEqual(await target.first.importRecords(records), { added: records.length, present: 0 });
        assert.deepEqual(await exported(target.second), records);
        assert.deepEqual(await allPublished(target.second, 'moved'), ['Published 3', 'Published 2', 'Published 1']);
        assert.deepEqual((await target.second.pending()).map((c) => c.comment), ['Pending']);
        assert.deepEqual((await target.second.counts(['moved'])).counts, { moved: 3 });
        assert.ok((await target.second.revision(['moved'])) > 0);
        assert.deepEqual((await target.first.reported()).map((c) => [c.comment, c.reports]), [['Published 3', { spam: 1 }]]);
        assert.deepEqual(await target.second.importRecords(records), { added: 0, present: records.length });
        assert.deepEqual(await exported(target.first), records);
        assert.deepEqual((await target.second.counts(['moved'])).counts, { moved: 3 });
      });

      it('keeps the imported keys: a retry after the move gets the first answer', async () => {
        const [first] = await exported(source.first);
        assert.ok(first.kind === 'comment');
        const retry = await target.first.create(comment({ articleId: 'moved', comment: 'Published 1' }), 'published', 'moved-1');
        assert.deepEqual(retry, { kind: 'repeated', id: first.id, status: 'published' });
      });

      it('refuses reports and keys that would land on another comment holding their comment’s id, importing nothing', async () => {
        const db = await engine.freshDatabase();
        const store = await db.open();
        try {
          const createdAt = new Date(START).toISOString();
          const honest: TransferRecord = { kind: 'comment', ...comment({ articleId: 'kept', comment: 'An honest comment' }), id: 'taken', status: 'published', createdAt };
          await store.importRecords([honest]);
          // A file naming another comment by that id: the comment itself is "already there", and its reports would
          // count against the honest one (one more reader's report would hide it), its key answer for it.
          const forged: TransferRecord = { ...honest, articleId: 'elsewhere', comment: 'Forged' };
          const reports: TransferRecord[] = ['198.51.100.1', '198.51.100.2'].map((reader) => ({ kind: 'report', commentId: 'taken', reader, reason: 'abusive', createdAt }));
          const key: TransferRecord = { kind: 'idempotencyKey', key: 'forged', fingerprint: 'x', commentId: 'taken', createdAt };
          const fresh: TransferRecord = { ...honest, id: 'fresh' };
          for (const records of [[fresh, forged, ...reports], [forged, key]]) {
            await assert.rejects(store.importRecords(records), /comment "taken" .*another comment/);
          }
          assert.deepEqual(await exported(store, 'comment'), [honest]);
          // The same comment with its reports, as a later export of this database brings them, is taken.
          assert.deepEqual(await store.importRecords([honest, ...reports]), { added: 2, present: 1 });
        } finally {
          await store.close();
        }
      });

      it('imports nothing when one record cannot be stored', async () => {
        const db = await engine.freshDatabase();
        const store = await db.open();
        try {
          const good: TransferRecord = { kind: 'comment', ...comment({ articleId: 'half' }), id: 'good', status: 'published', createdAt: new Date(START).toISOString() };
          const orphanKey: TransferRecord = { kind: 'idempotencyKey', key: 'orphan', fingerprint: 'x', commentId: 'missing', createdAt: good.createdAt };
          await assert.rejects(store.importRecords([good, orphanKey]));
          assert.deepEqual(await exported(store), []);
        } finally {
          await store.close();
        }
      });

      it('carries the desk: moderators, blocks, word lists, sender records, rejection reasons, articles, the trail', async () => {
        const [from, to] = [await (await engine.freshDatabase()).open(), await (await engine.freshDatabase()).open()];
        try {
          const sender = { ip: '203.0.113.9', userAgent: 'Reader/1.0' };
          const sent = await from.create(comment({ articleId: 'desk', articleTitle: 'The desk' }), 'pending', undefined, { sender });
          assert.ok(sent.kind === 'created');
          assert.equal(await from.addModerator('Mira', 'admin', 'hash-of-mira'), true);
          const mira = (await from.moderator('Mira'))!;
          await from.createSession('digest', mira);
          await from.decide([sent.id], 'reject', 'off topic', 'Mira');
          await from.addBlock({ kind: 'email', value: 'troll@example.com' }, 'Mira');
          await from.addBlock({ kind: 'ip', value: '198.51.100.0/24', first: '00000000000000000000ffffc6336400', last: '00000000000000000000ffffc63364ff' }, 'Mira');
          await from.setWordLists({ reject: ['spamword'], hold: ['maybe'], holdLinks: true }, 'Mira');
          await from.setArticleState('desk', 'closed', 'Mira');
          const records = await exported(from);

          assert.deepEqual(await to.importRecords(records), { added: records.length, present: 0 });
          assert.equal((await to.moderator('mira'))?.passwordHash, 'hash-of-mira');
          assert.equal((await to.moderator('mira'))?.role, 'admin');
          assert.equal(await to.isBlocked('Troll@example.com', undefined), true);
          assert.equal(await to.isBlocked('x@example.com', '00000000000000000000ffffc6336407'), true);
          assert.deepEqual(await to.wordLists(), { reject: ['spamword'], hold: ['maybe'], holdLinks: true });
          const kept = await to.exportSender(sent.id, 'Mira');
          assert.ok(typeof kept === 'object');
          assert.deepEqual([kept.ip, kept.userAgent], [sender.ip, sender.userAgent]);
          assert.equal((await to.article('desk'))?.state, 'closed');
          assert.equal((await to.article('desk'))?.articleTitle, 'The desk');
          const [rejected] = (await to.deskComments({ queue: 'rejected', order: 'newest', limit: 5 })).comments;
          assert.equal(rejected.reason, 'off topic');
          const trail = async (store: CommentStore) =>
            (await store.audit({ limit: 50 })).entries.map(({ id, ...entry }) => entry).filter((entry) => entry.action !== 'export_sender');
          assert.deepEqual(await trail(to), await trail(from));
          assert.deepEqual(
            (await trail(to)).map((entry) => entry.action).reverse(),
            ['sign_in', 'reject', 'block', 'block', 'word_lists', 'close_article'],
          );

          // Twice adds nothing; what comes out is what went in (but the export of the sender just made).
          assert.deepEqual(await to.importRecords(records), { added: 0, present: records.length });
          assert.deepEqual((await exported(to)).filter((r) => !(r.kind === 'audit' && r.action === 'export_sender')), records);

          // A moderator of that name with another password, or a sender record with another address: nothing imported.
          const count = (await exported(to)).length;
          const other = (records as Array<Record<string, unknown>>).map((r) => (r.kind === 'moderator' ? { ...r, passwordHash: 'another' } : r));
          await assert.rejects(to.importRecords([...(other as TransferRecord[]), { kind: 'word', list: 'hold', word: 'new' }]), /moderator "Mira" with other content/);
          const moved = (records as Array<Record<string, unknown>>).map((r) => (r.kind === 'sender' ? { ...r, ip: '192.0.2.1' } : r));
          await assert.rejects(to.importRecords(moved as TransferRecord[]), /sender record with other content/);
          assert.equal((await exported(to)).length, count);
          assert.deepEqual((await to.wordLists()).hold, ['maybe']);
        } finally {
          await Promise.all([from.close(), to.close()]);
        }
      });
    });
  });
}
