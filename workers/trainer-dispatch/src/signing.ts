import { hmacHex } from "@edge-ml/core/auth/signatures";
import { timingSafeEqual } from "@edge-ml/core/auth/secrets";

/**
 * Signed URLs for the trainer's data reads and artifact uploads (docs/trainer-contract.md
 * section 2): `?exp=<unix seconds>&sig=<hex HMAC-SHA256(job secret, "url.<METHOD>.<scope>.<exp>")>`.
 * The scope is the exact path for a data file and the artifacts folder for uploads (the
 * trainer fills in each artifact's name). The "url." prefix keeps these MACs apart from the
 * callback signatures made with the same per-job secret.
 */
export async function signUrl(secret: string, method: "GET" | "PUT", scope: string, exp: number): Promise<string> {
  return hmacHex(secret, `url.${method}.${scope}.${exp}`);
}

export type UrlCheck = { ok: true } | { ok: false; reason: string };

export async function verifyUrl(
  secret: string,
  method: "GET" | "PUT",
  scope: string,
  url: URL,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<UrlCheck> {
  const exp = Number(url.searchParams.get("exp"));
  const sig = url.searchParams.get("sig") ?? "";
  if (!Number.isInteger(exp) || !/^[0-9a-f]{64}$/.test(sig))
    return { ok: false, reason: "missing or malformed signature" };
  const expected = new TextEncoder().encode(await signUrl(secret, method, scope, exp));
  if (!timingSafeEqual(expected, new TextEncoder().encode(sig))) return { ok: false, reason: "signature mismatch" };
  if (exp < nowSeconds) return { ok: false, reason: "signed URL expired" };
  return { ok: true };
}
