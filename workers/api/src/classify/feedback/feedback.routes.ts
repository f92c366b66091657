import { createRoute } from "@hono/zod-openapi";
import { FeedbackRequest, FeedbackResponse, FeedbackStats, FeedbackStatsQuery } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

const tags = ["Classification"];

export const post = createRoute({
  method: "post",
  path: "/api/v1/feedback",
  tags,
  summary: "Feedback on a prediction (classifier-api.md)",
  description:
    "`correction` needs `correct_category`, one of the tenant's labels (400 with `field: correct_category` " +
    "otherwise); `confirmation` agrees with the prediction; `rejection` says it was wrong without a category. " +
    "An unknown `prediction_id`, or another tenant's, is 404. Corrections and confirmations become labelled " +
    "rows of the next training with `include_feedback`.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("write")],
  request: { body: jsonBody(FeedbackRequest) },
  responses: {
    201: jsonContent(FeedbackResponse, "Recorded"),
    ...errorResponses(400, 401, 403, 404, 413, 415, 429),
  },
});

export const stats = createRoute({
  method: "get",
  path: "/api/v1/feedback/stats",
  tags,
  summary: "Feedback statistics (classifier-api.md)",
  description:
    "Over `start_date`..`end_date` (dates are whole UTC days; default: the 30 days up to now): predictions made, " +
    "feedback received, their ratio, the accuracy the feedback shows (confirmations over all feedback; null " +
    "without feedback) and corrections per predicted category. `category` keeps only predictions of that category.",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  request: { query: FeedbackStatsQuery },
  responses: {
    200: jsonContent(FeedbackStats, "The statistics"),
    ...errorResponses(400, 401, 403, 429),
  },
});
