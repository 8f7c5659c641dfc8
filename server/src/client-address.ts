/**
 * Who a request comes from, for the rate limits: the socket's peer, or behind trusted proxies the address the
 * nearest of them saw. Pure functions of strings, so they are tested without a network.
 */
import { isIPv4, isIPv6 } from 'node:net';

/** IPv6 as eight 16-bit groups; `text` must be valid IPv6 (`isIPv6`), possibly ending in dotted IPv4. */
export function groupsOf(text: string): number[] {
  const parse = (part: string) =>
    part === ''
      ? []
      : part.split(':').flatMap((group) => {
          if (!group.includes('.')) return [parseInt(group, 16)];
          const [a, b, c, d] = group.split('.').map(Number);
          return [(a << 8) | b, (c << 8) | d];
        });
  const [left, right] = text.split('::');
  if (right === undefined) return parse(left);
  const head = parse(left);
  const tail = parse(right);
  return [...head, ...Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952's one spelling: lower-case hex, no leading zeros, the longest run of two or more zero groups as `::`. */
function formatIPv6(groups: number[]): string {
  let start = -1;
  let length = 0;
  for (let i = 0; i < 8; i++) {
    let run = 0;
    while (i + run < 8 && groups[i + run] === 0) run++;
    if (run > length && run >= 2) [start, length] = [i, run];
  }
  const hex = groups.map((group) => group.toString(16));
  if (start < 0) return hex.join(':');
  return `${hex.slice(0, start).join(':')}::${hex.slice(start + length).join(':')}`;
}

/**
 * An IP address in one spelling, or `undefined` if `text` is not one. IPv4 as dotted decimal; IPv6 as RFC 5952
 * writes it, without a zone; an IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, how a dual-stack socket reports an
 * IPv4 peer) as its IPv4 address, so one client has one key whichever way it arrived.
 */
export function normaliseAddress(text: string): string | undefined {
  const address = text.trim();
  if (isIPv4(address)) return address;
  const withoutZone = address.replace(/%[\w.-]+$/, '');
  if (!isIPv6(withoutZone)) return undefined;
  const groups = groupsOf(withoutZone);
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) {
    return [groups[6] >> 8, groups[6] & 0xff, groups[7] >> 8, groups[7] & 0xff].join('.');
  }
  return formatIPv6(groups);
}

/** One `X-Forwarded-For` entry, which some proxies write with a port (`192.0.2.1:4711`, `[2001:db8::1]:4711`). */
function forwardedAddress(entry: string): string | undefined {
  const text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return normaliseAddress(bracketed[1]);
  const ipv4WithPort = /^([\d.]+):\d+$/.exec(text);
  return normaliseAddress(ipv4WithPort ? ipv4WithPort[1] : text);
}

/**
 * The client's address. With `trustedProxies` = 0 it is the socket's peer. Behind N trusted proxies it is the N-th
 * entry of `X-Forwarded-For` from the right: each proxy appends the address it saw, so the entries to the left of
 * those are whatever the client wrote. A missing or invalid entry means the socket's peer.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  trustedProxies: number,
): string {
  const peer = (socketAddress && normaliseAddress(socketAddress)) || 'unknown';
  if (trustedProxies < 1 || !forwardedFor) return peer;
  const entries = forwardedFor.split(',');
  if (entries.length < trustedProxies) return peer;
  return forwardedAddress(entries[entries.length - trustedProxies]) ?? peer;
}

/**
 * What a client is rate-limited as: an IPv4 address, or the /64 network of an IPv6 address, since one subscriber
 * is usually given a whole /64 and could otherwise take a fresh address for every request.
 */
export function rateLimitKey(address: string): string {
  if (!isIPv6(address)) return address;
  return `${formatIPv6([...groupsOf(address).slice(0, 4), 0, 0, 0, 0])}/64`;
}
