/**
 * A CPU profile of one isolate of a running stack over workerd's inspector (the DevTools
 * Profiler domain), summarized as self time per function: where a route's CPU goes under load.
 *
 *   EDGE_ML_INSPECTOR=1 npm start ...; npx tsx bench/lib/cpu-profile.ts <inspector port> <isolate title part> <seconds>
 */
import { pathToFileURL } from "node:url";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
export type CpuProfile = { nodes: Node[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

/** Profiles the isolate whose inspector title contains `titlePart` for `seconds`. */
export async function profileIsolate(inspectorPort: number, titlePart: string, seconds: number): Promise<CpuProfile> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json`)).json()) as {
    id: string;
    title?: string;
    webSocketDebuggerUrl?: string;
  }[];
  const t = targets.find((x) => (x.title ?? x.id).includes(titlePart) && x.webSocketDebuggerUrl);
  if (!t) throw new Error(`no isolate titled *${titlePart}* among ${targets.map((x) => x.title ?? x.id).join(", ")}`);
  const ws = new WebSocket(t.webSocketDebuggerUrl!, { headers: { Origin: "http://127.0.0.1" } } as unknown as string[]);
  let id = 0;
  const pending = new Map<number, (r: unknown) => void>();
  ws.onmessage = (ev) => {
    const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  };
  await new Promise((r, j) => ((ws.onopen = r), (ws.onerror = j)));
  const call = (method: string, params: object = {}) =>
    new Promise<unknown>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  await call("Profiler.enable");
  await call("Profiler.setSamplingInterval", { interval: 200 });
  await call("Profiler.start");
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const { profile } = (await call("Profiler.stop")) as { profile: CpuProfile };
  ws.close();
  return profile;
}

/** Self time per function (name, file, line), the `top` largest, as lines with shares. */
export function summarizeProfile(p: CpuProfile, top = 25): string {
  const self = new Map<number, number>();
  p.samples.forEach((nodeId, i) => self.set(nodeId, (self.get(nodeId) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const f = n.callFrame;
    const file = f.url.slice(f.url.lastIndexOf("/") + 1);
    const key = `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (self.get(n.id) ?? 0));
  }
  const total = [...byFn.values()].reduce((a, b) => a + b, 0);
  const idle = byFn.get("(idle) :0") ?? 0;
  return [
    `profiled ${((p.endTime - p.startTime) / 1e6).toFixed(1)} s; busy ${(((total - idle) / total) * 100).toFixed(1)}%`,
    ...[...byFn]
      .filter(([k]) => !k.startsWith("(idle)"))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`),
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [port, title, seconds] = process.argv.slice(2);
  console.log(summarizeProfile(await profileIsolate(Number(port), title ?? "edge-ml-api", Number(seconds ?? 10))));
}
