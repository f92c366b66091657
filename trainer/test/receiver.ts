/**
 * A real HTTP server on 127.0.0.1 (random port) standing in for the trainer-dispatch worker,
 * a remote service from the trainer's point of view: it records every request and answers
 * as the test's `answer` says (status, body, and when).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: Buffer; text: string };
export type Answer = { status: number; body?: string | Uint8Array };

export type Receiver = {
  /** http://127.0.0.1:<port> */
  url: string;
  received: Received[];
  /** Resolves once `pred` holds for the requests so far (checked after each one); rejects after `ms`. */
  waitFor(pred: (received: Received[]) => boolean, ms?: number): Promise<void>;
  close(): Promise<void>;
};

export async function startReceiver(
  answer: (req: Received, index: number) => Answer | Promise<Answer> = () => ({ status: 200, body: "ok" }),
): Promise<Receiver> {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const r = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, text: body.toString() };
      const index = received.push(r) - 1;
      for (const w of waiters) w();
      const a = await answer(r, index);
      res.writeHead(a.status, { "content-type": "text/plain" }).end(a.body ?? "");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(pred, ms = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pred(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met after ${ms} ms (${received.length} requests)`));
        }, ms);
        waiters.add(check);
        check();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The JSON body of a callback. */
export const callbackOf = (r: Received) =>
  JSON.parse(r.text) as { job_id: string; seq: number; type: string } & Record<string, unknown>;
