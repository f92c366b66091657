import { DurableObject } from "cloudflare:workers";
import type { Batch } from "@edge-ml/core/metrics/accumulator";
import { TenantBound } from "@edge-ml/core/metrics/bounds";
import { COUNTED, MAX_SERIES, type Family } from "@edge-ml/core/metrics/families";

/** An isolate's in-flight count is trusted this long after its last batch (it may have died since). */
export const ACTIVE_FRESH_MS = 60_000;

export type StoredCounter = { family: string; labels: string[]; value: number };
export type StoredHistogram = { family: string; labels: string[]; buckets: number[]; sum: number; count: number };
export type MetricsSnapshot = {
  counters: StoredCounter[];
  histograms: StoredHistogram[];
  /** Requests in flight per service: the fresh isolates' last reports, summed. */
  active: Record<string, number>;
};

const FAMILIES = new Map<string, Family>(Object.values(COUNTED).map((f) => [f.name, f]));

/**
 * The platform's metrics, summed over every isolate of the api worker: one object (named
 * "global"), fed one batch per isolate and METRICS_BATCH_MS at most (recorder.ts), read by
 * GET /metrics.
 * Counters and histograms are sums of the isolates' deltas, kept in this object's SQLite so a
 * restart of the object keeps them (Prometheus counters may reset; these do only when the
 * object's storage is deleted). Bounds: tenants per TenantBound, MAX_SERIES series in all.
 */
export class MetricsObject extends DurableObject<ApiEnv> {
  private readonly tenants: TenantBound;
  private series: number;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS counters (
      family TEXT NOT NULL, labels TEXT NOT NULL, value REAL NOT NULL, PRIMARY KEY (family, labels))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS histograms (
      family TEXT NOT NULL, labels TEXT NOT NULL, buckets TEXT NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL,
      PRIMARY KEY (family, labels))`);
    sql.exec(`CREATE TABLE IF NOT EXISTS active (
      isolate TEXT NOT NULL, service TEXT NOT NULL, value INTEGER NOT NULL, at INTEGER NOT NULL,
      PRIMARY KEY (isolate, service))`);
    sql.exec("CREATE TABLE IF NOT EXISTS tenants (tenant_id TEXT PRIMARY KEY)");
    this.tenants = new TenantBound(
      sql
        .exec<{ tenant_id: string }>("SELECT tenant_id FROM tenants")
        .toArray()
        .map((r) => r.tenant_id),
    );
    this.series =
      Number(sql.exec<{ n: number }>("SELECT count(*) AS n FROM counters").one().n) +
      Number(sql.exec<{ n: number }>("SELECT count(*) AS n FROM histograms").one().n);
  }

  /** Adds one isolate's batch (in one transaction: a batch counts whole or not at all). */
  async record(batch: Batch): Promise<void> {
    const sql = this.ctx.storage.sql;
    const admit = (t: string) => sql.exec("INSERT OR IGNORE INTO tenants (tenant_id) VALUES (?)", t);
    const now = Date.now();
    this.ctx.storage.transactionSync(() => {
      let dropped = 0;
      for (const [name, raw, delta] of batch.counters) {
        const family = FAMILIES.get(name);
        if (!family) continue;
        const labels = JSON.stringify(this.tenants.bound(family, raw, admit));
        const known =
          sql.exec("SELECT 1 FROM counters WHERE family = ? AND labels = ?", name, labels).toArray().length > 0;
        if (!known && !this.roomFor()) {
          dropped += delta;
          continue;
        }
        sql.exec(
          `INSERT INTO counters (family, labels, value) VALUES (?, ?, ?)
           ON CONFLICT (family, labels) DO UPDATE SET value = value + excluded.value`,
          name,
          labels,
          delta,
        );
      }
      for (const [name, raw, buckets, sum, count] of batch.histograms) {
        const family = FAMILIES.get(name);
        if (!family) continue;
        const labels = JSON.stringify(this.tenants.bound(family, raw, admit));
        const old = sql
          .exec<{ buckets: string; sum: number; count: number }>(
            "SELECT buckets, sum, count FROM histograms WHERE family = ? AND labels = ?",
            name,
            labels,
          )
          .toArray()[0];
        if (!old && !this.roomFor()) {
          dropped += count;
          continue;
        }
        const merged = old ? (JSON.parse(old.buckets) as number[]).map((n, i) => n + (buckets[i] ?? 0)) : buckets;
        sql.exec(
          "INSERT OR REPLACE INTO histograms (family, labels, buckets, sum, count) VALUES (?, ?, ?, ?, ?)",
          name,
          labels,
          JSON.stringify(merged),
          (old?.sum ?? 0) + sum,
          (old?.count ?? 0) + count,
        );
      }
      if (dropped > 0) {
        sql.exec(
          `INSERT INTO counters (family, labels, value) VALUES (?, '[]', ?)
           ON CONFLICT (family, labels) DO UPDATE SET value = value + excluded.value`,
          COUNTED.seriesDropped.name,
          dropped,
        );
      }
      for (const [service, value] of Object.entries(batch.active)) {
        sql.exec(
          "INSERT OR REPLACE INTO active (isolate, service, value, at) VALUES (?, ?, ?, ?)",
          batch.isolate,
          service,
          value,
          now,
        );
      }
      sql.exec("DELETE FROM active WHERE at < ?", now - ACTIVE_FRESH_MS);
    });
  }

  /** Everything summed so far, for GET /metrics. */
  async snapshot(): Promise<MetricsSnapshot> {
    const sql = this.ctx.storage.sql;
    const counters = sql
      .exec<{ family: string; labels: string; value: number }>("SELECT family, labels, value FROM counters")
      .toArray()
      .map((r) => ({ family: r.family, labels: JSON.parse(r.labels) as string[], value: r.value }));
    const histograms = sql
      .exec<{ family: string; labels: string; buckets: string; sum: number; count: number }>(
        "SELECT family, labels, buckets, sum, count FROM histograms",
      )
      .toArray()
      .map((r) => ({
        family: r.family,
        labels: JSON.parse(r.labels) as string[],
        buckets: JSON.parse(r.buckets) as number[],
        sum: r.sum,
        count: r.count,
      }));
    const active: Record<string, number> = {};
    for (const r of sql
      .exec<{ service: string; n: number }>(
        "SELECT service, sum(value) AS n FROM active WHERE at >= ? GROUP BY service",
        Date.now() - ACTIVE_FRESH_MS,
      )
      .toArray())
      active[r.service] = Number(r.n);
    return { counters, histograms, active };
  }

  /** Whether one more series may be kept (and counts it). */
  private roomFor(): boolean {
    if (this.series >= MAX_SERIES) return false;
    this.series++;
    return true;
  }
}
