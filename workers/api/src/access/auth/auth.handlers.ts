import type { RouteHandler } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { dummyPasswordHash, sha256Hex, verifyPassword } from "@edge-ml/core/auth";
import { refreshTokens } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { ACCESS_TOKEN_TTL_SECONDS, signAccessToken } from "../services/access-tokens";
import { issueRefreshToken, revokeFamily, rotateRefreshToken } from "../services/refresh-tokens";
import { assertTenantActive, getTenant } from "../services/tenants";
import { findUserByEmail, getUser } from "../services/users";
import type * as routes from "./auth.routes";

const BAD_LOGIN = "Invalid email or password";

export const login: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
  const { email, password } = c.req.valid("json");
  const db = getDb(c.env.DB);
  const user = await findUserByEmail(db, email);
  // Verify against a dummy hash for unknown emails so timing does not reveal which emails exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash()));
  if (!user || !ok) throw errors.unauthenticated(BAD_LOGIN);
  assertTenantActive(await getTenant(db, user.tenantId));
  const owner = { tenantId: user.tenantId, userId: user.id };
  const [accessToken, refreshToken] = await Promise.all([
    signAccessToken({ ...owner, role: user.role }, c.env.JWT_SECRET),
    issueRefreshToken(db, owner),
  ]);
  return c.json(
    {
      access_token: accessToken,
      refresh_token: refreshToken,
      token_type: "Bearer" as const,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      user: { id: user.id, email: user.email, tenant_id: user.tenantId, role: user.role },
    },
    200,
  );
};

export const refresh: RouteHandler<typeof routes.refresh, AppEnv> = async (c) => {
  const db = getDb(c.env.DB);
  const rotated = await rotateRefreshToken(db, c.req.valid("json").refresh_token);
  // The role is read again so a demoted user's next access token carries the new role.
  const user = await getUser(db, rotated.tenantId, rotated.userId);
  if (!user) throw errors.unauthenticated("The user of this refresh token no longer exists");
  assertTenantActive(await getTenant(db, user.tenantId));
  const accessToken = await signAccessToken(
    { tenantId: user.tenantId, userId: user.id, role: user.role },
    c.env.JWT_SECRET,
  );
  return c.json(
    {
      access_token: accessToken,
      token_type: "Bearer" as const,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: rotated.token,
    },
    200,
  );
};

export const logout: RouteHandler<typeof routes.logout, AppEnv> = async (c) => {
  const db = getDb(c.env.DB);
  const hash = await sha256Hex(c.req.valid("json").refresh_token);
  const row = await db
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hash))
    .get();
  if (row) await revokeFamily(db, row.familyId);
  return c.body(null, 204);
};
