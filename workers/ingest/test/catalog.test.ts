import { runDurableObjectAlarm } from "cloudflare:test";
import { parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { compactTenant } from "../src/compaction";
import { createTenant, deliver, events, ingestEnv, message } from "./helpers";

type Catalog = {
  data_version: string;
  partitions: {
    date: string;
    row_count: number;
    size_bytes: number;
    file_size_mb: number;
    files: { key: string; row_count: number; size_bytes: number }[];
  }[];
};

const writer = (t: string) => ingestEnv.CATALOG.get(ingestEnv.CATALOG.idFromName(t));

async function publishedCatalog(t: string): Promise<Catalog> {
  await runDurableObjectAlarm(writer(t));
  await writer(t).publish();
  return (await (await ingestEnv.DATA.get(`tenants/${t}/catalog.json`))!.json()) as Catalog;
}

/** The catalogue must describe exactly the Parquet objects in R2: same keys, bytes and rows. */
async function expectCatalogMatchesR2(t: string, catalog: Catalog) {
  const listed = await ingestEnv.DATA.list({ prefix: `tenants/${t}/training_data/`, include: ["customMetadata"] });
  const inR2 = Object.fromEntries(
    listed.objects.map((o) => [o.key, { bytes: o.size, rows: Number(o.customMetadata?.row_count) }]),
  );
  const catalogued = Object.fromEntries(
    catalog.partitions.flatMap((p) => p.files.map((f) => [f.key, { bytes: f.size_bytes, rows: f.row_count }])),
  );
  expect(catalogued).toEqual(inR2);
  for (const p of catalog.partitions) {
    expect(p.row_count).toBe(p.files.reduce((n, f) => n + f.row_count, 0));
    expect(p.size_bytes).toBe(p.files.reduce((n, f) => n + f.size_bytes, 0));
    expect(p.file_size_mb).toBeCloseTo(p.size_bytes / 1024 / 1024, 5);
  }
}

describe("catalog.json", () => {
  it("loses no part when batches commit concurrently", async () => {
    const t = await createTenant();
    const msgs = Array.from({ length: 8 }, (_, i) =>
      message(t, events(5 + i, i % 2 ? "2026-11-20" : "2026-11-21", i * 100)),
    );
    await Promise.all(msgs.map((m) => deliver([m])));
    const catalog = await publishedCatalog(t);
    expect(catalog.partitions.reduce((n, p) => n + p.row_count, 0)).toBe(msgs.reduce((n, m) => n + m.rows.length, 0));
    expect(catalog.partitions.flatMap((p) => p.files)).toHaveLength(8);
    await expectCatalogMatchesR2(t, catalog);
  });

  it("compaction merges a day's parts, keeps every row, and swaps the files atomically in the catalogue", async () => {
    const t = await createTenant();
    const msgs = Array.from({ length: 5 }, (_, i) => message(t, events(20, "2026-11-22", i * 20)));
    for (const m of msgs) await deliver([m]);
    const before = await publishedCatalog(t);
    expect(before.partitions[0]!.files).toHaveLength(5);

    expect(await compactTenant(ingestEnv, t, 4)).toBe(1);
    const after = await publishedCatalog(t);
    expect(after.partitions).toHaveLength(1);
    expect(after.partitions[0]!.files).toHaveLength(1);
    expect(after.partitions[0]!.files[0]!.key).toMatch(/\/compact-[0-9a-f]{24}\.parquet$/);
    expect(after.partitions[0]!.row_count).toBe(100);
    expect(after.data_version).not.toBe(before.data_version);
    await expectCatalogMatchesR2(t, after);

    const merged = await ingestEnv.DATA.get(after.partitions[0]!.files[0]!.key);
    const rows = (await parquetReadObjects({ file: await merged!.arrayBuffer() })) as {
      interaction_id: string;
      label: number;
    }[];
    expect(new Set(rows.map((r) => r.interaction_id))).toEqual(new Set(msgs.flatMap((m) => m.rows.map((r) => r.id))));

    // A redelivered old message after compaction brings back neither its part nor its file.
    await deliver([msgs[0]!]);
    expect(await writer(t).parts()).toHaveLength(1);
    await expectCatalogMatchesR2(t, await publishedCatalog(t));
  });
});
