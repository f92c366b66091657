import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { IntakeSweeper } from "../../src/ingest/objects/intake-sweeper";
import { call, seedTenant } from "../helpers";
import { catalogRows, count, event, readCatalog, waitFor } from "./ingest-helpers";

/**
 * Durable intake (docs/decisions.md): an accepted batch is in D1 before the 202, so a
 * message the queue never delivers is sent again by an Idempotency-Key replay or by the
 * IntakeSweeper's alarm, and applied once.
 */
afterEach(() => vi.restoreAllMocks());

const history = (t: string) => count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t);
const intake = (t: string) =>
  env.DB.prepare(
    "SELECT batch_id, rows, enqueues, completed_at, payload IS NOT NULL AS has_rows FROM intake_batches WHERE tenant_id = ?",
  )
    .bind(t)
    .all<{ batch_id: string; rows: number; enqueues: number; completed_at: string | null; has_rows: number }>()
    .then((r) => r.results);

/** The queue refuses every send, as a lost message would look from here. A fake of the remote service only. */
const queueDown = () => vi.spyOn(env.INGEST_QUEUE, "sendBatch").mockRejectedValue(new Error("queue unavailable"));

const post = (token: string, path: string, body: unknown, key?: string) =>
  call(path, { method: "POST", token, body, headers: key ? { "idempotency-key": key } : {} });

const sweeper = () => env.INTAKE_SWEEPER.get(env.INTAKE_SWEEPER.idFromName("intake"));

describe("durable intake through the api", () => {
  it("accepts durably while the queue is down; a replay with the same key sends the batch and answers the same body", async () => {
    const t = await seedTenant("intake-replay");
    const body = { tenant_id: t.tenantId, interactions: Array.from({ length: 30 }, (_, i) => event(i)) };
    const down = queueDown();
    const first = await post(t.adminKey, "/internal/data/interactions", body, "crash-1");
    expect(first.status).toBe(202);
    const firstBody = await first.json();
    expect(firstBody).toMatchObject({ accepted: 30, rejected: 0 });
    const [record] = await intake(t.tenantId);
    expect(record).toMatchObject({ rows: 30, enqueues: 1, completed_at: null, has_rows: 1 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await history(t.tenantId)).toBe(0); // the message never left

    down.mockRestore();
    const replay = await post(t.adminKey, "/internal/data/interactions", body, "crash-1");
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    expect(await replay.json()).toEqual(firstBody);
    await waitFor(
      () => intake(t.tenantId),
      (r) => r[0]?.completed_at !== null,
    );
    expect(await history(t.tenantId)).toBe(30);
    expect(
      catalogRows(
        await waitFor(
          () => readCatalog(t.tenantId),
          (c) => catalogRows(c) === 30,
        ),
      ),
    ).toBe(30);

    // A replay of a complete batch sends nothing and changes nothing.
    const again = await post(t.adminKey, "/internal/data/interactions", body, "crash-1");
    expect(await again.json()).toEqual(firstBody);
    await new Promise((r) => setTimeout(r, 700));
    expect((await intake(t.tenantId))[0]).toMatchObject({ enqueues: 2, has_rows: 0 });
    expect(await history(t.tenantId)).toBe(30);
    expect(catalogRows(await readCatalog(t.tenantId))).toBe(30);
  });

  it("the IntakeSweeper's alarm sends a batch whose message was lost once it is due, and keeps itself armed", async () => {
    const t = await seedTenant("intake-sweep");
    const down = queueDown();
    const res = await post(t.adminKey, "/internal/data/interactions", {
      tenant_id: t.tenantId,
      interactions: Array.from({ length: 12 }, (_, i) => event(i)),
    });
    expect(res.status).toBe(202);
    down.mockRestore();
    // Armed by the request (this isolate's first accepted batch, or an earlier one).
    expect(await runInDurableObject(sweeper(), (_i: IntakeSweeper, state) => state.storage.getAlarm())).not.toBeNull();
    // Not due yet (INTAKE_SWEEP_AFTER_SECONDS): the alarm sends nothing.
    expect(await sweeper().sweep()).toBe(0);
    // Time passes: the bound is over.
    await env.DB.prepare("UPDATE intake_batches SET due_at = 0 WHERE tenant_id = ?").bind(t.tenantId).run();
    expect(await runDurableObjectAlarm(sweeper())).toBe(true);
    await waitFor(
      () => history(t.tenantId),
      (n) => n === 12,
    );
    await waitFor(
      () => readCatalog(t.tenantId),
      (c) => catalogRows(c) === 12,
    );
    expect(await runInDurableObject(sweeper(), (_i: IntakeSweeper, state) => state.storage.getAlarm())).not.toBeNull();
    expect((await intake(t.tenantId))[0]).toMatchObject({ enqueues: 2 });
  });

  it("items take the same path: lost while the queue is down, stored by the replay", async () => {
    const t = await seedTenant("intake-items");
    const items = [
      { item_id: "durable-1", title: "Durable boots" },
      { item_id: "durable-2", title: "Durable socks" },
    ];
    const down = queueDown();
    const first = await post(t.adminKey, "/api/v1/items", { items }, "items-1");
    expect(first.status).toBe(202);
    down.mockRestore();
    await new Promise((r) => setTimeout(r, 500));
    expect(await count("SELECT count(*) AS n FROM items WHERE tenant_id = ?", t.tenantId)).toBe(0);
    const replay = await post(t.adminKey, "/api/v1/items", { items }, "items-1");
    expect(replay.headers.get("idempotency-replayed")).toBe("true");
    await waitFor(
      () => count("SELECT count(*) AS n FROM items WHERE tenant_id = ?", t.tenantId),
      (n) => n === 2,
    );
    await waitFor(
      () => intake(t.tenantId),
      (r) => r[0]?.completed_at !== null,
    );
  });
});
