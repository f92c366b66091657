import { describe, expect, it } from "vitest";
import type { PartFile } from "@edge-ml/core/ingest/catalog";
import { compactParts } from "../../shared/compact-parts";
import { createTenant, deliver, events, ingestEnv, message } from "./helpers";

const writer = (t: string) => ingestEnv.CATALOG.get(ingestEnv.CATALOG.idFromName(t));
const DAY = "2026-11-23";

/** A tenant with `n` parts of 10 rows on DAY, delivered through the real consumer. */
async function tenantWithParts(n: number): Promise<{ t: string; parts: PartFile[] }> {
  const t = await createTenant();
  for (let i = 0; i < n; i++) await deliver([message(t, events(10, DAY, i * 10))]);
  return { t, parts: await writer(t).parts() };
}

/** The bucket with deletes switched off: a run that crashes right after its swap. */
const noDeletes = new Proxy(ingestEnv.DATA, {
  get(target, prop, receiver) {
    if (prop === "delete") return async () => {};
    const value = Reflect.get(target, prop, receiver);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

/** R2 must hold exactly the parts the catalogue lists: nothing orphaned, nothing live deleted. */
async function expectR2MatchesCatalogue(t: string) {
  const listed = await ingestEnv.DATA.list({ prefix: `tenants/${t}/training_data/` });
  const live = await writer(t).parts();
  expect(listed.objects.map((o) => o.key).sort()).toEqual(live.map((p) => p.key).sort());
  for (const o of listed.objects) expect(o.size).toBe(live.find((p) => p.key === o.key)!.bytes);
}

describe("compacting a day beside another compaction of it (schedule and dispatch)", () => {
  it("a run working from a stale list finds its inputs merged and deleted, and leaves nothing", async () => {
    const { t, parts } = await tenantWithParts(4);
    expect(await compactParts(ingestEnv.DATA, writer(t), t, DAY, parts)).toBe(true);
    expect(await compactParts(ingestEnv.DATA, writer(t), t, DAY, parts)).toBe(false);
    const live = await writer(t).parts();
    expect(live.map((p) => p.rows)).toEqual([40]);
    await expectR2MatchesCatalogue(t);
  });

  it("losing the swap with other inputs: the loser deletes its own output and the winner's inputs, not live parts", async () => {
    const { t, parts } = await tenantWithParts(4);
    const sorted = [...parts].sort((a, b) => a.key.localeCompare(b.key));
    // The winner merges three parts and stops before deleting them; the loser had read all four.
    expect(await compactParts(noDeletes, writer(t), t, DAY, sorted.slice(0, 3))).toBe(true);
    expect(await compactParts(ingestEnv.DATA, writer(t), t, DAY, sorted)).toBe(false);
    const live = await writer(t).parts();
    expect(live.map((p) => p.rows).sort()).toEqual([10, 30]);
    expect(live.map((p) => p.key)).toContain(sorted[3]!.key);
    await expectR2MatchesCatalogue(t);
  });

  it("losing the swap with the same inputs: the same name and bytes, so the winner's file stays", async () => {
    const { t, parts } = await tenantWithParts(5);
    expect(await compactParts(noDeletes, writer(t), t, DAY, parts)).toBe(true);
    const [merged] = await writer(t).parts();
    expect(await compactParts(ingestEnv.DATA, writer(t), t, DAY, [...parts].reverse())).toBe(false);
    expect(await writer(t).parts()).toEqual([merged]);
    await expectR2MatchesCatalogue(t);
  });

  it("a catalogued part missing from R2 is an error, not a silent loss of its rows", async () => {
    const { t, parts } = await tenantWithParts(3);
    await ingestEnv.DATA.delete(parts[1]!.key);
    await expect(compactParts(ingestEnv.DATA, writer(t), t, DAY, parts)).rejects.toThrow(
      `catalogued part ${parts[1]!.key} is missing from R2`,
    );
    expect(await writer(t).parts()).toHaveLength(3);
  });
});
