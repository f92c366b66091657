import { z } from "@hono/zod-openapi";
import { ErrorEnvelope } from "@edge-ml/core/schemas";

/** `{ content: { "application/json": { schema } }, description }` in one call. */
export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { content: { "application/json": { schema } }, description };
}

/** A required JSON request body. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { content: { "application/json": { schema } }, required: true };
}

const ERROR_DESCRIPTIONS = {
  400: "Invalid request (VALIDATION_ERROR)",
  401: "Missing, invalid, expired or revoked credentials",
  403: "Authenticated but not allowed (FORBIDDEN)",
  404: "Not found, or not visible to this tenant (NOT_FOUND)",
  409: "Conflicts with existing state (CONFLICT)",
  413: "Body too large (PAYLOAD_TOO_LARGE)",
  415: "Body is not JSON (UNSUPPORTED_MEDIA_TYPE)",
  429: "Rate limited",
  503: "A dependency is unavailable",
} as const;
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS;

/** Error responses for a route definition, all in the shared envelope. */
export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(statuses.map((s) => [s, jsonContent(ErrorEnvelope, ERROR_DESCRIPTIONS[s])])) as {
    [K in S]: ReturnType<typeof jsonContent<typeof ErrorEnvelope>>;
  };
}

/** Security requirement for routes that take an API key or a JWT. */
export const bearerSecurity = [{ bearerAuth: [] }];
