import { describe, expect, it } from "vitest";
import { trimUserHistory } from "../src/housekeeping";
import { LABELS } from "@edge-ml/core/ingest/labels";
import type { QueuedInteraction } from "@edge-ml/core/ingest/rows";
import { typeBit } from "@edge-ml/core/recommend/consumed";
import { countRows, createTenant, deliver, events, ingestEnv, message } from "./helpers";

const historyCount = (t: string) => countRows("SELECT count(*) AS n FROM user_history WHERE tenant_id = ?", t);
const popularityEvents = (t: string) =>
  countRows("SELECT coalesce(sum(events), 0) AS n FROM item_popularity WHERE tenant_id = ?", t);
const catalogParts = async (t: string) => ingestEnv.CATALOG.get(ingestEnv.CATALOG.idFromName(t)).parts();

describe("ingest consumer: at-least-once delivery, exactly-once effect", () => {
  it("a failure mid-batch retries only the failed message; redelivering the whole batch stores each row once", async () => {
    const tenant = await createTenant();
    const late = crypto.randomUUID(); // not created yet: its message fails on the foreign key
    const batch = [message(tenant, events(10)), message(late, events(4)), message(tenant, events(6, "2026-11-21"))];

    const first = await deliver(batch);
    expect(first.acked).toEqual([`m0-${batch[0]!.batch_id}`, `m2-${batch[2]!.batch_id}`]);
    expect(first.retried).toEqual([`m1-${batch[1]!.batch_id}`]);
    expect(await historyCount(tenant)).toBe(16);

    // The cause goes away; the runtime redelivers the whole batch (acked messages too).
    await createTenant(late);
    const second = await deliver(batch, ingestEnv, 2);
    expect(second.retried).toEqual([]);
    expect(await historyCount(tenant)).toBe(16);
    expect(await popularityEvents(tenant)).toBe(16);
    expect(await historyCount(late)).toBe(4);
    const parts = await catalogParts(tenant);
    expect(parts.map((p) => p.rows).sort()).toEqual([10, 6].sort());
    expect(parts.reduce((n, p) => n + p.rows, 0)).toBe(16);
  });

  it("a message delivered twice is applied once", async () => {
    const tenant = await createTenant();
    const rows = events(25);
    const msg = message(tenant, rows);
    await deliver([msg]);
    await deliver([msg]);
    await Promise.all([deliver([msg]), deliver([msg])]);
    expect(await historyCount(tenant)).toBe(25);
    expect(await popularityEvents(tenant)).toBe(25);
    expect(await catalogParts(tenant)).toHaveLength(1);
    // The whole-history pairs too: each event's label counted once (user_items).
    expect(await userItems(tenant)).toEqual(expectedPairs(rows));
  });

  it("user_items holds the same pairs whatever order the messages arrive in, and replays change nothing", async () => {
    const a = await createTenant();
    const b = await createTenant();
    // Two messages of the same users and items, one day apart, with dislikes among them.
    const rows = [...events(30, "2026-11-20"), ...events(30, "2026-11-21")].map((r, i) =>
      i % 7 === 3 ? { ...r, t: "dislike" as const } : r,
    );
    const first = rows.slice(0, 30);
    const second = rows.slice(30);
    await deliver([message(a, first)]);
    await deliver([message(a, second)]);
    const late = message(b, first);
    await deliver([message(b, second)]);
    await deliver([late]);
    await deliver([late]);
    expect(await userItems(a)).toEqual(expectedPairs(rows));
    expect(await userItems(b)).toEqual(expectedPairs(rows));
  });

  it("R2 failing after D1 committed: the retry writes the Parquet part without applying D1 again", async () => {
    const tenant = await createTenant();
    const msg = message(tenant, events(8));
    // Fault injection on the real bucket: the first write fails as an R2 outage would.
    let failures = 1;
    const flakyBucket = new Proxy(ingestEnv.DATA, {
      get(target, prop, receiver) {
        if (prop === "put" && failures > 0) {
          return () => {
            failures--;
            return Promise.reject(new Error("R2 unavailable"));
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const first = await deliver([msg], { ...ingestEnv, DATA: flakyBucket });
    expect(first.retried).toHaveLength(1);
    expect(await historyCount(tenant)).toBe(8);
    expect(await catalogParts(tenant)).toHaveLength(0);

    const second = await deliver([msg], ingestEnv, 2);
    expect(second.retried).toEqual([]);
    expect(await historyCount(tenant)).toBe(8);
    expect((await catalogParts(tenant)).map((p) => p.rows)).toEqual([8]);
  });

  it("a message that is not an ingest message is retried (and dead-lettered by the queue after max_retries)", async () => {
    const bogus = { v: 99, kind: "other", tenant_id: "x", batch_id: "y", rows: [] } as never;
    const result = await deliver([bogus]);
    expect(result.retried).toHaveLength(1);
  });

  it("keeps the last 50 events per user once housekeeping has run", async () => {
    const tenant = await createTenant();
    const rows = Array.from({ length: 70 }, (_, i) => ({
      id: crypto.randomUUID(),
      u: "heavy",
      i: `i${i}`,
      t: "view" as const,
      ts: 1_790_000_000_000 + i,
    }));
    await deliver([message(tenant, rows.slice(0, 40))]);
    await deliver([message(tenant, rows.slice(40))]);
    await trimUserHistory(ingestEnv);
    const kept = await ingestEnv.DB.prepare(
      "SELECT item_id FROM user_history WHERE tenant_id = ? AND user_id = 'heavy' ORDER BY ts",
    )
      .bind(tenant)
      .all<{ item_id: string }>();
    expect(kept.results).toHaveLength(50);
    expect(kept.results[0]!.item_id).toBe("i20");
  });
});

type PairRow = { user_id: string; item_id: string; positive: number; latest_is_dislike: number; types: number };

async function userItems(tenantId: string): Promise<PairRow[]> {
  const { results } = await ingestEnv.DB.prepare(
    `SELECT user_id, item_id, round(positive, 6) AS positive, latest_is_dislike, types FROM user_items
     WHERE tenant_id = ? ORDER BY user_id, item_id`,
  )
    .bind(tenantId)
    .all<PairRow>();
  return results;
}

/** The pairs as the trainer merges the same events (core/ml/interactions.ts), computed here from the rows. */
function expectedPairs(rows: QueuedInteraction[]): PairRow[] {
  const pairs = new Map<string, PairRow & { last: number }>();
  for (const r of [...rows].sort((x, y) => x.ts - y.ts)) {
    const k = `${r.u}|${r.i}`;
    const p = pairs.get(k) ?? { user_id: r.u, item_id: r.i, positive: 0, latest_is_dislike: 0, types: 0, last: -1 };
    const label = LABELS[r.t];
    if (label > 0) p.positive += label;
    const ts = Math.floor(r.ts / 1000);
    p.latest_is_dislike = ts > p.last ? (label > 0 ? 0 : 1) : p.latest_is_dislike || (label > 0 ? 0 : 1);
    p.last = ts;
    p.types |= typeBit(r.t);
    pairs.set(k, p);
  }
  return [...pairs.values()]
    .map(({ last: _last, ...p }) => ({ ...p, positive: Math.round(p.positive * 1e6) / 1e6 }))
    .sort((x, y) => (x.user_id + "|" + x.item_id < y.user_id + "|" + y.item_id ? -1 : 1));
}
