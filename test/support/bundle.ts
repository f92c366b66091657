import path from "node:path";
import { build } from "esbuild";
import { REPO } from "./paths.ts";

/**
 * A worker bundled as `wrangler deploy` would, to run beside the worker under test (as an
 * auxiliary worker of miniflare). `consumer` names the test project: each project writes its
 * own copy, because vitest loads the project configs side by side and two builds writing one
 * file would race. Returns the bundle's path; kernel.wasm lies beside it.
 */
export async function bundleWorker(name: "ingest" | "trainer-dispatch", consumer: string): Promise<string> {
  const outfile = path.join(REPO, `dist/test/${consumer}/${name}.mjs`);
  await build({
    entryPoints: [path.join(REPO, `workers/${name}/src/index.ts`)],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    // The vector kernel: copied beside the bundle as kernel.wasm and imported as a compiled
    // module, as wrangler ships it (listed as a CompiledWasm module in workers.ts).
    loader: { ".wasm": "copy" },
    assetNames: "[name]",
    outfile,
    logLevel: "warning",
  });
  return outfile;
}
