import type { RouteHandler } from "@hono/zod-openapi";
import { ApiError } from "@edge-ml/core/errors";
import type { AppEnv } from "../../env";
import { getDb } from "../../lib/db";
import { exposeUser } from "../services/assign";
import { experimentOf } from "../services/experiment-store";
import type * as routes from "./assignments.routes";

export const assign: RouteHandler<typeof routes.assign, AppEnv> = async (c) => {
  const { experiment_id: id } = c.req.valid("param");
  const { user_id: userId } = c.req.valid("json");
  const row = await experimentOf(getDb(c.env.DB), c.get("principal").tenantId, id);
  if (row.status !== "running") {
    throw new ApiError(
      "conflict",
      `experiment ${id} is ${row.status}: it assigns no variant; serve the default configuration`,
      {
        field: "experiment_id",
        status: row.status,
      },
    );
  }
  // Awaited here: the caller applies the variant itself, so it gets the object's sticky answer.
  const variant = await exposeUser(c.env, row, userId);
  const name = variant ?? row.control;
  c.header("X-Experiment-Variant", `${row.id}:${name}`);
  return c.json(
    { variant: name, config: row.variants[name]!.config, experiment_id: row.id, in_experiment: variant !== undefined },
    200,
  );
};
