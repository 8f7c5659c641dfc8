import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress, normaliseAddress, rateLimitKey } from '../src/client-address.js';

describe('spelling an address one way', () => {
  it('keeps IPv4 as it is, and refuses what is no address', () => {
    assert.equal(normaliseAddress('192.0.2.1'), '192.0.2.1');
    assert.equal(normaliseAddress(' 192.0.2.1 '), '192.0.2.1');
    for (const text of ['', 'unknown', '192.0.2', '192.0.2.256', '192.0.2.1.5', 'evil.example', '::g', '1:2:3:4:5:6:7:8:9']) {
      assert.equal(normaliseAddress(text), undefined, text);
    }
  });

  it('writes IPv6 as RFC 5952 does', () => {
    assert.equal(normaliseAddress('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(normaliseAddress('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(normaliseAddress('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(normaliseAddress('::1'), '::1');
    assert.equal(normaliseAddress('0:0:0:0:0:0:0:0'), '::');
    assert.equal(normaliseAddress('fe80::1%eth0'), 'fe80::1');
  });

  it('turns an IPv4-mapped IPv6 address into its IPv4 address', () => {
    assert.equal(normaliseAddress('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(normaliseAddress('::FFFF:c000:0201'), '192.0.2.1');
    assert.equal(normaliseAddress('0:0:0:0:0:ffff:192.0.2.1'), '192.0.2.1');
    // IPv4-compatible and other embedded forms are IPv6 addresses of their own.
    assert.equal(normaliseAddress('::192.0.2.1'), '::c000:201');
  });
});

describe('finding the client behind proxies', () => {
  it('uses the socket when no proxy is trusted, whatever the headers say', () => {
    assert.equal(clientAddress('203.0.113.9', '198.51.100.1', 0), '203.0.113.9');
    assert.equal(clientAddress('::ffff:203.0.113.9', undefined, 0), '203.0.113.9');
    assert.equal(clientAddress(undefined, undefined, 0), 'unknown');
  });

  it('takes the entry the trusted proxy appended, not the ones the client wrote', () => {
    assert.equal(clientAddress('10.0.0.2', '198.51.100.7, 203.0.113.50', 1), '203.0.113.50');
    assert.equal(clientAddress('10.0.0.2', '198.51.100.7,203.0.113.50', 1), '203.0.113.50');
    assert.equal(clientAddress('10.0.0.2', '203.0.113.50', 1), '203.0.113.50');
  });

  it('counts N proxies from the right', () => {
    const forwarded = '198.51.100.7, 203.0.113.50, 10.0.0.9';
    assert.equal(clientAddress('10.0.0.2', forwarded, 2), '203.0.113.50');
    assert.equal(clientAddress('10.0.0.2', forwarded, 3), '198.51.100.7');
  });

  it('falls back to the socket when the entry is missing or invalid', () => {
    assert.equal(clientAddress('10.0.0.2', undefined, 1), '10.0.0.2');
    assert.equal(clientAddress('10.0.0.2', '', 1), '10.0.0.2');
    assert.equal(clientAddress('10.0.0.2', '203.0.113.50', 2), '10.0.0.2');
    assert.equal(clientAddress('10.0.0.2', '198.51.100.7, unknown', 1), '10.0.0.2');
    assert.equal(clientAddress('10.0.0.2', '198.51.100.7, evil.example', 1), '10.0.0.2');
    assert.equal(clientAddress('10.0.0.2', '198.51.100.7, ', 1), '10.0.0.2');
  });

  it('reads entries with ports, brackets and IPv6 spelled any way', () => {
    assert.equal(clientAddress('10.0.0.2', '203.0.113.50:4711', 1), '203.0.113.50');
    assert.equal(clientAddress('10.0.0.2', '[2001:DB8::0001]:4711', 1), '2001:db8::1');
    assert.equal(clientAddress('10.0.0.2', '2001:db8:0:0::1', 1), '2001:db8::1');
    assert.equal(clientAddress('10.0.0.2', '::ffff:203.0.113.50', 1), '203.0.113.50');
  });
});

describe('grouping clients for the rate limit', () => {
  it('limits IPv4 by address and IPv6 by /64', () => {
    assert.equal(rateLimitKey('203.0.113.50'), '203.0.113.50');
    assert.equal(rateLimitKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64');
    assert.equal(rateLimitKey('2001:db8:1:2:bbbb:cccc:dddd:eeee'), '2001:db8:1:2::/64');
    assert.notEqual(rateLimitKey('2001:db8:1:3::1'), rateLimitKey('2001:db8:1:2::1'));
    assert.equal(rateLimitKey('::1'), '::/64');
    assert.equal(rateLimitKey('unknown'), 'unknown');
  });
});
