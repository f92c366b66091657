import path from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { APPLY_MIGRATIONS } from "../../test/support/paths.ts";
import { ingestVars, migrations } from "../../test/support/workers.ts";

/** `ingest`: tests inside workerd against the ingest worker's own config (consumer faults, compaction, catalogue). */
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: path.join(import.meta.dirname, "wrangler.toml") },
      remoteBindings: false,
      miniflare: { bindings: { TEST_MIGRATIONS: await migrations(), ...ingestVars } },
    }),
  ],
  test: {
    name: "ingest",
    include: ["test/**/*.test.ts"],
    setupFiles: [APPLY_MIGRATIONS],
  },
}));
