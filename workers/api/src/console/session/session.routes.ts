import { createRoute } from "@hono/zod-openapi";
import { LoginRequest, LoginResponse } from "@edge-ml/core/schemas";
import { errorResponses, jsonBody, jsonContent } from "../../lib/openapi-helpers";
import { loginLimits } from "../../middleware/login-limit";
import { refuseCrossSite } from "./csrf";

const tags = ["Console session"];

/** What the console's script gets: the access token (kept in memory) and the user; the refresh token stays in its cookie. */
export const ConsoleSession = LoginResponse.omit({ refresh_token: true }).openapi("ConsoleSession");

const CSRF_NOTE =
  " Browser-only: requires the same Origin and an `X-CSRF-Token` header equal to the `edgeml_csrf` cookie (set by the console's page); otherwise 403.";

export const login = createRoute({
  method: "post",
  path: "/console/session",
  tags,
  summary: "Console login: the access token in the body, the refresh token in an HttpOnly cookie",
  description:
    "The same login as POST /api/v1/auth/login (same limits, same answer to a wrong email or password), but the refresh token is set as `edgeml_refresh` (HttpOnly; Secure; SameSite=Strict; Path=/console/session)." +
    CSRF_NOTE,
  middleware: [refuseCrossSite(), loginLimits()],
  request: { body: jsonBody(LoginRequest) },
  responses: {
    200: jsonContent(ConsoleSession, "Logged in; the refresh cookie is set"),
    ...errorResponses(400, 401, 403, 413, 415, 429, 503),
  },
});

export const refresh = createRoute({
  method: "post",
  path: "/console/session/refresh",
  tags,
  summary: "A new access token from the refresh cookie, which rotates",
  description:
    "The cookie's token is spent and a new one set; sending a spent one again revokes the login." + CSRF_NOTE,
  middleware: [refuseCrossSite()],
  responses: {
    200: jsonContent(ConsoleSession, "New access token; the rotated refresh cookie is set"),
    ...errorResponses(401, 403),
  },
});

export const logout = createRoute({
  method: "post",
  path: "/console/session/logout",
  tags,
  summary: "Console logout: revokes the login and clears the refresh cookie",
  description: CSRF_NOTE.trim(),
  middleware: [refuseCrossSite()],
  responses: { 204: { description: "Logged out (also without a session)" }, ...errorResponses(403) },
});
