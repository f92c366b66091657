import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { shadowReport } from "../services/shadow-log";
import { checkCandidate, shadowCompare, type Ranked, type ShadowInput } from "../services/shadow-run";
import type * as routes from "./shadow.routes";
import type { Context } from "hono";

async function run(c: Context<AppEnv>, version: string, input: ShadowInput): Promise<Ranked> {
  const tenantId = c.get("principal").tenantId;
  await checkCandidate(c.env.DB, tenantId, version);
  return shadowCompare(c.env, tenantId, version, input, "active", (p) => c.executionCtx.waitUntil(p));
}

const view = (r: Ranked) => r.items.map((i) => ({ product_id: i.id, score: i.score, reason: i.reason }));

export const search: RouteHandler<typeof routes.search, AppEnv> = async (c) => {
  const b = c.req.valid("json");
  const r = await run(c, b.model_version, { surface: "search", query: b.query, userId: b.user_id, k: b.k });
  c.header("X-Model-Version", r.version);
  return c.json(view(r), 200);
};

export const recommend: RouteHandler<typeof routes.recommend, AppEnv> = async (c) => {
  const b = c.req.valid("json");
  const r = await run(c, b.model_version, { surface: "recommend", userId: b.user_id, k: b.k });
  c.header("X-Model-Version", r.version);
  return c.json(view(r), 200);
};

export const report: RouteHandler<typeof routes.report, AppEnv> = async (c) => {
  const rows = await shadowReport(c.env.DB, c.get("principal").tenantId, c.req.valid("query"));
  return c.json({ challengers: rows }, 200);
};
