import { eq } from "drizzle-orm";
import { dummyPasswordHash, sha256Hex, verifyPassword } from "@edge-ml/core/auth";
import { refreshTokens } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Db } from "../../lib/db";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "./access-tokens";
import { issueRefreshToken, revokeFamily, rotateRefreshToken } from "./refresh-tokens";
import { assertTenantActive, getTenant } from "./tenants";
import { findUserByEmail, getUser } from "./users";

/**
 * Logging in, refreshing and logging out, shared by the JSON API (/api/v1/auth/*) and the
 * console's cookie session (/console/session*): one implementation, so both answer a wrong
 * password, a suspended tenant or a spent refresh token in exactly the same way.
 */
const BAD_LOGIN = "Invalid email or password";

export async function logIn(db: Db, jwtSecret: string, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  // Verify against a dummy hash for unknown emails so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw errors.unauthenticated(BAD_LOGIN);
  assertTenantActive(await getTenant(db, user.tenantId));
  const owner = { tenantId: user.tenantId, userId: user.id };
  const [accessToken, refreshToken] = await Promise.all([
    signAccessToken({ ...owner, role: user.role }, jwtSecret),
    issueRefreshToken(db, owner),
  ]);
  return {
    access_token: accessToken,
    refresh_token: refreshToken,
    token_type: "Bearer" as const,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    user: { id: user.id, email: user.email, tenant_id: user.tenantId, role: user.role },
  };
}

export async function refreshLogin(db: Db, jwtSecret: string, token: string) {
  const rotated = await rotateRefreshToken(db, token);
  // The role is read again so a demoted user's next access token carries the new role.
  const user = await getUser(db, rotated.tenantId, rotated.userId);
  if (!user) throw errors.unauthenticated("The user of this refresh token no longer exists");
  assertTenantActive(await getTenant(db, user.tenantId));
  const accessToken = await signAccessToken({ tenantId: user.tenantId, userId: user.id, role: user.role }, jwtSecret);
  return {
    access_token: accessToken,
    token_type: "Bearer" as const,
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    refresh_token: rotated.token,
    user: { id: user.id, email: user.email, tenant_id: user.tenantId, role: user.role },
  };
}

/** Revokes the token's whole family (every token rotated from the same login); unknown tokens are ignored. */
export async function logOut(db: Db, token: string): Promise<void> {
  const hash = await sha256Hex(token);
  const row = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hash))
    .get();
  if (row) await revokeFamily(db, row.familyId);
}
