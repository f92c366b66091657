import { createRoute } from "@hono/zod-openapi";
import {
  RankedProducts,
  ShadowRecommendRequest,
  ShadowReport,
  ShadowReportQuery,
  ShadowSearchRequest,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Shadow mode"];
const admin = [authenticate(), requirePermission("admin")];
const behaviour =
  "Runs production and the candidate `model_version` (a recommender version of this tenant, deployed or not) on the " +
  "same input, answers the candidate's results (for the admin's eyes, never served to users) and logs the " +
  "comparison: both latencies, overlap@k, rank-biased overlap (p = 0.9), score shift, whether the top item differs. " +
  "See GET /admin/shadow/report.";

export const search = createRoute({
  method: "post",
  path: "/admin/shadow/search",
  tags,
  summary: "Shadow a search with a candidate model (admin)",
  description: behaviour,
  security: bearerSecurity,
  middleware: admin,
  request: { body: jsonBody(ShadowSearchRequest) },
  responses: {
    200: jsonContent(RankedProducts, "The candidate's results"),
    ...errorResponses(400, 401, 403, 415, 429),
  },
});

export const recommend = createRoute({
  method: "post",
  path: "/admin/shadow/recommend",
  tags,
  summary: "Shadow a recommendation with a candidate model (admin)",
  description: behaviour,
  security: bearerSecurity,
  middleware: admin,
  request: { body: jsonBody(ShadowRecommendRequest) },
  responses: {
    200: jsonContent(RankedProducts, "The candidate's results"),
    ...errorResponses(400, 401, 403, 415, 429),
  },
});

export const report = createRoute({
  method: "get",
  path: "/admin/shadow/report",
  tags,
  summary: "Shadow comparisons per challenger (admin; beyond the contract)",
  description:
    "Per model version and surface, over its latest 10,000 logged comparisons (active and passive): latency p50/p95 of " +
    "candidate and production, error rate, and the means of overlap@k, RBO (p = 0.9), score shift (candidate minus " +
    "production over shared items) and the share of requests whose top item differs (over comparisons without error).",
  security: bearerSecurity,
  middleware: admin,
  request: { query: ShadowReportQuery },
  responses: { 200: jsonContent(ShadowReport, "The report"), ...errorResponses(400, 401, 403, 429) },
});
