import { timingSafeEqual, toHex } from "./secrets";

/**
 * HMAC-SHA256 signatures for everything edge-ml sends or accepts across a network boundary
 * without a user's credential: trainer callbacks, signed data URLs, webhook deliveries.
 *
 * Header format (as Stripe's, so receivers know the shape): `t=<unix seconds>,v1=<hex>`,
 * where the MAC covers `${t}.${payload}`. The timestamp bounds replay to `toleranceSeconds`;
 * callers that must reject any replay also check a sequence number inside the payload.
 */
export const SIGNATURE_HEADER = "X-EdgeML-Signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

async function mac(secret: string, message: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)));
}

export async function hmacHex(secret: string, message: string): Promise<string> {
  return toHex(await mac(secret, message));
}

export async function signPayload(secret: string, payload: string, nowSeconds = Math.floor(Date.now() / 1000)) {
  return `t=${nowSeconds},v1=${await hmacHex(secret, `${nowSeconds}.${payload}`)}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

export async function verifyPayload(
  secret: string,
  payload: string,
  header: string | null | undefined,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): Promise<SignatureCheck> {
  if (!header) return { ok: false, reason: `missing ${SIGNATURE_HEADER}` };
  const parts = Object.fromEntries(
    header.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()];
    }),
  );
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(parts.v1 ?? "")) {
    return { ok: false, reason: "malformed signature" };
  }
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: "signature timestamp out of tolerance" };
  const expected = await mac(secret, `${t}.${payload}`);
  const given = Uint8Array.from(parts.v1!.match(/../g)!.map((h) => parseInt(h, 16)));
  return timingSafeEqual(expected, given) ? { ok: true, timestamp: t } : { ok: false, reason: "signature mismatch" };
}
