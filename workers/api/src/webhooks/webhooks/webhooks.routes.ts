import { createRoute } from "@hono/zod-openapi";
import {
  CreatedWebhook,
  CreateWebhookRequest,
  DeliveriesQuery,
  WebhookDeliveryList,
  WebhookIdParam,
  WebhookList,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

/**
 * classifier-api.md "Webhooks": subscriptions to training.*, evaluation.completed,
 * model.deployed and retraining.recommended. Deliveries are POSTed by
 * workers/trainer-dispatch, signed with the webhook's secret (X-EdgeML-Signature).
 */
const tags = ["Webhooks"];
const adminOnly = () => [authenticate(), requirePermission("admin")];

export const create = createRoute({
  method: "post",
  path: "/api/v1/webhooks",
  tags,
  summary: "Subscribe a URL to events (admin; the signing secret is shown once)",
  description:
    "`url` must be https; http is accepted only for 127.0.0.1 and localhost, for local development. Each delivery " +
    "is a POST of `{ event, timestamp, data, correlation_id }` with `X-EdgeML-Signature: t=<unix>,v1=<hex>`, the " +
    "HMAC-SHA256 of `<t>.<body>` under the secret; reject timestamps more than 5 minutes old. At most 20 per tenant.",
  security: bearerSecurity,
  middleware: adminOnly(),
  request: { body: jsonBody(CreateWebhookRequest) },
  responses: { 201: jsonContent(CreatedWebhook, "Created"), ...errorResponses(400, 401, 403, 409, 413, 415) },
});

export const list = createRoute({
  method: "get",
  path: "/api/v1/webhooks",
  tags,
  summary: "List the tenant's webhooks (never their secrets)",
  security: bearerSecurity,
  middleware: adminOnly(),
  responses: { 200: jsonContent(WebhookList, "Newest first"), ...errorResponses(401, 403) },
});

export const remove = createRoute({
  method: "delete",
  path: "/api/v1/webhooks/{webhook_id}",
  tags,
  summary: "Delete a webhook and its delivery history (admin)",
  description: "Deliveries still queued for it are dropped.",
  security: bearerSecurity,
  middleware: adminOnly(),
  request: { params: WebhookIdParam },
  responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404) },
});

export const deliveries = createRoute({
  method: "get",
  path: "/api/v1/webhooks/{webhook_id}/deliveries",
  tags,
  summary: "A webhook's deliveries and their outcome, newest first (admin)",
  description:
    "`status`: pending (queued or being retried), delivered (2xx), failed (gave up); `attempts`, " +
    "`last_status_code` and `last_error` say what happened.",
  security: bearerSecurity,
  middleware: adminOnly(),
  request: { params: WebhookIdParam, query: DeliveriesQuery },
  responses: { 200: jsonContent(WebhookDeliveryList, "One page"), ...errorResponses(400, 401, 403, 404) },
});
