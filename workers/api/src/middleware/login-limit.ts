import { createMiddleware } from "hono/factory";
import { sha256Hex } from "@edge-ml/core/auth";
import { ApiError } from "@edge-ml/core/errors";
import { LOGIN_POLICY } from "@edge-ml/core/limits/login";
import type { AppEnv } from "../env";
import type { HitResult, RateLimiter } from "../metering/objects/rate-limiter";
import { hitScope, rateLimitHeaders, withDeadline } from "../lib/limits";

/**
 * Limits POST /api/v1/auth/login before the password is checked (the KDF is the expensive
 * part, and the guess is what we refuse to count): per client IP, per (email, client IP),
 * and the email's backoff for clients that have failed on it (core/limits/login.ts).
 * After the handler, a 401 is recorded as a failure of this client on this email, and a
 * success makes the client trusted again. No limit refuses a client that has not failed
 * on the email for failures others sent, so nobody can lock a user out.
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
    const client = (await sha256Hex(`login-client:${ip}`)).slice(0, 32);
    const emailObject = typeof email === "string" ? await emailLimiter(c.env, email) : undefined;
    const checks: Promise<HitResult[]>[] = [
      hitScope(c.env, `login:ip:${ip}`, [{ bucket: "ip", rule: LOGIN_POLICY.perIp }]),
    ];
    if (emailObject) {
      checks.push(withDeadline(emailObject.loginAttempt(client, LOGIN_POLICY.perClient)).then((r) => [r]));
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
    // 401 is a wrong password or an unknown email (answered alike); anything else that is
    // not a 5xx means the password was right (a suspended tenant's 403 included).
    const status = c.res.status;
    if (!emailObject || status === 400 || status >= 500) return;
    try {
      await withDeadline(emailObject.loginOutcome(client, status !== 401));
    } catch (e) {
      c.get("logger").warn("Login outcome not recorded", { error: String(e) });
    }
  });
}

/** The RateLimiter object of one email (hashed, so no address is kept in object names). */
async function emailLimiter(env: ApiEnv, email: string): Promise<DurableObjectStub<RateLimiter>> {
  const who = (await sha256Hex(email.trim().toLowerCase())).slice(0, 32);
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`login:email:${who}`));
}
