import { parquetReadObjects } from "hyparquet";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { IngestMessage, QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { compactTenant } from "../../ingest/src/compaction";
import { compactRange } from "../src/compact-range";
import { filesInRange } from "../src/dispatch";
import { loadJob } from "../src/jobs";
import { catalogOf, createJob, createTenant, deliver, dispatchEnv, ingestQueue, job, request } from "./helpers";

const TRAINING = "edge-ml-training";
type Batch = Extract<IngestMessage, { kind: "interactions" }>;
const TRAINER_URL = "https://trainer.test";
const DAY_MS = 86_400_000;

type Spec = { job_id: string; data: { files: { url: string; row_count: number; size_bytes: number }[] } };

const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * A backfill as the api queues it: `messages` batches, each with `perDay` events on every one
 * of `days` consecutive UTC days from `first`, so the consumer writes one part per batch and day.
 */
function backfill(tenantId: string, messages: number, first: string, days: number, perDay: number): Batch[] {
  const start = Date.parse(`${first}T00:00:00Z`);
  return Array.from({ length: messages }, (_, m) => {
    const rows: QueuedInteraction[] = [];
    for (let d = 0; d < days; d++) {
      for (let k = 0; k < perDay; k++) {
        rows.push({
          id: crypto.randomUUID(),
          u: `u${(m * 7 + k) % 23}`,
          i: `item${(d * 5 + k + m) % 31}`,
          t: k % 3 === 0 ? "purchase" : "view",
          ts: start + d * DAY_MS + (m * perDay + k) * 1000,
        });
      }
    }
    return { v: 1, kind: "interactions", tenant_id: tenantId, batch_id: crypto.randomUUID(), rows };
  });
}

/** Through the real queue to the ingest worker beside the dispatcher; resolves once every row is catalogued. */
/**
 * Sends the messages `perRound` at a time, each round once the last is catalogued: the
 * consumer writes one part per tenant and day for a queue batch, so every round adds at
 * least one part to each of its days (the parts that compaction then has to merge).
 */
async function ingest(tenantId: string, messages: IngestMessage[], perRound = 10): Promise<void> {
  let total = 0;
  for (let i = 0; i < messages.length; i += perRound) {
    const round = messages.slice(i, i + perRound);
    await ingestQueue.sendBatch(round.map((body) => ({ body, contentType: "json" as const })));
    total += round.reduce((n, m) => n + m.rows.length, 0);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = (await catalogOf(dispatchEnv, tenantId).parts()).reduce((n, p) => n + p.rows, 0);
      if (rows === total) break;
      if (Date.now() > deadline) expect.fail(`only ${rows} of ${total} rows catalogued`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** The trainer: accepts every job and keeps its spec (an external party, like the webhook receiver). */
function trainerStandIn(): Spec[] {
  const specs: Spec[] = [];
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!url.startsWith(`${TRAINER_URL}/jobs`)) return realFetch(input, init);
    specs.push(JSON.parse(String(init?.body)) as Spec);
    return new Response(null, { status: 202 });
  });
  return specs;
}
afterEach(() => vi.restoreAllMocks());

type Row = { interaction_id: string; timestamp: bigint };

/** Downloads a spec's files as the trainer does (signed URLs, through the dispatcher's routes). */
async function download(spec: Spec): Promise<{ path: string; rows: Row[] }[]> {
  return Promise.all(
    spec.data.files.map(async (f) => {
      const url = new URL(f.url);
      const res = await request(url.pathname + url.search);
      expect(res.status, url.pathname).toBe(200);
      const rows = (await parquetReadObjects({ file: await res.arrayBuffer() })) as Row[];
      expect(rows.length).toBe(f.row_count);
      return { path: url.pathname, rows };
    }),
  );
}

const objectsUnder = async (prefix: string) =>
  (await dispatchEnv.DATA.list({ prefix, limit: 1000 })).objects.map((o) => o.key).sort();

// Hundreds of parts go through the real consumer and merge: seconds, more on a busy machine.
describe("compaction at dispatch", { timeout: 90_000 }, () => {
  it("a backfill of many batches over many days reaches the trainer as one file per day, each row once", async () => {
    const tenant = await createTenant();
    // 1997: a backfill of history. Each batch spans 31 days (one before the job's range).
    const messages = backfill(tenant, 40, "1997-02-28", 31, 3);
    await ingest(tenant, messages);
    const before = await catalogOf(dispatchEnv, tenant).parts();
    // At least one part per round (4) and day (31).
    expect(before.length).toBeGreaterThanOrEqual(4 * 31);
    const outside = before.filter((p) => p.date === "1997-02-28").length;

    const specs = trainerStandIn();
    const j = await createJob(tenant, { start: "1997-03-01", end: "1997-03-30" });
    const env = { ...dispatchEnv, TRAINER_URL };
    expect(await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env)).toMatchObject({
      acked: 1,
      retried: [],
    });
    expect(await job(j.id)).toMatchObject({ status: "running", dispatch_attempts: 1 });
    expect(specs).toHaveLength(1);

    // One file per day of the range, in date order, each a merged file.
    const files = specs[0]!.data.files.map((f) => new URL(f.url).pathname);
    const days = Array.from({ length: 30 }, (_, d) => dateOf(Date.UTC(1997, 2, 1) + d * DAY_MS));
    expect(files.map((p) => p.split("/").at(-2))).toEqual(days);
    for (const p of files) expect(p).toMatch(/\/compact-[0-9a-f]{24}\.parquet$/);

    // Every event of the range exactly once, under its own day.
    const expected = messages.flatMap((m) => m.rows).filter((r) => dateOf(r.ts) >= "1997-03-01");
    const downloaded = await download(specs[0]!);
    const ids = downloaded.flatMap((f) => f.rows.map((r) => r.interaction_id));
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected.map((r) => r.id)));
    for (const f of downloaded) {
      for (const r of f.rows) expect(dateOf(Number(r.timestamp) * 1000)).toBe(f.path.split("/").at(-2));
    }
    expect(specs[0]!.data.files.reduce((n, f) => n + f.row_count, 0)).toBe(expected.length);

    // The merged parts are gone from R2; the day outside the range was left as it was.
    for (const d of days) expect(await objectsUnder(`tenants/${tenant}/training_data/${d}/`)).toHaveLength(1);
    expect(await objectsUnder(`tenants/${tenant}/training_data/1997-02-28/`)).toHaveLength(outside);

    // Idempotent: the days are merged, so another run (a retried dispatch) changes nothing.
    expect(await compactRange(dispatchEnv, tenant, "1997-03-01", "1997-03-30")).toBe(0);
    expect(await catalogOf(dispatchEnv, tenant).parts()).toHaveLength(30 + outside);
  });

  it("beside the scheduled compaction of the same days: each row once, and R2 holds exactly what the catalogue lists", async () => {
    const tenant = await createTenant();
    const messages = backfill(tenant, 24, "1997-06-01", 6, 4);
    await ingest(tenant, messages);
    const j = await createJob(tenant, { start: "1997-06-01", end: "1997-06-06" });
    // The schedule's own code (workers/ingest/src/compaction.ts) on the same catalogue and bucket.
    const scheduled = () => compactTenant(dispatchEnv as unknown as IngestEnv, tenant, 2);
    const atDispatch = () => compactRange(dispatchEnv, tenant, "1997-06-01", "1997-06-06");
    await Promise.all([atDispatch(), scheduled(), atDispatch(), scheduled()]);
    await atDispatch(); // whatever the schedule's size rule left

    const files = await filesInRange(dispatchEnv, (await loadJob(dispatchEnv.DB, j.id))!);
    expect(files.map((f) => f.date)).toEqual([
      "1997-06-01",
      "1997-06-02",
      "1997-06-03",
      "1997-06-04",
      "1997-06-05",
      "1997-06-06",
    ]);
    const ids: string[] = [];
    for (const f of files) {
      const obj = await dispatchEnv.DATA.get(f.key);
      const rows = (await parquetReadObjects({ file: await obj!.arrayBuffer() })) as Row[];
      expect(rows.length).toBe(f.row_count);
      ids.push(...rows.map((r) => r.interaction_id));
    }
    const expected = messages.flatMap((m) => m.rows.map((r) => r.id));
    expect(ids).toHaveLength(expected.length);
    expect(new Set(ids)).toEqual(new Set(expected));
    // No orphaned merge output and no deleted live part: R2 and the catalogue agree.
    expect(await objectsUnder(`tenants/${tenant}/training_data/`)).toEqual(files.map((f) => f.key).sort());
  });

  it("a failed compaction does not hold the job back: the trainer gets the parts as they are", async () => {
    const tenant = await createTenant();
    await ingest(tenant, backfill(tenant, 3, "1997-09-01", 1, 5), 1);
    const specs = trainerStandIn();
    const j = await createJob(tenant, { start: "1997-09-01", end: "1997-09-01" });
    // R2 refuses the merged file: the job goes to the trainer with the three parts.
    const failingPuts = new Proxy(dispatchEnv.DATA, {
      get(target, prop, receiver) {
        if (prop === "put") return () => Promise.reject(new Error("R2 unavailable"));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const env = { ...dispatchEnv, TRAINER_URL, DATA: failingPuts };
    expect(await deliver(TRAINING, [{ job_id: j.id, tenant_id: tenant }], env)).toMatchObject({ acked: 1 });
    expect(specs[0]!.data.files).toHaveLength(3);
    expect((await download(specs[0]!)).flatMap((f) => f.rows)).toHaveLength(15);
  });
});
