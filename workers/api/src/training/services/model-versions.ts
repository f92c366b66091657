import { and, count, desc, eq, exists, isNotNull, ne, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { modelVersions, type ModelVersionRow } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import type { ModelKind, Tuning } from "@edge-ml/core/schemas";
import type { z } from "@hono/zod-openapi";

/** Written by the trainer (core/ml/tuning.ts TuningReport) through trainer-dispatch; read back as it was stored. */
type TuningView = z.infer<typeof Tuning>;
import type { Db } from "../../lib/db";

/**
 * The model registry: versions are registered (status `pending`) by workers/trainer-dispatch
 * when a training completes; here they are listed, deployed and rolled back. At most one
 * version per (tenant, kind) is in production, enforced by a partial unique index; a deploy
 * switches it in one D1 batch (one transaction), so readers see the old production version
 * or the new one, never none and never two.
 */
export function versionRecord(row: ModelVersionRow) {
  return {
    version: row.version,
    status: row.status,
    created_at: row.createdAt,
    metrics: row.metrics,
    training_job_id: row.trainingJobId,
    is_production: row.isProduction,
    kind: row.kind,
    model_type: row.modelType,
    deployed_at: row.deployedAt,
    tuning: (row.tuning ?? null) as TuningView | null,
  };
}

export async function listVersions(
  db: Db,
  tenantId: string,
  q: { limit: number; offset: number; status?: ModelVersionRow["status"]; kind?: ModelKind },
) {
  const filters: SQL[] = [eq(modelVersions.tenantId, tenantId)];
  if (q.status) filters.push(eq(modelVersions.status, q.status));
  if (q.kind) filters.push(eq(modelVersions.kind, q.kind));
  const where = and(...filters);
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(modelVersions)
      .where(where)
      .orderBy(desc(modelVersions.createdAt), desc(modelVersions.version), modelVersions.kind)
      .limit(q.limit)
      .offset(q.offset),
    db.select({ n: count() }).from(modelVersions).where(where),
  ]);
  return { versions: rows.map(versionRecord), total: total?.n ?? 0, limit: q.limit, offset: q.offset };
}

export type DeployResult = {
  row: ModelVersionRow;
  previousVersion: string | null;
  /** false: the version already was in production, nothing changed. */
  changed: boolean;
};

/** The version's row; without `kind`, the version must exist in exactly one kind. */
async function findVersion(db: Db, tenantId: string, version: string, kind?: ModelKind): Promise<ModelVersionRow> {
  const rows = await db
    .select()
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.tenantId, tenantId),
        eq(modelVersions.version, version),
        kind ? eq(modelVersions.kind, kind) : undefined,
      ),
    );
  if (rows.length === 0) throw errors.notFound(`Model version ${version}${kind ? ` (${kind})` : ""}`);
  if (rows.length > 1) {
    throw new ApiError(
      "validation",
      `Version ${version} exists as ${rows.map((r) => r.kind).join(" and ")}; give kind in the body`,
      { field: "kind", reason: "ambiguous version name" },
    );
  }
  return rows[0]!;
}

/** Work a version needs before serving may switch to it (a recommender's factors written to its index). */
export type PrepareVersion = (row: ModelVersionRow) => Promise<unknown>;

/**
 * Makes `version` the production version of its kind; the previous one is archived in the
 * same batch. `prepare` runs first and completely: if it fails, nothing switches.
 */
export async function deployVersion(
  db: Db,
  tenantId: string,
  version: string,
  kind?: ModelKind,
  prepare?: PrepareVersion,
): Promise<DeployResult> {
  const target = await findVersion(db, tenantId, version, kind);
  if (target.isProduction) return { row: target, previousVersion: target.version, changed: false };
  await prepare?.(target);

  const scope = and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.kind, target.kind));
  const [current] = await db
    .select({ deployedAt: modelVersions.deployedAt })
    .from(modelVersions)
    .where(and(scope, eq(modelVersions.isProduction, true)));
  // deployed_at orders rollbacks: keep it strictly increasing within a (tenant, kind).
  const previousAt = current?.deployedAt ? Date.parse(current.deployedAt) : 0;
  const deployedAt = new Date(Math.max(Date.now(), previousAt + 1)).toISOString();

  const other = alias(modelVersions, "target_version");
  const [archived, activated] = await db.batch([
    // Archive the current production row, only if the target still exists: the batch can
    // never leave the kind without a production version.
    db
      .update(modelVersions)
      .set({ isProduction: false, status: "archived" })
      .where(
        and(
          scope,
          eq(modelVersions.isProduction, true),
          ne(modelVersions.version, target.version),
          exists(
            db
              .select({ one: sql`1` })
              .from(other)
              .where(and(eq(other.tenantId, tenantId), eq(other.kind, target.kind), eq(other.version, target.version))),
          ),
        ),
      )
      .returning({ version: modelVersions.version }),
    db
      .update(modelVersions)
      .set({ isProduction: true, status: "active", deployedAt })
      .where(and(scope, eq(modelVersions.version, target.version)))
      .returning(),
  ]);
  const row = activated[0];
  if (!row) throw errors.notFound(`Model version ${version}`);
  return { row, previousVersion: archived[0]?.version ?? null, changed: true };
}

/**
 * Re-deploys the version that was in production before the current one: among archived
 * versions that have been deployed, the one deployed last (deployed_at only grows, so it is
 * the one the current deploy replaced). Rolling back twice toggles between the two.
 */
export async function rollback(
  db: Db,
  tenantId: string,
  kind: ModelKind,
  prepare?: PrepareVersion,
): Promise<DeployResult> {
  const [previous] = await db
    .select({ version: modelVersions.version })
    .from(modelVersions)
    .where(
      and(
        eq(modelVersions.tenantId, tenantId),
        eq(modelVersions.kind, kind),
        eq(modelVersions.status, "archived"),
        isNotNull(modelVersions.deployedAt),
      ),
    )
    .orderBy(desc(modelVersions.deployedAt))
    .limit(1);
  if (!previous) {
    throw new ApiError("conflict", `No previously deployed ${kind} version to roll back to`, { kind });
  }
  return deployVersion(db, tenantId, previous.version, kind, prepare);
}
