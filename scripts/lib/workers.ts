/** The three workers: their configs, and the interface name `wrangler types` gives their Env. */
export const WORKERS = [
  { name: "api", config: "wrangler.toml", envInterface: "ApiEnv", typesFile: "workers/api/worker-configuration.d.ts" },
  {
    name: "ingest",
    config: "workers/ingest/wrangler.toml",
    envInterface: "IngestEnv",
    typesFile: "workers/ingest/worker-configuration.d.ts",
  },
  {
    name: "trainer-dispatch",
    config: "workers/trainer-dispatch/wrangler.toml",
    envInterface: "DispatchEnv",
    typesFile: "workers/trainer-dispatch/worker-configuration.d.ts",
  },
] as const;
