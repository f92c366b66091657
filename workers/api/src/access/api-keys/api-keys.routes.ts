import { createRoute, z } from "@hono/zod-openapi";
import {
  AuthApiKeyList,
  AuthCreatedApiKey,
  CreateApiKeyRequest,
  V1ApiKey,
  V1ApiKeyList,
  V1CreatedApiKey,
} from "@edge-ml/core/schemas";
import { authenticate } from "../../middleware/authenticate";
import { requirePermission } from "../../middleware/authorize";
import { bearerSecurity, errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";

/**
 * Two contracts name the same resource: platform-api.md section 6 (`/api/v1/api-keys`)
 * and search-recommend-api.md (`/auth/api-keys`). Both are admin-only and share
 * services/api-keys.ts; only field names differ.
 */
const tags = ["API keys"];
const adminOnly = [authenticate(), requirePermission("admin")];
const IdParam = z.object({
  id: z.uuid({ error: "id must be a UUID" }).openapi({ param: { name: "id", in: "path" } }),
});
const KeyIdParam = z.object({
  key_id: z.uuid({ error: "key_id must be a UUID" }).openapi({ param: { name: "key_id", in: "path" } }),
});

export const v1List = createRoute({
  method: "get",
  path: "/api/v1/api-keys",
  tags,
  summary: "List the tenant's API keys",
  security: bearerSecurity,
  middleware: adminOnly,
  responses: { 200: jsonContent(V1ApiKeyList, "Keys, newest first"), ...errorResponses(401, 403) },
});

export const v1Create = createRoute({
  method: "post",
  path: "/api/v1/api-keys",
  tags,
  summary: "Create an API key (the secret is shown once)",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { body: jsonBody(CreateApiKeyRequest) },
  responses: {
    201: jsonContent(V1CreatedApiKey, "Created"),
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

export const v1Revoke = createRoute({
  method: "delete",
  path: "/api/v1/api-keys/{id}",
  tags,
  summary: "Revoke an API key",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: IdParam },
  responses: { 200: jsonContent(V1ApiKey, "The revoked key"), ...errorResponses(400, 401, 403, 404) },
});

export const authList = createRoute({
  method: "get",
  path: "/auth/api-keys",
  tags,
  summary: "List the tenant's API keys (search-recommend contract shape)",
  security: bearerSecurity,
  middleware: adminOnly,
  responses: { 200: jsonContent(AuthApiKeyList, "Keys, newest first"), ...errorResponses(401, 403) },
});

export const authCreate = createRoute({
  method: "post",
  path: "/auth/api-keys",
  tags,
  summary: "Create an API key with per-key limits and IP allow-list (the secret is shown once)",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { body: jsonBody(CreateApiKeyRequest) },
  responses: {
    201: jsonContent(AuthCreatedApiKey, "Created"),
    ...errorResponses(400, 401, 403, 413, 415),
  },
});

export const authRevoke = createRoute({
  method: "delete",
  path: "/auth/api-keys/{key_id}",
  tags,
  summary: "Revoke an API key",
  security: bearerSecurity,
  middleware: adminOnly,
  request: { params: KeyIdParam },
  responses: { 204: { description: "Revoked" }, ...errorResponses(400, 401, 403, 404) },
});
