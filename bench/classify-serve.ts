/**
 * bench/classify-serve: the HTTP half of bench/classify (issue 16), on the local stack.
 *
 * One `npm start` stack (rate limits off, one log line per request off) trains its first
 * classifier on the news sample as a first run does; once it serves, with the news headlines
 * as inputs:
 *   1. open loop at BENCH_RPS requests/s (default 200) for BENCH_SECONDS (default 20) on
 *      GET /health/live (the trivial route: same worker and middleware, no I/O), on
 *      GET /api/v1/model/labels (authenticated, one D1 read: context) and on
 *      POST /api/v1/predict, one after the other in the same run; latency from each request's
 *      scheduled start (no coordinated omission); target: p99 of /predict <= p99 of the
 *      trivial route + 5 ms;
 *   2. BENCH_PAIRS rounds (default 3) of the trivial route then /predict, back to back, each
 *      pair's p99 difference and their median (bench/lib/pairs.ts: one p99 on a shared
 *      machine moves by more than the 5 ms the target allows);
 *   3. closed loop of POST /api/v1/predict/batch with 100 headlines, BENCH_CONCURRENCY clients
 *      (default 4) for 10 s: headlines classified per second (target >= 2,000).
 * Every prediction is stored in D1, so /predict's figure includes that write.
 * Run: npx tsx bench/classify-serve.ts
 */
import { Agent, setGlobalDispatcher } from "undici";
import { newsSample } from "../scripts/lib/sample-data";
import { startStack } from "../scripts/lib/stack";
import {
  closedLoop,
  failures,
  openLoop,
  printStackErrors,
  send,
  type Client,
  type Route,
  type Target,
} from "./lib/http-load";
import { pairedRounds } from "./lib/pairs";
import { table } from "./lib/stats";

const RPS = Number(process.env.BENCH_RPS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
/** BENCH_PAIRS: rounds of trivial-then-/predict open loops after the main table (default 3). */
const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
const PORT = 19207;

setGlobalDispatcher(new Agent({ connections: 64, headersTimeout: 15_000, bodyTimeout: 15_000 }));

const headlines = newsSample()
  .split("\n")
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { headline: string }).headline)
  .filter((h) => h.trim().length > 0);
let next = 0;
const headline = () => headlines[next++ % headlines.length]!;

const stack = await startStack(PORT, { WRANGLER_VARS: "RATE_LIMIT_MODE:off,LOG_LEVEL:warn" });
try {
  const client: Client = { stack, key: stack.credentials.admin_api_key };
  const deadline = Date.now() + 600_000;
  // The first run trains the recommender and the classifier; measure once both are done.
  while (
    !/first classifier .*(deployed|not trained|failed)/.test(stack.output()) ||
    !/first model /.test(stack.output())
  ) {
    if (Date.now() > deadline) throw new Error(`no classifier after 10 minutes\n${stack.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  for (const line of stack.output().match(/first (classifier|model) .*/g) ?? []) console.log(line);
  const target: Target = { name: "proxy", base: stack.base };
  const post = (path: string, body: () => unknown): Route => ({
    name: path,
    path: () => path,
    init: () => ({ method: "POST", body: JSON.stringify(body()) }),
  });
  const routes: Route[] = [
    { name: "GET /health/live", path: () => "/health/live" },
    // Context: an authenticated route with one D1 read (what /predict adds beyond the trivial route).
    { name: "GET /api/v1/model/labels", path: () => "/api/v1/model/labels" },
    post("/api/v1/predict", () => ({ headline: headline() })),
  ];
  // Warm the isolate: the first /predict loads the model.
  for (let i = 0; i < 20; i++)
    await (
      await send(client, "/api/v1/predict", { method: "POST", body: JSON.stringify({ headline: headline() }) })
    ).arrayBuffer();

  const rows: Record<string, string | number>[] = [];
  const p99 = new Map<string, number>();
  for (const r of routes) {
    const lat = await openLoop(client, target, r, r.name, RPS, SECONDS);
    p99.set(r.name, lat.p99);
    rows.push({
      route: r.name,
      rps: RPS,
      answered: lat.n,
      p50_ms: lat.p50,
      p90_ms: lat.p90,
      p99_ms: lat.p99,
      failed: failures.get(r.name)?.length ?? 0,
    });
  }
  const batch = post("/api/v1/predict/batch", () => ({
    articles: Array.from({ length: 100 }, (_, i) => ({ id: `a${i}`, headline: headline() })),
  }));
  const batches = await closedLoop(client, target, batch, batch.name, CONCURRENCY);
  console.log(table(rows));
  console.log(
    `p99 /api/v1/predict - p99 /health/live: ${(p99.get("/api/v1/predict")! - p99.get("GET /health/live")!).toFixed(2)} ms (target <= 5 ms)`,
  );
  console.log(
    `/api/v1/predict/batch: ${batches.toFixed(1)} batches/s of 100 with ${CONCURRENCY} clients = ${(batches * 100).toFixed(0)} headlines/s (target >= 2,000); failed ${failures.get(batch.name)?.length ?? 0}`,
  );
  // Paired rounds (bench/lib/pairs.ts): the trivial route and /predict back to back, PAIRS times.
  if (PAIRS > 0) {
    await pairedRounds(client, target, routes[0]!, routes[2]!, {
      rps: RPS,
      seconds: SECONDS,
      pairs: PAIRS,
      targetMs: 5,
    });
  }
  for (const [route, why] of failures)
    console.log(`failures ${route}: ${why.length} (${[...new Set(why)].slice(0, 3).join("; ")})`);
  printStackErrors(stack.output());
} finally {
  await stack.stop();
}
// The keep-alive pool would hold the process open.
process.exit(0);
