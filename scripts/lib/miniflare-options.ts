import path from "node:path";
// V4 options: the shape wrangler derives; Miniflare 5 takes them through convertV4MiniflareOptions.
import type { V4SharedOptions, V4WorkerOptions as WorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { bundleWorker } from "./bundle-workers";
import { readConfig } from "./wrangler-config";

/**
 * The Miniflare options of `npm start`'s serving runtime, derived by wrangler itself from the
 * same local configs `wrangler dev` reads (scripts/lib/local-configs.ts): vars with .dev.vars
 * and the [secrets] read from the process environment, D1, R2, queue producers and consumers
 * (batch settings, dead-letter queues), Durable Objects (SQLite classes, cross-script
 * `script_name`), service bindings and crons. Only what wrangler dev adds around them is left
 * out: its proxy, live reload, inspector, local explorer and trace collector.
 */
export type ServedWorker = { name: string; options: WorkerOptions; crons: string[] };

export async function workerOptions(
  configs: string[],
  buildDir: string,
  overrides: Record<string, string>,
): Promise<ServedWorker[]> {
  const served: ServedWorker[] = [];
  for (const [i, config] of configs.entries()) {
    const { workerOptions: o, main } = unstable_getMiniflareWorkerOptions(config);
    const name = readConfig(config).name;
    const { script, wasm } = await bundleWorker(main!, path.join(buildDir, name));
    // Crons are fired by our own loop (scripts/lib/crons.ts), so none is left to workerd.
    const { cronTriggers = [], modulesRules: _rules, ...rest } = o as WorkerOptions & { modulesRules?: unknown };
    served.push({
      name,
      crons: cronTriggers,
      options: {
        ...rest,
        name,
        // Module names are paths relative to this; the bundle imports "./kernel.wasm".
        modulesRoot: path.dirname(script),
        modules: [{ type: "ESModule", path: script }, ...wasm.map((p) => ({ type: "CompiledWasm" as const, path: p }))],
        // The first config is the api: `--var` overrides (SECRETS_KEY, WRANGLER_VARS) are its own.
        bindings: i === 0 ? { ...(o.bindings ?? {}), ...overrides } : o.bindings,
      } as WorkerOptions,
    });
  }
  return served;
}

/**
 * The served port as a socket straight into a worker (Miniflare's `unsafeDirectSockets`),
 * not through Miniflare's entry worker: that hop re-creates every request in one more
 * isolate, and under steady load the process grew twice as fast with it (a hello-world at 300
 * req/s, 2 minutes: 83 -> 418 MB through the entry worker, 81 -> 205 MB direct; docs/decisions.md,
 * "Local serving runtime"). What the entry worker added that we use is nothing: `cf` is off,
 * and the client address header is set by callers (a missing one is one local client).
 */
export function directSocket(port: number) {
  return { unsafeDirectSockets: [{ host: "127.0.0.1", port }] };
}

export function sharedOptions(persistTo: string): V4SharedOptions {
  return {
    // Miniflare's own entry socket, which crons and getWorker() use: a port the kernel picks.
    host: "127.0.0.1",
    port: 0,
    // wrangler's layout (its getDefaultPersistRoot): existing homes open, and the e2e crash test
    // reads state/v3/d1/miniflare-D1DatabaseObject/*.sqlite.
    resourcePersistencePath: path.join(persistTo, "v3"),
    // Request.cf from a fallback, never fetched; no per-request "GET /path 200" lines (the
    // workers log their own JSON line per request); none of wrangler dev's extras.
    cf: false,
    logRequests: false,
    unsafeLocalExplorer: false,
    unsafeObservability: false,
  };
}
