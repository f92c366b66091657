/**
 * Driving HTTP load at the local stack for the benchmarks: a client with a key, the two
 * targets (wrangler's proxy, workerd's own socket), open and closed loops, and the record of
 * where answers came from and which requests failed (reported, never hidden).
 */
import type { Stack } from "../../scripts/lib/stack";
import { summarize } from "./stats";

export type Client = { stack: Stack; key: string };
/** Where requests go: wrangler's proxy (the stack's port) or workerd's own entry socket. */
export type Target = { name: "proxy" | "direct"; base: string };

export async function send(c: Client, path: string, init: RequestInit = {}, target?: Target): Promise<Response> {
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
export const clientIp = () => `10.${(ipCounter >> 8) & 15}.${ipCounter++ & 255}.7`;

/** A route as the benchmark calls it: a fresh path (and body) per request. */
export type Route = { name: string; path: () => string; init?: () => RequestInit };

/** Where each route's answers came from (X-Cache-Layer; none: ranked or not a cached route). */
export const layers = new Map<string, Map<string, number>>();

/** Requests that failed (non-200 or a dropped connection), per route: reported, never hidden. */
export const failures = new Map<string, string[]>();

export async function timedGet(c: Client, t: Target, r: Route, route = "?"): Promise<boolean> {
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

/**
 * Open loop: `rps` requests a second for `seconds`, latency measured from each request's
 * scheduled start (a slow server cannot hide its queue: no coordinated omission).
 */
export async function openLoop(c: Client, t: Target, r: Route, route: string, rps: number, seconds: number) {
  const n = rps * seconds;
  const start = performance.now() + 50;
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const scheduled = start + (i * 1000) / rps;
      const wait = scheduled - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      if (await timedGet(c, t, r, route)) latencies.push(performance.now() - scheduled);
    }),
  );
  return summarize(latencies);
}

/** Closed loop: `concurrency` clients back to back for 10 s; answers per second. */
export async function closedLoop(c: Client, t: Target, r: Route, route: string, concurrency: number) {
  const until = performance.now() + 10_000;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
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
export function printStackErrors(output: string) {
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
