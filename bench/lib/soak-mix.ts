/**
 * bench/soak's traffic: a weighted mix of routes, driven as an open loop (latency from each
 * request's scheduled start) or a closed loop (answers per second), with failures recorded
 * in http-load's `failures` (reported, never hidden).
 */
import { clientIp, failures, type Route } from "./http-load";
import { summarize, type Summary } from "./stats";

/** Where requests go: a base URL and the key they carry. */
export type SoakTarget = { base: string; key: string };
/** A route of the mix, its share of requests, and the status that counts as answered. */
export type Mix = { route: Route; share: number; ok: number }[];

// prettier-ignore
const SEARCH_WORDS = [
  "hoodie", "jacket", "shorts", "pants", "tank", "tee", "bra", "yoga", "running", "training",
  "bag", "backpack", "bottle", "watch", "strap", "ball", "mat", "black", "blue", "red",
  "green", "grey", "white", "orange", "purple", "women", "men", "light", "warm", "zip",
];
/** A small vocabulary, as a shop's search box sees: 40 queries of one or two words. */
function vocabulary(random: () => number): string[] {
  const queries = new Set<string>(SEARCH_WORDS.slice(0, 20));
  while (queries.size < 40) {
    const a = SEARCH_WORDS[Math.floor(random() * SEARCH_WORDS.length)]!;
    const b = SEARCH_WORDS[Math.floor(random() * SEARCH_WORDS.length)]!;
    if (a !== b) queries.add(`${a} ${b}`);
  }
  return [...queries];
}

/**
 * 40% personalized search, 40% recommendations, 20% interactions, all by `active` users drawn
 * from the world's `users`; an interaction is on a random item of the catalogue.
 */
export function mixedRoutes(items: { item_id: string }[], users: number, active: number, random: () => number): Mix {
  const people = Array.from({ length: active }, () => `bench-user-${Math.floor(random() * users)}`);
  const someone = () => people[Math.floor(random() * people.length)]!;
  const queries = vocabulary(random);
  const types = ["view", "view", "click", "click", "add_to_cart", "purchase", "like"];
  return [
    {
      share: 0.4,
      ok: 200,
      route: {
        name: "GET /search?user_id",
        path: () =>
          `/search?q=${encodeURIComponent(queries[Math.floor(random() * queries.length)]!)}&user_id=${someone()}&k=10`,
      },
    },
    { share: 0.4, ok: 200, route: { name: "GET /recommend/{user_id}", path: () => `/recommend/${someone()}?k=10` } },
    {
      share: 0.2,
      ok: 202,
      route: {
        name: "POST /api/v1/interactions",
        path: () => "/api/v1/interactions",
        init: () => ({
          method: "POST",
          body: JSON.stringify({
            user_id: someone(),
            item_id: items[Math.floor(random() * items.length)]!.item_id,
            interaction_type: types[Math.floor(random() * types.length)],
          }),
        }),
      },
    },
  ];
}

/** Deterministic interleaving of the mix: request i takes the route whose share covers i's slot. */
function routeAt(mix: Mix, i: number) {
  // A low-discrepancy sequence (golden ratio) spreads each route's share evenly in time.
  const u = (i * 0.6180339887498949) % 1;
  let acc = 0;
  for (const m of mix) {
    acc += m.share;
    if (u < acc) return m;
  }
  return mix[mix.length - 1]!;
}

/**
 * How a request was served, from the response's X-Cache-Layer or X-Cache header ("stored",
 * "isolate", "HIT", "MISS"; "-" when it has neither): whether lists were read or ranked.
 */
type Answer = { ok: boolean; cache: string };

async function once(t: SoakTarget, m: Mix[number]): Promise<Answer> {
  const r = m.route;
  const init = r.init?.() ?? {};
  try {
    const res = await fetch(`${t.base}${r.path()}`, {
      ...init,
      headers: { authorization: `Bearer ${t.key}`, "content-type": "application/json", "cf-connecting-ip": clientIp() },
    });
    const body = await res.text();
    const cache = res.headers.get("x-cache-layer") ?? res.headers.get("x-cache") ?? "-";
    if (res.status === m.ok) return { ok: true, cache };
    let why = body.slice(0, 160);
    try {
      const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
      if (e) why = `${e.code}: ${e.message}`;
    } catch {
      // not JSON: kept as text
    }
    failures.set(r.name, [...(failures.get(r.name) ?? []), `${res.status} (${why})`]);
  } catch (e) {
    failures.set(r.name, [...(failures.get(r.name) ?? []), String((e as Error).cause ?? e)]);
  }
  return { ok: false, cache: "-" };
}

/** TIMELINE_SECONDS of an open loop, by when its requests were scheduled. */
export type Slice = { from: number; latencies: number[]; cache: Map<string, number> };
const TIMELINE_SECONDS = 10;

/**
 * One line per slice: p50, p99 and max of the requests scheduled in it, and how the reads were
 * served (route's short name: cache state and its share), so that a tail can be put in time and
 * beside the caches' hit rates (a stall, a backlog of re-rankings).
 */
export function timelineLines(slices: Slice[]): string[] {
  return slices.map((s) => {
    const x = summarize(s.latencies);
    const max = Math.max(...s.latencies);
    const total = new Map<string, number>();
    for (const [k, v] of s.cache) total.set(k.split(" ")[0]!, (total.get(k.split(" ")[0]!) ?? 0) + v);
    const served = [...s.cache]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k} ${Math.round((100 * v) / total.get(k.split(" ")[0]!)!)}%`)
      .join(", ");
    const at = `${s.from}-${s.from + TIMELINE_SECONDS}s`.padStart(10);
    return `${at}  n ${String(x.n).padStart(4)}  p50 ${x.p50.toFixed(1).padStart(8)}  p99 ${x.p99.toFixed(1).padStart(8)}  max ${max.toFixed(1).padStart(8)}  ${served}`;
  });
}

/** `rps` requests a second for `seconds`, each on the mix's route for its slot. */
export async function openLoopMix(
  t: SoakTarget,
  mix: Mix,
  rps: number,
  seconds: number,
  onMinute?: (minute: number) => void,
): Promise<{ all: Summary; byRoute: Map<string, Summary>; timeline: Slice[] }> {
  const n = Math.round(rps * seconds);
  const start = performance.now() + 50;
  const all: number[] = [];
  const byRoute = new Map<string, number[]>();
  const timeline: Slice[] = [];
  let minute = 0;
  const ticker = onMinute && setInterval(() => onMinute(++minute), 60_000);
  // Requests are started by a timer per 10 ms slice, not one timer each: 36,000 pending timers
  // for a 10-minute run would cost the client more than the server.
  await new Promise<void>((done) => {
    let next = 0;
    let pending = 0;
    const tick = () => {
      const now = performance.now();
      while (next < n && start + (next * 1000) / rps <= now) {
        const scheduled = start + (next * 1000) / rps;
        const m = routeAt(mix, next++);
        pending++;
        void once(t, m).then(({ ok, cache }) => {
          if (ok) {
            const latency = performance.now() - scheduled;
            all.push(latency);
            const xs = byRoute.get(m.route.name) ?? [];
            xs.push(latency);
            byRoute.set(m.route.name, xs);
            const at = Math.floor((scheduled - start) / 1000 / TIMELINE_SECONDS);
            const slice = (timeline[at] ??= { from: at * TIMELINE_SECONDS, latencies: [], cache: new Map() });
            slice.latencies.push(latency);
            const served = `${m.route.name.split(" ")[1]!.split(/[?/]/)[1]} ${cache}`;
            slice.cache.set(served, (slice.cache.get(served) ?? 0) + 1);
          }
          if (--pending === 0 && next >= n) done();
        });
      }
      if (next < n) setTimeout(tick, 5);
    };
    tick();
  });
  if (ticker) clearInterval(ticker);
  return {
    all: summarize(all),
    byRoute: new Map([...byRoute].map(([k, v]) => [k, summarize(v)])),
    timeline: timeline.filter((x) => x !== undefined),
  };
}

/** `concurrency` clients back to back for `seconds`: answers per second. */
export async function closedLoopMix(t: SoakTarget, mix: Mix, concurrency: number, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let i = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) if ((await once(t, routeAt(mix, i++))).ok) done++;
    }),
  );
  return done / seconds;
}
