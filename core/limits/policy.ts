import type { BucketRule } from "./token-bucket";

/**
 * Which limits guard which route, from the three contracts. Pure: a request's method and
 * path in, the limit classes and rules out. Windows are one minute throughout.
 *
 * - search-recommend-api.md: per client IP, search 100/min (burst 150) and recommend
 *   50/min (burst 75); per API key its own rate_limit_search / rate_limit_recommend.
 * - platform-api.md: 1000/min per tenant on recommendations.
 * - classifier-api.md: predict 100/min, predict/batch 10/min, feedback 50/min, model/* 10/min.
 */
export type LimitClass =
  "search" | "recommend" | "recommendations" | "predict" | "predict_batch" | "feedback" | "model";

export type Plan = "starter" | "pro" | "enterprise";
export type Scope = "ip" | "key" | "tenant";

/** `open`: admit when the limiter is unreachable (reads); `closed`: refuse with 503 (costly work). */
export type FailMode = "open" | "closed";

export type LimitRule = BucketRule & { scope: Scope; failMode: FailMode };

const MINUTE = 60_000;

type Matcher = { method: string; pattern: RegExp; cls: LimitClass };
const ROUTES: Matcher[] = [
  { method: "GET", pattern: /^\/search(\/explain)?\/?$/, cls: "search" },
  { method: "GET", pattern: /^\/recommend\/[^/]+\/?$/, cls: "recommend" },
  { method: "POST", pattern: /^\/api\/v1\/recommendations\/?$/, cls: "recommendations" },
  { method: "POST", pattern: /^\/internal\/ml\/recommendations\/?$/, cls: "recommendations" },
  { method: "POST", pattern: /^\/api\/v1\/predict\/batch\/?$/, cls: "predict_batch" },
  { method: "POST", pattern: /^\/api\/v1\/predict\/?$/, cls: "predict" },
  { method: "*", pattern: /^\/api\/v1\/feedback(\/.*)?$/, cls: "feedback" },
  { method: "*", pattern: /^\/api\/v1\/model\/.+$/, cls: "model" },
];

export function classify(method: string, path: string): LimitClass | undefined {
  const m = method === "HEAD" ? "GET" : method;
  return ROUTES.find((r) => (r.method === "*" || r.method === m) && r.pattern.test(path))?.cls;
}

/** Tenant-wide limits per minute by plan; the contracts' figures are the starter and pro plans. */
export const TENANT_LIMITS: Record<Plan, Partial<Record<LimitClass, number>>> = {
  starter: { recommendations: 1000, predict: 100, predict_batch: 10, feedback: 50, model: 10 },
  pro: { recommendations: 1000, predict: 100, predict_batch: 10, feedback: 50, model: 10 },
  enterprise: { recommendations: 10_000, predict: 1000, predict_batch: 100, feedback: 500, model: 100 },
};

/** Per client IP, the same on every plan: these protect the platform, not the tenant. */
export const IP_LIMITS: Partial<Record<LimitClass, { limit: number; burst: number }>> = {
  search: { limit: 100, burst: 150 },
  recommend: { limit: 50, burst: 75 },
};

/** Reads fail open; classes that start costly or state-changing work fail closed. */
const FAIL_MODE: Record<LimitClass, FailMode> = {
  search: "open",
  recommend: "open",
  recommendations: "open",
  predict: "open",
  predict_batch: "closed",
  feedback: "closed",
  model: "closed",
};

export type KeyLimits = { rateLimitSearch: number; rateLimitRecommend: number };

/** Every rule that applies to one request of class `cls`. */
export function rulesFor(cls: LimitClass, plan: Plan, key: KeyLimits | undefined): LimitRule[] {
  const failMode = FAIL_MODE[cls];
  const rules: LimitRule[] = [];
  const ip = IP_LIMITS[cls];
  if (ip) rules.push({ scope: "ip", ...ip, windowMs: MINUTE, failMode });
  const perKey = cls === "search" ? key?.rateLimitSearch : cls === "recommend" ? key?.rateLimitRecommend : undefined;
  if (perKey !== undefined) rules.push({ scope: "key", limit: perKey, burst: perKey, windowMs: MINUTE, failMode });
  const tenant = TENANT_LIMITS[plan][cls];
  if (tenant !== undefined) rules.push({ scope: "tenant", limit: tenant, burst: tenant, windowMs: MINUTE, failMode });
  return rules;
}

/** Abuse: the same query more than 20 times a minute from one client is throttled. */
export const REPEATED_QUERY_RULE: BucketRule = { limit: 20, burst: 20, windowMs: MINUTE };

/** Monthly API-call quota by plan, reported by GET /api/v1/usage. */
export const MONTHLY_API_CALL_QUOTA: Record<Plan, number> = {
  starter: 100_000,
  pro: 2_000_000,
  enterprise: 20_000_000,
};

/**
 * The item id a request reveals, on the routes that reveal one item each (where walking
 * ids in order would scrape a catalogue); undefined elsewhere.
 */
export function enumerationTarget(method: string, path: string, query: URLSearchParams): string | undefined {
  if (method !== "GET" && method !== "HEAD") return undefined;
  if (/^\/search\/explain\/?$/.test(path)) return query.get("product_id") ?? undefined;
  const m = /^\/debug\/ranking\/([^/]+)\/?$/.exec(path) ?? /^\/api\/v1\/items\/([^/]+)(\/embedding)?\/?$/.exec(path);
  return m ? safeDecode(m[1]!) : undefined;
}

/** A malformed escape (`%E0%A4%A`) is not an error here: the route answers for it, the raw text is the id. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// Login attempt limits: core/limits/login.ts.
