import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/** What the receiver saw of one request (GET <url>/__received returns and forgets them). */
export type ReceivedRequest = { url: string; headers: Record<string, string>; body: string };

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

/**
 * The one fake of the dispatch tests: a tenant's webhook server, nothing of ours. A real HTTP
 * server on 127.0.0.1 (a vitest global setup, in Node), so deliveries leave workerd through
 * its real network stack as they would in production; `/<status>` answers with that status
 * and records the request. Its URL reaches the tests through `inject("webhookReceiver")`.
 */
export default async function setup(project: TestProject) {
  const received: ReceivedRequest[] = [];
  const server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    if (req.method === "GET" && path === "/__received") {
      res
        .writeHead(200, { "content-type": "application/json", connection: "close" })
        .end(JSON.stringify(received.splice(0)));
      return;
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    received.push({ url: `${base}${path}`, headers, body: await bodyOf(req) });
    res.writeHead(Number(path.slice(1)) || 200, { connection: "close" }).end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  project.provide("webhookReceiver", base);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
