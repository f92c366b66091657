import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { describe, expect, it } from "vitest";
import { writeEventsParquet } from "../ingest/parquet";
import type { QueuedInteraction } from "../ingest/rows";
import { writeParquet } from "../parquet/writer";

/** Our writer's files, read back by hyparquet (a reader we did not write); DuckDB reads them in the e2e test. */
const read = (bytes: Uint8Array) =>
  parquetReadObjects({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
  });

describe("Parquet writer", () => {
  it("round-trips strings (dictionary and plain), int64 and float columns, edge values included", async () => {
    const n = 300;
    const names = ["", "é ü 中文 🚀", "x".repeat(1000), "a", "b"];
    const bytes = writeParquet({
      schema: [
        { name: "few", type: "BYTE_ARRAY", convertedType: "UTF8" },
        { name: "unique", type: "BYTE_ARRAY", convertedType: "UTF8" },
        { name: "big", type: "INT64" },
        { name: "f", type: "FLOAT" },
      ],
      columns: [
        { path: ["few"], type: "string", values: Array.from({ length: n }, (_, i) => names[i % names.length]!) },
        { path: ["unique"], type: "string", values: Array.from({ length: n }, (_, i) => `id-${i}`) },
        { path: ["big"], type: "int64", values: Array.from({ length: n }, (_, i) => (i % 2 ? 2 ** 53 - 1 - i : -i)) },
        { path: ["f"], type: "float", values: Array.from({ length: n }, (_, i) => i / 4) },
      ],
    });
    const rows = (await read(bytes)) as { few: string; unique: string; big: bigint; f: number }[];
    expect(rows).toHaveLength(n);
    rows.forEach((r, i) => {
      expect(r.few).toBe(names[i % names.length]);
      expect(r.unique).toBe(`id-${i}`);
      expect(r.big).toBe(BigInt(i % 2 ? 2 ** 53 - 1 - i : -i));
      expect(r.f).toBe(i / 4);
    });
  });

  it("writes the training schema from queued events, with one value or many", async () => {
    for (const n of [1, 9, 257]) {
      const events: QueuedInteraction[] = Array.from({ length: n }, (_, i) => ({
        id: `evt-${i}`,
        u: `u${i % 3}`,
        i: `i${i % 5}`,
        t: i % 2 ? "purchase" : "dislike",
        ts: 1_795_132_800_000 + i * 1000,
        ...(i % 4 === 0 ? { ctx: { device_type: "mobile" } } : {}),
      }));
      const bytes = writeEventsParquet(events);
      const meta = parquetMetadata(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      );
      expect(Number(meta.num_rows)).toBe(n);
      const rows = (await read(bytes)) as Record<string, unknown>[];
      rows.forEach((r, i) => {
        expect(r).toEqual({
          interaction_id: `evt-${i}`,
          user_id: `u${i % 3}`,
          item_id: `i${i % 5}`,
          interaction_type: i % 2 ? "purchase" : "dislike",
          timestamp: BigInt(1_795_132_800 + i),
          label: i % 2 ? 1 : 0,
          features: {
            user_features: {},
            item_features: {},
            context_features: i % 4 === 0 ? { device_type: "mobile" } : {},
          },
        });
      });
    }
  });
});
