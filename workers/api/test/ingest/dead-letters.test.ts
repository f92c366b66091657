import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import type { DeadLetterList } from "@edge-ml/core/schemas";
import { call, seedTenant } from "../helpers";
import { count, waitFor } from "./ingest-helpers";

// The response type is the api's own schema (core/schemas/ingest.ts), never a copy.
type DeadLetters = z.infer<typeof DeadLetterList>;

describe("dead-letter queue", () => {
  it("a message that keeps failing lands in the DLQ; an admin sees it and replays it once the cause is fixed", async () => {
    // Events for a tenant that does not exist yet fail D1's foreign key on every attempt.
    const tenantId = crypto.randomUUID();
    const batchId = crypto.randomUUID();
    await env.INGEST_QUEUE.send({
      v: 1,
      kind: "interactions",
      tenant_id: tenantId,
      batch_id: batchId,
      rows: [{ id: crypto.randomUUID(), u: "u1", i: "i1", t: "purchase", ts: Date.parse("2026-11-21T08:00:00Z") }],
    });
    await waitFor(
      () => count("SELECT count(*) AS n FROM dead_letters WHERE tenant_id = ?", tenantId),
      (n) => n === 1,
      30_000,
    );

    const t = await seedTenant("dlq", "active", "pro", tenantId);
    const list = (await (await call("/api/v1/admin/dead-letters", { token: t.adminKey })).json()) as DeadLetters;
    expect(list.total).toBe(1);
    // The schema leaves a dead letter's body opaque; this one is the interactions batch sent above.
    expect((list.dead_letters[0]!.body as { tenant_id: string }).tenant_id).toBe(tenantId);
    expect(list.dead_letters[0]!.attempts).toBeGreaterThanOrEqual(1);

    const other = await seedTenant("dlq-other");
    const hidden = (await (await call("/api/v1/admin/dead-letters", { token: other.adminKey })).json()) as DeadLetters;
    expect(hidden.total).toBe(0);
    const id = list.dead_letters[0]!.id;
    expect(
      (await call(`/api/v1/admin/dead-letters/${id}/replay`, { method: "POST", token: other.adminKey })).status,
    ).toBe(404);

    const replay = await call(`/api/v1/admin/dead-letters/${id}/replay`, { method: "POST", token: t.adminKey });
    expect(replay.status).toBe(202);
    await waitFor(
      () => count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", tenantId),
      (n) => n === 1,
    );
    // Replaying again changes nothing: the batch is applied once.
    await call(`/api/v1/admin/dead-letters/${id}/replay`, { method: "POST", token: t.adminKey });
    await new Promise((r) => setTimeout(r, 800));
    expect(await count("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", tenantId)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM ingest_batches WHERE batch_id = ?", batchId)).toBe(1);
    // The test's own limit covers its waits (30 s for the retries to reach the DLQ): the default
    // 5 s cut it off on a loaded machine in CI while the queue was still retrying.
  }, 60_000);
});
