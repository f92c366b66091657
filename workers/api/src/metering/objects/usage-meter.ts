import { DurableObject } from "cloudflare:workers";

export type UsageDelta = {
  day: string;
  apiCalls?: number;
  recommendationsServed?: number;
  itemsIndexed?: number;
  predictions?: number;
  /** Summed latency of `latencyCount` requests (1 when absent and latencyMs is given). */
  latencyMs?: number;
  latencyCount?: number;
};

export type UsageCounters = {
  day: string;
  api_calls: number;
  recommendations_served: number;
  items_indexed: number;
  predictions: number;
  latency_ms_sum: number;
  latency_count: number;
};

const COUNTERS = [
  "api_calls",
  "recommendations_served",
  "items_indexed",
  "predictions",
  "latency_ms_sum",
  "latency_count",
] as const;
/** `col = col + excluded.col` for every counter: the upsert both tables use. */
const ADD_EXCLUDED = COUNTERS.map((c) => `${c} = ${c} + excluded.${c}`).join(", ");

/** Pending counts are flushed to D1 at most this often. */
export const FLUSH_INTERVAL_MS = 30_000;

/**
 * Usage counters of one tenant. Each request adds to a per-day row in this object's own
 * SQLite storage (local, no network); an alarm adds the totals to D1's usage_daily every
 * FLUSH_INTERVAL_MS and subtracts what it wrote, so records that arrive during the flush
 * are kept. GET /api/v1/usage adds `pending()` to D1's rows, so reports are exact at once.
 */
export class UsageMeter extends DurableObject<ApiEnv> {
  private tenantId: string | undefined;
  /** Whether a flush alarm is known to be set: saves a storage read on every record. */
  private alarmSet = false;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS pending (
      day TEXT PRIMARY KEY,
      api_calls INTEGER NOT NULL DEFAULT 0,
      recommendations_served INTEGER NOT NULL DEFAULT 0,
      items_indexed INTEGER NOT NULL DEFAULT 0,
      predictions INTEGER NOT NULL DEFAULT 0,
      latency_ms_sum INTEGER NOT NULL DEFAULT 0,
      latency_count INTEGER NOT NULL DEFAULT 0
    )`);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
    this.tenantId = ctx.storage.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'tenant'").toArray()[0]?.v;
  }

  async record(tenantId: string, delta: UsageDelta): Promise<void> {
    if (this.tenantId === undefined) {
      this.tenantId = tenantId;
      this.ctx.storage.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('tenant', ?)", tenantId);
    }
    const latency = delta.latencyMs === undefined ? 0 : Math.round(delta.latencyMs);
    this.ctx.storage.sql.exec(
      `INSERT INTO pending (day, ${COUNTERS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(day) DO UPDATE SET ${ADD_EXCLUDED}`,
      delta.day,
      delta.apiCalls ?? 0,
      delta.recommendationsServed ?? 0,
      delta.itemsIndexed ?? 0,
      delta.predictions ?? 0,
      latency,
      delta.latencyCount ?? (delta.latencyMs === undefined ? 0 : 1),
    );
    if (!this.alarmSet) {
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + FLUSH_INTERVAL_MS);
      this.alarmSet = true;
    }
  }

  pending(): UsageCounters[] {
    return this.ctx.storage.sql.exec<UsageCounters>("SELECT * FROM pending ORDER BY day").toArray();
  }

  /** Adds pending counts to D1 and subtracts exactly what was written. */
  async flush(): Promise<number> {
    const rows = this.pending();
    if (rows.length === 0 || this.tenantId === undefined) return 0;
    const upsert = this.env.DB.prepare(
      `INSERT INTO usage_daily (tenant_id, day, ${COUNTERS.join(", ")}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(tenant_id, day) DO UPDATE SET ${ADD_EXCLUDED}`,
    );
    const tenantId = this.tenantId;
    await this.env.DB.batch(rows.map((r) => upsert.bind(tenantId, r.day, ...COUNTERS.map((c) => r[c]))));
    const subtract = `UPDATE pending SET ${COUNTERS.map((c) => `${c} = ${c} - ?`).join(", ")} WHERE day = ?`;
    for (const r of rows) this.ctx.storage.sql.exec(subtract, ...COUNTERS.map((c) => r[c]), r.day);
    this.ctx.storage.sql.exec(
      "DELETE FROM pending WHERE api_calls = 0 AND recommendations_served = 0 AND items_indexed = 0 AND predictions = 0 AND latency_count = 0",
    );
    return rows.length;
  }

  override async alarm(): Promise<void> {
    this.alarmSet = false;
    await this.flush();
    if (this.pending().length > 0) {
      await this.ctx.storage.setAlarm(Date.now() + FLUSH_INTERVAL_MS);
      this.alarmSet = true;
    }
  }
}
