/**
 * Moderator passwords and desk sessions. Passwords are kept as salted scrypt hashes; a session is a random token in
 * an HttpOnly cookie, and the database keeps only its SHA-256 digest, so that a copy of the database opens no desk.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Role } from './desk-types.js';

// N = 2^15, r = 8: 32 MiB and about 80 ms a hash (measured on a 2-core Xeon: median 83 ms, 79 to 89), which makes a
// stolen database's passwords slow to guess while a sign-in stays quick. Kept in each hash, so they can grow later.
const COST = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

const derive = (password: string, salt: Buffer, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );

/** `scrypt$N$r$p$salt$hash`, salt and hash in base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Checked against when the name is unknown, so that an unknown name takes as long to refuse as a wrong password.
const decoy = hashPassword(randomBytes(16).toString('hex'));

/** Whether `password` matches `stored`; with no `stored`, the same work and `false`. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  const [scheme, N, r, p, salt, hash] = (stored ?? (await decoy)).split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(N), r: Number(r), p: Number(p) });
  return stored !== undefined && key.length === expected.length && timingSafeEqual(key, expected);
}

/** Names of moderators: letters, digits, `.`, `_`, `-`; what the audit trail shows. */
export const isModeratorName = (name: string) => /^[\p{L}\p{N}._-]{1,64}$/u.test(name);

/** Long enough that a guesser held to the sign-in limit gets nowhere; no other rule, as NIST SP 800-63B advises. */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1000;

export function passwordProblem(password: string): string | undefined {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return `The password must be at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (length > MAX_PASSWORD_LENGTH) return `The password must be at most ${MAX_PASSWORD_LENGTH} characters.`;
  return undefined;
}

export const isRole = (value: unknown): value is Role => value === 'moderator' || value === 'admin';

/** A new session token: 256 random bits. */
export const newSessionToken = () => randomBytes(32).toString('base64url');

/** What the database keeps of a session token. */
export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('base64url');

/** A token as `newSessionToken` makes them; anything else is not looked up. */
export const isSessionToken = (value: string) => /^[\w-]{43}$/.test(value);
