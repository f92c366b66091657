import path from "node:path";
import { build } from "esbuild";
import { WORKER_BUILD } from "../../scripts/lib/bundle-workers.ts";
import { REPO } from "./paths.ts";

/**
 * A worker bundled as `wrangler deploy` would (the options `npm start` bundles with), to run
 * beside the worker under test (as an auxiliary worker of miniflare). `consumer` names the
 * test project: each project writes its own copy, because vitest loads the project configs
 * side by side and two builds writing one file would race. Returns the bundle's path;
 * kernel.wasm lies beside it (listed as a CompiledWasm module in workers.ts).
 */
export async function bundleWorker(name: "ingest" | "trainer-dispatch", consumer: string): Promise<string> {
  const outfile = path.join(REPO, `dist/test/${consumer}/${name}.mjs`);
  await build({ ...WORKER_BUILD, entryPoints: [path.join(REPO, `workers/${name}/src/index.ts`)], outfile });
  return outfile;
}
