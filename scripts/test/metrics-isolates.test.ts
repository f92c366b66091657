import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare, type V4WorkerOptions } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../lib/bootstrap";
import { writeLocalConfigs } from "../lib/local-configs";
import { sharedOptions, workerOptions } from "../lib/miniflare-options";

/**
 * GET /metrics sums every isolate: `npm start`'s own Miniflare options (miniflare-options.ts)
 * with a second copy of the api worker beside the first. Each worker of a workerd is an isolate
 * of its own (module state included: the per-isolate accumulator), and the copy binds the
 * first's Durable Objects, so both report to the one Metrics object. Requests served by each
 * copy must add up exactly on a scrape through either; the scrape passes `promtool check
 * metrics` (Debian's prometheus package; a missing promtool fails this test).
 */
const TOKEN = "metrics-isolates-test-token-0123456789";
const API = "edge-ml-api";
const COPY = "edge-ml-api-copy";

type Fetch = { fetch(url: string, init?: RequestInit): Promise<Response> };
const worker = async (name: string) => (await mf.getWorker(name)) as unknown as Fetch;

let mf: Miniflare;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), "edge-ml-metrics-"));
  const persistTo = path.join(home, "state");
  // The dispatcher's [secrets], read from the environment as under npm start.
  Object.assign(process.env, {
    SECRETS_KEY: process.env.SECRETS_KEY ?? "dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU",
    TRAINER_SHARED_SECRET: process.env.TRAINER_SHARED_SECRET ?? "metrics-test-trainer-secret",
  });
  await applyMigrations({ remote: false, persistTo });
  const served = await workerOptions(writeLocalConfigs(), path.join(home, "build"), { METRICS_TOKEN: TOKEN });
  const api = served[0]!.options;
  // The copy hosts no object of its own: every binding to one of the api's classes names the api.
  const objects = Object.fromEntries(
    Object.entries(api.durableObjects ?? {}).map(([binding, d]) => {
      const o = typeof d === "string" ? { className: d } : d;
      return [binding, { ...o, scriptName: o.scriptName ?? API }];
    }),
  );
  const copy = { ...api, name: COPY, durableObjects: objects, queueConsumers: undefined } as V4WorkerOptions;
  mf = new Miniflare(
    convertV4MiniflareOptions({
      ...sharedOptions(persistTo),
      log: new Log(LogLevel.WARN),
      // The request lines are not this test's subject.
      handleStructuredLogs: () => {},
      workers: [api, copy, ...served.slice(1).map((w) => w.options)],
    }),
  );
  await mf.ready;
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
});

const LIVE = '{service="backend-api",endpoint="/health/live",method="GET",status_code="200"}';

async function scrape(name: string): Promise<string> {
  const res = await (
    await worker(name)
  ).fetch("http://localhost/metrics", {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  expect(res.status).toBe(200);
  return res.text();
}

const served = (text: string) =>
  Number(
    text
      .split("\n")
      .find((l) => l.startsWith(`http_requests_total${LIVE} `))
      ?.split(" ")[1] ?? 0,
  );

describe("GET /metrics across two isolates", () => {
  it("counts requests served by two isolates exactly once each, and passes promtool check metrics", async () => {
    const a = await worker(API);
    const b = await worker(COPY);
    const fromA = 5;
    const fromB = 8;
    for (let i = 0; i < fromA; i++) expect((await a.fetch("http://localhost/health/live")).status).toBe(200);
    for (let i = 0; i < fromB; i++) expect((await b.fetch("http://localhost/health/live")).status).toBe(200);

    // Each isolate sends its batch within METRICS_BATCH_MS (5 s) of its first request (recorder.ts).
    let text = "";
    const deadline = Date.now() + 15_000;
    while (served((text = await scrape(API))) < fromA + fromB && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(served(text)).toBe(fromA + fromB);
    // Nothing is counted twice: later scrapes, through either copy, say the same.
    await new Promise((r) => setTimeout(r, 1500));
    expect(served(await scrape(COPY))).toBe(fromA + fromB);
    text = await scrape(API);
    expect(served(text)).toBe(fromA + fromB);
    // In flight: none but the scrape, which does not count itself.
    expect(text).toContain('\nhttp_connections_active{service="backend-api"} 0\n');

    const check = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
    if (check.error) throw new Error(`promtool is required (apt-get install prometheus): ${check.error.message}`);
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: "" });
  });
});
