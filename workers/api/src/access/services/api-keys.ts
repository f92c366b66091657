import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { generateApiKey, sha256Hex } from "@edge-ml/core/auth";
import { apiKeys, type ApiKeyRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { CreateApiKeyInput, Permission } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";

/**
 * API keys, shared by both key APIs (`/api/v1/api-keys` and `/auth/api-keys`):
 * the routes differ only in field names, mapped in their handlers.
 * Every function takes the tenant explicitly and filters on it.
 */
export type KeyRecord = {
  id: string;
  name: string;
  key_prefix: string;
  permissions: Permission[];
  status: "active" | "revoked";
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  allowed_ips: string[];
  rate_limit_search: number;
  rate_limit_recommend: number;
};

export function keyRecord(row: ApiKeyRow): KeyRecord {
  return {
    id: row.id,
    name: row.name,
    key_prefix: row.keyPrefix,
    permissions: row.permissions as Permission[],
    status: row.status,
    created_at: row.createdAt,
    last_used_at: row.lastUsedAt,
    expires_at: row.expiresAt,
    allowed_ips: row.allowedIps,
    rate_limit_search: row.rateLimitSearch,
    rate_limit_recommend: row.rateLimitRecommend,
  };
}

/** Creates a key and returns its record with the secret, which is never stored or shown again. */
export async function createApiKey(
  db: Db,
  tenantId: string,
  input: CreateApiKeyInput,
  createdBy: string | null,
): Promise<KeyRecord & { secret: string }> {
  const { key, prefix } = generateApiKey(input.environment);
  const row = await db
    .insert(apiKeys)
    .values({
      id: crypto.randomUUID(),
      tenantId,
      name: input.name,
      keyPrefix: prefix,
      keyHash: await sha256Hex(key),
      permissions: [...new Set(input.permissions)],
      expiresAt: input.expires_at ? new Date(input.expires_at).toISOString() : null,
      allowedIps: input.allowed_ips ?? [],
      rateLimitSearch: input.rate_limit_search,
      rateLimitRecommend: input.rate_limit_recommend,
      createdBy,
      createdAt: new Date().toISOString(),
    })
    .returning()
    .get();
  return { ...keyRecord(row), secret: key };
}

export async function listApiKeys(db: Db, tenantId: string): Promise<KeyRecord[]> {
  const rows = await db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.tenantId, tenantId))
    .orderBy(desc(apiKeys.createdAt))
    .all();
  return rows.map(keyRecord);
}

/**
 * Revokes a key of this tenant. Another tenant's key id is "not found": its existence
 * is never confirmed. Revoking twice is not an error (idempotent DELETE).
 */
export async function revokeApiKey(db: Db, tenantId: string, keyId: string): Promise<KeyRecord> {
  const revokedAt = new Date().toISOString();
  const updated = await db
    .update(apiKeys)
    .set({ status: "revoked", revokedAt })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId), eq(apiKeys.status, "active")))
    .returning()
    .get();
  if (updated) return keyRecord(updated);
  const existing = await db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.tenantId, tenantId)))
    .get();
  if (!existing) throw errors.notFound("API key");
  return keyRecord(existing);
}

export async function findKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRow | undefined> {
  return db.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)).get();
}

/** Writes last_used_at only when the stored value is older than `minAgeMs` (one row write per minute at most). */
export async function touchLastUsed(db: Db, keyId: string, now: Date, minAgeMs: number): Promise<void> {
  const threshold = new Date(now.getTime() - minAgeMs).toISOString();
  await db
    .update(apiKeys)
    .set({ lastUsedAt: now.toISOString() })
    .where(and(eq(apiKeys.id, keyId), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, threshold))))
    .run();
}
