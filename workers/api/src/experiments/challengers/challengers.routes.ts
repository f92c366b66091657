import { createRoute } from "@hono/zod-openapi";
import { Challenger, ChallengerList, SurfaceParam } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Shadow mode"];
const admin = [authenticate(), requirePermission("admin")];

export const list = createRoute({
  method: "get",
  path: "/admin/shadow/challengers",
  tags,
  summary: "The tenant's passive challengers (admin; beyond the contract)",
  security: bearerSecurity,
  middleware: admin,
  responses: { 200: jsonContent(ChallengerList, "One per surface at most"), ...errorResponses(401, 403, 429) },
});

export const put = createRoute({
  method: "put",
  path: "/admin/shadow/challengers",
  tags,
  summary: "Name a challenger scored on a sampled share of live traffic (admin; beyond the contract)",
  description:
    "One per surface (a new one replaces the old). After each sampled production response of /search (with a user) or " +
    "/recommend/{user_id}, the challenger ranks the same input in ctx.waitUntil and the comparison is logged; " +
    "served results and their latency are untouched. Other isolates pick a change up within 5 s.",
  security: bearerSecurity,
  middleware: admin,
  request: { body: jsonBody(Challenger) },
  responses: { 200: jsonContent(Challenger, "Set"), ...errorResponses(400, 401, 403, 415, 429) },
});

export const remove = createRoute({
  method: "delete",
  path: "/admin/shadow/challengers/{surface}",
  tags,
  summary: "Stop passive shadowing on a surface (admin; beyond the contract)",
  security: bearerSecurity,
  middleware: admin,
  request: { params: SurfaceParam },
  responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404, 429) },
});
