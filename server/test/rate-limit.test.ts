import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rateLimiter } from '../src/rate-limit.js';

describe('the rate-limit table', () => {
  it('allows count events per window, then says how long to wait', () => {
    let time = 0;
    const limiter = rateLimiter({ count: 3, windowSeconds: 60, now: () => time });
    assert.deepEqual([1, 2, 3, 4].map(() => limiter.take('a')), [0, 0, 0, 60]);
    assert.equal(limiter.take('b'), 0);
    time = 45_000;
    assert.equal(limiter.wait('a'), 15);
    time = 60_001;
    assert.equal(limiter.wait('a'), 0);
    assert.equal(limiter.take('a'), 0);
  });

  it('stays bounded under a flood of distinct clients, forgetting the quietest first', () => {
    let time = 0;
    const limiter = rateLimiter({ count: 5, windowSeconds: 60, maxClients: 10_000, now: () => time });
    for (let i = 0; i < 5; i++) limiter.take('regular');
    for (let i = 0; i < 200_000; i++) {
      time = i / 100; // all within one window
      limiter.take(`flood-${i}`);
      if (i % 5_000 === 0) limiter.take('regular');
      assert.ok(limiter.size <= 10_000);
    }
    assert.equal(limiter.size, 10_000);
    // The regular client kept being seen, so it was never the quietest: its limit still holds.
    assert.ok(limiter.take('regular') > 0);
  });

  it('forgets quiet clients a few at a time as traffic goes on, with no sweep', () => {
    let time = 0;
    const limiter = rateLimiter({ count: 5, windowSeconds: 60, now: () => time });
    for (let i = 0; i < 1_000; i++) limiter.take(`client-${i}`);
    time = 61_000;
    limiter.take('someone');
    assert.ok(limiter.size >= 998, 'one call forgets only a few');
    for (let i = 0; i < 600; i++) limiter.take('someone');
    assert.equal(limiter.size, 1);
  });
});
