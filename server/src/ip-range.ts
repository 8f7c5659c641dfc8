/**
 * IP addresses and prefixes as the blocks keep them: every address as 32 hex digits of its IPv6 form (IPv4 as
 * IPv4-mapped, `::ffff:a.b.c.d`), so that "is this address in that prefix" is a comparison of two strings that any
 * SQL engine can make with an index.
 */
import { isIPv4 } from 'node:net';
import { groupsOf, normaliseAddress } from './client-address.js';

/** The address as 32 hex digits, or `undefined` if it is none (`unknown`). */
export function ipKey(address: string): string | undefined {
  const normal = normaliseAddress(address);
  if (!normal) return undefined;
  const groups = isIPv4(normal) ? groupsOf(`::ffff:${normal}`) : groupsOf(normal);
  return groups.map((group) => group.toString(16).padStart(4, '0')).join('');
}

// Prefixes shorter than these would block a good part of the internet at once: surely a typing mistake.
const SHORTEST_PREFIX = { 4: 8, 6: 16 };

/**
 * An address or CIDR prefix (`203.0.113.0/24`, `2001:db8::/32`) as a block keeps it: its spelling, and its first and
 * last address as `ipKey` spells them; or why it is not one.
 */
export function ipRange(text: string): { value: string; first: string; last: string } | { problem: string } {
  const [address, prefix, extra] = text.trim().split('/');
  const normal = normaliseAddress(address ?? '');
  if (!normal || extra !== undefined || /%/.test(address)) return { problem: 'Give an IP address, or a prefix such as 203.0.113.0/24.' };
  const version = isIPv4(normal) ? 4 : 6;
  const bits = version === 4 ? 32 : 128;
  if (prefix !== undefined && !/^\d{1,3}$/.test(prefix)) return { problem: 'The prefix length must be a whole number.' };
  const length = prefix === undefined ? bits : Number(prefix);
  if (length > bits) return { problem: `An IPv${version} prefix is at most /${bits}.` };
  if (length < SHORTEST_PREFIX[version]) {
    return { problem: `An IPv${version} prefix shorter than /${SHORTEST_PREFIX[version]} would block too many readers.` };
  }
  const key = BigInt(`0x${ipKey(normal)}`);
  const hostBits = BigInt(bits - length);
  const first = (key >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  const hex = (value: bigint) => value.toString(16).padStart(32, '0');
  const firstText = version === 4 ? ipv4Of(first) : normaliseAddress(groupsText(first))!;
  return { value: length === bits ? firstText : `${firstText}/${length}`, first: hex(first), last: hex(last) };
}

const ipv4Of = (key: bigint) => [24n, 16n, 8n, 0n].map((shift) => Number((key >> shift) & 255n)).join('.');
const groupsText = (key: bigint) =>
  Array.from({ length: 8 }, (_, i) => ((key >> BigInt(112 - 16 * i)) & 0xffffn).toString(16)).join(':');
