import { KEY_PATTERN, sha256Hex } from "@edge-ml/core/auth";
import type { ApiKeyRow, TenantRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import type { Permission } from "@edge-ml/core/schemas";
import { ipAllowed } from "@edge-ml/core/net/cidr";
import { getDb } from "../../lib/db";
import { permissionsForRole, roleForPermissions, type Principal } from "../../lib/principal";
import { verifyAccessToken } from "./access-tokens";
import { findKeyByHash, touchLastUsed } from "./api-keys";
import { assertTenantActive, getTenant } from "./tenants";
import { OBJECT_BYTES, slotBytes, stringBytes, stringsBytes, TtlCache } from "../../lib/ttl-cache";

/**
 * Credential -> principal. Lookups are cached per isolate for a few seconds so that a
 * hot key costs no D1 read per request; revocation evicts the local entry at once, and
 * other isolates see it within CACHE_TTL_MS (docs/decisions.md).
 */
const CACHE_TTL_MS = 10_000;
const LAST_USED_EVERY_MS = 60_000;

type TenantFacts = Pick<TenantRow, "status" | "plan">;
type KeyEntry = { key: ApiKeyRow; tenant: TenantFacts | undefined };
/** A key row: its fixed strings (~400 bytes), the two lists, the tenant's facts (docs/decisions.md, memory budgets). */
const keyEntryBytes = (hash: string, { key }: KeyEntry) =>
  slotBytes(hash) + 4 * OBJECT_BYTES + 400 + stringsBytes(key.permissions) + stringsBytes(key.allowedIps);
const keyCache = new TtlCache<string, KeyEntry>(1000, CACHE_TTL_MS, { maxBytes: 1 << 20, sizeOf: keyEntryBytes });
const tenantCache = new TtlCache<string, TenantFacts>(1000, CACHE_TTL_MS, {
  maxBytes: 256 << 10,
  sizeOf: (id, t) => slotBytes(id) + OBJECT_BYTES + stringBytes(t.status) + stringBytes(t.plan),
});

function tenantFacts(row: TenantRow | undefined): TenantFacts | undefined {
  return row ? { status: row.status, plan: row.plan } : undefined;
}
const lastTouched = new TtlCache<string, true>(10_000, LAST_USED_EVERY_MS, { maxBytes: 1 << 20, sizeOf: slotBytes });

export type CredentialContext = {
  env: ApiEnv;
  clientIp: string | undefined;
  waitUntil: (p: Promise<unknown>) => void;
  now?: Date;
};

export async function principalFromApiKey(secret: string, ctx: CredentialContext): Promise<Principal> {
  if (!KEY_PATTERN.test(secret)) throw errors.unauthenticated("Malformed API key");
  const hash = await sha256Hex(secret);
  let entry = keyCache.get(hash);
  if (!entry) {
    const db = getDb(ctx.env.DB);
    const key = await findKeyByHash(db, hash);
    if (!key) throw errors.unauthenticated("Invalid API key");
    entry = { key, tenant: tenantFacts(await getTenant(db, key.tenantId)) };
    keyCache.set(hash, entry);
  }
  const { key, tenant } = entry;
  const now = ctx.now ?? new Date();
  if (key.status !== "active") throw errors.unauthenticated("API key has been revoked");
  if (key.expiresAt && Date.parse(key.expiresAt) <= now.getTime()) throw errors.unauthenticated("API key has expired");
  assertTenantActive(tenant);
  if (key.allowedIps.length > 0 && !(ctx.clientIp && ipAllowed(ctx.clientIp, key.allowedIps))) {
    throw errors.forbidden("Request IP is not in this API key's allowed_ips");
  }
  if (!lastTouched.get(key.id)) {
    lastTouched.set(key.id, true);
    const touch = touchLastUsed(getDb(ctx.env.DB), key.id, now, LAST_USED_EVERY_MS);
    // Bookkeeping only: a failed write must not fail the request it rides on.
    ctx.waitUntil(touch.catch((e: unknown) => console.warn("last_used_at update failed", String(e))));
  }
  const permissions = key.permissions as Permission[];
  return {
    tenantId: key.tenantId,
    kind: "api_key",
    subjectId: key.id,
    role: roleForPermissions(permissions),
    permissions: new Set(permissions),
    plan: tenant.plan,
    keyLimits: { rateLimitSearch: key.rateLimitSearch, rateLimitRecommend: key.rateLimitRecommend },
  };
}

export async function principalFromAccessToken(token: string, ctx: CredentialContext): Promise<Principal> {
  const claims = await verifyAccessToken(token, ctx.env.JWT_SECRET, ctx.now?.getTime());
  let tenant = tenantCache.get(claims.tenantId);
  if (tenant === undefined) {
    tenant = tenantFacts(await getTenant(getDb(ctx.env.DB), claims.tenantId));
    if (tenant) tenantCache.set(claims.tenantId, tenant);
  }
  assertTenantActive(tenant);
  return {
    tenantId: claims.tenantId,
    kind: "user",
    subjectId: claims.userId,
    role: claims.role,
    permissions: permissionsForRole(claims.role),
    plan: tenant.plan,
  };
}

/** Drops cached lookups of a key (after revocation) so this isolate stops accepting it at once. */
export function forgetKey(keyId: string): void {
  keyCache.deleteWhere((entry) => entry.key.id === keyId);
}
