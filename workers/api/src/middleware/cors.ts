import { createMiddleware } from "hono/factory";
import { ApiError } from "@edge-ml/core/errors";
import type { AppEnv } from "../env";
import { originListedByAnyTenant, tenantOrigins } from "../lib/cors-origins";

const ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Correlation-ID, traceparent";
/** What a browser script may read beyond the CORS-safelisted headers. */
const EXPOSE_HEADERS = [
  "X-RateLimit-Limit",
  "X-RateLimit-Remaining",
  "X-RateLimit-Reset",
  "X-RateLimit-Policy",
  "Retry-After",
  "X-Request-ID",
  "X-Correlation-ID",
  "Idempotency-Replayed",
].join(", ");

function addVary(headers: Headers, value: string): void {
  const current = headers.get("Vary");
  if (!current) headers.set("Vary", value);
  else if (!current.split(",").some((v) => v.trim().toLowerCase() === value.toLowerCase())) {
    headers.set("Vary", `${current}, ${value}`);
  }
}

/**
 * CORS, off by default (docs/decisions.md, "CORS"). A tenant allows its own front ends in
 * `settings.cors_allowed_origins`; the actual response names the origin only when the
 * tenant of the request's credential lists it. A preflight carries no credential, so it is
 * answered for an origin some tenant lists, and refused otherwise. Never `*`, and never
 * `Allow-Credentials`: credentials are bearer headers, not cookies. Runs before the rate
 * limits and authentication, so a preflight is neither authenticated nor counted.
 */
export function cors() {
  return createMiddleware<AppEnv>(async (c, next) => {
    const origin = c.req.header("origin");
    const preflight = c.req.method === "OPTIONS" && origin && c.req.header("access-control-request-method");
    if (preflight) {
      if (!(await originListedByAnyTenant(c.env.DB, origin))) {
        throw new ApiError(
          "forbidden",
          "This origin is not allowed to call the api (CORS)",
          {
            reason: "cors_origin_not_allowed",
            origin,
          },
          { Vary: "Origin" },
        );
      }
      c.res = new Response(null, {
        status: 204,
        headers: {
          "Access-Control-Allow-Origin": origin,
          "Access-Control-Allow-Methods": ALLOW_METHODS,
          "Access-Control-Allow-Headers": ALLOW_HEADERS,
          "Access-Control-Max-Age": "600",
          Vary: "Origin, Access-Control-Request-Method, Access-Control-Request-Headers",
        },
      });
      return;
    }

    await next();
    // Every response may differ by Origin (listed or not), so shared caches must key on it.
    addVary(c.res.headers, "Origin");
    const principal = c.get("principal");
    if (!origin || !principal) return;
    if (!(await tenantOrigins(c.env.DB, principal.tenantId)).includes(origin)) return;
    c.res.headers.set("Access-Control-Allow-Origin", origin);
    c.res.headers.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  });
}
