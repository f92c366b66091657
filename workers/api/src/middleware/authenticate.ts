import { createMiddleware } from "hono/factory";
import { looksLikeApiKey } from "@edge-ml/core/auth";
import { errors } from "@edge-ml/core/errors";
import type { AppEnv } from "../env";
import { principalFromAccessToken, principalFromApiKey } from "../access/services/credentials";

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * `Authorization: Bearer <token>` where the token is an API key (`sk_live_…`/`sk_test_…`)
 * or an access JWT. Sets the typed `principal`; the tenant comes from it alone.
 */
export function authenticate() {
  return createMiddleware<AppEnv>(async (c, next) => {
    // Already done by the rate-limit guard for limited paths: one lookup per request.
    if (c.get("principal")) return next();
    const header = c.req.header("authorization");
    if (!header) {
      throw errors.unauthenticated(
        "Missing Authorization header; send 'Authorization: Bearer <API key or access token>'",
      );
    }
    const token = BEARER.exec(header)?.[1];
    if (!token) throw errors.unauthenticated("Authorization header must have the form 'Bearer <token>'");
    const ctx = {
      env: c.env,
      clientIp: c.req.header("cf-connecting-ip"),
      waitUntil: (p: Promise<unknown>) => c.executionCtx.waitUntil(p),
    };
    if (looksLikeApiKey(token)) c.set("principal", await principalFromApiKey(token, ctx));
    else if (token.split(".").length === 3) c.set("principal", await principalFromAccessToken(token, ctx));
    else throw errors.unauthenticated("Bearer token is neither an API key nor an access token");
    await next();
  });
}
