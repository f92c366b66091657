import type { CheckStatus } from "../schemas/health";

/**
 * Real dependency checks shared by the three workers: each runs a cheap operation on the
 * binding itself and reports "unhealthy" when it throws or takes longer than the timeout.
 * Bindings are typed structurally so this module needs no runtime types.
 */
type SqlDatabase = { prepare(sql: string): { first<T = unknown>(): Promise<T | null> } };
type Bucket = { head(key: string): Promise<unknown> };
type Cache = { match(url: string): Promise<unknown> };
const TIMEOUT_MS = 2000;

async function probe(op: () => Promise<unknown>): Promise<CheckStatus> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"unhealthy">((resolve) => {
    timer = setTimeout(() => resolve("unhealthy"), TIMEOUT_MS);
  });
  try {
    return await Promise.race([op().then(() => "healthy" as const), timeout]);
  } catch {
    return "unhealthy";
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export function checkDatabase(db: SqlDatabase): Promise<CheckStatus> {
  return probe(() => db.prepare("SELECT 1 AS ok").first());
}

export function checkStorage(bucket: Bucket): Promise<CheckStatus> {
  // A HEAD of a key that need not exist: it exercises the bucket without writing.
  return probe(() => bucket.head("health/probe"));
}

export function checkCache(cache: Cache): Promise<CheckStatus> {
  // A lookup in the Cache API, which serving uses for responses; a miss is healthy.
  return probe(() => cache.match("https://health.edge-ml.internal/probe"));
}

/** True when the schema's first migration has run (the tenants table exists). */
export async function checkMigrated(db: SqlDatabase): Promise<boolean> {
  try {
    const row = await db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tenants'")
      .first<{ name: string }>();
    return row?.name === "tenants";
  } catch {
    return false;
  }
}

/**
 * Overall status: the database is required (nothing authenticates without it); storage
 * and cache only degrade the service (serving still answers, ingestion and training do not).
 */
export function overallStatus(checks: {
  database: CheckStatus;
  storage: CheckStatus;
  cache: CheckStatus;
}): CheckStatus {
  if (checks.database !== "healthy") return "unhealthy";
  if (checks.storage !== "healthy" || checks.cache !== "healthy") return "degraded";
  return "healthy";
}
