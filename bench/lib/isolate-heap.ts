/**
 * The V8 heap of each isolate of a running local stack, through workerd's inspector (the
 * DevTools protocol that `wrangler dev --inspector-port` serves; `npm start` puts it at
 * INSPECTOR_PORT, else PORT + 1000, and the e2e stack at PORT + 1). A soak benchmark samples
 * it to see whether the per-isolate caches stay inside their budgets (docs/decisions.md,
 * "Per-isolate memory budgets"): `Runtime.getHeapUsage` is what V8 counts as used and
 * allocated, the figure that the 128 MB limit of production is about.
 *
 *   npx tsx bench/lib/isolate-heap.ts [inspector port]   # prints one line per isolate
 */
import { pathToFileURL } from "node:url";

export type IsolateHeap = { id: string; title: string; usedBytes: number; totalBytes: number };

type Target = { id: string; title?: string; type?: string; webSocketDebuggerUrl?: string };

/** Every target the inspector lists, each asked for its heap over its own WebSocket. */
export async function isolateHeaps(inspectorPort: number, timeoutMs = 5000): Promise<IsolateHeap[]> {
  const res = await fetch(`http://127.0.0.1:${inspectorPort}/json`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`inspector at ${inspectorPort} answered /json with ${res.status}`);
  const targets = ((await res.json()) as Target[]).filter((t) => t.webSocketDebuggerUrl);
  const out: IsolateHeap[] = [];
  // One at a time: the inspector proxy serves one debugger per target, and this is a sample.
  for (const t of targets) {
    const usage = await call<{ usedSize: number; totalSize: number }>(t.webSocketDebuggerUrl!, "Runtime.getHeapUsage", timeoutMs);
    out.push({ id: t.id, title: t.title ?? t.id, usedBytes: usage.usedSize, totalBytes: usage.totalSize });
  }
  return out;
}

/** One DevTools call on a fresh connection: open, send, take the answer with our id, close. */
function call<T>(url: string, method: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
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
  const port = Number(process.argv[2] ?? process.env.INSPECTOR_PORT ?? 9229);
  for (const h of await isolateHeaps(port)) {
    console.log(`${h.title}\tused ${mib(h.usedBytes)}\ttotal ${mib(h.totalBytes)}\t(${h.usedBytes} / ${h.totalBytes} bytes)`);
  }
}
