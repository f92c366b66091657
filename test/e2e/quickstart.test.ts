import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type Stack } from "../../scripts/lib/stack";
import type { LogLine } from "../../workers/shared/logger";

// node:sqlite through require: Vite does not know it as a builtin.
const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as typeof import("node:sqlite");

/** The local D1 database's files (wrangler's miniflare layout under the home's state). */
function d1Files(): string[] {
  const dir = path.join(stack.home, "state", "v3", "d1", "miniflare-D1DatabaseObject");
  return readdirSync(dir)
    .filter((f) => f.includes(".sqlite") && !f.startsWith("metadata"))
    .map((f) => path.join(dir, f));
}

/** The README's promise: `npm start` on a fresh state serves a working platform. */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack(18787);
});
afterAll(async () => {
  await stack?.stop();
});

const api = (path: string, init: RequestInit & { token?: string; traceId?: string } = {}) =>
  fetch(`${stack.base}${path}`, {
    ...init,
    headers: {
      ...(init.body ? { "content-type": "application/json" } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.traceId ? { traceparent: `00-${init.traceId}-00f067aa0ba902b7-01` } : {}),
    },
  });

/** platform-api.md section 7's log line, with the context every request line has. */
type RequestLine = LogLine<{
  tenant_id?: string;
  user_id?: string;
  endpoint: string;
  duration_ms: number;
  status_code: number;
}>;

/** Every request log line npm start printed: whole lines, each one JSON object with nothing in front. */
function requestLogLines(): RequestLine[] {
  const lines = stack
    .output()
    .split("\n")
    .filter((l) => /"message":"Request (processed|failed)"/.test(l));
  return lines.map((l) => {
    expect(l.startsWith("{"), `a bare JSON line: ${l.slice(0, 120)}`).toBe(true);
    const line = JSON.parse(l) as RequestLine;
    expect(Object.keys(line)).toEqual(["timestamp", "level", "service", "trace_id", "span_id", "message", "context"]);
    expect(Date.parse(line.timestamp)).not.toBeNaN();
    expect(["INFO", "WARN", "ERROR"]).toContain(line.level);
    expect(line.context).toMatchObject({ endpoint: expect.any(String), status_code: expect.any(Number) });
    expect(line.context.duration_ms).toEqual(expect.any(Number));
    return line;
  });
}

describe("npm start on a fresh machine", () => {
  it("prints the URLs (the console first) and the bootstrapped admin key once", () => {
    expect(stack.output()).toContain(`${stack.base}/docs`);
    expect(stack.output()).toContain(`Console        ${stack.base}/app`);
    expect(stack.output()).toContain(stack.credentials.admin_api_key);
  });

  it("loads the sample catalogue and events on the first run, through the ingestion pipeline", async () => {
    expect(stack.output()).toMatch(/191 sample items \(Luma catalogue\) and 7500 synthetic events/);
    const token = stack.credentials.admin_api_key;
    let rows = 0;
    for (let i = 0; i < 100 && rows < 7500; i++) {
      const res = await api("/api/v1/training-data/catalog", { token });
      if (res.ok)
        rows = ((await res.json()) as { partitions: { row_count: number }[] }).partitions.reduce(
          (n, p) => n + p.row_count,
          0,
        );
      if (rows < 7500) await new Promise((r) => setTimeout(r, 200));
    }
    expect(rows).toBe(7500);
  });

  it("the README's first calls return real results: search, recommendations, an explanation", async () => {
    const token = stack.credentials.admin_api_key;
    // The sample items are embedded as they arrive; wait for the last of them.
    let search: { product_id: string; score: number }[] = [];
    for (let i = 0; i < 100 && search[0]?.product_id !== "24-WG085"; i++) {
      search = (await (await api("/search?q=Sprite+Yoga+Strap+6+foot&k=5", { token })).json()) as typeof search;
      if (search[0]?.product_id !== "24-WG085") await new Promise((r) => setTimeout(r, 200));
    }
    expect(search[0]!.product_id).toBe("24-WG085");
    const recs = (await (await api("/recommend/demo-user-1?k=5", { token })).json()) as { product_id: string }[];
    expect(recs).toHaveLength(5);
    const explain = await api("/search/explain?q=yoga+strap&product_id=24-WG085", { token });
    expect(explain.status).toBe(200);
    expect(((await explain.json()) as { explanation: string }).explanation.length).toBeGreaterThan(5);
  });

  it("a shopper's first request after their events land is served from the list ranked in the background", async () => {
    const token = stack.credentials.admin_api_key;
    // Each demo user is asked once, so a stored list can only come from the background
    // refresh (edge-ml-refresh), never from an earlier request of theirs.
    let found: { user: string; body: { product_id: string; score: number }[] } | undefined;
    for (let u = 2; u < 42 && !found; u++) {
      const res = await api(`/recommend/demo-user-${u}?k=10`, { token });
      const body = (await res.json()) as { product_id: string; score: number }[];
      expect(res.status).toBe(200);
      if (res.headers.get("X-Cache-Layer") === "stored") found = { user: `demo-user-${u}`, body };
      else await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toBeDefined();
    expect(found!.body).toHaveLength(10);
    // The stored list is the ranking a request makes now (exclude_ids: not the stored list).
    const fresh = await api("/api/v1/recommendations", {
      method: "POST",
      token,
      body: JSON.stringify({ user_id: found!.user, count: 10, filters: { exclude_ids: ["no-such-item"] } }),
    });
    const ranked = (await fresh.json()) as {
      recommendations: { item_id: string; score: number }[];
      metadata: { cache_hit: boolean };
    };
    expect(ranked.metadata.cache_hit).toBe(false);
    expect(ranked.recommendations.map((r) => [r.item_id, r.score])).toEqual(
      found!.body.map((r) => [r.product_id, r.score]),
    );
  });

  it("serves /health healthy with real checks", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "healthy",
      dependencies: { database: "healthy", storage: "healthy" },
    });
    expect(await (await api("/ready")).json()).toEqual({ ready: true });
  });

  it("the printed admin key creates, lists and revokes keys through both key APIs", async () => {
    const token = stack.credentials.admin_api_key;
    const v1 = await api("/api/v1/api-keys", { method: "POST", token, body: JSON.stringify({ name: "e2e v1" }) });
    expect(v1.status).toBe(201);
    const created = (await v1.json()) as { id: string; key: string };
    const auth = await api("/auth/api-keys", {
      method: "POST",
      token,
      body: JSON.stringify({ name: "e2e auth", rate_limit_search: 10 }),
    });
    expect(auth.status).toBe(201);
    const createdAuth = (await auth.json()) as { key_id: string; api_key: string };

    const v1List = (await (await api("/api/v1/api-keys", { token })).json()) as { keys: { id: string }[] };
    expect(v1List.keys.map((k) => k.id)).toEqual(expect.arrayContaining([created.id, createdAuth.key_id]));
    const authList = (await (await api("/auth/api-keys", { token })).json()) as { key_id: string }[];
    expect(authList.map((k) => k.key_id)).toEqual(expect.arrayContaining([created.id, createdAuth.key_id]));

    expect((await api(`/api/v1/api-keys/${created.id}`, { method: "DELETE", token })).status).toBe(200);
    expect((await api(`/auth/api-keys/${createdAuth.key_id}`, { method: "DELETE", token })).status).toBe(204);
    expect((await api("/api/v1/tenant", { token: created.key })).status).toBe(401);
    expect((await api("/api/v1/tenant", { token: createdAuth.api_key })).status).toBe(401);
  });

  it("keeps no signing secret in plaintext in the D1 file (webhook and training-callback secrets)", async () => {
    const created = await api("/api/v1/webhooks", {
      method: "POST",
      token: stack.credentials.admin_api_key,
      body: JSON.stringify({ url: "https://hooks.example.com/edge-ml", events: ["model.deployed"] }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };
    expect(secret).toMatch(/^whsec_/);
    // The database file and its write-ahead log, byte for byte: the secret shown once is not
    // in them, nor is any whsec_ value.
    const files = d1Files();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from(secret)), file).toBe(false);
      expect(bytes.includes(Buffer.from("whsec_")), file).toBe(false);
    }
    // Every stored signing secret is sealed (v1.<kid>.<iv>.<ciphertext>): the first training's
    // callback secret included.
    const main = files.find((f) => f.endsWith(".sqlite"))!;
    const db = new DatabaseSync(main, { readOnly: true });
    try {
      const sealed = /^v1\.[^.]+\.[^.]+\.[^.]+$/;
      const hooks = db.prepare("SELECT secret FROM webhooks").all() as { secret: string }[];
      // npm start triggers the first training after its banner, once the sample events are
      // in: on a slow machine this test can run before that job exists (CI did once).
      const readJobs = () =>
        db.prepare("SELECT callback_secret FROM training_jobs").all() as { callback_secret: string }[];
      let jobs = readJobs();
      for (let i = 0; i < 300 && jobs.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 200));
        jobs = readJobs();
      }
      expect(hooks.length).toBeGreaterThan(0);
      expect(jobs.length).toBeGreaterThan(0);
      for (const h of hooks) expect(h.secret).toMatch(sealed);
      for (const j of jobs) expect(j.callback_secret).toMatch(sealed);
    } finally {
      db.close();
    }
  });

  it("the printed admin login works", async () => {
    const res = await api("/api/v1/auth/login", {
      method: "POST",
      body: JSON.stringify({ email: stack.credentials.admin_email, password: stack.credentials.admin_password }),
    });
    expect(res.status).toBe(200);
    const { access_token } = (await res.json()) as { access_token: string };
    expect((await api("/api/v1/tenant", { token: access_token })).status).toBe(200);
  });

  it("serves an OpenAPI document that a real validator accepts, and the reference page", async () => {
    const doc = await (await api("/openapi.json")).json();
    const result = await new Validator().validate(doc as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const page = await api("/docs");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("edge-ml API reference");
  });

  it("prints one bare JSON log line per request on stdout, in the contract's format (section 7)", async () => {
    const token = stack.credentials.admin_api_key;
    const hex = () => crypto.randomUUID().replace(/-/g, "");
    const calls = [
      { path: "/health", endpoint: "/health", status: 200 },
      { path: "/api/v1/tenant", token, endpoint: "/api/v1/tenant", status: 200, tenant: true },
      { path: "/recommend/demo-user-3?k=3", token, endpoint: "/recommend/:user_id", status: 200, user: "demo-user-3" },
      { path: "/api/v1/tenant", endpoint: "/api/v1/tenant", status: 401 },
    ].map((c) => ({ ...c, traceId: hex() }));
    for (const c of calls) expect((await api(c.path, { token: c.token, traceId: c.traceId })).status).toBe(c.status);
    await new Promise((r) => setTimeout(r, 500));
    // Every request line of the whole run parses, including this file's earlier requests.
    const lines = requestLogLines();
    expect(lines.length).toBeGreaterThan(calls.length);
    for (const c of calls) {
      const mine = lines.filter((l) => l.trace_id === c.traceId);
      expect(mine, c.path).toHaveLength(1);
      expect(mine[0]).toMatchObject({ level: "INFO", service: "backend-api", message: "Request processed" });
      expect(mine[0]!.context).toMatchObject({ endpoint: c.endpoint, status_code: c.status });
      if (c.tenant || c.user) expect(mine[0]!.context.tenant_id).toBe(stack.credentials.tenant_id);
      if (c.user) expect(mine[0]!.context.user_id).toBe(c.user);
    }
  });

  it("serves GET /metrics to the saved metrics_token only, and the scrape passes promtool check metrics", async () => {
    const { metrics_token: metricsToken } = stack.credentials as { metrics_token?: string };
    expect(metricsToken).toMatch(/^\S{32,}$/);
    expect((await api("/metrics")).status).toBe(401);
    expect((await api("/metrics", { token: stack.credentials.admin_api_key })).status).toBe(401);
    const res = await api("/metrics", { token: metricsToken });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(
      /^http_requests_total\{service="backend-api",endpoint="\/search",method="GET",status_code="200"\} [1-9]/m,
    );
    expect(text).toMatch(/^db_queries_total\{service="backend-api",query_type="select",table="[a-z_]+"\} [1-9]/m);
    // The tenant's serving series from this file's searches and recommendations.
    const tenant = stack.credentials.tenant_id;
    expect(text).toMatch(new RegExp(`^ml_recommendations_per_request_count\\{tenant_id="${tenant}"\\} [1-9]`, "m"));
    expect(text).toMatch(
      new RegExp(`^ml_ann_search_duration_seconds_count\\{tenant_id="${tenant}",index_size="[a-z0-9_]+"\\} [1-9]`, "m"),
    );
    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (check.error) throw new Error(`promtool is required (apt-get install prometheus): ${check.error.message}`);
    expect(`${check.stdout}${check.stderr}`).toBe("");
    expect(check.status).toBe(0);
  });
});
