import { parquetReadObjects } from "hyparquet";
import { sha256Hex } from "../auth";
import type { PartFile } from "./catalog";
import { writeTrainingParquet, type TrainingRow } from "./parquet";

/**
 * The pure half of compacting a day's Parquet parts, shared by the ingest worker's scheduled
 * compaction and the dispatcher's compaction before a training job: which parts to merge,
 * what the merged file is called, and its bytes. The effects (write, catalogue swap, delete)
 * are in workers/shared/compact-parts.ts.
 */

/** One merge reads at most this many bytes of parts (a Worker has 128 MB of memory). */
export const MAX_INPUT_BYTES = 32 * 1024 * 1024;

/**
 * The parts of one day to merge: the smallest first, while they fit in `maxBytes`.
 * `forceTwo` takes the two smallest even when they do not fit, so that big parts still merge
 * on the schedule; a caller that merges a day again and again leaves it off, or its output
 * would be merged with the next part for ever, growing past any memory.
 */
export function pickInputs(parts: readonly PartFile[], maxBytes = MAX_INPUT_BYTES, forceTwo = false): PartFile[] {
  const inputs: PartFile[] = [];
  let bytes = 0;
  for (const p of [...parts].sort((a, b) => a.bytes - b.bytes)) {
    if (bytes + p.bytes > maxBytes && (!forceTwo || inputs.length >= 2)) break;
    inputs.push(p);
    bytes += p.bytes;
  }
  return inputs;
}

/**
 * The merged file's name depends only on its inputs, so two runs that merge the same parts
 * (a retry, or the schedule racing a dispatch) write the same object.
 */
export async function compactedName(inputKeys: readonly string[]): Promise<string> {
  return `compact-${(await sha256Hex([...inputKeys].sort().join("\n"))).slice(0, 24)}`;
}

/**
 * The rows of `files`, in the order given, as one training file. The caller passes the files
 * in key order: the same inputs then give the same bytes, whichever run wrote them last.
 */
export async function mergeParts(files: readonly ArrayBuffer[]): Promise<{ buffer: Uint8Array; rows: number }> {
  const rows: TrainingRow[] = [];
  for (const file of files) {
    // One by one: spreading a part's rows into push() overflows the stack on large parts.
    for (const row of (await parquetReadObjects({ file })) as TrainingRow[]) rows.push(row);
  }
  return { buffer: writeTrainingParquet(rows), rows: rows.length };
}
