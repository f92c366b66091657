import { Accumulator, type Batch } from "@edge-ml/core/metrics/accumulator";
import { describeSql } from "@edge-ml/core/metrics/exposition";
import { COUNTED } from "@edge-ml/core/metrics/families";
import { flushWindow } from "../../lib/flush-window";
import { API_SERVICE } from "../../lib/logger";

/**
 * This isolate's metrics between two batches. Recording is an in-memory add; the batch goes
 * to the one Metrics object (metrics-object.ts) at most once per METRICS_BATCH_MS per isolate,
 * from the `waitUntil` of the request that opened the window, so no request waits on it and
 * the object sees about one call per isolate and window whatever the request rate. A batch
 * that grows past FLUSH_SERIES series goes at once. An isolate that dies inside a window loses
 * at most that window's counts (metrics, not billing). Five seconds: a batch is a storage
 * commit (an fsync locally, on workerd's one thread), and a scrape every 15 s or more does not
 * see the difference; GET /metrics sends its own isolate's batch first.
 */
export const METRICS_BATCH_MS = 5000;
const FLUSH_SERIES = 2000;

const acc = new Accumulator();
const metricsWindow = flushWindow(METRICS_BATCH_MS);
let inFlight = 0;
let isolateId: string | undefined;
// Random values may not be made at global scope in Workers: the id is made on first use.
const isolate = () => (isolateId ??= crypto.randomUUID());

export function requestStarted(): void {
  inFlight++;
}

export type FinishedRequest = {
  endpoint: string;
  method: string;
  status: number;
  seconds: number;
  /** The error envelope's code for a 4xx/5xx. */
  errorType?: string;
};

export function requestFinished(r: FinishedRequest): void {
  inFlight = Math.max(0, inFlight - 1);
  acc.count(COUNTED.httpRequests, [API_SERVICE, r.endpoint, r.method, String(r.status)]);
  acc.observe(COUNTED.httpDuration, [API_SERVICE, r.endpoint, r.method], r.seconds);
  if (r.status >= 400) {
    const type = r.errorType ?? (r.status >= 500 ? "server_error" : "client_error");
    acc.count(COUNTED.httpErrors, [API_SERVICE, r.endpoint, type]);
  }
}

/** Statement text -> labels: the code's own SQL, a bounded set, so the map stays small. */
const described = new Map<string, { queryType: string; table: string }>();

export function recordQuery(sql: string, seconds: number): void {
  let d = described.get(sql);
  if (!d) {
    d = describeSql(sql);
    if (described.size < 2000) described.set(sql, d);
  }
  acc.count(COUNTED.dbQueries, [API_SERVICE, d.queryType, d.table]);
  acc.observe(COUNTED.dbDuration, [API_SERVICE, d.queryType, d.table], seconds);
}

export function recordCache(operation: "get" | "set", result: "hit" | "miss" | "stored" | "rejected"): void {
  acc.count(COUNTED.cacheOperations, [API_SERVICE, operation, result]);
}

export function recordEmbeddingCache(tenantId: string, hits: number, misses: number): void {
  if (hits) acc.count(COUNTED.embeddingCache, [tenantId, "hit"], hits);
  if (misses) acc.count(COUNTED.embeddingCache, [tenantId, "miss"], misses);
}

export function recordAnnSearch(tenantId: string, indexSize: string, seconds: number): void {
  acc.observe(COUNTED.annDuration, [tenantId, indexSize], seconds);
}

export function recordRecommendations(tenantId: string, served: number): void {
  acc.observe(COUNTED.recsPerRequest, [tenantId], served);
}

/** Sends this isolate's batch in the background: at once past FLUSH_SERIES, else when the window closes. */
export function scheduleMetricsFlush(
  env: ApiEnv,
  waitUntil: (p: Promise<unknown>) => void,
  onError: (e: unknown) => void,
): void {
  if (acc.size >= FLUSH_SERIES) waitUntil(flushMetrics(env).catch(onError));
  else metricsWindow(() => flushMetrics(env), waitUntil, onError);
}

/** The one Metrics object every isolate reports to. */
export function metricsObject(env: ApiEnv) {
  return env.METRICS.get(env.METRICS.idFromName("global"));
}

/**
 * Sends this isolate's batch now; on failure its counts stay for the next batch. `fromRequest`:
 * sent by a request still in flight (the scrape), which does not count itself as active.
 */
export async function flushMetrics(env: ApiEnv, fromRequest = false): Promise<void> {
  const drained = acc.drain();
  const active = Math.max(0, inFlight - (fromRequest ? 1 : 0));
  const batch: Batch = { isolate: isolate(), active: { [API_SERVICE]: active }, ...drained };
  try {
    await metricsObject(env).record(batch);
  } catch (e) {
    acc.restore(drained);
    throw e;
  }
}
