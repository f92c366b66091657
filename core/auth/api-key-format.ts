import { randomToken } from "./secrets";

/** `sk_live_` / `sk_test_` followed by 43 base64url characters (256 random bits). */
export const KEY_PATTERN = /^sk_(live|test)_[A-Za-z0-9_-]{43}$/;
export type KeyEnvironment = "live" | "test";

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith("sk_live_") || token.startsWith("sk_test_");
}

export function generateApiKey(environment: KeyEnvironment): { key: string; prefix: string } {
  const key = `sk_${environment}_${randomToken(32)}`;
  // Enough characters to tell keys apart in a listing, far too few to help a guesser.
  return { key, prefix: key.slice(0, `sk_${environment}_`.length + 6) };
}
