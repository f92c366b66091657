import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { servingContext } from "../services/context";
import { explainRanking } from "../services/explain-ranking";
import type * as routes from "./debug.routes";

export const debugRanking: RouteHandler<typeof routes.debugRanking, AppEnv> = async (c) => {
  const { product_id: productId } = c.req.valid("param");
  const { query, user_id: userId } = c.req.valid("query");
  const ctx = servingContext(c.env, c.get("principal").tenantId);
  return c.json(await explainRanking(ctx, productId, query, userId), 200);
};
