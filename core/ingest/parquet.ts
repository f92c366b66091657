import { parquetWriteBuffer } from "hyparquet-writer";
import { LABELS } from "./labels";
import type { QueuedInteraction } from "./rows";

/**
 * Training data files, schema of platform-api.md section 3:
 * user_id, item_id, interaction_type (strings), timestamp (int64 unix seconds), label
 * (float), features (struct of user_features, item_features, context_features as JSON).
 * Plus interaction_id, so a reader can deduplicate across files.
 */
export const TRAINING_SCHEMA_VERSION = "1.0";

const SCHEMA = [
  { name: "root", num_children: 7 },
  { name: "interaction_id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "user_id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "item_id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "interaction_type", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
  { name: "timestamp", type: "INT64", repetition_type: "REQUIRED" },
  { name: "label", type: "FLOAT", repetition_type: "REQUIRED" },
  { name: "features", repetition_type: "REQUIRED", num_children: 3 },
  { name: "user_features", type: "BYTE_ARRAY", converted_type: "JSON", repetition_type: "REQUIRED" },
  { name: "item_features", type: "BYTE_ARRAY", converted_type: "JSON", repetition_type: "REQUIRED" },
  { name: "context_features", type: "BYTE_ARRAY", converted_type: "JSON", repetition_type: "REQUIRED" },
] as const;

export type TrainingRow = {
  interaction_id: string;
  user_id: string;
  item_id: string;
  interaction_type: string;
  timestamp: bigint;
  label: number;
  features: { user_features: object; item_features: object; context_features: object };
};

export function toTrainingRow(e: QueuedInteraction): TrainingRow {
  return {
    interaction_id: e.id,
    user_id: e.u,
    item_id: e.i,
    interaction_type: e.t,
    timestamp: BigInt(Math.floor(e.ts / 1000)),
    label: LABELS[e.t],
    features: { user_features: {}, item_features: e.md ?? {}, context_features: e.ctx ?? {} },
  };
}

/**
 * Columns in, one Parquet file out (Snappy, one row group per 100k rows). Min/max
 * statistics are kept for `timestamp` only: string statistics cost half the writer's time
 * and no reader prunes on ids (partitions are by date already).
 */
export function writeTrainingParquet(rows: TrainingRow[]): ArrayBuffer {
  const col = <K extends keyof TrainingRow>(k: K) => rows.map((r) => r[k]);
  return parquetWriteBuffer({
    columnData: [
      { name: "interaction_id", data: col("interaction_id") },
      { name: "user_id", data: col("user_id") },
      { name: "item_id", data: col("item_id") },
      { name: "interaction_type", data: col("interaction_type") },
      { name: "timestamp", data: col("timestamp"), statistics: true },
      { name: "label", data: col("label") },
      { name: "features", data: col("features") },
    ],
    schema: SCHEMA as unknown as Parameters<typeof parquetWriteBuffer>[0]["schema"],
    rowGroupSize: 100_000,
    statistics: false,
    kvMetadata: [{ key: "edge_ml.schema_version", value: TRAINING_SCHEMA_VERSION }],
    createdBy: "edge-ml ingest",
  });
}

/** UTC date of an event, the partition it belongs to. */
export function partitionDate(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}
