import { spawn, type SpawnOptions } from "node:child_process";

// WRANGLER_LOG is npm start's log level for the runtime only: the helper calls parse wrangler's
// output, and `wrangler d1 execute --json` prints nothing at WRANGLER_LOG=info (a restart then
// thought the home's tenant gone and failed creating it again).
const { WRANGLER_LOG: _runtimeLogLevel, ...inherited } = process.env;

/** Environment for every wrangler call: offline-friendly, no telemetry, no prompts. */
export const WRANGLER_ENV = {
  ...inherited,
  CI: "1",
  WRANGLER_SEND_METRICS: "false",
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
};

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export function run(cmd: string, args: string[], options: SpawnOptions & { quiet?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: WRANGLER_ENV, ...options, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout?.on("data", (d: Buffer) => {
      out += d;
      if (!options.quiet) process.stdout.write(d);
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d;
      if (!options.quiet) process.stderr.write(d);
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${out}`)),
    );
  });
}

/** wrangler from this project's node_modules, run by the project's Node 22. */
export function wrangler(args: string[], options: SpawnOptions & { quiet?: boolean } = {}): Promise<string> {
  return run(
    process.execPath,
    [new URL("../../node_modules/wrangler/bin/wrangler.js", import.meta.url).pathname, ...args],
    options,
  );
}
