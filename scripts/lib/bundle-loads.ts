import path from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { readConfig } from "./wrangler-config";

/** A module of wrangler's bundle, typed by its extension as wrangler's default module rules type it. */
function moduleOf(file: string) {
  if (file.endsWith(".wasm")) return { type: "CompiledWasm" as const, path: file };
  if (/\.(html|txt|sql)$/.test(file)) return { type: "Text" as const, path: file };
  if (file.endsWith(".bin")) return { type: "Data" as const, path: file };
  return { type: "ESModule" as const, path: file };
}

/**
 * Loads one of wrangler's bundles (`wrangler deploy --dry-run --outdir`) in workerd and returns
 * what workerd said went wrong while instantiating it (empty when it loaded).
 *
 * Why: `npm start` bundles the workers itself (scripts/lib/bundle-workers.ts), but `npm run dev`
 * and `npm run deploy` use wrangler's bundle, whose module rules treat an import ending in
 * `.html`, `.txt` or `.sql` as a text module. An import of `./shell.html` (a TypeScript file
 * `shell.html.ts`) bundled, passed every test on npm start's bundle, and then failed at startup
 * under wrangler: "does not provide an export named 'shellHtml'". Only loading the bundle shows it.
 * No bindings are given: instantiating the modules needs none, and no request is sent.
 */
export async function bundleLoadErrors(config: string, outdir: string, files: string[]): Promise<string[]> {
  const raw = readConfig(config) as { compatibility_date?: string; compatibility_flags?: string[] };
  const index = files.find((f) => path.basename(f) === "index.js");
  if (!index) return [`no index.js in ${outdir}`];
  const errors: string[] = [];
  const collect = ({ level, message }: { level: string; message: string }) => {
    if (level === "error" || /Uncaught|SyntaxError|does not provide/.test(message)) errors.push(message);
  };
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: "127.0.0.1",
      port: 0,
      cf: false,
      log: new Log(LogLevel.NONE),
      handleStructuredLogs: collect,
      workers: [
        {
          name: "bundle",
          compatibilityDate: raw.compatibility_date,
          compatibilityFlags: raw.compatibility_flags,
          modulesRoot: outdir,
          modules: [moduleOf(index), ...files.filter((f) => f !== index && !f.endsWith(".md")).map(moduleOf)],
        },
      ],
    }),
  );
  try {
    await mf.ready;
    // workerd instantiates a worker's modules at startup and logs a failure instead of exiting;
    // a request makes sure startup is over (its answer does not matter without bindings).
    await mf.dispatchFetch("http://bundle.local/health/live").then(
      (r) => r.arrayBuffer(),
      () => undefined,
    );
  } catch (e) {
    // A startup failure: workerd's own log lines (JSON) say why.
    const lines = String((e as Error).message).split("\n");
    const why = lines.flatMap((l) => /"message":"((?:[^"\\]|\\.)*)"/.exec(l)?.[1] ?? []);
    errors.push(...(why.length ? why.map((m) => m.replace(/\\n.*$/, "")) : [lines[0]!]));
  } finally {
    await mf.dispose().catch(() => {});
  }
  return [...new Set(errors)];
}
