import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { ApiError } from "@edge-ml/core/errors";
import {
  classify,
  enumerationTarget,
  REPEATED_QUERY_RULE,
  rulesFor,
  type LimitRule,
} from "@edge-ml/core/limits/policy";
import { tightest, type Decision } from "@edge-ml/core/limits/token-bucket";
import type { AppEnv } from "../env";
import type { HitResult } from "../metering/objects/rate-limiter";
import { clientOf, hitScope, queryFingerprint, rateLimitHeaders, withDeadline } from "../lib/limits";
import type { Principal } from "../lib/principal";
import { recordAbuseFlag } from "../metering/services/abuse-flags";
import { authenticate } from "./authenticate";

/** One bucket to take from: `scope` names the object, `bucket` the bucket inside it. */
type Check = { scope: string; bucket: string; rule: LimitRule; repeatedQuery?: boolean };

/**
 * The object of a credential's class: its own bucket (per-key rules) and the per-IP and
 * repeated-query buckets of the clients using it, so a request makes one call, not one per
 * rule. Counting stays exact: every bucket of a request lives in one object.
 */
const credentialScope = (p: Principal, cls: string) => `credential:${p.tenantId}:${p.subjectId}:${cls}`;

function checksFor(p: Principal, rules: LimitRule[], cls: string, client: string): Check[] {
  return rules.map((rule) => {
    if (rule.scope === "ip") return { scope: credentialScope(p, cls), bucket: `ip:${client}`, rule };
    if (rule.scope === "key") return { scope: credentialScope(p, cls), bucket: "key", rule };
    return { scope: `tenant:${p.tenantId}:${cls}`, bucket: "tenant", rule };
  });
}

/** Takes every check, one parallel call per scope object; results in the order of `checks`. */
async function takeAll(env: ApiEnv, checks: Check[]): Promise<HitResult[]> {
  const scopes = [...new Set(checks.map((ch) => ch.scope))];
  const perScope = await Promise.all(
    scopes.map((scope) => {
      const mine = checks.filter((ch) => ch.scope === scope);
      return hitScope(
        env,
        scope,
        mine.map((ch) => ({ bucket: ch.bucket, rule: ch.rule })),
      );
    }),
  );
  const cursor = new Map(scopes.map((s) => [s, 0]));
  return checks.map((ch) => {
    const i = cursor.get(ch.scope)!;
    cursor.set(ch.scope, i + 1);
    return perScope[scopes.indexOf(ch.scope)]![i]!;
  });
}

function refuse(decision: Decision, message: string, details: Record<string, unknown>): ApiError {
  return new ApiError("rate_limited", message, details, {
    ...rateLimitHeaders(decision),
    "Retry-After": String(decision.retryAfterSec),
  });
}

/**
 * The edge guard: before any work on a limited route, every rule that applies (per IP,
 * per key, per tenant, repeated-query and id-walk abuse) is checked in its own Durable
 * Object, in parallel. Refused: 429 with Retry-After. Admitted: X-RateLimit-* of the
 * tightest rule on the response. Limiter unreachable: the class's fail mode decides.
 */
export function rateLimits() {
  const authenticated = authenticate();
  return createMiddleware<AppEnv>(async (c, next) => {
    const query = new URL(c.req.url).searchParams;
    const cls = classify(c.req.method, c.req.path);
    const target = enumerationTarget(c.req.method, c.req.path, query);
    if (!cls && target === undefined) return next();

    // Limits depend on the tenant's plan and the key's own limits: authenticate first.
    await authenticated(c, async () => {});
    if (c.env.RATE_LIMIT_MODE === "off") return next();
    const p = c.get("principal");
    const ip = c.req.header("cf-connecting-ip");
    const client = clientOf(ip, p.subjectId);
    const logger = c.get("logger");

    const checks: Check[] = cls ? checksFor(p, rulesFor(cls, p.plan, p.keyLimits), cls, client) : [];
    const q = query.get("q");
    if (cls === "search" && q) {
      // Kept beside the client's per-IP bucket: no extra call per query.
      const rule: LimitRule = { ...REPEATED_QUERY_RULE, scope: "ip", failMode: "open" };
      const bucket = `q:${client}:${await queryFingerprint(q)}`;
      checks.push({ scope: credentialScope(p, cls), bucket, rule, repeatedQuery: true });
    }

    let decisions: Decision[] = [];
    try {
      const results = await takeAll(c.env, checks);
      // Headers describe the request limits; the repeated-query rule is an abuse guard, not a quota.
      decisions = results.filter((_, i) => !checks[i]!.repeatedQuery);
      const refusedQuery = results.find((r, i) => checks[i]!.repeatedQuery && !r.allowed);
      if (refusedQuery) {
        if (refusedQuery.firstRefusal) {
          flagAbuse(c, p, client, "repeated_query", {
            query_length: q!.length,
            limit_per_minute: REPEATED_QUERY_RULE.limit,
          });
        }
        throw refuse(refusedQuery, `The same query was sent more than ${REPEATED_QUERY_RULE.limit} times a minute`, {
          reason: "repeated_query",
        });
      }
      // Several limits may refuse at once: report the one that refuses longest, so waiting
      // Retry-After passes them all (the first in rule order could be back in a second).
      const worst = tightest(results.filter((r, i) => !r.allowed && !checks[i]!.repeatedQuery));
      if (worst) {
        const rule = checks[results.indexOf(worst)]!.rule;
        throw refuse(worst, `Rate limit of ${rule.limit} requests per minute per ${rule.scope} exceeded`, {
          scope: rule.scope,
          limit_class: cls,
        });
      }
    } catch (e) {
      if (e instanceof ApiError) throw e;
      const failClosed = checks.some((ch) => ch.rule.failMode === "closed");
      logger.warn("Rate limiter unavailable", {
        limit_class: cls,
        fail_mode: failClosed ? "closed" : "open",
        error: String(e),
      });
      if (failClosed) {
        throw new ApiError(
          "unavailable",
          "Rate limiting is temporarily unavailable; retry shortly",
          {},
          { "Retry-After": "1" },
        );
      }
      decisions = [];
    }

    if (target !== undefined) await checkEnumeration(c, p, client, target);

    await next();
    const shown = tightest(decisions);
    if (shown) for (const [name, value] of Object.entries(rateLimitHeaders(shown))) c.res.headers.set(name, value);
  });
}

async function checkEnumeration(c: Context<AppEnv>, p: Principal, client: string, id: string): Promise<void> {
  const logger = c.get("logger");
  let result;
  try {
    const stub = c.env.ABUSE_DETECTOR.get(c.env.ABUSE_DETECTOR.idFromName(`${p.tenantId}:${client}`));
    result = await withDeadline(stub.observe(id));
  } catch (e) {
    // Detection is a safeguard on reads: when it is unreachable the read goes ahead.
    logger.warn("Abuse detector unavailable", { error: String(e) });
    return;
  }
  if (result.newFlag) {
    flagAbuse(c, p, client, "sequential_enumeration", { ids: result.recentIds });
  }
  if (result.throttled) {
    throw new ApiError(
      "rate_limited",
      "Sequential enumeration of product ids detected; this client is throttled on item routes",
      { reason: "sequential_enumeration" },
      { "Retry-After": String(result.retryAfterSec) },
    );
  }
}

/** Records an abuse detection after the response: the request's outcome never waits on it. */
function flagAbuse(
  c: Context<AppEnv>,
  p: Principal,
  client: string,
  kind: Parameters<typeof recordAbuseFlag>[2]["kind"],
  detail: Record<string, unknown>,
): void {
  c.executionCtx.waitUntil(
    recordAbuseFlag(c.env, c.get("logger"), { tenantId: p.tenantId, kind, client, endpoint: c.req.path, detail }),
  );
}
