import { parquetMetadata, parquetRead, type ColumnData, type DecodedArray } from "hyparquet";
import type { TrainingTriple } from "@edge-ml/core/ml/interactions";
import type { JobSpecFile } from "@edge-ml/core/training/contract";
import { decodeLabelledParquet, type StoredLabelledRow } from "@edge-ml/core/classify";

/** One entry of the job spec's `data.files` (docs/trainer-contract.md section 1). */
export type DataFile = JobSpecFile;

/**
 * Files downloaded at once. A few overlap the network with parsing (one file is parsed while
 * the next ones arrive) without holding many files in memory or crowding the dispatcher,
 * which streams each from R2.
 */
export const CONCURRENT_DOWNLOADS = 4;

/** A download that has not finished by then fails the job rather than hang it. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

export async function download(url: string, signal?: AbortSignal): Promise<ArrayBuffer> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  const res = await fetch(url, { signal: signal ? AbortSignal.any([timeout, signal]) : timeout });
  if (!res.ok) {
    const path = new URL(url).pathname;
    throw new Error(
      `could not read training data ${path.slice(path.indexOf("/data/") + 6)}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
    );
  }
  return res.arrayBuffer();
}

const COLUMNS = ["user_id", "item_id", "label", "timestamp"] as const;
type Column = (typeof COLUMNS)[number];

/**
 * One file's rows. Only the four columns training uses are decoded, each into whole arrays
 * (strings come out of the dictionary shared, labels as a Float32Array); the only per-row
 * allocation is the triple itself, where reading rows as objects made one more per row.
 */
async function triplesOf(file: ArrayBuffer): Promise<TrainingTriple[]> {
  const metadata = parquetMetadata(file);
  const n = Number(metadata.num_rows);
  const chunks = new Map<string, ColumnData[]>(COLUMNS.map((c) => [c, []]));
  // parquetRead calls onChunk for every chunk before it resolves.
  await parquetRead({ file, metadata, columns: [...COLUMNS], onChunk: (c) => chunks.get(c.columnName)?.push(c) });
  const column = (name: Column): ArrayLike<unknown> => joined(chunks.get(name)!, n, name);
  const users = column("user_id");
  const items = column("item_id");
  const labels = column("label");
  const timestamps = column("timestamp");
  const rows: TrainingTriple[] = new Array(n);
  for (let r = 0; r < n; r++) {
    rows[r] = {
      user_id: users[r] as string,
      item_id: items[r] as string,
      label: labels[r] as number,
      timestamp: timestamps[r] as bigint | number,
    };
  }
  return rows;
}

/** A column's chunks (one per row group and page run) as one array of n values. */
function joined(chunks: ColumnData[], n: number, name: string): ArrayLike<unknown> {
  const only = chunks[0];
  if (chunks.length === 1 && only!.rowStart === 0 && only!.columnData.length === n) return only!.columnData;
  const values: unknown[] = new Array(n);
  let filled = 0;
  for (const { columnData, rowStart } of chunks) {
    const data = columnData as DecodedArray & ArrayLike<unknown>;
    for (let k = 0; k < data.length && rowStart + k < n; k++) values[rowStart + k] = data[k];
    filled += Math.min(data.length, n - rowStart);
  }
  if (filled !== n) throw new Error(`training data column ${name} holds ${filled} values for ${n} rows`);
  return values;
}

/**
 * Every file's parsed rows, in the order of the files and of the rows within each: what reading
 * them one after another gives, with up to CONCURRENT_DOWNLOADS files in flight. The first
 * failed download fails the whole read (with its sentence) and cancels the others.
 */
async function readFiles<T>(files: readonly DataFile[], parse: (file: ArrayBuffer) => Promise<T[]>): Promise<T[]> {
  const parts: T[][] = new Array(files.length);
  const abort = new AbortController();
  let next = 0;
  const lane = async () => {
    while (next < files.length && !abort.signal.aborted) {
      const i = next++;
      parts[i] = await parse(await download(files[i]!.url, abort.signal));
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_DOWNLOADS, files.length) }, lane));
  } catch (e) {
    abort.abort();
    throw e;
  }
  const rows: T[] = [];
  // One by one: spreading a large part into push() overflows the stack.
  for (const part of parts) for (const row of part) rows.push(row);
  return rows;
}

/** The event rows of a recommender job's files. */
export function readRows(files: readonly DataFile[]): Promise<TrainingTriple[]> {
  return readFiles(files, triplesOf);
}

/** The labelled rows of a classifier job's files (core/classify/rows.ts wrote them). */
export function readLabelledRows(files: readonly DataFile[]): Promise<StoredLabelledRow[]> {
  return readFiles(files, (file) => decodeLabelledParquet(file));
}
