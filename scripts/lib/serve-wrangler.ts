import { spawn } from "node:child_process";
import type { Runtime, RuntimeInput } from "./runtime";

/**
 * `npm run dev`: the workers under `wrangler dev --local`, which rebuilds and reloads on every
 * edit. Its dev proxy, live-reload and inspector machinery cost memory and latency under load
 * (docs/decisions.md, "Local serving runtime"): for editing, not for serving.
 */
export function serveWithWrangler(input: RuntimeInput): Runtime {
  const args = [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    ...input.configs.flatMap((config) => ["-c", config]),
    "--local",
    "--persist-to",
    input.persistTo,
    "--ip",
    "127.0.0.1",
    "--port",
    String(input.port),
    "--inspector-port",
    String(input.inspectorPort),
    "--show-interactive-dev-session=false",
    "--log-level",
    process.env.WRANGLER_LOG ?? "warn",
    ...Object.entries(input.apiVars).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
  ];
  // Own process group, so stopping npm start stops workerd too (wrangler ignores SIGINT in the background).
  const child = spawn(process.execPath, args, {
    env: {
      ...input.env,
      // wrangler's local trace collector stores a trace of every request, with a span per D1
      // and Durable Object call, in SQLite inside the same workerd: measured by bench/serve it
      // doubles the CPU of a request (1.3 -> 0.6 ms for /health/live) and writes about 150 MB
      // in half an hour under load. EDGE_ML_LOCAL_TRACES=1 turns it (and the explorer's traces) on.
      X_LOCAL_OBSERVABILITY: process.env.EDGE_ML_LOCAL_TRACES === "1" ? "true" : "false",
    },
    stdio: "inherit",
    detached: true,
  });
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 0)));
  return {
    exited,
    stop: async () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
    },
  };
}
