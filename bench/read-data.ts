/**
 * bench/read-data: how long the trainer takes to read a job's training data, the new reader
 * (trainer/src/read-data.ts: CONCURRENT_DOWNLOADS files in flight, four columns decoded as
 * arrays) against the old one (trainer/src/job.ts before it: one file after the other, rows
 * read as objects, then copied), in the same run on the same files.
 *
 * The data: a 1M-event synthetic set (core/ml/synthetic.ts; 10k users, 5k items, 90 days),
 * written with the ingest writer (core/ingest/parquet.ts) in two layouts:
 *   - one file per UTC day, as compaction at dispatch leaves a job's days;
 *   - BENCH_PARTS_PER_DAY parts per day (default 28, about the 2,464 parts of the backfill
 *     that prompted the compaction), as the trainer got them before.
 * Files are served over HTTP from 127.0.0.1 (random port), each answer held back
 * BENCH_LATENCY_MS (default 0; the dispatcher streams from R2, so a deployed trainer waits
 * some milliseconds per file). Each reader runs BENCH_RUNS times per layout (default 5,
 * alternating which goes first); the table has the median and the fastest. The two readers'
 * rows are compared value for value, and a failed download's sentence too.
 * Run: npx tsx bench/read-data.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import { parquetReadObjects } from "hyparquet";
import { writeEventsParquet } from "../core/ingest/parquet";
import type { QueuedInteraction } from "../core/ingest/rows";
import type { TrainingTriple } from "../core/ml/interactions";
import { syntheticInteractions, type SyntheticData } from "../core/ml/synthetic";
import { CONCURRENT_DOWNLOADS, readRows, type DataFile } from "../trainer/src/read-data";
import { summarize, table } from "./lib/stats";
import { eventsByDay, interactionType } from "./lib/training-files";

const EVENTS = 1_000_000;
const PARTS_PER_DAY = Number(process.env.BENCH_PARTS_PER_DAY ?? 28);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

// --- the old reader, as trainer/src/job.ts had it (the baseline) ----------------------------

async function downloadOld(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
  if (!res.ok) {
    const path = new URL(url).pathname;
    throw new Error(
      `could not read training data ${path.slice(path.indexOf("/data/") + 6)}: HTTP ${res.status} ${(await res.text()).slice(0, 200)}`,
    );
  }
  return res.arrayBuffer();
}

async function readRowsOld(files: readonly DataFile[]): Promise<TrainingTriple[]> {
  const rows: TrainingTriple[] = [];
  for (const f of files) {
    const file = await downloadOld(f.url);
    const part = (await parquetReadObjects({ file, columns: ["user_id", "item_id", "label", "timestamp"] })) as {
      user_id: string;
      item_id: string;
      label: number;
      timestamp: bigint | number;
    }[];
    for (const r of part) rows.push({ user_id: r.user_id, item_id: r.item_id, label: r.label, timestamp: r.timestamp });
  }
  return rows;
}

// --- the files ---------------------------------------------------------------------------------

/** `parts` files per UTC day (contiguous slices of the day's events), at the dispatcher's URL paths. */
function writeFiles(data: SyntheticData, parts: number): Map<string, Uint8Array> {
  const byDay = eventsByDay(data);
  const files = new Map<string, Uint8Array>();
  for (const date of [...byDay.keys()].sort()) {
    const events = byDay.get(date)!;
    const size = Math.ceil(events.length / parts);
    for (let p = 0; p * size < events.length; p++) {
      const rows: QueuedInteraction[] = events.slice(p * size, (p + 1) * size).map((e) => ({
        id: `00000000-0000-4000-8000-${e.toString(16).padStart(12, "0")}`,
        u: `u${data.users[e]}`,
        i: `i${data.items[e]}`,
        t: interactionType(data.labels[e]!),
        ts: data.timestamps[e]! * 1000,
      }));
      files.set(
        `/trainer/jobs/bench/data/${date}/part-${String(p).padStart(4, "0")}.parquet`,
        writeEventsParquet(rows),
      );
    }
  }
  return files;
}

async function serve(files: ReadonlyMap<string, Uint8Array>): Promise<{ base: string; close: () => void }> {
  const server = createServer((req, res) => {
    const body = files.get(new URL(req.url ?? "/", "http://x").pathname);
    setTimeout(() => {
      if (!body) res.writeHead(404, { "content-type": "text/plain" }).end("no such file for this job");
      else res.writeHead(200, { "content-type": "application/vnd.apache.parquet" }).end(body);
    }, LATENCY_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

// --- checks and timing -------------------------------------------------------------------------

function expectSameRows(a: TrainingTriple[], b: TrainingTriple[]): void {
  if (a.length !== b.length) throw new Error(`row counts differ: ${a.length} vs ${b.length}`);
  for (let r = 0; r < a.length; r++) {
    const x = a[r]!;
    const y = b[r]!;
    if (x.user_id !== y.user_id || x.item_id !== y.item_id || x.label !== y.label || x.timestamp !== y.timestamp) {
      throw new Error(`row ${r} differs: ${JSON.stringify([x, y], (_, v) => (typeof v === "bigint" ? `${v}n` : v))}`);
    }
  }
}

async function errorOf(read: () => Promise<unknown>): Promise<string> {
  try {
    await read();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("the read of a missing file succeeded");
}

type Reader = { name: string; read: (files: readonly DataFile[]) => Promise<TrainingTriple[]> };
const READERS: Reader[] = [
  { name: "old: sequential, rows as objects", read: readRowsOld },
  { name: `new: ${CONCURRENT_DOWNLOADS} at once, columns`, read: readRows },
];

async function measure(layout: string, files: Map<string, Uint8Array>) {
  const server = await serve(files);
  const list: DataFile[] = [...files].map(([p, bytes]) => ({
    url: `${server.base}${p}?exp=0&sig=bench`,
    row_count: 0,
    size_bytes: bytes.byteLength,
  }));
  const mb = list.reduce((n, f) => n + f.size_bytes, 0) / 1024 / 1024;
  const seconds: number[][] = READERS.map(() => []);
  let reference: TrainingTriple[] | undefined;
  for (let run = 0; run < RUNS; run++) {
    for (let k = 0; k < READERS.length; k++) {
      const i = (run + k) % READERS.length; // alternate which reader goes first
      globalThis.gc?.();
      const t = performance.now();
      const rows = await READERS[i]!.read(list);
      seconds[i]!.push((performance.now() - t) / 1000);
      if (rows.length !== EVENTS) throw new Error(`${READERS[i]!.name}: ${rows.length} rows, expected ${EVENTS}`);
      if (run === 0) {
        if (reference) expectSameRows(reference, rows);
        else reference = rows;
      }
    }
    reference = undefined; // compared once; not kept alive through the other runs
  }
  const missing = [
    ...list,
    { url: `${server.base}/trainer/jobs/bench/data/1997-01-01/gone.parquet`, row_count: 0, size_bytes: 0 },
  ];
  const [oldError, newError] = [await errorOf(() => readRowsOld(missing)), await errorOf(() => readRows(missing))];
  if (oldError !== newError) throw new Error(`error sentences differ:\n  ${oldError}\n  ${newError}`);
  server.close();
  const base = summarize(seconds[0]!).p50;
  return READERS.map((r, i) => {
    const s = summarize(seconds[i]!);
    return {
      layout,
      files: list.length,
      MiB: Math.round(mb),
      reader: r.name,
      "median s": s.p50,
      "best s": Math.min(...seconds[i]!),
      "Mrows/s": EVENTS / s.p50 / 1e6,
      "vs old": `${(base / s.p50).toFixed(2)}x`,
    };
  });
}

console.log(
  `node ${process.version}, ${os.cpus()[0]?.model ?? "?"} x ${os.cpus().length}; ` +
    `${RUNS} runs per reader and layout, latency ${LATENCY_MS} ms per file`,
);
const data = syntheticInteractions({ nUsers: 10_000, nItems: 5_000, nInteractions: EVENTS, seed: 7 });
const t = performance.now();
const days = writeFiles(data, 1);
const parts = writeFiles(data, PARTS_PER_DAY);
console.log(`wrote ${days.size} day files and ${parts.size} parts in ${((performance.now() - t) / 1000).toFixed(1)} s`);
const results = [...(await measure("one file a day", days)), ...(await measure(`${PARTS_PER_DAY} parts a day`, parts))];
console.log(table(results));
console.log("rows identical (values and order) between the readers; failed-download sentence identical");
