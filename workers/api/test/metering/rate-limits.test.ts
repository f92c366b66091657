import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { AuthCreatedApiKey } from "@edge-ml/core/schemas";
import { createApp } from "../../src/app";
import { RateLimiter } from "../../src/metering/objects/rate-limiter";
import { call, seedTenant, type ErrorBody } from "../helpers";

/**
 * The limits guard their contract paths before any handler runs. Routes whose handlers
 * arrive with later issues (search, recommend, predict...) answer 404 once admitted; what
 * these tests check is that the guard admitted them (anything but 429) and what it said.
 */
let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter % 250}`;

async function createKey(adminKey: string, body: Record<string, unknown>): Promise<string> {
  const res = await call("/auth/api-keys", { method: "POST", token: adminKey, body: { name: "k", ...body } });
  return ((await res.json()) as z.infer<typeof AuthCreatedApiKey>).api_key;
}

function get(path: string, token: string, ip: string) {
  return call(path, { token, headers: { "cf-connecting-ip": ip } });
}

async function drain(n: number, send: (i: number) => Promise<Response>): Promise<Response[]> {
  const out: Response[] = [];
  for (let i = 0; i < n; i++) out.push(await send(i));
  return out;
}

/**
 * Sends until refused. Buckets refill continuously (limit per minute), so a run that takes
 * t seconds may see up to limit * t / 60 more admissions than the burst: no more.
 */
async function untilRefused(send: () => Promise<Response>, perMinute: number, since: number): Promise<Response> {
  let extra = 0;
  let res = await send();
  while (res.status !== 429 && extra < 500) {
    extra++;
    res = await send();
  }
  expect(extra).toBeLessThanOrEqual(Math.ceil(((Date.now() - since) / 60_000) * perMinute) + 1);
  return res;
}

function expect429(res: Response, limit: number) {
  expect(res.status).toBe(429);
  expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(res.headers.get("x-ratelimit-limit")).toBe(String(limit));
  expect(res.headers.get("x-ratelimit-remaining")).toBe("0");
  expect(Number(res.headers.get("x-ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
}

describe("per-IP limits (search-recommend-api.md)", () => {
  it("search: 150 at once (burst), then 429 at 100/min with headers", async () => {
    const t = await seedTenant("ip-search", "active", "starter");
    const ip = freshIp();
    const since = Date.now();
    const admitted = await drain(150, (i) => get(`/search?q=item+${i}`, t.adminKey, ip));
    expect(admitted.every((r) => r.status !== 429)).toBe(true);
    // Limit is the burst (what can be sent at once), the sustained rate is in the policy.
    expect(admitted[0]!.headers.get("x-ratelimit-limit")).toBe("150");
    expect(admitted[0]!.headers.get("x-ratelimit-remaining")).toBe("149");
    expect(admitted[0]!.headers.get("x-ratelimit-policy")).toBe("100;w=60;burst=150");
    let n = 0;
    const refused = await untilRefused(() => get(`/search?q=more+${n++}`, t.adminKey, ip), 100, since);
    expect429(refused, 150);
    const body = (await refused.json()) as ErrorBody;
    expect(body.error.code).toBe("RATE_LIMIT_EXCEEDED");
    expect(body.error.details).toMatchObject({ scope: "ip", limit_class: "search" });
    // Another IP of the same tenant is unaffected.
    expect((await get("/search?q=other", t.adminKey, freshIp())).status).not.toBe(429);
  });

  it("recommend: 75 at once, then 429; admitted again once Retry-After has passed", async () => {
    const t = await seedTenant("ip-rec", "active", "starter");
    const ip = freshIp();
    const since = Date.now();
    const admitted = await drain(75, (i) => get(`/recommend/user_${i}`, t.adminKey, ip));
    expect(admitted.every((r) => r.status !== 429)).toBe(true);
    const refused = await untilRefused(() => get("/recommend/user_x", t.adminKey, ip), 50, since);
    expect429(refused, 75);
    const wait = Number(refused.headers.get("retry-after"));
    expect(wait).toBeLessThanOrEqual(2);
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    expect((await get("/recommend/user_y", t.adminKey, ip)).status).not.toBe(429);
  });
});

describe("per-key limits", () => {
  it("a key's own rate_limit_search overrides the default, across IPs", async () => {
    const t = await seedTenant("perkey", "active", "starter");
    const key = await createKey(t.adminKey, { rate_limit_search: 5 });
    const since = Date.now();
    const admitted = await drain(5, (i) => get(`/search?q=k${i}`, key, freshIp()));
    expect(admitted.every((r) => r.status !== 429)).toBe(true);
    expect(admitted[4]!.headers.get("x-ratelimit-limit")).toBe("5");
    const refused = await untilRefused(() => get("/search?q=k6", key, freshIp()), 5, since);
    expect429(refused, 5);
    expect(((await refused.json()) as ErrorBody).error.details.scope).toBe("key");
    // The admin key of the same tenant has its own budget.
    expect((await get("/search?q=k7", t.adminKey, freshIp())).status).not.toBe(429);
  });

  it("rate_limit_recommend applies to /recommend", async () => {
    const t = await seedTenant("perkey-rec", "active", "starter");
    const key = await createKey(t.adminKey, { rate_limit_recommend: 3 });
    await drain(3, (i) => get(`/recommend/u${i}`, key, freshIp()));
    expect429(await get("/recommend/u9", key, freshIp()), 3);
  });
});

describe("per-tenant limits", () => {
  it("recommendations: 1000/min per tenant (platform-api.md), another tenant unaffected", async () => {
    const a = await seedTenant("rec-a", "active", "starter");
    const b = await seedTenant("rec-b", "active", "starter");
    const send = (token: string) =>
      call("/api/v1/recommendations", {
        method: "POST",
        token,
        body: { user_id: "u1" },
        headers: { "cf-connecting-ip": freshIp() },
      });
    const startedAt = Date.now();
    let admitted = 0;
    for (let batch = 0; batch < 20; batch++) {
      const results = await Promise.all(Array.from({ length: 50 }, () => send(a.adminKey)));
      admitted += results.filter((r) => r.status !== 429).length;
    }
    expect(admitted).toBe(1000);
    expect429(await untilRefused(() => send(a.adminKey), 1000, startedAt), 1000);
    expect((await send(b.adminKey)).status).not.toBe(429);
    // 1000 real recommendation requests: seconds on a loaded 2-core machine.
  }, 60_000);

  it.each([
    ["/api/v1/predict", "POST", 100],
    ["/api/v1/predict/batch", "POST", 10],
    ["/api/v1/feedback", "POST", 50],
    ["/api/v1/model/train", "POST", 10],
  ] as const)("%s %s: %d/min per tenant, in classifier-api.md's code", async (path, method, limit) => {
    const t = await seedTenant(`cls-${limit}`, "active", "starter");
    const send = () => call(path, { method, token: t.adminKey, body: {} });
    const since = Date.now();
    const admitted = await drain(limit, send);
    expect(admitted.every((r) => r.status !== 429)).toBe(true);
    const refused = await untilRefused(send, limit, since);
    expect429(refused, limit);
    expect(((await refused.json()) as ErrorBody).error.code).toBe("RATE_LIMITED");
  });

  it("the enterprise plan has higher tenant limits", async () => {
    const t = await seedTenant("ent", "active", "enterprise");
    const res = await call("/api/v1/model/versions", { token: t.adminKey });
    expect(res.headers.get("x-ratelimit-limit")).toBe("100");
  });
});

describe("exactness under concurrency", () => {
  it("50 concurrent requests to a 10/min scope admit exactly 10", async () => {
    const t = await seedTenant("concurrent", "active", "starter");
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call("/api/v1/model/train", { method: "POST", token: t.adminKey, body: {} })),
    );
    expect(results.filter((r) => r.status !== 429)).toHaveLength(10);
    expect(results.filter((r) => r.status === 429)).toHaveLength(40);
  });
});

describe("limiter unavailable (docs/decisions.md)", () => {
  const brokenLimiter = {
    idFromName: (name: string) => env.RATE_LIMITER.idFromName(name),
    get: () => ({ hit: () => Promise.reject(new Error("limiter unreachable")) }),
  } as unknown as ApiEnv["RATE_LIMITER"];

  async function withBrokenLimiter(path: string, method: string, token: string) {
    const ctx = createExecutionContext();
    const req = new Request(`https://api.edge-ml.test${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: method === "POST" ? "{}" : undefined,
    });
    const res = await createApp().fetch(req, { ...env, RATE_LIMITER: brokenLimiter }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  it("fails open for reads (search), without rate-limit headers", async () => {
    const t = await seedTenant("open", "active", "starter");
    const res = await withBrokenLimiter("/search?q=shoes", "GET", t.adminKey);
    expect(res.status).not.toBe(429);
    expect(res.status).not.toBe(503);
    expect(res.headers.get("x-ratelimit-limit")).toBeNull();
  });

  it("RATE_LIMIT_MODE=off skips the limits (operator kill switch) but not authentication", async () => {
    const t = await seedTenant("mode-off", "active", "starter");
    const send = async (token?: string) => {
      const ctx = createExecutionContext();
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (token) headers.authorization = `Bearer ${token}`;
      const req = new Request("https://api.edge-ml.test/api/v1/model/train", { method: "POST", headers, body: "{}" });
      const res = await createApp().fetch(req, { ...env, RATE_LIMIT_MODE: "off" }, ctx);
      await waitOnExecutionContext(ctx);
      return res;
    };
    const statuses = await drain(15, () => send(t.adminKey));
    expect(statuses.some((r) => r.status === 429)).toBe(false);
    expect((await send()).status).toBe(401);
  });

  it("fails closed (503, Retry-After) for costly work (training)", async () => {
    const t = await seedTenant("closed", "active", "starter");
    const res = await withBrokenLimiter("/api/v1/model/train", "POST", t.adminKey);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(((await res.json()) as ErrorBody).error.code).toBe("SERVICE_UNAVAILABLE");
  });
});

describe("what a limiter object keeps across a restart", () => {
  const rule = { limit: 10, burst: 10, windowMs: 60_000 };
  const stubFor = (name: string) => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(name));

  it("a bucket that spent half its burst is stored and resumes after a restart", async () => {
    const stub = stubFor(`restart-test:${crypto.randomUUID()}`);
    for (let i = 0; i < 8; i++) await stub.hit([{ bucket: "ip", rule }]);
    await new Promise((r) => setTimeout(r, 1300)); // the write-behind runs once a second
    const resumed = await runInDurableObject(stub, async (_instance: RateLimiter, state) => {
      const stored = await state.storage.list({ prefix: "b:" });
      // A fresh instance over the same storage is what a restarted object is.
      const restarted = new RateLimiter(state, env as never);
      await state.blockConcurrencyWhile(async () => {});
      return { stored: [...stored.keys()], decisions: [restarted.hit([{ bucket: "ip", rule }])[0]!] };
    });
    expect(resumed.stored).toEqual(["b:ip"]);
    // 8 spent of 10: the restarted object admits what is left, not a fresh burst.
    expect(resumed.decisions[0]!.remaining).toBeLessThanOrEqual(1);
  });

  it("a client that sent a few requests costs no storage and no alarm", async () => {
    const stub = stubFor(`light-test:${crypto.randomUUID()}`);
    for (let i = 0; i < 3; i++) await stub.hit([{ bucket: "ip", rule }]);
    await new Promise((r) => setTimeout(r, 1300));
    const { keys, alarm } = await runInDurableObject(stub, async (_instance: RateLimiter, state) => ({
      keys: [...(await state.storage.list()).keys()],
      alarm: await state.storage.getAlarm(),
    }));
    expect(keys).toEqual([]);
    expect(alarm).toBeNull();
  });
});

/** Issue 14 item 7: the headers say what is enforced, on every limited route. */
describe("rate-limit headers (docs/decisions.md)", () => {
  type Shown = { limit: number; remaining: number; reset: number; policy: string | null };
  const shown = (res: Response): Shown => ({
    limit: Number(res.headers.get("x-ratelimit-limit")),
    remaining: Number(res.headers.get("x-ratelimit-remaining")),
    reset: Number(res.headers.get("x-ratelimit-reset")),
    policy: res.headers.get("x-ratelimit-policy"),
  });

  it("Remaining is never above Limit; Limit is what can be sent at once, the sustained rate is in the policy", async () => {
    const t = await seedTenant("hdr-burst", "active", "starter");
    const ip = freshIp();
    const first = shown(await get("/search?q=h0", t.adminKey, ip));
    expect(first).toMatchObject({ limit: 150, remaining: 149, policy: "100;w=60;burst=150" });
    const rec = shown(await get("/recommend/u1", t.adminKey, ip));
    expect(rec).toMatchObject({ limit: 75, remaining: 74, policy: "50;w=60;burst=75" });
    // Limit is honest: exactly `remaining` more requests pass at once (refill aside).
    const admitted = await drain(first.remaining, (i) => get(`/search?q=h${i + 1}`, t.adminKey, ip));
    for (const r of admitted) {
      const s = shown(r);
      expect(s.remaining).toBeLessThanOrEqual(s.limit);
    }
    expect(admitted.every((r) => r.status !== 429)).toBe(true);
    // A tenant-wide limit has no burst beyond its rate.
    const model = shown(await call("/api/v1/model/versions", { token: t.adminKey }));
    expect(model).toMatchObject({ limit: 10, remaining: 9, policy: "10;w=60" });
  });

  it("the key's own limit is shown when it is the one that binds, the per-IP one otherwise", async () => {
    const t = await seedTenant("hdr-key", "active", "starter");
    const tight = await createKey(t.adminKey, { rate_limit_search: 120 });
    const loose = await createKey(t.adminKey, { rate_limit_search: 900 });
    expect(shown(await get("/search?q=a", tight, freshIp()))).toMatchObject({
      limit: 120,
      remaining: 119,
      policy: "120;w=60",
    });
    expect(shown(await get("/search?q=a", loose, freshIp()))).toMatchObject({ limit: 150, remaining: 149 });
  });

  it("a 429 refused by several limits names the one that refuses longest: Retry-After is enough", async () => {
    const t = await seedTenant("hdr-retry", "active", "starter");
    const key = await createKey(t.adminKey, { rate_limit_search: 5 });
    const ip = freshIp();
    // 5 admitted by the key; the IP bucket is spent too (150), by requests the key refused.
    await drain(152, (i) => get(`/search?q=r${i}`, key, ip));
    const refused = await get("/search?q=last", key, ip);
    expect(refused.status).toBe(429);
    // The key refills 5/min: 12 s per token; the IP 100/min: under a second.
    const retry = Number(refused.headers.get("retry-after"));
    expect(retry).toBeGreaterThanOrEqual(10);
    expect(shown(refused)).toMatchObject({ limit: 5, remaining: 0 });
    expect(((await refused.json()) as ErrorBody).error.details.scope).toBe("key");
  });

  it.each([
    ["GET", "/search?q=x"],
    ["GET", "/search/explain?q=x&product_id=p1"],
    ["GET", "/recommend/u1"],
    ["POST", "/api/v1/recommendations"],
    ["POST", "/internal/ml/recommendations"],
    ["POST", "/api/v1/predict"],
    ["POST", "/api/v1/predict/batch"],
    ["POST", "/api/v1/feedback"],
    ["GET", "/api/v1/model/versions"],
    ["POST", "/api/v1/model/train"],
    ["GET", "/api/v1/model/no-such-thing"],
  ] as const)("%s %s carries consistent headers, errors included", async (method, path) => {
    const t = await seedTenant("hdr-all", "active", "starter");
    const res = await call(path, {
      method,
      token: t.adminKey,
      body: method === "POST" ? { bad: true } : undefined,
      headers: { "cf-connecting-ip": freshIp() },
    });
    expect(res.status).not.toBe(429);
    const s = shown(res);
    expect(s.limit).toBeGreaterThan(0);
    expect(s.remaining).toBe(s.limit - 1);
    expect(s.policy).toMatch(/^\d+;w=60(;burst=\d+)?$/);
    expect(s.reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe("enumeration guard on malformed ids (found by the fuzz test)", () => {
  it.each(["/api/v1/items/%E0%A4%A/embedding", "/debug/ranking/%E0%A4%A?query=x"])(
    "%s is a 4xx envelope, not a 500",
    async (path) => {
      const t = await seedTenant("enum-bad-escape", "active", "starter");
      const res = await call(path, { token: t.adminKey, headers: { "cf-connecting-ip": freshIp() } });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(((await res.json()) as ErrorBody).error.code).toMatch(/^[A-Z_]+$/);
    },
  );
});
