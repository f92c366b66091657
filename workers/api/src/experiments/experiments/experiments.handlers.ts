import type { RouteHandler } from "@hono/zod-openapi";
import type { ExperimentRow } from "@edge-ml/core/db/schema";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { publishItemFactors } from "../../serving/services/publish-model";
import { createExperiment, experimentOf, listExperiments, updateExperiment } from "../services/experiment-store";
import type * as routes from "./experiments.routes";

/** The public view of an experiment row. */
export function experimentView(row: ExperimentRow) {
  return {
    experiment_id: row.id,
    name: row.name,
    description: row.description,
    status: row.status,
    traffic_split: row.trafficSplit,
    variants: row.variants,
    metrics: row.metrics as ("ctr" | "cvr" | "revenue")[],
    control: row.control,
    surfaces: row.surfaces as ("search" | "recommend")[],
    namespace: row.namespace,
    namespace_range: [row.rangeStart, row.rangeEnd] as [number, number],
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    completed_at: row.completedAt,
  };
}

export const create: RouteHandler<typeof routes.create, AppEnv> = async (c) => {
  const p = c.get("principal");
  // A variant's recommender version serves from its own index, written now (as a deploy does).
  const prepare = async (version: string, prefix: string) => {
    await publishItemFactors(c.env, p.tenantId, version, prefix);
  };
  const row = await createExperiment(
    getDb(c.env.DB),
    p.tenantId,
    c.req.valid("json"),
    `${p.kind}:${p.subjectId}`,
    prepare,
  );
  return c.json({ experiment_id: row.id, name: row.name, status: row.status, created_at: row.createdAt }, 201);
};

export const get: RouteHandler<typeof routes.get, AppEnv> = async (c) => {
  const row = await experimentOf(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("param").experiment_id);
  return c.json(experimentView(row), 200);
};

export const update: RouteHandler<typeof routes.update, AppEnv> = async (c) => {
  const row = await updateExperiment(
    getDb(c.env.DB),
    c.get("principal").tenantId,
    c.req.valid("param").experiment_id,
    c.req.valid("json"),
  );
  return c.json(experimentView(row), 200);
};

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const q = c.req.valid("query");
  const { rows, total } = await listExperiments(getDb(c.env.DB), c.get("principal").tenantId, q);
  return c.json({ experiments: rows.map(experimentView), total, limit: q.limit, offset: q.offset }, 200);
};
