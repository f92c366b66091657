/**
 * bench/shadow: what a passive challenger costs the served routes, and whether the shadow
 * report tells the truth about what was logged.
 *
 * One `npm start` stack with the sample catalogue and shoppers; its first training deploys a
 * matrix_factorization model (production), then an item_to_item model is trained beside it
 * (pending: the challenger). For GET /search (personalized: user_id) and GET /recommend/{user_id},
 * at BENCH_RPS (default 100) for BENCH_SECONDS (default 15) each, open loop (latency from each
 * request's scheduled start), in this order in the same run:
 *   A  no challenger,   B  challenger on the route's surface at BENCH_SAMPLE (default 0.1),   A' no challenger again.
 * |A - A'| is the noise of the same route measured twice; B - (A + A')/2 is the challenger's cost.
 * Then the report (GET /admin/shadow/report) is checked against the logged rows of D1
 * shadow_comparisons, read from the stack's SQLite file: count, latency p50/p95, means.
 * Measured at workerd's own socket when found (else through the proxy), LOG_LEVEL=warn.
 * Run: npx tsx bench/shadow.ts
 */
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { Agent, setGlobalDispatcher } from "undici";
import { percentile as nearestRank } from "../core/experiments/rankings";
import { startStack } from "../scripts/lib/stack";
import { failures, openLoop, send, timedGet, type Client, type Route, type Target } from "./lib/http-load";
import { pick } from "./lib/serve-world";
import { table, type Summary } from "./lib/stats";
import { findWorkerdSocket } from "./lib/workerd-socket";

const RPS = Number(process.env.BENCH_RPS ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** The challenger's sampled share of live requests (BENCH_SAMPLE, default 0.1). */
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 0.1);
const PORT = 19197;
const USERS = Array.from({ length: 120 }, (_, i) => `demo-user-${i}`);
const QUERIES = [
  "hoodie",
  "running shorts",
  "yoga",
  "water bottle",
  "backpack",
  "jacket",
  "tank top",
  "watch",
  "pants",
];
setGlobalDispatcher(new Agent({ connections: 64, headersTimeout: 15_000, bodyTimeout: 15_000 }));
const { DatabaseSync } = createRequire(import.meta.url)("node:sqlite") as typeof import("node:sqlite");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stack = await startStack(PORT, { EDGE_ML_BOOTSTRAP_PLAN: "enterprise", WRANGLER_VARS: "LOG_LEVEL:warn" });
try {
  const admin: Client = { stack, key: stack.credentials.admin_api_key };
  const json = async <T>(p: string, init: RequestInit = {}) => (await (await send(admin, p, init)).json()) as T;
  type Versions = { versions?: { version: string; status: string; model_type: string }[]; items?: unknown };
  const versions = async () => {
    const body = await json<Record<string, unknown>>("/api/v1/model/versions?kind=recommender");
    return (Object.values(body).find(Array.isArray) ?? []) as NonNullable<Versions["versions"]>;
  };
  console.log("waiting for npm start's first training (production)...");
  for (let i = 0; (await versions()).length === 0; i++) {
    if (i > 600) throw new Error("no model version after 5 minutes");
    await sleep(500);
  }
  await sleep(3_000); // its deploy, when it beat popularity
  const first = await versions();
  if (!first.some((v) => v.status === "active")) {
    // npm start deploys the first model only when it beats popularity on validation: deploy it here.
    await send(admin, `/api/v1/model/deploy/${first[0]!.version}`, { method: "POST" });
  }
  console.log("training the challenger (item_to_item)...");
  const job = await json<{ job_id: string }>("/internal/ml/training/trigger", {
    method: "POST",
    body: JSON.stringify({ tenant_id: stack.credentials.tenant_id, training_config: { model_type: "item_to_item" } }),
  });
  let challenger: string | null = null;
  for (let i = 0; !challenger; i++) {
    const j = await json<{ status: string; model_version: string | null; error: string | null }>(
      `/api/v1/model/train/${job.job_id}`,
    );
    if (j.status === "failed") throw new Error(`challenger training failed: ${j.error}`);
    if (j.status === "completed") challenger = j.model_version;
    if (i > 600) throw new Error("challenger training did not finish in 5 minutes");
    await sleep(500);
  }
  const production = (await versions()).find((v) => v.status === "active")!.version;
  console.log(`production ${production}, challenger ${challenger}`);

  // A key whose own per-minute limits are out of the way (the per-IP limits stay on: clients rotate IPs).
  const keyRes = await json<{ api_key: string }>("/auth/api-keys", {
    method: "POST",
    body: JSON.stringify({ name: "bench", rate_limit_search: 1_000_000, rate_limit_recommend: 1_000_000 }),
  });
  const client: Client = { stack, key: keyRes.api_key };
  let target: Target = { name: "proxy", base: stack.base };
  try {
    target = { name: "direct", base: (await findWorkerdSocket(PORT)).base };
  } catch (e) {
    console.log(`workerd's socket not found, measuring through the proxy: ${(e as Error).message}`);
  }
  const routes: (Route & { surface: "search" | "recommend" })[] = [
    {
      name: "GET /search (user_id)",
      surface: "search",
      path: () => `/search?q=${encodeURIComponent(pick(QUERIES))}&k=10&user_id=${pick(USERS)}`,
    },
    { name: "GET /recommend/{user_id}", surface: "recommend", path: () => `/recommend/${pick(USERS)}?k=10` },
  ];
  const rows: Record<string, string | number>[] = [];
  for (const r of routes) {
    const run = async (label: string): Promise<Summary> => {
      for (let i = 0; i < 100; i++) await timedGet(client, target, r, `${r.name} ${label} warm-up`);
      const s = await openLoop(client, target, r, `${r.name} ${label}`, RPS, SECONDS);
      console.log(`measured ${r.name} ${label}: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms`);
      return s;
    };
    const a = await run("A (no challenger)");
    await send(admin, "/admin/shadow/challengers", {
      method: "PUT",
      body: JSON.stringify({ surface: r.surface, model_version: challenger, sample_rate: SAMPLE }),
    });
    await sleep(6_000); // other isolates' challenger caches (5 s)
    const b = await run(`B (challenger, sample ${SAMPLE})`);
    await send(admin, `/admin/shadow/challengers/${r.surface}`, { method: "DELETE" });
    await sleep(6_000);
    const a2 = await run("A' (no challenger)");
    const f = (x: number) => x.toFixed(2);
    rows.push({
      route: r.name,
      "p50 A / B / A'": `${f(a.p50)} / ${f(b.p50)} / ${f(a2.p50)}`,
      "p99 A / B / A'": `${f(a.p99)} / ${f(b.p99)} / ${f(a2.p99)}`,
      "noise p99 |A-A'|": f(Math.abs(a.p99 - a2.p99)),
      "cost p99 B-(A+A')/2": f(b.p99 - (a.p99 + a2.p99) / 2),
      "cost p50 B-(A+A')/2": f(b.p50 - (a.p50 + a2.p50) / 2),
    });
  }
  console.log(
    `\npassive shadowing (sample ${SAMPLE}) at ${RPS} req/s, ${SECONDS} s per run, target ${target.name} (${target.base})\n`,
  );
  console.log(table(rows));

  // The report against the log.
  await sleep(2_000);
  const report = await json<{ challengers: Record<string, unknown>[] }>(
    `/admin/shadow/report?model_version=${challenger}`,
  );
  const dir = path.join(stack.home, "state", "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find((x) => x.endsWith(".sqlite") && x !== "metadata.sqlite")!;
  const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
  const checks: Record<string, string | number>[] = [];
  for (const surface of ["search", "recommend"]) {
    const logged = db
      .prepare(
        "SELECT * FROM shadow_comparisons WHERE tenant_id = ? AND model_version = ? AND surface = ? ORDER BY created_at DESC LIMIT 10000",
      )
      .all(stack.credentials.tenant_id, challenger, surface) as {
      candidate_ms: number;
      rbo: number | null;
      error: string | null;
    }[];
    const rep = report.challengers.find((c) => c.surface === surface);
    const ok = logged.filter((x) => x.error === null);
    const meanRbo = ok.reduce((s, x) => s + (x.rbo ?? 0), 0) / Math.max(1, ok.length);
    const p95 = nearestRank(
      logged.map((x) => x.candidate_ms),
      95,
    );
    const r = rep as
      { comparisons: number; rbo: number; error_rate: number; candidate_latency_ms: { p95: number } } | undefined;
    checks.push({
      surface,
      "logged rows": logged.length,
      "report comparisons": r?.comparisons ?? 0,
      "logged / report candidate p95 ms": `${p95.toFixed(2)} / ${r?.candidate_latency_ms.p95.toFixed(2)}`,
      "logged / report mean RBO": `${meanRbo.toFixed(4)} / ${r?.rbo?.toFixed(4)}`,
      "report error rate": r?.error_rate ?? "-",
      match:
        r &&
        r.comparisons === logged.length &&
        Math.abs(r.candidate_latency_ms.p95 - p95) < 1e-9 &&
        Math.abs(r.rbo - meanRbo) < 1e-9
          ? "yes"
          : "NO",
    });
  }
  db.close();
  console.log(table(checks));
  for (const [route, errs] of failures) console.log(`failed: ${route}: ${errs.length} (${errs[0]})`);
} finally {
  await stack.stop();
}
