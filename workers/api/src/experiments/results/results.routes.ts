import { createRoute } from "@hono/zod-openapi";
import { ExperimentIdParam, ExperimentResults } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonContent } from "../../lib/openapi-helpers";

export const results = createRoute({
  method: "get",
  path: "/experiments/{experiment_id}/results",
  tags: ["Experiments"],
  summary: "Per-variant ctr, cvr and revenue with tests, intervals and a verdict (admin)",
  description:
    "Users are the unit: ctr and cvr are the shares of exposed users with an attributed click / purchase, revenue the " +
    "mean attributed revenue per exposed user (attribution window: `attribution_window_hours` after the latest " +
    "exposure). Rates: two-proportion z-test; revenue: Welch's t-test; `ci` is the difference's 95% interval. " +
    "`significant` uses `sequential_p_value`, an always-valid mSPRT p-value (a running minimum: it never rises), so " +
    "results may be read at any time. A sample-ratio mismatch (chi-square against the split, p < 0.001) blocks any verdict.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { params: ExperimentIdParam },
  responses: { 200: jsonContent(ExperimentResults, "Results"), ...errorResponses(400, 401, 403, 404, 429) },
});
