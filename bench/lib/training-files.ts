/**
 * For bench/train: the synthetic events as the trainer receives them. Parquet day files in the
 * ingest schema (core/ingest/parquet.ts, one file per UTC day, as catalog.ts partitions them),
 * served over plain HTTP from 127.0.0.1 so that trainer/src/read-data.ts reads them the way it
 * reads the dispatcher's URLs.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { InteractionTypeName } from "../../core/ingest/labels";
import { LABELS } from "../../core/ingest/labels";
import { partitionDate, writeEventsParquet } from "../../core/ingest/parquet";
import type { QueuedInteraction } from "../../core/ingest/rows";
import type { SyntheticData } from "../../core/ml/synthetic";

export type DayFile = { date: string; bytes: Uint8Array; rows: number };

/**
 * synthetic.ts draws each label from LABELS (as float32), so every label names exactly one
 * interaction type; the Parquet file then holds LABELS[type], the same value.
 */
const TYPE_OF = new Map<number, InteractionTypeName>(
  (Object.entries(LABELS) as [InteractionTypeName, number][]).map(([type, label]) => [Math.fround(label), type]),
);

export function interactionType(label: number): InteractionTypeName {
  const type = TYPE_OF.get(Math.fround(label));
  if (type === undefined) throw new RangeError(`label ${label} is not one of LABELS`);
  return type;
}

/**
 * One Parquet file per UTC day of the events' timestamps, days ascending, events within a day
 * in generation order. Ids: user `u<index>`, item `i<index>`, event a UUID-shaped string made
 * from the event's index (deterministic, and as long as the ingest path's random UUIDs).
 */
export function writeDayFiles(data: SyntheticData): DayFile[] {
  const byDay = eventsByDay(data);
  const out: DayFile[] = [];
  for (const date of [...byDay.keys()].sort()) {
    const rows: QueuedInteraction[] = byDay.get(date)!.map((e) => ({
      id: `00000000-0000-4000-8000-${e.toString(16).padStart(12, "0")}`,
      u: `u${data.users[e]}`,
      i: `i${data.items[e]}`,
      t: interactionType(data.labels[e]!),
      ts: data.timestamps[e]! * 1000,
    }));
    out.push({ date, bytes: writeEventsParquet(rows), rows: rows.length });
  }
  return out;
}

export type FileServer = { baseUrl: string; close: () => Promise<void> };

/** Serves `files` (path -> bytes) on 127.0.0.1 at a random port: GET and HEAD, whole files or one byte range. */
export async function serveFiles(files: ReadonlyMap<string, Uint8Array>): Promise<FileServer> {
  const server = createServer((req, res) => {
    const body = files.get(new URL(req.url ?? "/", "http://x").pathname);
    if (!body || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(body ? 405 : 404, { "content-type": "text/plain" }).end(body ? "method not allowed" : "not found");
      return;
    }
    let start = 0;
    let end = body.length; // exclusive
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? "");
    if (range && (range[1] || range[2])) {
      if (range[1]) {
        start = Number(range[1]);
        if (range[2]) end = Math.min(body.length, Number(range[2]) + 1);
      } else start = Math.max(0, body.length - Number(range[2]));
      if (start >= end) {
        res.writeHead(416, { "content-range": `bytes */${body.length}` }).end();
        return;
      }
    }
    const headers = {
      "content-type": "application/octet-stream",
      "content-length": String(end - start),
      "accept-ranges": "bytes",
      ...(range ? { "content-range": `bytes ${start}-${end - 1}/${body.length}` } : {}),
    };
    res.writeHead(range ? 206 : 200, headers);
    res.end(req.method === "HEAD" ? undefined : body.subarray(start, end));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections(); // fetch keeps connections alive; close() alone would wait for them
      }),
  };
}

/** The synthetic events' indices per UTC day of their timestamps (unix seconds), in generation order. */
export function eventsByDay(data: SyntheticData): Map<string, number[]> {
  const byDay = new Map<string, number[]>();
  for (let e = 0; e < data.users.length; e++) {
    const date = partitionDate(data.timestamps[e]! * 1000);
    let list = byDay.get(date);
    if (!list) byDay.set(date, (list = []));
    list.push(e);
  }
  return byDay;
}
