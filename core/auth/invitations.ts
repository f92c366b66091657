import { base64url, fromBase64url, timingSafeEqual } from "./secrets";
import { hmacHex } from "./signatures";

/**
 * Invitations to join a tenant as a dashboard user (docs/decisions.md, "Users: invitations").
 * Stateless: the token carries tenant, email, role and expiry under an HMAC of the api's
 * JWT_SECRET (a separate message prefix, so no token of one kind verifies as another), so
 * no table is needed. It goes to the address, never to the inviting admin; accepting it
 * creates the user, so it is single-use by the email's uniqueness.
 */
export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const PREFIX = "inv_";
const DOMAIN = "edge-ml.invitation.v1.";

export type Invitation = { tenantId: string; email: string; role: string; expiresAtMs: number };

type Wire = { t: string; e: string; r: string; x: number; n: string };

export async function signInvitation(secret: string, inv: Invitation): Promise<string> {
  const nonce = base64url(crypto.getRandomValues(new Uint8Array(16)));
  const wire: Wire = { t: inv.tenantId, e: inv.email, r: inv.role, x: inv.expiresAtMs, n: nonce };
  const payload = base64url(new TextEncoder().encode(JSON.stringify(wire)));
  return `${PREFIX}${payload}.${await hmacHex(secret, DOMAIN + payload)}`;
}

/** The invitation a token carries, or null when it is malformed, forged or expired. */
export async function verifyInvitation(secret: string, token: string, nowMs = Date.now()): Promise<Invitation | null> {
  const m = /^inv_([A-Za-z0-9_-]+)\.([0-9a-f]{64})$/.exec(token);
  if (!m) return null;
  const expected = new TextEncoder().encode(await hmacHex(secret, DOMAIN + m[1]!));
  if (!timingSafeEqual(expected, new TextEncoder().encode(m[2]!))) return null;
  let wire: Wire;
  try {
    wire = JSON.parse(new TextDecoder().decode(fromBase64url(m[1]!) ?? new Uint8Array())) as Wire;
  } catch {
    return null;
  }
  if (typeof wire.x !== "number" || wire.x <= nowMs) return null;
  return { tenantId: wire.t, email: wire.e, role: wire.r, expiresAtMs: wire.x };
}
