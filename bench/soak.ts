/**
 * bench/soak: sustained, realistic traffic on `npm start`, and what it does to latency and memory.
 *
 * In one run, on one machine:
 *   1. `npm start` with a tenant of SOAK_ITEMS items and SOAK_USERS x 10 events (bench/lib/
 *      serve-world.ts, the same world as bench/serve);
 *   2. beside it, the floor: a bare hello-world Worker under the same runtime (bench/lib/
 *      bare-worker.ts: its own workerd, Miniflare's API, the same direct socket), an open loop
 *      at SOAK_RPS for SOAK_BASELINE_SECONDS; then the project's trivial route (`GET
 *      /health/live`: the api's whole middleware, no I/O) the same way;
 *   3. the mix, SOAK_MINUTES at SOAK_RPS: 40% `GET /search` with `user_id` (a query from a
 *      vocabulary of 40, personalized), 40% `GET /recommend/{user_id}`, 20% `POST
 *      /api/v1/interactions` by the same SOAK_ACTIVE users (each interaction invalidates that
 *      user's cached lists and queues a background re-ranking); client addresses rotate over
 *      4,096 so the per-IP limits rarely answer;
 *   4. the mix at the highest rate the stack sustains: a 20 s closed loop of 32 clients
 *      measures it, then an open loop at SOAK_MAX_SHARE (0.8) of that for SOAK_MAX_MINUTES.
 * Open loops measure latency from each request's scheduled start (no coordinated omission).
 * workerd's resident memory is read from /proc every 10 s, and every isolate's V8 heap over the
 * inspector (`Runtime.getHeapUsage`, bench/lib/isolate-heap.ts) every 60 s.
 * Targets (docs/benchmarks.md, "Soak"): over the last 5 minutes of the mix at SOAK_RPS, RSS flat
 * within 10%; every isolate's heap under 128 MB; the mix's p99 at most 3x the trivial
 * route's; the trivial route within 1.5x of the bare worker's p50 and p99; no failed request.
 * Run: npm run bench:soak (SOAK_MINUTES=2 SOAK_MAX_MINUTES=1 for a short look)
 */
import { Agent, setGlobalDispatcher } from "undici";
import { startStack } from "../scripts/lib/stack";
import { startBareWorker } from "./lib/bare-worker";
import { failures, printStackErrors, type Client, type Route } from "./lib/http-load";
import { isolateHeaps, type IsolateHeap } from "./lib/isolate-heap";
import { loadWorld, rng } from "./lib/serve-world";
import { mixedRoutes, openLoopMix, closedLoopMix, timelineLines, type Mix } from "./lib/soak-mix";
import { MemorySampler } from "./lib/soak-memory";
import { summarize, table, type Summary } from "./lib/stats";
import { findWorkerdSocket } from "./lib/workerd-socket";

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const ITEMS = env("SOAK_ITEMS", 100_000);
const USERS = env("SOAK_USERS", 10_000);
const ACTIVE = env("SOAK_ACTIVE", 300);
const RPS = env("SOAK_RPS", 60);
const MINUTES = env("SOAK_MINUTES", 10);
const MAX_MINUTES = env("SOAK_MAX_MINUTES", 5);
const MAX_SHARE = env("SOAK_MAX_SHARE", 0.8);
const BASELINE_SECONDS = env("SOAK_BASELINE_SECONDS", 120);
const PORT = 19487;
const BARE_PORT = 19497;

setGlobalDispatcher(new Agent({ connections: 64, headersTimeout: 30_000, bodyTimeout: 30_000 }));

const mib = (b: number) => (b / 1048576).toFixed(1);
const ms = (x: number) => x.toFixed(1);
type Row = Record<string, string | number>;
const rows: Row[] = [];
const row = (phase: string, route: string, rate: number, s: Summary, extra: Row = {}) =>
  rows.push({ phase, route, "req/s": rate, n: s.n, "p50 ms": ms(s.p50), "p99 ms": ms(s.p99), ...extra });

// The stack and its world; then the floor and the trivial route, in the same conditions.
console.log(`starting npm start and loading ${ITEMS} items, ${USERS} users...`);
const stack = await startStack(PORT, {
  EDGE_ML_SAMPLE_DATA: "0",
  EDGE_ML_BOOTSTRAP_PLAN: "enterprise",
  EDGE_ML_INSPECTOR: "1",
  WRANGLER_VARS: "LOG_LEVEL:warn",
});
let exitCode = 0;
try {
  const keyRes = await fetch(`${stack.base}/auth/api-keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.credentials.admin_api_key}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "soak", rate_limit_search: 1_000_000, rate_limit_recommend: 1_000_000 }),
  });
  const key = ((await keyRes.json()) as { api_key: string }).api_key;
  const client: Client = { stack, key };
  const { items } = await loadWorld(client, { items: ITEMS, users: USERS, eventsPerUser: 10 });
  const workerd = await findWorkerdSocket(PORT);
  const memory = new MemorySampler(workerd.pid, PORT + 1);
  memory.start();

  // The floor: a hello-world under the same runtime, its own workerd beside the loaded stack.
  console.log(`bare hello-world worker: ${BASELINE_SECONDS} s at ${RPS} req/s`);
  const bare = await startBareWorker(BARE_PORT);
  const bareRoute: Route = { name: "bare hello-world", path: () => "/" };
  const bareMix: Mix = [{ route: bareRoute, share: 1, ok: 200 }];
  const bareClient = { base: bare.base, key: "none" };
  const bareRss0 = await MemorySampler.rss(bare.pid);
  const bareRun = await openLoopMix(bareClient, bareMix, RPS, BASELINE_SECONDS);
  row("floor", bareRoute.name, RPS, bareRun.all, {
    "RSS MiB": `${mib(bareRss0)} -> ${mib(await MemorySampler.rss(bare.pid))}`,
  });
  await bare.stop();

  console.log(`trivial route: ${BASELINE_SECONDS} s at ${RPS} req/s`);
  const trivialMix: Mix = [{ route: { name: "GET /health/live", path: () => "/health/live" }, share: 1, ok: 200 }];
  const trivial = await openLoopMix({ base: stack.base, key }, trivialMix, RPS, BASELINE_SECONDS);
  row("trivial", "GET /health/live", RPS, trivial.all);

  // 3. The mix at the set rate.
  const mix = mixedRoutes(items, USERS, ACTIVE, rng(23));
  console.log(`mixed traffic: ${MINUTES} min at ${RPS} req/s (${ACTIVE} active users)`);
  memory.mark("mix start");
  const steady = await openLoopMix({ base: stack.base, key }, mix, RPS, MINUTES * 60, (m) =>
    console.log(`  minute ${m}: ${memory.latestLine()}`),
  );
  memory.mark("mix end");
  row("mix", "all", RPS, steady.all);
  for (const [name, s] of steady.byRoute) row("mix", name, RPS, s);

  // 4. The highest rate it sustains.
  const capacity = await closedLoopMix({ base: stack.base, key }, mix, 32, 20);
  const maxRate = Math.max(1, Math.floor(capacity * MAX_SHARE));
  console.log(`closed loop: ${capacity.toFixed(1)} req/s; ${MAX_MINUTES} min at ${maxRate} req/s`);
  memory.mark("max start");
  const high = await openLoopMix({ base: stack.base, key }, mix, maxRate, MAX_MINUTES * 60, (m) =>
    console.log(`  minute ${m}: ${memory.latestLine()}`),
  );
  memory.mark("max end");
  row("max", `all (closed loop ${capacity.toFixed(0)} req/s)`, maxRate, high.all);
  for (const [name, s] of high.byRoute) row("max", name, maxRate, s);
  memory.stop();

  // When the tail happened, and how the reads were served meanwhile.
  console.log(`\nthe mix at ${RPS} req/s by 10 s (scheduled time):`);
  for (const line of timelineLines(steady.timeline)) console.log(line);
  console.log(`\nthe mix at ${maxRate} req/s by 10 s:`);
  for (const line of timelineLines(high.timeline)) console.log(line);

  console.log(`\nsoak: ${ITEMS} items, ${USERS} users (${ACTIVE} active), workerd pid ${workerd.pid}\n`);
  console.log(table(rows));
  console.log("\nworkerd resident memory:");
  console.log(memory.report(MINUTES));
  console.log("\nlargest heap seen per isolate (used / allocated):");
  const peaks: IsolateHeap[] = memory.heapPeaks();
  for (const h of peaks) console.log(`  ${h.title}: ${mib(h.usedBytes)} / ${mib(h.totalBytes)} MiB`);

  const flat = memory.flatness(MINUTES);
  const verdicts = [
    [`RSS over the last 5 min of the mix within 10% (${(flat * 100).toFixed(1)}%)`, flat <= 0.1],
    [
      `every isolate's heap under 128 MB (largest ${mib(Math.max(0, ...peaks.map((h) => h.totalBytes)))} MiB)`,
      peaks.every((h) => h.totalBytes < 128 * 1048576),
    ],
    [
      `mix p99 <= 3x trivial p99 (${ms(steady.all.p99)} vs ${ms(trivial.all.p99)} ms: ${(steady.all.p99 / trivial.all.p99).toFixed(2)}x)`,
      steady.all.p99 <= 3 * trivial.all.p99,
    ],
    [
      `trivial p50 <= 1.5x bare (${ms(trivial.all.p50)} vs ${ms(bareRun.all.p50)} ms: ${(trivial.all.p50 / bareRun.all.p50).toFixed(2)}x)`,
      trivial.all.p50 <= 1.5 * bareRun.all.p50,
    ],
    [
      `trivial p99 <= 1.5x bare (${ms(trivial.all.p99)} vs ${ms(bareRun.all.p99)} ms: ${(trivial.all.p99 / bareRun.all.p99).toFixed(2)}x)`,
      trivial.all.p99 <= 1.5 * bareRun.all.p99,
    ],
    [`no request failed (${[...failures.values()].reduce((n, f) => n + f.length, 0)} failed)`, failures.size === 0],
  ] as const;
  console.log("\ntargets:");
  for (const [what, met] of verdicts) console.log(`  ${met ? "met   " : "MISSED"} ${what}`);
  for (const [route, why] of failures) {
    const counts = new Map<string, number>();
    for (const w of why) counts.set(w, (counts.get(w) ?? 0) + 1);
    console.log(`  failed on ${route}: ${[...counts].map(([w, n]) => `${n} x ${w}`).join("; ")}`);
  }
  printStackErrors(stack.output());
  const heapsNow = await isolateHeaps(PORT + 1).catch(() => []);
  if (heapsNow.length)
    console.log(`\nheaps at the end: ${heapsNow.map((h) => `${h.title} ${mib(h.usedBytes)}`).join(", ")}`);
} catch (e) {
  console.error(e);
  exitCode = 1;
} finally {
  await stack.stop();
}
process.exit(exitCode);
