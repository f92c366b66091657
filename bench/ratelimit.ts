/**
 * bench/ratelimit: the latency the rate-limit guard adds to a limited route.
 *
 * Two local stacks from `npm start`, identical except RATE_LIMIT_MODE (enforce vs off),
 * receive the same requests, interleaved one by one so machine noise hits both alike:
 *   - POST /api/v1/recommendations (one tenant-scope limiter call), and
 *   - GET /search (IP, key and repeated-query limiter calls in parallel),
 * both authenticated with an API key (the cached lookup is the same in both modes).
 * Prints p50/p90/p99 per mode and the added latency. Run: npm run bench:ratelimit
 * (BENCH_N requests per mode and route, default 2000; at most 25 x 150 for /search).
 */
import { startStack, type Stack } from "../scripts/lib/stack";
import { summarize, table } from "./lib/stats";

const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = 100;
const CLIENTS = 25;

async function timed(stack: Stack, path: string, init: RequestInit): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${stack.base}${path}`, init);
  await res.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.status === 429) throw new Error(`${path} was rate limited during the benchmark; lower BENCH_N`);
  return ms;
}

const plan = { EDGE_ML_BOOTSTRAP_PLAN: "enterprise", EDGE_ML_SAMPLE_DATA: "0" };
console.log("starting two local stacks (enforce, off)...");
const [enforce, off] = await Promise.all([
  startStack(18887, plan),
  startStack(18987, { ...plan, WRANGLER_VARS: "RATE_LIMIT_MODE:off" }),
]);
/** A key whose own search limit is out of the way, so only the limiter's cost is measured. */
async function benchKey(s: Stack): Promise<string> {
  const res = await fetch(`${s.base}/auth/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${s.credentials.admin_api_key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", rate_limit_search: 1_000_000, rate_limit_recommend: 1_000_000 }),
  });
  return ((await res.json()) as { api_key: string }).api_key;
}

try {
  const keys = new Map([
    [enforce, await benchKey(enforce)],
    [off, await benchKey(off)],
  ]);
  const cases = [
    {
      name: "POST /api/v1/recommendations",
      request: (s: Stack, i: number) =>
        timed(s, "/api/v1/recommendations", {
          method: "POST",
          headers: { authorization: `Bearer ${keys.get(s)}`, "content-type": "application/json" },
          body: JSON.stringify({ user_id: `u${i}` }),
        }),
    },
    {
      name: "GET /search",
      // 25 clients in turn (wrangler dev passes CF-Connecting-IP through; Cloudflare's edge
      // sets it): each stays under its per-IP burst of 150 over the run. Every query is new,
      // so each request also creates a repeated-query bucket.
      request: (s: Stack, i: number) =>
        timed(s, `/search?q=query+${i}`, {
          headers: {
            authorization: `Bearer ${keys.get(s)}`,
            "cf-connecting-ip": `10.0.0.${((i % CLIENTS) + CLIENTS) % CLIENTS}`,
          },
        }),
    },
  ];
  const rows: Record<string, string | number>[] = [];
  for (const c of cases) {
    for (let i = 0; i < WARMUP; i++) await Promise.all([c.request(enforce, -i - 1), c.request(off, -i - 1)]);
    const samples = { enforce: [] as number[], off: [] as number[] };
    for (let i = 0; i < N; i++) {
      // Alternate which goes first, so neither mode always meets a warmer machine.
      if (i % 2) {
        samples.enforce.push(await c.request(enforce, i));
        samples.off.push(await c.request(off, i));
      } else {
        samples.off.push(await c.request(off, i));
        samples.enforce.push(await c.request(enforce, i));
      }
    }
    const e = summarize(samples.enforce);
    const o = summarize(samples.off);
    rows.push({ route: c.name, mode: "off (baseline)", n: o.n, p50_ms: o.p50, p90_ms: o.p90, p99_ms: o.p99 });
    rows.push({ route: c.name, mode: "enforce", n: e.n, p50_ms: e.p50, p90_ms: e.p90, p99_ms: e.p99 });
    rows.push({
      route: c.name,
      mode: "added by limiter",
      n: e.n,
      p50_ms: e.p50 - o.p50,
      p90_ms: e.p90 - o.p90,
      p99_ms: e.p99 - o.p99,
    });
  }
  console.log(`\nrate-limit guard, ${N} interleaved requests per mode and route (single client, sequential)\n`);
  console.log(table(rows));
  console.log("\ntargets: added p50 < 2 ms, added p99 < 5 ms");
} finally {
  await Promise.all([enforce.stop(), off.stop()]);
}
