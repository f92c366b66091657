import { slotBytes, stringsBytes, TtlCache } from "./ttl-cache";

/**
 * Which browser origins may call the api (docs/decisions.md, "CORS"): each tenant lists its
 * own in `settings.cors_allowed_origins`. Read from D1 only for requests that carry an
 * `Origin` (browsers), and cached per isolate for a minute, so server-to-server traffic
 * never pays for CORS and a settings change is seen everywhere within ORIGINS_TTL_MS.
 */
export const ORIGINS_TTL_MS = 60_000;

const byTenant = new TtlCache<string, readonly string[]>(10_000, ORIGINS_TTL_MS, {
  maxBytes: 1 << 20,
  sizeOf: (tenantId, origins) => slotBytes(tenantId) + stringsBytes(origins),
});
/** Keyed by whatever Origin a browser sends, so the budget bounds what a scan of made-up origins can hold. */
const listedAnywhere = new TtlCache<string, boolean>(10_000, ORIGINS_TTL_MS, { maxBytes: 1 << 20, sizeOf: slotBytes });

/** The origins one tenant allows ([] when none, or for a tenant that no longer exists). */
export async function tenantOrigins(db: D1Database, tenantId: string): Promise<readonly string[]> {
  const hit = byTenant.get(tenantId);
  if (hit) return hit;
  const row = await db
    .prepare("SELECT json_extract(settings, '$.cors_allowed_origins') AS origins FROM tenants WHERE id = ?")
    .bind(tenantId)
    .first<{ origins: string | null }>();
  const parsed: unknown = row?.origins ? JSON.parse(row.origins) : [];
  const origins = Array.isArray(parsed) ? parsed.filter((o): o is string => typeof o === "string") : [];
  byTenant.set(tenantId, origins);
  return origins;
}

/**
 * Whether some active tenant lists `origin`: what a preflight (which carries no credential)
 * can be decided on. It grants nothing by itself: the actual response is readable only when
 * the tenant of the credential it was sent with lists the origin.
 */
export async function originListedByAnyTenant(db: D1Database, origin: string): Promise<boolean> {
  const hit = listedAnywhere.get(origin);
  if (hit !== undefined) return hit;
  const row = await db
    .prepare(
      "SELECT 1 AS found FROM tenants, json_each(tenants.settings, '$.cors_allowed_origins') AS o " +
        "WHERE tenants.status = 'active' AND o.value = ? LIMIT 1",
    )
    .bind(origin)
    .first<{ found: number }>();
  listedAnywhere.set(origin, row !== null);
  return row !== null;
}

/** After a tenant changes its list: this isolate sees the change at once (others within the TTL). */
export function forgetCorsOrigins(tenantId: string): void {
  byTenant.delete(tenantId);
  listedAnywhere.deleteWhere(() => true);
}
