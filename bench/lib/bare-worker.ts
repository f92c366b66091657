/**
 * The soak benchmark's floor: a hello-world Worker served by the same runtime as `npm start`
 * (Miniflare's API with npm start's shared options and its direct socket: no request logs,
 * no cf fetch, no explorer), in its own workerd process, so its latency and resident memory are what the
 * runtime costs with none of this project's code.
 */
import { Log, LogLevel, Miniflare, convertV4MiniflareOptions } from "miniflare";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { directSocket, sharedOptions } from "../../scripts/lib/miniflare-options";
import { findWorkerdSocket } from "./workerd-socket";

export type BareWorker = { base: string; pid: number; stop: () => Promise<void> };

const SCRIPT = `export default { fetch() { return new Response("ok"); } };`;

export async function startBareWorker(port: number, opts: { inspectorPort?: number } = {}): Promise<BareWorker> {
  const home = mkdtempSync(path.join(tmpdir(), "edge-ml-bare-"));
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...sharedOptions(home),
      ...(opts.inspectorPort ? { inspectorPort: opts.inspectorPort } : {}),
      log: new Log(LogLevel.WARN),
      workers: [{ name: "hello", modules: true, script: SCRIPT, compatibilityDate: "2025-01-01", ...directSocket(port) }],
    }),
  );
  await mf.ready;
  const socket = await findWorkerdSocket(port, "/");
  return { base: socket.base, pid: socket.pid, stop: () => mf.dispose() };
}
