import { and, eq, inArray, ne } from "drizzle-orm";
import { newestFirst } from "../../lib/newest-first";
import { allocateRange } from "@edge-ml/core/experiments/assignment";
import { experiments, modelVersions, type ExperimentRow } from "@edge-ml/core/db/schema";
import { ApiError, errors } from "@edge-ml/core/errors";
import type { CreateExperimentRequest, VariantConfig } from "@edge-ml/core/schemas";
import { SPLIT_TOLERANCE } from "@edge-ml/core/schemas";
import type { Db } from "../../lib/db";
import { forgetTenantExperiments } from "./active-experiments";
import { splitWeights } from "./assign";

/** An experiment the tenant can see, or 404 (another tenant's experiment does not exist for this one). */
export async function experimentOf(db: Db, tenantId: string, id: string): Promise<ExperimentRow> {
  const [row] = await db
    .select()
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), eq(experiments.id, id)));
  if (!row) throw errors.notFound(`Experiment ${id}`);
  return row;
}

/** A recommender version a variant serves, to be made servable (its item factors indexed) before the experiment starts. */
export type PrepareVersion = (version: string, artifactPrefix: string) => Promise<void>;

/**
 * Every model_version / classifier_version a variant names must exist for the tenant, in its
 * kind. Returns the recommender versions that are not in production (they need preparing).
 * Classifier versions are only validated here: /api/v1/predict applying them is the
 * classifier's part (docs/decisions.md, "Experiments").
 */
async function checkVersions(db: Db, tenantId: string, variants: Record<string, { config: VariantConfig }>) {
  const prepare = new Map<string, string>();
  for (const [name, { config }] of Object.entries(variants)) {
    for (const [field, kind] of [
      ["model_version", "recommender"],
      ["classifier_version", "classifier"],
    ] as const) {
      const version = config[field];
      if (version === undefined) continue;
      const [row] = await db
        .select({ prefix: modelVersions.artifactPrefix, production: modelVersions.isProduction })
        .from(modelVersions)
        .where(
          and(eq(modelVersions.tenantId, tenantId), eq(modelVersions.kind, kind), eq(modelVersions.version, version)),
        );
      if (!row) {
        throw errors.validation(
          `${field} ${version} is not a ${kind} version of this tenant`,
          `variants.${name}.config.${field}`,
        );
      }
      if (kind === "recommender" && !row.production) prepare.set(version, row.prefix);
    }
  }
  return prepare;
}

/**
 * The user range of a new experiment: experiments sharing a surface must share a namespace
 * (else they could share a user), and within it each takes a disjoint range.
 */
async function rangeFor(db: Db, tenantId: string, body: CreateExperimentRequest): Promise<[number, number]> {
  const live = await db
    .select()
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), ne(experiments.status, "completed")));
  for (const other of live) {
    const shared = other.surfaces.find((s) => body.surfaces.includes(s as never));
    if (shared && other.namespace !== body.namespace) {
      throw errors.conflict(
        `experiment ${other.id} is live on surface '${shared}' in namespace '${other.namespace}': an experiment on the same surface must use that namespace, so the two never share a user`,
        "namespace",
      );
    }
  }
  const taken = live.filter((e) => e.namespace === body.namespace).map((e) => [e.rangeStart, e.rangeEnd] as const);
  const range = allocateRange(taken, body.coverage);
  if (!range) {
    const free = 1 - taken.reduce((s, [a, b]) => s + (b - a), 0);
    throw errors.conflict(
      `namespace '${body.namespace}' has no free range of ${body.coverage} (about ${free.toFixed(4)} is free): lower coverage or complete an experiment`,
      "coverage",
    );
  }
  return [range[0], range[1]];
}

export async function createExperiment(
  db: Db,
  tenantId: string,
  body: CreateExperimentRequest,
  createdBy: string | null,
  prepare: PrepareVersion,
) {
  const versions = await checkVersions(db, tenantId, body.variants);
  const [start, end] = await rangeFor(db, tenantId, body);
  for (const [version, prefix] of versions) await prepare(version, prefix);
  const order = Object.keys(body.variants);
  const control = body.control ?? (order.includes("control") ? "control" : order[0]!);
  // Control first: the layout of the bucket ranges follows this order.
  const variantOrder = [control, ...order.filter((v) => v !== control)];
  const id = `exp_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const now = new Date().toISOString();
  const row: ExperimentRow = {
    id,
    tenantId,
    name: body.name,
    description: body.description ?? null,
    status: "running",
    variantOrder,
    variants: body.variants as ExperimentRow["variants"],
    control,
    trafficSplit: body.traffic_split,
    splitHistory: [],
    metrics: body.metrics,
    surfaces: body.surfaces,
    namespace: body.namespace,
    rangeStart: start,
    rangeEnd: end,
    // The experiment id seeds the hash: experiments never share a bucketing.
    seed: id,
    createdBy,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
  };
  await db.insert(experiments).values(row);
  forgetTenantExperiments(tenantId);
  return row;
}

/** A split change over the same variants: validated as at creation; the old one joins the history. */
function checkSplit(row: ExperimentRow, split: Record<string, number>): number[] {
  for (const name of Object.keys(split)) {
    if (!row.variantOrder.includes(name))
      throw errors.validation(`traffic_split names unknown variant '${name}'`, `traffic_split.${name}`);
    if (!(split[name]! > 0 && split[name]! <= 1))
      throw errors.validation("each share must be in (0, 1]", `traffic_split.${name}`);
  }
  const missing = row.variantOrder.find((v) => !(v in split));
  if (missing) throw errors.validation(`traffic_split has no share for variant '${missing}'`, "traffic_split");
  const weights = splitWeights(row, split);
  const sum = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 1) > SPLIT_TOLERANCE)
    throw errors.validation(`traffic_split must sum to 1 (it sums to ${sum})`, "traffic_split");
  return weights;
}

export async function updateExperiment(
  db: Db,
  tenantId: string,
  id: string,
  change: { status?: ExperimentRow["status"]; traffic_split?: Record<string, number> },
) {
  const row = await experimentOf(db, tenantId, id);
  if (row.status === "completed")
    throw new ApiError("conflict", `experiment ${id} is completed; it cannot change`, { field: "status" });
  const now = new Date().toISOString();
  const next: Partial<ExperimentRow> = { updatedAt: now };
  if (change.traffic_split) {
    checkSplit(row, change.traffic_split);
    next.trafficSplit = change.traffic_split;
    next.splitHistory = [...row.splitHistory, splitWeights(row)];
  }
  if (change.status) {
    next.status = change.status;
    if (change.status === "completed") next.completedAt = now;
  }
  await db
    .update(experiments)
    .set(next)
    .where(and(eq(experiments.tenantId, tenantId), eq(experiments.id, id)));
  forgetTenantExperiments(tenantId);
  return { ...row, ...next };
}

/** The tenant's running experiments (what serving applies). */
export function runningExperiments(db: Db, tenantId: string): Promise<ExperimentRow[]> {
  return db
    .select()
    .from(experiments)
    .where(and(eq(experiments.tenantId, tenantId), inArray(experiments.status, ["running"])));
}

/** One page of the tenant's experiments, newest first, optionally of one status; with the total. */
export async function listExperiments(
  db: Db,
  tenantId: string,
  q: { limit: number; offset: number; status?: ExperimentRow["status"] },
): Promise<{ rows: ExperimentRow[]; total: number }> {
  const where = and(eq(experiments.tenantId, tenantId), q.status ? eq(experiments.status, q.status) : undefined);
  return newestFirst(db, experiments, where, q);
}
