import { and, desc, eq, sql } from "drizzle-orm";
import { abuseFlags, type AbuseFlagRow } from "@edge-ml/core/db/schema";
import { getDb } from "../../lib/db";
import type { Logger } from "../../lib/logger";

export type NewFlag = Pick<AbuseFlagRow, "tenantId" | "kind" | "client" | "endpoint" | "detail">;

/** One row and one WARN log line per detection (never per request). */
export async function recordAbuseFlag(env: ApiEnv, logger: Logger, flag: NewFlag): Promise<void> {
  logger.warn("Abuse detected", {
    tenant_id: flag.tenantId,
    kind: flag.kind,
    client: flag.client,
    endpoint: flag.endpoint,
  });
  try {
    await getDb(env.DB)
      .insert(abuseFlags)
      .values({ ...flag, id: crypto.randomUUID(), createdAt: new Date().toISOString() });
  } catch (e) {
    logger.error("Could not store abuse flag", { error: String(e), kind: flag.kind });
  }
}

export async function listAbuseFlags(env: ApiEnv, tenantId: string, limit: number, offset: number) {
  const db = getDb(env.DB);
  const where = eq(abuseFlags.tenantId, tenantId);
  const [rows, total] = await Promise.all([
    db.select().from(abuseFlags).where(where).orderBy(desc(abuseFlags.createdAt)).limit(limit).offset(offset).all(),
    db
      .select({ n: sql<number>`count(*)` })
      .from(abuseFlags)
      .where(and(where))
      .get(),
  ]);
  return { rows, total: total?.n ?? 0 };
}
