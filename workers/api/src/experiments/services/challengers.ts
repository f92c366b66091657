import { and, eq } from "drizzle-orm";
import { shadowChallengers } from "@edge-ml/core/db/schema";
import type { Db } from "../../lib/db";
import { getDb } from "../../lib/db";
import { TtlCache } from "../../lib/ttl-cache";

export type ChallengerRow = { surface: "search" | "recommend"; model_version: string; sample_rate: number };

/** Per isolate, like live experiments (active-experiments.ts): a tenant without a challenger pays a map lookup. */
const CHALLENGER_TTL_MS = 5_000;
const cache = new TtlCache<string, ChallengerRow[]>(10_000, CHALLENGER_TTL_MS, {
  maxBytes: 1024 * 1024,
  sizeOf: (key, rows) => 2 * (key.length + JSON.stringify(rows).length),
});

export async function listChallengers(db: Db, tenantId: string): Promise<ChallengerRow[]> {
  const rows = await db.select().from(shadowChallengers).where(eq(shadowChallengers.tenantId, tenantId));
  return rows.map((r) => ({ surface: r.surface, model_version: r.modelVersion, sample_rate: r.sampleRate }));
}

export async function cachedChallenger(d1: D1Database, tenantId: string, surface: ChallengerRow["surface"]) {
  let rows = cache.get(tenantId);
  if (!rows) {
    rows = await listChallengers(getDb(d1), tenantId);
    cache.set(tenantId, rows);
  }
  return rows.find((r) => r.surface === surface);
}

/** One challenger per tenant and surface: setting another replaces it. */
export async function setChallenger(db: Db, tenantId: string, c: ChallengerRow): Promise<void> {
  await db.batch([
    db
      .delete(shadowChallengers)
      .where(and(eq(shadowChallengers.tenantId, tenantId), eq(shadowChallengers.surface, c.surface))),
    db.insert(shadowChallengers).values({
      tenantId,
      surface: c.surface,
      modelVersion: c.model_version,
      sampleRate: c.sample_rate,
      createdAt: new Date().toISOString(),
    }),
  ]);
  cache.delete(tenantId);
}

export async function removeChallenger(db: Db, tenantId: string, surface: ChallengerRow["surface"]): Promise<boolean> {
  const gone = await db
    .delete(shadowChallengers)
    .where(and(eq(shadowChallengers.tenantId, tenantId), eq(shadowChallengers.surface, surface)))
    .returning();
  cache.delete(tenantId);
  return gone.length > 0;
}
