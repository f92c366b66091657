import { eq } from "drizzle-orm";
import { tenants, type TenantRow } from "@edge-ml/core/db/schema";
import { errors } from "@edge-ml/core/errors";
import { TenantSettings } from "@edge-ml/core/schemas";
import { sql } from "drizzle-orm";
import type { Db } from "../../lib/db";

export async function getTenant(db: Db, tenantId: string): Promise<TenantRow | undefined> {
  return db.select().from(tenants).where(eq(tenants.id, tenantId)).get();
}

/** A suspended tenant's credentials still identify it, but it may do nothing. */
export function assertTenantActive<T extends Pick<TenantRow, "status">>(tenant: T | undefined): asserts tenant is T {
  if (!tenant) throw errors.unauthenticated("The credential's tenant no longer exists");
  if (tenant.status !== "active") throw errors.forbidden("Tenant is suspended");
}

export function tenantView(row: TenantRow) {
  return {
    tenant_id: row.id,
    name: row.name,
    plan: row.plan,
    status: row.status,
    created_at: row.createdAt,
    // Stored settings are merged over the defaults, so older rows gain new settings.
    settings: settingsOf(row),
  };
}

/** The tenant's settings, defaults filled in (stored ones merged over them). */
export function settingsOf(row: Pick<TenantRow, "settings">): TenantSettings {
  return TenantSettings.parse(typeof row.settings === "object" && row.settings ? row.settings : {});
}

/** Merges `changes` into the stored settings in one statement (json_patch: no read-modify-write race). */
export async function updateTenantSettings(
  db: Db,
  tenantId: string,
  changes: Partial<TenantSettings>,
): Promise<TenantRow> {
  const row = await db
    .update(tenants)
    .set({
      settings: sql`json_patch(${tenants.settings}, ${JSON.stringify(changes)})`,
      updatedAt: new Date().toISOString(),
    })
    .where(eq(tenants.id, tenantId))
    .returning()
    .get();
  if (!row) throw errors.notFound("Tenant");
  return row;
}
