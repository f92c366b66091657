import { createMiddleware } from "hono/factory";
import { sha256Hex } from "@edge-ml/core/auth";
import { ApiError } from "@edge-ml/core/errors";
import { LOGIN_RULES } from "@edge-ml/core/limits/policy";
import type { AppEnv } from "../env";
import type { HitResult } from "../metering/objects/rate-limiter";
import { hitScope, rateLimitHeaders } from "../lib/limits";

/**
 * Limits POST /api/v1/auth/login per client IP and per email before the password is
 * checked (the KDF is the expensive part, and the guess is what we refuse to count).
 * A body that is not a JSON object goes on to the validator, which answers 400.
 */
export function loginLimits() {
  return createMiddleware<AppEnv>(async (c, next) => {
    let email: unknown;
    try {
      email = ((await c.req.json()) as { email?: unknown } | null)?.email;
    } catch {
      return next();
    }
    const ip = c.req.header("cf-connecting-ip") ?? "unknown";
    const checks: Promise<HitResult[]>[] = [
      hitScope(c.env, `login:ip:${ip}`, [{ bucket: "ip", rule: LOGIN_RULES.perIp }]),
    ];
    if (typeof email === "string") {
      const who = (await sha256Hex(email.trim().toLowerCase())).slice(0, 32);
      checks.push(hitScope(c.env, `login:email:${who}`, [{ bucket: "email", rule: LOGIN_RULES.perEmail }]));
    }
    let results;
    try {
      results = (await Promise.all(checks)).flat();
    } catch (e) {
      c.get("logger").warn("Login limiter unavailable; refusing logins", { error: String(e) });
      throw new ApiError("unavailable", "Login is temporarily unavailable; retry shortly", {}, { "Retry-After": "1" });
    }
    const refused = results.find((r) => !r.allowed);
    if (refused) {
      c.get("logger").warn("Login attempts throttled", { ip });
      throw new ApiError(
        "rate_limited",
        "Too many login attempts; wait before trying again",
        {},
        {
          ...rateLimitHeaders(refused),
          "Retry-After": String(refused.retryAfterSec),
        },
      );
    }
    await next();
  });
}
