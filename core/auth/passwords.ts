import { base64url, fromBase64url, timingSafeEqual } from "./secrets";

/**
 * PBKDF2-SHA256 password hashes, stored as `pbkdf2_sha256$<iterations>$<salt>$<hash>`.
 *
 * 100,000 iterations is workerd's ceiling for PBKDF2 (it refuses more); the reasoning
 * and the upgrade path are in docs/decisions.md. The iteration count is stored with
 * each hash so it can be raised later and old hashes re-hashed at the next login.
 */
export const PBKDF2_ITERATIONS = 100_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `pbkdf2_sha256$${iterations}$${base64url(salt)}$${base64url(hash)}`;
}

/** Verifies in constant time; a malformed stored hash never verifies. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterText, saltText, hashText] = stored.split("$");
  if (scheme !== "pbkdf2_sha256" || !iterText || !saltText || !hashText) return false;
  const iterations = Number(iterText);
  const salt = fromBase64url(saltText);
  const expected = fromBase64url(hashText);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_ITERATIONS || !salt || !expected) {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  return timingSafeEqual(actual, expected);
}

/**
 * A hash of a random password, verified against when the email is unknown so that
 * "no such user" and "wrong password" take the same time.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(base64url(crypto.getRandomValues(new Uint8Array(16))));
  return dummyHash;
}
