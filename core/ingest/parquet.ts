import { writeParquet, type SchemaNode } from "../parquet/writer";
import { LABELS } from "./labels";
import type { QueuedInteraction } from "./rows";

/**
 * Training data files, schema of platform-api.md section 3:
 * user_id, item_id, interaction_type (strings), timestamp (int64 unix seconds), label
 * (float), features (struct of user_features, item_features, context_features as JSON).
 * Plus interaction_id, to trace a row back to its event.
 */
export const TRAINING_SCHEMA_VERSION = "1.0";

const SCHEMA: SchemaNode[] = [
  { name: "interaction_id", type: "BYTE_ARRAY", convertedType: "UTF8" },
  { name: "user_id", type: "BYTE_ARRAY", convertedType: "UTF8" },
  { name: "item_id", type: "BYTE_ARRAY", convertedType: "UTF8" },
  { name: "interaction_type", type: "BYTE_ARRAY", convertedType: "UTF8" },
  { name: "timestamp", type: "INT64" },
  { name: "label", type: "FLOAT" },
  {
    name: "features",
    children: [
      { name: "user_features", type: "BYTE_ARRAY", convertedType: "JSON" },
      { name: "item_features", type: "BYTE_ARRAY", convertedType: "JSON" },
      { name: "context_features", type: "BYTE_ARRAY", convertedType: "JSON" },
    ],
  },
];

export type TrainingRow = {
  interaction_id: string;
  user_id: string;
  item_id: string;
  interaction_type: string;
  timestamp: bigint;
  label: number;
  features: { user_features: object; item_features: object; context_features: object };
};

/**
 * One shared object for every empty feature map: `jsonColumn` encodes each distinct object
 * once, so most rows cost no encoding at all.
 */
const EMPTY: object = Object.freeze({});

/** JSON text of feature maps, encoded once per distinct object (most rows share EMPTY). */
function jsonColumn(values: object[]): string[] {
  const cache = new Map<object, string>();
  return values.map((v) => {
    let text = cache.get(v);
    if (text === undefined) {
      text = JSON.stringify(v);
      cache.set(v, text);
    }
    return text;
  });
}

type Columns = {
  interaction_id: string[];
  user_id: string[];
  item_id: string[];
  interaction_type: string[];
  timestamp: (number | bigint)[];
  label: number[];
  user_features: object[];
  item_features: object[];
  context_features: object[];
};

function write(c: Columns): Uint8Array {
  return writeParquet({
    schema: SCHEMA,
    columns: [
      { path: ["interaction_id"], type: "string", values: c.interaction_id },
      { path: ["user_id"], type: "string", values: c.user_id },
      { path: ["item_id"], type: "string", values: c.item_id },
      { path: ["interaction_type"], type: "string", values: c.interaction_type },
      { path: ["timestamp"], type: "int64", values: c.timestamp },
      { path: ["label"], type: "float", values: c.label },
      { path: ["features", "user_features"], type: "string", values: jsonColumn(c.user_features) },
      { path: ["features", "item_features"], type: "string", values: jsonColumn(c.item_features) },
      { path: ["features", "context_features"], type: "string", values: jsonColumn(c.context_features) },
    ],
    keyValues: { "edge_ml.schema_version": TRAINING_SCHEMA_VERSION },
    createdBy: "edge-ml ingest",
  });
}

/**
 * Queued events straight to a Parquet file, column by column (no per-row objects: the
 * consumer's hot path). core/parquet/writer.ts: dictionary-encoded, uncompressed.
 */
export function writeEventsParquet(events: readonly QueuedInteraction[]): Uint8Array {
  const n = events.length;
  const c: Columns = {
    interaction_id: new Array(n),
    user_id: new Array(n),
    item_id: new Array(n),
    interaction_type: new Array(n),
    timestamp: new Array(n),
    label: new Array(n),
    user_features: new Array(n),
    item_features: new Array(n),
    context_features: new Array(n),
  };
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    c.interaction_id[i] = e.id;
    c.user_id[i] = e.u;
    c.item_id[i] = e.i;
    c.interaction_type[i] = e.t;
    c.timestamp[i] = Math.floor(e.ts / 1000);
    c.label[i] = LABELS[e.t];
    c.user_features[i] = EMPTY;
    c.item_features[i] = e.md ?? EMPTY;
    c.context_features[i] = e.ctx ?? EMPTY;
  }
  return write(c);
}

/** Rows read back from training files (compaction) to one Parquet file. */
export function writeTrainingParquet(rows: readonly TrainingRow[]): Uint8Array {
  return write({
    interaction_id: rows.map((r) => r.interaction_id),
    user_id: rows.map((r) => r.user_id),
    item_id: rows.map((r) => r.item_id),
    interaction_type: rows.map((r) => r.interaction_type),
    timestamp: rows.map((r) => r.timestamp),
    label: rows.map((r) => r.label),
    user_features: rows.map((r) => r.features.user_features),
    item_features: rows.map((r) => r.features.item_features),
    context_features: rows.map((r) => r.features.context_features),
  });
}

/** UTC date of an event, the partition it belongs to. */
export function partitionDate(tsMs: number): string {
  return new Date(tsMs).toISOString().slice(0, 10);
}
