import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { intakeInserts, refOf, type IntakeBatch } from "@edge-ml/core/ingest/intake";
import type { IngestRef, QueuedInteraction } from "@edge-ml/core/ingest/rows";
import worker from "../src/index";
import { deleteCompletedIntake } from "../src/housekeeping";
import { sweepIntake } from "../src/sweep-intake";
import { countRows, createTenant, deliver, events, ingestEnv } from "./helpers";

/**
 * Durable intake (docs/decisions.md): the batch is a D1 record before the api's 202, its
 * message only names it, and the sweep sends again whatever is not complete when due.
 */
const historyCount = (t: string) => countRows("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t);
const popularityEvents = (t: string) =>
  countRows("SELECT coalesce(sum(events), 0) AS n FROM item_popularity WHERE tenant_id = ?", t);
const catalogParts = async (t: string) => ingestEnv.CATALOG.get(ingestEnv.CATALOG.idFromName(t)).parts();
const partRows = async (t: string) => (await catalogParts(t)).reduce((n, p) => n + p.rows, 0);

type IntakeRow = { enqueues: number; completed_at: string | null; payload: string | null; dead_at: string | null };
const intakeRow = (batchId: string) =>
  ingestEnv.DB.prepare("SELECT enqueues, completed_at, payload, dead_at FROM intake_batches WHERE batch_id = ?")
    .bind(batchId)
    .first<IntakeRow>();

/** What the api does before its 202: the batch's record, due `dueInMs` from now. */
async function accept(tenantId: string, rows: QueuedInteraction[], dueInMs = 0): Promise<IngestRef> {
  const batch: IntakeBatch = { kind: "interactions", tenant_id: tenantId, batch_id: crypto.randomUUID(), rows };
  await ingestEnv.DB.batch(intakeInserts(ingestEnv.DB, [batch], undefined, Date.now(), dueInMs));
  return refOf(batch);
}

/** The real queue delivers what the sweep sends to this worker's consumer; wait for its effect. */
async function waitFor(read: () => Promise<unknown>, want: unknown, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await read()) !== want) {
    if (Date.now() > deadline) expect.fail(`timed out; last value ${JSON.stringify(await read())}, want ${want}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("durable intake: lost and unfinished batches are finished by the sweep, exactly once", () => {
  it("a batch whose message was lost (sent durably, never consumed) is sent by the sweep and applied once", async () => {
    const tenant = await createTenant();
    const ref = await accept(tenant, events(40));
    // Its message is lost: nothing delivers it. The sweep finds it due.
    expect(await sweepIntake(ingestEnv)).toBeGreaterThanOrEqual(1);
    await waitFor(() => intakeRow(ref.batch_id).then((r) => r?.completed_at !== null), true);
    expect(await historyCount(tenant)).toBe(40);
    expect(await popularityEvents(tenant)).toBe(40);
    expect(await partRows(tenant)).toBe(40);
    const row = (await intakeRow(ref.batch_id))!;
    expect(row.enqueues).toBe(2);
    expect(row.payload).toBeNull(); // D1 and Parquet hold the rows now

    // A complete batch is not sent again, and the lost message turning up late changes nothing.
    await sweepIntake(ingestEnv, Date.now() + 3600_000);
    expect((await intakeRow(ref.batch_id))!.enqueues).toBe(2);
    const late = await deliver([ref as never]);
    expect(late.acked).toHaveLength(1);
    expect(await historyCount(tenant)).toBe(40);
    expect(await catalogParts(tenant)).toHaveLength(1);
  });

  it("a batch applied to D1 whose Parquet write did not happen is completed by the sweep", async () => {
    const tenant = await createTenant();
    const ref = await accept(tenant, events(12), 60_000);
    // Fault injection on the real bucket: every write fails, as in an R2 outage, and the queue
    // gives up on the message (its retries are spent, or the runtime died before the retry).
    const downBucket = new Proxy(ingestEnv.DATA, {
      get(target, prop, receiver) {
        if (prop === "put") return () => Promise.reject(new Error("R2 unavailable"));
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const first = await deliver([ref as never], { ...ingestEnv, DATA: downBucket });
    expect(first.retried).toHaveLength(1);
    expect(await historyCount(tenant)).toBe(12);
    expect(await catalogParts(tenant)).toHaveLength(0);
    expect((await intakeRow(ref.batch_id))!.completed_at).toBeNull();

    // Not due yet: the sweep leaves it alone. Once due, it sends it and the part is written.
    expect(await sweepIntake(ingestEnv, Date.now() + 1000)).toBe(0);
    await sweepIntake(ingestEnv, Date.now() + 61_000);
    await waitFor(() => partRows(tenant), 12);
    await waitFor(() => intakeRow(ref.batch_id).then((r) => r?.completed_at !== null), true);
    expect(await historyCount(tenant)).toBe(12);
    expect(await popularityEvents(tenant)).toBe(12);
  });

  it("duplicate deliveries of a reference, one after another and at once, apply it once", async () => {
    const tenant = await createTenant();
    const ref = await accept(tenant, events(30, "2026-11-20").concat(events(5, "2026-11-21")), 60_000);
    await deliver([ref as never]);
    await Promise.all([deliver([ref as never]), deliver([ref as never], ingestEnv, 2)]);
    await deliver([ref as never, ref as never]);
    expect(await historyCount(tenant)).toBe(35);
    expect(await popularityEvents(tenant)).toBe(35);
    expect((await catalogParts(tenant)).map((p) => p.rows).sort()).toEqual([30, 5].sort());
  });

  it("a consumer that throws inside its D1 transaction leaves nothing behind, and the batch stays due", async () => {
    const tenant = await createTenant();
    // One row the D1 schema refuses (user_history.item_id NOT NULL): the transaction fails
    // after the statements before it ran, as a crash inside it would.
    const rows = events(9);
    rows[5] = { ...rows[5]!, i: null as never };
    const ref = await accept(tenant, rows, 60_000);
    const result = await deliver([ref as never]);
    expect(result.retried).toHaveLength(1);
    expect(await historyCount(tenant)).toBe(0);
    expect(await popularityEvents(tenant)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM user_items WHERE tenant_id = ?", tenant)).toBe(0);
    expect(await countRows("SELECT count(*) AS n FROM ingest_batches WHERE batch_id = ?", ref.batch_id)).toBe(0);
    expect(await catalogParts(tenant)).toHaveLength(0);
    expect((await intakeRow(ref.batch_id))!.completed_at).toBeNull();
  });

  it("a dead-lettered batch is left to the admin: the sweep stops sending it", async () => {
    const tenant = await createTenant();
    const ref = await accept(tenant, events(3), 0);
    const batch = createMessageBatch<IngestRef>("edge-ml-ingest-dlq", [
      { id: `dl-${ref.batch_id}`, timestamp: new Date(), attempts: 6, body: ref },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<unknown>, ingestEnv, ctx);
    await getQueueResult(batch, ctx);
    expect((await intakeRow(ref.batch_id))!.dead_at).not.toBeNull();
    await sweepIntake(ingestEnv, Date.now() + 3600_000);
    expect((await intakeRow(ref.batch_id))!.enqueues).toBe(1);
  });

  it("a reference naming no intake record fails (and so ends in the dead-letter queue)", async () => {
    const tenant = await createTenant();
    const result = await deliver([{ v: 2, kind: "interactions", tenant_id: tenant, batch_id: "nope" } as never]);
    expect(result.retried).toHaveLength(1);
  });

  it("housekeeping deletes complete records after the replay window and keeps incomplete ones", async () => {
    const tenant = await createTenant();
    const done = await accept(tenant, events(2), 60_000);
    const lost = await accept(tenant, events(2), 60_000);
    await deliver([done as never]);
    expect(await deleteCompletedIntake(ingestEnv)).toBe(0); // inside the window a replay still asks
    await deleteCompletedIntake(ingestEnv, Date.now() + 25 * 3600_000);
    expect(await intakeRow(done.batch_id)).toBeNull();
    expect((await intakeRow(lost.batch_id))!.payload).not.toBeNull();
  });
});
