import { base64url, fromBase64url, sha256Hex } from "./secrets";

/**
 * Signing secrets kept at rest (webhook secrets, per-job callback secrets) are sealed with
 * AES-256-GCM under a platform key, so a copy of D1 (a backup, an export, a leaked file)
 * does not hand out the HMAC keys. They cannot be hashed: the sender needs the secret itself.
 *
 * Stored text: `v1.<kid>.<iv>.<ciphertext>` (base64url), where `kid` names the key. The
 * keyring is one Worker secret, `SECRETS_KEY`: comma-separated base64 32-byte keys, the first
 * current (new values are sealed under it), the others still opened, so a key rotates by
 * prepending a new one and dropping the old once nothing is sealed under it. A key's id is
 * the first 8 hex digits of its SHA-256: nothing to name, nothing to mismatch.
 *
 * Each value is sealed with additional data naming its column and row (`aad`), so a sealed
 * value copied to another row does not open there. Pure WebCrypto: no bindings.
 */
const VERSION = "v1";
const IV_BYTES = 12;

export type Keyring = { current: string; keys: Map<string, CryptoKey> };

export class SecretsKeyError extends Error {
  override name = "SecretsKeyError";
}

const cache = new Map<string, Promise<Keyring>>();

/** Parses (once per isolate and value) the `SECRETS_KEY` text; throws SecretsKeyError when missing or malformed. */
export function keyringFrom(text: string | undefined): Promise<Keyring> {
  if (!text || !text.trim()) {
    return Promise.reject(
      new SecretsKeyError("SECRETS_KEY is not configured: signing secrets cannot be sealed or opened (docs/deploy.md)"),
    );
  }
  let ring = cache.get(text);
  if (!ring) {
    ring = parseKeyring(text);
    ring.catch(() => cache.delete(text));
    cache.set(text, ring);
  }
  return ring;
}

async function parseKeyring(text: string): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  let current: string | undefined;
  for (const part of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const raw = decodeKey(part);
    if (!raw || raw.length !== 32) throw new SecretsKeyError("SECRETS_KEY: each key must be 32 bytes, base64-encoded");
    const kid = (await sha256Hex(part.replace(/=+$/, ""))).slice(0, 8);
    keys.set(kid, await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
    current ??= kid;
  }
  if (!current) throw new SecretsKeyError("SECRETS_KEY holds no key");
  return { current, keys };
}

/** Standard or URL-safe base64, padded or not. */
function decodeKey(text: string): Uint8Array<ArrayBuffer> | null {
  return fromBase64url(text.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"));
}

export function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}.`);
}

export async function sealSecret(ring: Keyring, secret: string, aad: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = ring.keys.get(ring.current)!;
  const enc = new TextEncoder();
  const ct = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: enc.encode(aad) },
    key,
    enc.encode(secret),
  );
  return [VERSION, ring.current, base64url(iv), base64url(new Uint8Array(ct))].join(".");
}

/**
 * Opens a sealed value. A value that is not sealed (`legacy`, written before sealing) is
 * returned as is so the caller can re-seal it; anything sealed that does not open (unknown
 * key, wrong row, tampered) throws.
 */
export async function openSecret(ring: Keyring, stored: string, aad: string): Promise<{ secret: string; legacy: boolean }> {
  if (!isSealed(stored)) return { secret: stored, legacy: true };
  const [, kid, ivText, ctText, extra] = stored.split(".");
  const key = kid ? ring.keys.get(kid) : undefined;
  if (!key) throw new SecretsKeyError(`sealed secret under key ${kid ?? "?"}, which SECRETS_KEY does not hold`);
  const iv = fromBase64url(ivText ?? "");
  const ct = fromBase64url(ctText ?? "");
  if (!iv || iv.length !== IV_BYTES || !ct || extra !== undefined) throw new SecretsKeyError("malformed sealed secret");
  try {
    const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(aad) }, key, ct);
    return { secret: new TextDecoder().decode(pt), legacy: false };
  } catch {
    throw new SecretsKeyError("sealed secret does not open (tampered, or sealed for another row)");
  }
}

/** The additional data of a sealed column value: the column and the row it belongs to. */
export const sealedFor = {
  webhook: (webhookId: string) => `webhooks.secret:${webhookId}`,
  job: (jobId: string) => `training_jobs.callback_secret:${jobId}`,
};
