import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { bundleWorker } from "./bundle-workers";
import { readConfig } from "./wrangler-config";

const REPO = path.resolve(import.meta.dirname, "../..");

/**
 * The api's OpenAPI document as the api worker itself serves it: the worker bundled as
 * `npm start` bundles it, run in workerd (Miniflare) and asked for GET /openapi.json. Not
 * createApp() imported into Node: the document is built from the routes of the bundle that
 * ships, by the @hono/zod-openapi and zod the bundle resolves, in the runtime that serves it.
 *
 * Deterministic: the only environment-dependent field is info.version, SERVICE_VERSION from
 * wrangler.toml's [vars]; no other binding is needed (/openapi.json is public, so no
 * authentication, rate limit or metering touches D1 or a Durable Object). About 3 s.
 */
export async function servedOpenApiDocument(): Promise<unknown> {
  return withServedApi(async (fetch) => {
    const res = await fetch("/openapi.json");
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}: ${await res.text()}`);
    return res.json();
  });
}

/** Runs `use` against the bundled api worker in a throwaway workerd. */
async function withServedApi<T>(use: (fetch: (path: string) => Promise<Response>) => Promise<T>): Promise<T> {
  const config = readConfig(path.join(REPO, "wrangler.toml"));
  const buildDir = mkdtempSync(path.join(tmpdir(), "edge-ml-openapi-"));
  try {
    const { script, wasm } = await bundleWorker(path.join(REPO, config.main as string), buildDir);
    const mf = new Miniflare(
      convertV4MiniflareOptions({
        log: new Log(LogLevel.WARN),
        cf: false,
        workers: [
          {
            name: config.name,
            modulesRoot: path.dirname(script),
            modules: [
              { type: "ESModule", path: script },
              ...wasm.map((p) => ({ type: "CompiledWasm" as const, path: p })),
            ],
            compatibilityDate: config.compatibility_date as string,
            bindings: { SERVICE_VERSION: String(config.vars?.SERVICE_VERSION), LOG_LEVEL: "warn" },
          },
        ],
      }),
    );
    try {
      const url = await mf.ready;
      return await use((p) => mf.dispatchFetch(new URL(p, url)) as unknown as Promise<Response>);
    } finally {
      await mf.dispose();
    }
  } finally {
    rmSync(buildDir, { recursive: true, force: true });
  }
}
