/**
 * bench/serve: latency and throughput of the serving routes on the local stack.
 *
 * One `npm start` stack (workers, Durable Objects, D1 in workerd) with a tenant holding
 * BENCH_ITEMS synthetic items (default 100,000: the sample catalogue's products, each in
 * many variants) and BENCH_USERS x 10 events. Then, for GET /health/live (the baseline: the
 * same worker and middleware, no I/O), GET /search and GET /recommend/{user_id}:
 *   1. open loop at BENCH_RPS requests/s (default 200) for BENCH_SECONDS (default 20):
 *      latency is measured from each request's scheduled start, so a slow server cannot
 *      hide its queue (no coordinated omission); p50/p99 against the target p99 < 25 ms;
 *   2. closed loop, BENCH_CONCURRENCY clients (default 32) for 10 s: requests/s, and that
 *      as a share of the baseline's (target >= 30%).
 * Clients rotate over many client IPs, as real traffic does (the per-IP limits stay on).
 * Each route runs against two targets in the same run, one after the other: wrangler's dev
 * proxy (the port `npm start` serves, what a user of the stack calls) and the entry socket of
 * the workerd that runs the workers (found under /proc: bench/lib/workerd-socket.ts), without
 * the proxy's own workerd (measured by hand earlier: the trivial route's p99 16 ms there, 30-120
 * ms through the proxy in the same session). Each target has its own baseline
 * row, and the line "p99 /recommend - p99 /health/live" per target compares /recommend with
 * the trivial route on the same target in the same run (target <= 10 ms). Direct requests
 * carry what the proxy would add that the worker sees: the client IP header the limiter reads
 * (cf-connecting-ip, set by the benchmark on every request either way) and the original URL
 * (MF-Original-URL, so the worker sees the proxy's host); BENCH_TARGETS=proxy (or direct)
 * runs one of them.
 * Before measuring, it waits for the background refresh of the users' stored
 * recommendation lists (edge-ml-refresh) to finish, as it waits for the embeddings: the
 * steady state of a tenant whose shoppers act and come back. Each route's row says where
 * its answers came from (X-Cache-Layer: this isolate's cache, the stored list, or ranked),
 * and POST /api/v1/recommendations with exclude_ids measures the ranking itself (a filtered
 * request is never served from a stored list).
 * No model is trained: recommendations are the content-profile blend (EDGE_ML_SAMPLE_DATA=0
 * also skips `npm start`'s first training), so the trainer's tuning does not run here; a
 * ranking still reads the user's consumed items from D1 `user_items`, which ingestion keeps.
 * Run: npm run bench:serve (BENCH_ROUTES=search runs the baseline and /search only)
 */
import { Agent, setGlobalDispatcher } from "undici";
import { startStack, type Stack } from "../scripts/lib/stack";
import { sampleItems } from "../scripts/lib/sample-data";
import { summarize, table, type Summary } from "./lib/stats";
import { findWorkerdSocket } from "./lib/workerd-socket";

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const USERS = Number(process.env.BENCH_USERS ?? 10_000);
const RPS = Number(process.env.BENCH_RPS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const EVENTS_PER_USER = 10;
/** BENCH_ROUTES=search,recommend runs only those (the baseline always runs first). */
const ONLY = (process.env.BENCH_ROUTES ?? "").split(",").filter(Boolean);
/** BENCH_TARGETS=proxy,direct (the default): wrangler's dev proxy, workerd's own socket. */
const TARGETS = (process.env.BENCH_TARGETS ?? "proxy,direct").split(",").filter(Boolean);
const PORT = 19187;

// A bounded pool of keep-alive connections, as a load balancer would hold: an unbounded
// burst of new sockets overwhelms wrangler's local proxy before it measures the worker.
setGlobalDispatcher(new Agent({ connections: 64, headersTimeout: 15_000, bodyTimeout: 15_000 }));

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(7);
const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;

const COLOURS = ["black", "blue", "red", "green", "grey", "white", "orange", "purple", "yellow", "brown"];
const SIZES = ["xs", "s", "m", "l", "xl", "xxl"];
const EDITIONS = ["classic", "pro", "lite", "eco", "sport", "trail", "studio", "urban", "tech", "core"];

function benchItems() {
  const base = sampleItems();
  return Array.from({ length: ITEMS }, (_, i) => {
    const b = base[i % base.length]!;
    const variant = `${pick(EDITIONS)} ${pick(COLOURS)} ${pick(SIZES)}`;
    return {
      item_id: `bench-${i}`,
      title: `${b.title} ${variant}`,
      description: `${b.description.slice(0, 400)} ${variant} edition.`,
      category: b.category,
      tags: [...b.tags.slice(0, 5), pick(COLOURS)],
    };
  });
}

type Client = { stack: Stack; key: string };
/** Where requests go: wrangler's proxy (the stack's port) or workerd's own entry socket. */
type Target = { name: "proxy" | "direct"; base: string };

async function send(c: Client, path: string, init: RequestInit = {}, target?: Target): Promise<Response> {
  const base = target?.base ?? c.stack.base;
  // The proxy sends the worker the URL it was asked for (MF-Original-URL); so does this.
  const original: Record<string, string> = base === c.stack.base ? {} : { "MF-Original-URL": `${c.stack.base}${path}` };
  return fetch(`${base}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${c.key}`,
      "content-type": "application/json",
      ...original,
      ...init.headers,
    },
  });
}

let ipCounter = 0;
/** A fresh client IP per request out of 4096, like many shoppers. */
const clientIp = () => `10.${(ipCounter >> 8) & 15}.${ipCounter++ & 255}.7`;

async function load(c: Client) {
  const items = benchItems();
  const byCategory = new Map<string, string[]>();
  for (const it of items) byCategory.set(it.category, [...(byCategory.get(it.category) ?? []), it.item_id]);
  const categories = [...byCategory.keys()];
  const t0 = performance.now();
  for (let i = 0; i < items.length; i += 5000) {
    const res = await send(c, "/internal/data/items", {
      method: "POST",
      body: JSON.stringify({ tenant_id: c.stack.credentials.tenant_id, items: items.slice(i, i + 5000) }),
    });
    if (res.status !== 202) throw new Error(`items upload: ${res.status} ${await res.text()}`);
  }
  const types = ["view", "view", "view", "click", "click", "add_to_cart", "purchase", "like"];
  const events = [];
  const now = Date.now();
  for (let u = 0; u < USERS; u++) {
    const favourite = byCategory.get(pick(categories))!;
    for (let e = 0; e < EVENTS_PER_USER; e++) {
      events.push({
        user_id: `bench-user-${u}`,
        item_id: random() < 0.8 ? pick(favourite) : pick(items).item_id,
        interaction_type: pick(types),
        timestamp: new Date(now - Math.floor(random() * 7 * 86_400_000)).toISOString(),
      });
    }
  }
  for (let i = 0; i < events.length; i += 10_000) {
    const res = await send(c, "/internal/data/interactions", {
      method: "POST",
      body: JSON.stringify({ tenant_id: c.stack.credentials.tenant_id, interactions: events.slice(i, i + 10_000) }),
    });
    if (res.status !== 202) throw new Error(`events upload: ${res.status} ${await res.text()}`);
  }
  // Embedded items answer /embedding; the last ones queued are a fair sign the rest are done.
  const probes = [...Array(30).keys()].map((k) => `bench-${Math.floor(((k + 1) * (items.length - 1)) / 30)}`);
  for (;;) {
    // Each probe from its own client: ids in order from one client look like catalogue scraping.
    const codes = await Promise.all(
      probes.map(
        async (id) =>
          (await send(c, `/api/v1/items/${id}/embedding`, { headers: { "cf-connecting-ip": clientIp() } })).status,
      ),
    );
    if (codes.every((s) => s === 200)) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  for (;;) {
    // The training-data catalogue is an admin route.
    const res = await send({ ...c, key: c.stack.credentials.admin_api_key }, "/api/v1/training-data/catalog");
    // 404 until the first events are written.
    if (res.status !== 200 && res.status !== 404)
      throw new Error(`training-data catalog: ${res.status} ${await res.text()}`);
    const catalog = (await res.json()) as { partitions?: { row_count: number }[] };
    const rows = (catalog.partitions ?? []).reduce((n, p) => n + p.row_count, 0);
    if (rows >= events.length) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const seconds = (performance.now() - t0) / 1000;
  console.log(`loaded ${items.length} items and ${events.length} events in ${seconds.toFixed(1)} s`);
  await waitForStoredLists(c);
  return { items, categories };
}

/** Users the refresh probe asks (each once: a request that ranks stores the list itself). */
const probeRandom = rng(11); // its own stream: the catalogue and events stay those of earlier runs
const probeOrder = Array.from({ length: USERS }, (_, u) => u)
  .map((u) => ({ u, k: probeRandom() }))
  .sort((a, b) => a.k - b.k)
  .map((p) => p.u);

/**
 * Waits until the background refresh has stored the lists of (nearly) every user: each round
 * asks 30 users never asked before and counts the answers served from a stored list.
 */
async function waitForStoredLists(c: Client) {
  const t0 = performance.now();
  for (let round = 0; ; round++) {
    const users = probeOrder.splice(0, 30);
    if (users.length < 30) throw new Error("ran out of users to probe the stored lists with");
    const layers = await Promise.all(
      users.map(async (u) => {
        const res = await send(c, `/recommend/bench-user-${u}?k=10`, { headers: { "cf-connecting-ip": clientIp() } });
        await res.arrayBuffer();
        return res.headers.get("X-Cache-Layer");
      }),
    );
    const stored = layers.filter((l) => l === "stored").length;
    if (stored >= 29) {
      console.log(
        `stored lists ready (${stored}/30 probed users) ${((performance.now() - t0) / 1000).toFixed(1)} s after loading`,
      );
      return;
    }
    if (round % 5 === 0) console.log(`waiting for stored lists: ${stored}/30 probed users have one`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

const QUERIES = [
  "hoodie",
  "running shorts",
  "yoga",
  "water bottle",
  "backpack for travel",
  "black jacket",
  "tank top",
  "fitness equipment",
  "watch",
  "pants",
];

type Route = { name: string; path: () => string; init?: () => RequestInit };

function routes(items: { title: string }[]): Route[] {
  const randomUser = () => `bench-user-${Math.floor(random() * USERS)}`;
  return [
    { name: "GET /health/live (baseline)", path: () => "/health/live" },
    {
      name: "GET /search",
      path: () => {
        const q = random() < 0.5 ? pick(QUERIES) : pick(items).title.split(" ").slice(0, 3).join(" ");
        return `/search?q=${encodeURIComponent(q)}&k=10`;
      },
    },
    { name: "GET /recommend/{user_id}", path: () => `/recommend/${randomUser()}?k=10` },
    {
      name: "POST /api/v1/recommendations (ranked: exclude_ids)",
      path: () => "/api/v1/recommendations",
      init: () => ({
        method: "POST",
        body: JSON.stringify({ user_id: randomUser(), count: 10, filters: { exclude_ids: ["bench-0"] } }),
      }),
    },
  ];
}

/** Where each route's answers came from (X-Cache-Layer; none: ranked or not a cached route). */
const layers = new Map<string, Map<string, number>>();

/** Requests that failed (non-200 or a dropped connection), per route: reported, never hidden. */
const failures = new Map<string, string[]>();

async function timedGet(c: Client, t: Target, r: Route, route = "?"): Promise<boolean> {
  try {
    const res = await send(c, r.path(), { ...r.init?.(), headers: { "cf-connecting-ip": clientIp() } }, t);
    if (res.status === 200) {
      await res.arrayBuffer();
      // Only answers count here: a failed request has no layer (it is in `failures`).
      const layer = res.headers.get("X-Cache-Layer") ?? "ranked";
      const counts = layers.get(route) ?? new Map<string, number>();
      counts.set(layer, (counts.get(layer) ?? 0) + 1);
      layers.set(route, counts);
      return true;
    }
    // The error envelope's code and message (its ids and time differ per request).
    const text = await res.text();
    let why = text.slice(0, 160);
    try {
      const e = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
      if (e) why = `${e.code}: ${e.message}`;
    } catch {
      // not JSON: workerd's own error page, kept as text
    }
    failures.set(route, [...(failures.get(route) ?? []), `${res.status} (${why})`]);
  } catch (e) {
    failures.set(route, [...(failures.get(route) ?? []), String((e as Error).cause ?? e)]);
  }
  return false;
}

async function openLoop(c: Client, t: Target, r: Route, route: string) {
  const n = RPS * SECONDS;
  const start = performance.now() + 50;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const scheduled = start + (i * 1000) / RPS;
      const wait = scheduled - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (await timedGet(c, t, r, route)) latencies.push(performance.now() - scheduled);
    }),
  );
  return summarize(latencies);
}

async function closedLoop(c: Client, t: Target, r: Route, route: string) {
  const until = performance.now() + 10_000;
  let done = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        if (await timedGet(c, t, r, route)) done++;
      }
    }),
  );
  return done / 10;
}

/**
 * The stack's error log lines (the api logs an unhandled error with its stack; workerd and
 * wrangler print theirs as text), counted by their first line, the 10 most frequent, and the
 * lines after the first of each (a stack trace says which worker threw).
 */
function printStackErrors(output: string) {
  const lines = output.split("\n").map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""));
  const counts = new Map<string, { n: number; at: number }>();
  lines.forEach((line, at) => {
    if (!/"level":"ERROR"|\berror\b|exception|uncaught/i.test(line)) return;
    let what = line.trim().slice(0, 300);
    try {
      const j = JSON.parse(line.slice(line.indexOf("{"))) as { message?: string; context?: { error?: string } };
      what = `${j.message}${j.context?.error ? `: ${j.context.error}` : ""}`.slice(0, 300);
    } catch {
      // a text line
    }
    const c = counts.get(what) ?? { n: 0, at };
    c.n++;
    counts.set(what, c);
  });
  const top = [...counts].sort((a, b) => b[1].n - a[1].n).slice(0, 10);
  console.log(top.length ? "\nerrors in the stack's output:" : "\nno error lines in the stack's output");
  for (const [what, { n, at }] of top) {
    console.log(`  ${n} x ${what}`);
    for (const l of lines.slice(at + 1, at + 13)) if (l.trim()) console.log(`      ${l.trim().slice(0, 200)}`);
  }
}

console.log(`starting the local stack (npm start), then loading ${ITEMS} items...`);
// LOG_LEVEL=warn: no JSON line per request. Locally each line goes from workerd through
// wrangler's process to this one, a quarter of a core at this load (measured), which is
// the dev tooling's cost, not serving's; the baseline runs with the same setting.
const stack = await startStack(PORT, {
  EDGE_ML_SAMPLE_DATA: "0",
  EDGE_ML_BOOTSTRAP_PLAN: "enterprise",
  WRANGLER_VARS: "LOG_LEVEL:warn",
});
try {
  const keyRes = await fetch(`${stack.base}/auth/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.credentials.admin_api_key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", rate_limit_search: 1_000_000, rate_limit_recommend: 1_000_000 }),
  });
  const client: Client = { stack, key: ((await keyRes.json()) as { api_key: string }).api_key };
  const { items } = await load(client);
  const targets: Target[] = [];
  if (TARGETS.includes("proxy")) targets.push({ name: "proxy", base: stack.base });
  if (TARGETS.includes("direct")) {
    // After loading: a reload of the workers (none is expected) would have moved the socket.
    try {
      const w = await findWorkerdSocket(PORT);
      console.log(
        `workerd's own socket: ${w.base} (workerd pid ${w.pid}, --socket-addr=entry=${w.entryArg}; listening on ${w.listening.join(", ")})`,
      );
      targets.push({ name: "direct", base: w.base });
    } catch (e) {
      console.log(`workerd's own socket not found, measuring through the proxy only: ${(e as Error).message}`);
    }
  }
  if (targets.length === 0) throw new Error(`BENCH_TARGETS=${TARGETS.join(",")}: nothing to measure`);
  const rows = new Map<string, Record<string, string | number>[]>(targets.map((t) => [t.name, []]));
  const baseline = new Map<string, number>();
  const latency = new Map<string, Summary>();
  const chosen = routes(items).filter((r, i) => i === 0 || ONLY.length === 0 || ONLY.some((o) => r.name.includes(o)));
  // Route by route, each on every target before the next: a route's two rows are minutes
  // apart at most, and each target's baseline is measured at the start of the same run.
  for (const r of chosen) {
    for (const t of targets) {
      const key = `${t.name} ${r.name}`;
      for (let i = 0; i < 200; i++) await timedGet(client, t, r, `${key} warm-up`); // warm caches and isolates
      const lat = await openLoop(client, t, r, key);
      const rps = await closedLoop(client, t, r, key);
      const served = layers.get(key) ?? new Map<string, number>();
      const total = [...served.values()].reduce((a, b) => a + b, 0);
      if (!baseline.has(t.name)) baseline.set(t.name, rps);
      latency.set(key, lat);
      rows.get(t.name)!.push({
        route: r.name,
        [`p50_ms@${RPS}rps`]: lat.p50,
        [`p99_ms@${RPS}rps`]: lat.p99,
        [`max_req_per_s(${CONCURRENCY} clients)`]: rps,
        share_of_baseline: `${((100 * rps) / baseline.get(t.name)!).toFixed(0)}%`,
        failed: failures.get(key)?.length ?? 0,
        served_from: r.name.includes("recommend")
          ? [...served].map(([layer, n]) => `${layer} ${((100 * n) / total).toFixed(0)}%`).join(", ")
          : "",
      });
      console.log(
        `measured ${key}: p50 ${lat.p50.toFixed(1)} ms, p99 ${lat.p99.toFixed(1)} ms, ${rps.toFixed(1)} req/s`,
      );
    }
  }
  console.log(
    `\nserving on the local stack: ${ITEMS} items, ${USERS * EVENTS_PER_USER} events, ${SECONDS} s per route and target\n`,
  );
  const [health, recommend] = [chosen[0]!.name, "GET /recommend/{user_id}"];
  for (const t of targets) {
    console.log(`target ${t.name}: ${t.name === "proxy" ? "wrangler's dev proxy" : "workerd's own socket"}, ${t.base}`);
    console.log(table(rows.get(t.name)!));
    const h = latency.get(`${t.name} ${health}`);
    const rec = latency.get(`${t.name} ${recommend}`);
    if (h && rec) {
      const d = rec.p99 - h.p99;
      console.log(
        `p99 /recommend - p99 /health/live = ${d.toFixed(1)} ms (target <= 10 ms): ${d <= 10 ? "met" : "missed"} on ${t.name}`,
      );
    }
    console.log("");
  }
  console.log("targets: p99 < 25 ms at 200 requests/s; throughput >= 30% of the baseline route's");
  console.log("         p99 of /recommend at most the baseline's p99 + 10 ms on the same target");
  for (const [route, errs] of failures) {
    const counts = new Map<string, number>();
    for (const e of errs) counts.set(e, (counts.get(e) ?? 0) + 1);
    console.log(`failed: ${route}: ${[...counts].map(([e, n]) => `${n} x ${e}`).join(", ")}`);
  }
  if (failures.size > 0) printStackErrors(stack.output());
} finally {
  await stack.stop();
}
