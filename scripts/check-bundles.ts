/**
 * Part of `npm run check`: bundles every worker with `wrangler deploy --dry-run` (no
 * account needed) and fails when a bundle exceeds the free plan's 3 MB compressed limit, or
 * when workerd cannot load it (scripts/lib/bundle-loads.ts: the bundle `npm run dev` and
 * `npm run deploy` run is wrangler's, not npm start's).
 */
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { bundleLoadErrors } from "./lib/bundle-loads";
import { wrangler } from "./lib/run";
import { WORKERS } from "./lib/workers";

const LIMIT_BYTES = 3 * 1024 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

let failed = false;
for (const w of WORKERS) {
  const outdir = path.resolve("dist", w.name);
  rmSync(outdir, { recursive: true, force: true });
  await wrangler(["deploy", "--dry-run", "-c", w.config, "--outdir", outdir], { quiet: true });
  const bundle = files(outdir).filter((f) => !f.endsWith(".map"));
  const raw = bundle.reduce((n, f) => n + statSync(f).size, 0);
  const gz = bundle.reduce((n, f) => n + gzipSync(readFileSync(f), { level: 9 }).length, 0);
  const loadErrors = await bundleLoadErrors(w.config, outdir, bundle);
  const ok = gz <= LIMIT_BYTES && loadErrors.length === 0;
  failed ||= !ok;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${w.name.padEnd(17)} ${(raw / 1024).toFixed(1).padStart(8)} KiB, gzip ${(gz / 1024).toFixed(1).padStart(7)} KiB (limit ${LIMIT_BYTES / 1024} KiB), ${loadErrors.length ? "workerd cannot load it:" : "loads in workerd"}`,
  );
  for (const e of loadErrors) console.log(`       ${e.split("\n")[0]}`);
}
process.exit(failed ? 1 : 0);
