import jwt from "@tsndr/cloudflare-worker-jwt";
import { errors } from "@edge-ml/core/errors";
import { Role } from "@edge-ml/core/schemas";
import type { Role as RoleT } from "@edge-ml/core/schemas";

/** Access tokens: HS256 JWTs valid for 15 minutes (platform-api.md `expires_in: 900`). */
export const ACCESS_TOKEN_TTL_SECONDS = 900;
const ISSUER = "edge-ml";
const AUDIENCE = "edge-ml-api";
const ALGORITHM = "HS256";

export type AccessClaims = { userId: string; tenantId: string; role: RoleT };

export async function signAccessToken(claims: AccessClaims, secret: string, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  return jwt.sign(
    {
      iss: ISSUER,
      aud: AUDIENCE,
      sub: claims.userId,
      tid: claims.tenantId,
      role: claims.role,
      iat,
      exp: iat + ACCESS_TOKEN_TTL_SECONDS,
      jti: crypto.randomUUID(),
    },
    secret,
    { algorithm: ALGORITHM, header: { typ: "JWT" } },
  );
}

/**
 * Verifies signature and algorithm first (only HS256; `none` and others are refused),
 * then expiry, issuer and audience, so that nothing about an unsigned token's claims
 * is ever reported back.
 */
export async function verifyAccessToken(token: string, secret: string, now = Date.now()): Promise<AccessClaims> {
  let data: Awaited<ReturnType<typeof jwt.verify<{ tid?: unknown; role?: unknown }>>>;
  try {
    // Expiry is checked below, after the signature, hence the unbounded tolerance here.
    data = await jwt.verify<{ tid?: unknown; role?: unknown }>(token, secret, {
      algorithm: ALGORITHM,
      clockTolerance: Number.MAX_SAFE_INTEGER,
      throwError: true,
    });
  } catch {
    throw errors.unauthenticated("Invalid access token: bad signature, algorithm or encoding");
  }
  const payload = data?.payload;
  if (!payload) throw errors.unauthenticated("Invalid access token");
  if (typeof payload.exp !== "number" || payload.exp <= Math.floor(now / 1000)) {
    throw errors.unauthenticated("Access token has expired; refresh it with POST /api/v1/auth/refresh");
  }
  const role = Role.safeParse(payload.role);
  if (
    payload.iss !== ISSUER ||
    payload.aud !== AUDIENCE ||
    typeof payload.sub !== "string" ||
    typeof payload.tid !== "string" ||
    !role.success
  ) {
    throw errors.unauthenticated("Invalid access token claims");
  }
  return { userId: payload.sub, tenantId: payload.tid, role: role.data };
}
