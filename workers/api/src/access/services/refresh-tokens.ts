import { and, eq, isNull } from "drizzle-orm";
import { randomToken, sha256Hex } from "@edge-ml/core/auth";
import { refreshTokens } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Db } from "../../lib/db";

/**
 * Opaque refresh tokens (256 random bits, stored as SHA-256), rotated on every use.
 * Tokens rotated from one login form a family; presenting a spent token means it was
 * stolen or replayed, so the whole family is revoked (OAuth 2.0 Security BCP, 4.14).
 */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const PREFIX = "rt_";

export async function issueRefreshToken(
  db: Db,
  owner: { tenantId: string; userId: string },
  familyId: string = crypto.randomUUID(),
  now = new Date(),
): Promise<string> {
  const token = PREFIX + randomToken(32);
  await db.insert(refreshTokens).values({
    id: crypto.randomUUID(),
    tenantId: owner.tenantId,
    userId: owner.userId,
    familyId,
    tokenHash: await sha256Hex(token),
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_SECONDS * 1000).toISOString(),
    createdAt: now.toISOString(),
  });
  return token;
}

/**
 * Spends `token` and returns its owner and a new token of the same family.
 * The spend is a conditional UPDATE, so two concurrent uses of one token cannot both win.
 */
export async function rotateRefreshToken(
  db: Db,
  token: string,
  now = new Date(),
): Promise<{ tenantId: string; userId: string; token: string }> {
  const hash = await sha256Hex(token);
  const row = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).get();
  if (!row) throw errors.unauthenticated("Invalid refresh token");
  if (row.revokedAt) throw errors.unauthenticated("Refresh token has been revoked; log in again");
  if (Date.parse(row.expiresAt) <= now.getTime())
    throw errors.unauthenticated("Refresh token has expired; log in again");
  const spent = await db
    .update(refreshTokens)
    .set({ usedAt: now.toISOString() })
    .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.usedAt)))
    .returning({ id: refreshTokens.id })
    .get();
  if (!spent) {
    await revokeFamily(db, row.familyId, now);
    throw errors.unauthenticated("Refresh token was already used; every session of this login is revoked");
  }
  const next = await issueRefreshToken(db, { tenantId: row.tenantId, userId: row.userId }, row.familyId, now);
  return { tenantId: row.tenantId, userId: row.userId, token: next };
}

export async function revokeFamily(db: Db, familyId: string, now = new Date()): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .run();
}
