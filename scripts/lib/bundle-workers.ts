import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { build, type BuildOptions } from "esbuild";

/**
 * esbuild's options for a worker, as `wrangler deploy` bundles it: kernel.wasm is copied beside
 * the bundle and imported as a compiled module. test/support/bundle.ts builds with the same
 * options for the tests' auxiliary workers (test/support/bundle.ts spreads it).
 */
export const WORKER_BUILD = {
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  conditions: ["workerd", "worker", "browser"],
  mainFields: ["module", "main"],
  external: ["cloudflare:*", "node:*"],
  loader: { ".wasm": "copy" },
  assetNames: "[name]",
  logLevel: "warning",
} satisfies BuildOptions;

/**
 * A worker bundled as `wrangler deploy` would (the options test/support/bundle.ts uses), for the
 * serving runtime of `npm start`. Written under the caller's folder (one per EDGE_ML_HOME:
 * several `npm start`s may share a checkout). Returns the bundle and every file esbuild put
 * beside it: kernel.wasm, the vector kernel, which the bundle imports as a compiled module.
 */
export async function bundleWorker(main: string, outdir: string): Promise<{ script: string; wasm: string[] }> {
  rmSync(outdir, { recursive: true, force: true });
  const script = path.join(outdir, "index.mjs");
  await build({ ...WORKER_BUILD, entryPoints: [main], outfile: script });
  const wasm = readdirSync(outdir)
    .filter((f) => f.endsWith(".wasm"))
    .map((f) => path.join(outdir, f));
  return { script, wasm };
}
