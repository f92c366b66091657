/**
 * The V8 heap of each isolate of a running local stack over the DevTools protocol. A soak
 * benchmark samples it to see whether the per-isolate caches stay inside their budgets
 * (docs/decisions.md, "Per-isolate memory budgets"): `Runtime.getHeapUsage` is what V8 counts
 * as used and allocated, the figure that the 128 MB limit of production is about.
 *
 * Two inspectors answer: wrangler's proxy (`--inspector-port`; `npm start` puts it at
 * INSPECTOR_PORT, else PORT + 1000, the e2e stack at PORT + 1), which lists one target (one
 * worker's isolate: the ingest worker's, measured) and wants an `Origin` header; and workerd's own, on a port the kernel picks,
 * which lists every isolate (`core:user:<script>` for ours, the rest miniflare's).
 * `workerdInspectorPort` finds the latter from the stack's port; prefer it: workerd serves one
 * session per isolate, so once a direct session has been opened the proxy's goes unanswered.
 *
 *   npx tsx bench/lib/isolate-heap.ts --stack 18960   # every worker's isolate of that stack
 *   npx tsx bench/lib/isolate-heap.ts 18961           # the targets of one inspector
 */
import { pathToFileURL } from "node:url";
import { findWorkerdSocket } from "./workerd-socket";

export type IsolateHeap = { id: string; title: string; usedBytes: number; totalBytes: number };

type Target = { id: string; title?: string; type?: string; webSocketDebuggerUrl?: string };

/** Every target the inspector lists, each asked for its heap over its own WebSocket. */
export async function isolateHeaps(inspectorPort: number, all = false, timeoutMs = 5000): Promise<IsolateHeap[]> {
  const res = await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`inspector at ${inspectorPort} answered /json with ${res.status}`);
  const targets = ((await res.json()) as Target[]).filter((t) => t.webSocketDebuggerUrl && (all || isOurs(t)));
  const out: IsolateHeap[] = [];
  // One at a time: the inspector proxy serves one debugger per target, and this is a sample.
  for (const t of targets) {
    // Once more on a fresh connection: a first session to an isolate has gone unanswered.
    const ask = () =>
      call<{ usedSize: number; totalSize: number }>(t.webSocketDebuggerUrl!, "Runtime.getHeapUsage", timeoutMs);
    const usage = await ask().catch(ask);
    out.push({ id: t.id, title: t.title ?? t.id, usedBytes: usage.usedSize, totalBytes: usage.totalSize });
  }
  return out;
}

/** Our workers' isolates under workerd's inspector (wrangler's proxy lists only the api, by another id). */
const isOurs = (t: Target) => !t.id.includes(":") || t.id.startsWith("core:user:");

/** The port of workerd's own inspector: the listening socket of the stack's workerd that serves /json. */
export async function workerdInspectorPort(stackPort: number): Promise<number> {
  const socket = await findWorkerdSocket(stackPort);
  for (const port of socket.listening) {
    const res = await fetch(`http://127.0.0.1:${port}/json`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
    if (!res?.ok) continue;
    const body: unknown = await res.json().catch(() => null);
    if (Array.isArray(body) && body.some((t: Target) => t.id?.startsWith("core:user:"))) return port;
  }
  throw new Error(`workerd ${socket.pid} of the stack on ${stackPort} serves no inspector /json`);
}

/** One DevTools call on a fresh connection: open, send, take the answer with our id, close. */
function call<T>(url: string, method: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    // Node's WebSocket (undici) takes headers; wrangler's proxy refuses an upgrade without an Origin.
    const ws = new WebSocket(url, { headers: { Origin: "http://127.0.0.1" } } as unknown as string[]);
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`${method} on ${url}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (fn: () => void) => {
      clearTimeout(timer);
      ws.close();
      fn();
    };
    ws.onopen = () => ws.send(JSON.stringify({ id: 1, method }));
    ws.onerror = () => done(() => reject(new Error(`${method} on ${url}: the WebSocket failed`)));
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: T; error?: { message: string } };
      if (msg.id !== 1) return; // an event, not our answer
      done(() => (msg.error ? reject(new Error(`${method}: ${msg.error.message}`)) : resolve(msg.result as T)));
    };
  });
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [flag, value] = process.argv.slice(2);
  const port =
    flag === "--stack" ? await workerdInspectorPort(Number(value)) : Number(flag ?? process.env.INSPECTOR_PORT);
  for (const h of await isolateHeaps(port)) {
    console.log(
      `${h.title}\tused ${mib(h.usedBytes)}\ttotal ${mib(h.totalBytes)}\t(${h.usedBytes} / ${h.totalBytes} bytes)`,
    );
  }
}
