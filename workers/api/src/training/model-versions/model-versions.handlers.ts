import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { emitWebhookEvent } from "@edge-ml/core/training/webhooks";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import {
  deployVersion,
  listVersions,
  rollback as rollbackVersion,
  type DeployResult,
  type PrepareVersion,
} from "../services/model-versions";
import { publishItemFactors } from "../../serving/services/publish-model";
import { forgetProductionVersion } from "../../serving/services/trained-model";
import { forgetProductionClassifier } from "../../classify/services/classifier-model";
import type * as routes from "./model-versions.routes";

export const list: RouteHandler<typeof routes.list, AppEnv> = async (c) => {
  const page = await listVersions(getDb(c.env.DB), c.get("principal").tenantId, c.req.valid("query"));
  return c.json({ ...page, correlation_id: c.get("correlationId") }, 200);
};

/** The response, and `model.deployed` to subscribers when production changed (a failed emit is logged, not fatal). */
async function answer(c: Context<AppEnv>, result: DeployResult, rolledBack: boolean) {
  const { row, previousVersion, changed } = result;
  const correlationId = c.get("correlationId");
  if (changed) {
    try {
      await emitWebhookEvent(
        c.env,
        row.tenantId,
        "model.deployed",
        {
          version: row.version,
          kind: row.kind,
          model_type: row.modelType,
          previous_version: previousVersion,
          training_job_id: row.trainingJobId,
          metrics: row.metrics,
          rollback: rolledBack,
        },
        correlationId,
      );
    } catch (err) {
      c.get("logger").warn("Webhook event not emitted", { event: "model.deployed", error: String(err) });
    }
  }
  const message = !changed
    ? `${row.version} is already the production ${row.kind}; nothing changed`
    : `${rolledBack ? "Rolled back: " : ""}${row.version} is now the production ${row.kind}${
        previousVersion ? ` (was ${previousVersion})` : ""
      }`;
  return {
    version: row.version,
    status: row.status,
    message,
    previous_version: previousVersion,
    correlation_id: correlationId,
    kind: row.kind,
    deployed_at: row.deployedAt,
  };
}

/** A recommender's item factors go into its own index before serving switches to it. */
const prepare =
  (env: ApiEnv, tenantId: string): PrepareVersion =>
  async (row) => {
    if (row.kind === "recommender") await publishItemFactors(env, tenantId, row.version, row.artifactPrefix);
  };

export const deploy: RouteHandler<typeof routes.deploy, AppEnv> = async (c) => {
  const { version } = c.req.valid("param");
  const body = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  const result = await deployVersion(getDb(c.env.DB), tenantId, version, body.kind, prepare(c.env, tenantId));
  forgetProductionVersion(tenantId);
  forgetProductionClassifier(tenantId);
  return c.json(await answer(c, result, false), 200);
};

export const rollback: RouteHandler<typeof routes.rollback, AppEnv> = async (c) => {
  const body = c.req.valid("json");
  const tenantId = c.get("principal").tenantId;
  const result = await rollbackVersion(getDb(c.env.DB), tenantId, body.kind ?? "recommender", prepare(c.env, tenantId));
  forgetProductionVersion(tenantId);
  forgetProductionClassifier(tenantId);
  return c.json(await answer(c, result, true), 200);
};
