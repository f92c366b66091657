import { createRoute } from "@hono/zod-openapi";
import { TenantView, UpdateTenantSettingsRequest } from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

export const getTenant = createRoute({
  method: "get",
  path: "/api/v1/tenant",
  tags: ["Tenant"],
  summary: "The caller's tenant",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("read")],
  responses: { 200: jsonContent(TenantView, "The tenant"), ...errorResponses(401, 403) },
});

export const updateSettings = createRoute({
  method: "patch",
  path: "/api/v1/tenant/settings",
  tags: ["Tenant"],
  summary: "Change the tenant's settings (admin; beyond the contract)",
  description:
    "Only the fields sent change. `consumed_interaction_types` decides which past interactions keep an item out of a " +
    "user's recommendations for good; it applies at once to the whole history (cached lists expire within minutes).",
  security: bearerSecurity,
  middleware: [authenticate(), requirePermission("admin")],
  request: { body: jsonBody(UpdateTenantSettingsRequest) },
  responses: {
    200: jsonContent(TenantView, "The tenant, with its new settings"),
    ...errorResponses(400, 401, 403, 415),
  },
});
