import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readConfig } from "./wrangler-config";
import { WORKERS } from "./workers";

/**
 * What `npm start` hands `wrangler dev`: each worker's config without its production-only
 * bindings, `[ai]` and `[[vectorize]]`. Locally they could only be stubs that throw, and
 * wrangler warns about each ("Vectorize Index bindings do not support local development",
 * "AI bindings always access remote resources"), though the local backends
 * (VECTOR_BACKEND / TEXT_ENCODER_BACKEND = "local") never touch them; the code reports a
 * clear error if a backend that needs one is chosen without it. Written beside the original
 * (git-ignored), so `main`, `migrations_dir` and `.dev.vars` resolve as they do for it;
 * deploy, types and tests keep reading the originals.
 */
const PRODUCTION_ONLY = ["ai", "vectorize"];

export function writeLocalConfigs(): string[] {
  return WORKERS.map((w) => {
    const local = Object.fromEntries(
      Object.entries(readConfig(w.config)).filter(([k]) => !PRODUCTION_ONLY.includes(k)),
    );
    const file = path.join(path.dirname(w.config), "wrangler.local.json");
    const text = JSON.stringify(local, null, 2) + "\n";
    // Several `npm start`s may share a checkout (the e2e tests), and wrangler dev restarts on
    // a config change: write only what changed, and atomically, so none reads half a file.
    if (!existsSync(file) || readFileSync(file, "utf8") !== text) {
      writeFileSync(`${file}.${process.pid}`, text);
      renameSync(`${file}.${process.pid}`, file);
    }
    return file;
  });
}
