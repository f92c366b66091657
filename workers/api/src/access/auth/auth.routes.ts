import { createRoute } from "@hono/zod-openapi";
import { LoginRequest, LoginResponse, RefreshRequest, RefreshResponse } from "@edge-ml/core/schemas";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";
import { loginLimits } from "../../middleware/login-limit";

const tags = ["Authentication"];

export const login = createRoute({
  method: "post",
  path: "/api/v1/auth/login",
  tags,
  summary: "Log in with email and password",
  description:
    "Returns a 15-minute access JWT and a refresh token. Wrong email and wrong password answer the same. At most 10 attempts a minute per email and 30 per client IP (429 beyond).",
  middleware: [loginLimits()],
  request: { body: jsonBody(LoginRequest) },
  responses: {
    200: jsonContent(LoginResponse, "Logged in"),
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

export const refresh = createRoute({
  method: "post",
  path: "/api/v1/auth/refresh",
  tags,
  summary: "Exchange a refresh token for a new access token",
  description:
    "Refresh tokens rotate: the response carries a new one and the one sent is spent. Sending a spent token again revokes every token of that login.",
  request: { body: jsonBody(RefreshRequest) },
  responses: {
    200: jsonContent(RefreshResponse, "New access token and rotated refresh token"),
    ...errorResponses(400, 401, 403, 415),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/api/v1/auth/logout",
  tags,
  summary: "Revoke a refresh token and every token rotated from the same login",
  request: { body: jsonBody(RefreshRequest) },
  responses: {
    204: { description: "Revoked (also when the token was unknown)" },
    ...errorResponses(400, 415),
  },
});
