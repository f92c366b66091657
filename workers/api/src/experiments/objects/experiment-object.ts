import { DurableObject } from "cloudflare:workers";
import { verdict, type Verdict, type VerdictInput, type VariantAggregate } from "@edge-ml/core/experiments/verdict";

/**
 * An interaction counts for the user's variant when it happens at or after the user's
 * first exposure and at most this long after the latest one (docs/decisions.md).
 */
export const ATTRIBUTION_WINDOW_MS = 24 * 3_600_000;

export type Exposure = { userId: string; variant: string; atMs: number };
export type Attributable = { userId: string; type: string; atMs: number; revenue: number };
/** Where a new user's pre-experiment covariate comes from (CUPED): their D1 history before `beforeMs`. */
export type CovariateSource = { tenantId: string; beforeMs: number };
/** CUPED's covariate: the user's interactions in this long before the experiment started. */
export const PRE_PERIOD_MS = 14 * 86_400_000;

/** A variant's aggregates as the object keeps them: the verdict's, counts, and CUPED's sums (x: pre-period interactions). */
export type ObjectAggregate = VariantAggregate & {
  exposures: number;
  clicks: number;
  conversions: number;
  covariateUsers: number;
  sumX: number;
  sumX2: number;
  sumXYClick: number;
  sumXYRevenue: number;
};

/**
 * One experiment's state (one object per tenant and experiment, SQLite storage, RPC): the
 * sticky assignment of every exposed user, each user's attributed outcome, and per-variant
 * aggregates kept up to date on every write, so results read a handful of rows however
 * many events there were. Everything lives in storage, so a restarted object answers the
 * same assignments.
 */
export class ExperimentObject extends DurableObject<ApiEnv> {
  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS assignments (
      user_id TEXT PRIMARY KEY, variant TEXT NOT NULL, first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,
      exposures INTEGER NOT NULL, clicked INTEGER NOT NULL DEFAULT 0, converted INTEGER NOT NULL DEFAULT 0,
      revenue REAL NOT NULL DEFAULT 0, pre REAL)`);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS aggregates (
      variant TEXT PRIMARY KEY, users INTEGER NOT NULL DEFAULT 0, exposures INTEGER NOT NULL DEFAULT 0,
      clickers INTEGER NOT NULL DEFAULT 0, converters INTEGER NOT NULL DEFAULT 0, clicks INTEGER NOT NULL DEFAULT 0,
      conversions INTEGER NOT NULL DEFAULT 0, revenue REAL NOT NULL DEFAULT 0, revenue_sq REAL NOT NULL DEFAULT 0,
      covariate_users INTEGER NOT NULL DEFAULT 0, sum_x REAL NOT NULL DEFAULT 0, sum_x2 REAL NOT NULL DEFAULT 0,
      sum_xy_click REAL NOT NULL DEFAULT 0, sum_xy_revenue REAL NOT NULL DEFAULT 0)`);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
  }

  /**
   * Records exposures and returns each user's sticky variant: the one stored at their first
   * exposure, whatever variant the caller computed now (a split change moves nobody already in).
   */
  async expose(exposures: Exposure[], covariate?: CovariateSource): Promise<string[]> {
    const fresh: string[] = [];
    const variants = this.recordExposures(exposures, fresh);
    if (covariate && fresh.length > 0) await this.recordCovariates(fresh, covariate);
    return variants;
  }

  private recordExposures(exposures: Exposure[], fresh: string[]): string[] {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() =>
      exposures.map((e) => {
        const row = sql
          .exec<{ variant: string }>("SELECT variant FROM assignments WHERE user_id = ?", e.userId)
          .toArray()[0];
        if (row) {
          sql.exec(
            "UPDATE assignments SET last_ms = MAX(last_ms, ?), exposures = exposures + 1 WHERE user_id = ?",
            e.atMs,
            e.userId,
          );
          sql.exec("UPDATE aggregates SET exposures = exposures + 1 WHERE variant = ?", row.variant);
          return row.variant;
        }
        fresh.push(e.userId);
        sql.exec(
          "INSERT INTO assignments (user_id, variant, first_ms, last_ms, exposures) VALUES (?, ?, ?, ?, 1)",
          e.userId,
          e.variant,
          e.atMs,
          e.atMs,
        );
        sql.exec(
          `INSERT INTO aggregates (variant, users, exposures) VALUES (?, 1, 1)
           ON CONFLICT(variant) DO UPDATE SET users = users + 1, exposures = exposures + 1`,
          e.variant,
        );
        return e.variant;
      }),
    );
  }

  /**
   * CUPED's covariate x of newly exposed users: their interactions in the PRE_PERIOD_MS before
   * the experiment started, one indexed D1 count each. Outcomes attributed before x arrived
   * are folded in when it does (Σxy gains x times the user's outcome so far), so the sums
   * stay exact whatever the order.
   */
  private async recordCovariates(users: string[], source: CovariateSource): Promise<void> {
    const counts = await this.env.DB.batch(
      users.map((u) =>
        this.env.DB.prepare(
          "SELECT count(*) AS n FROM user_history WHERE tenant_id = ?1 AND user_id = ?2 AND ts >= ?3 AND ts < ?4",
        ).bind(source.tenantId, u, source.beforeMs - PRE_PERIOD_MS, source.beforeMs),
      ),
    );
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      users.forEach((u, i) => {
        const x = Number((counts[i]?.results[0] as { n: number } | undefined)?.n ?? 0);
        const row = sql
          .exec<{ variant: string; clicked: number; revenue: number; pre: number | null }>(
            "SELECT variant, clicked, revenue, pre FROM assignments WHERE user_id = ?",
            u,
          )
          .toArray()[0];
        if (!row || row.pre !== null) return;
        sql.exec("UPDATE assignments SET pre = ? WHERE user_id = ?", x, u);
        sql.exec(
          `UPDATE aggregates SET covariate_users = covariate_users + 1, sum_x = sum_x + ?, sum_x2 = sum_x2 + ?,
           sum_xy_click = sum_xy_click + ?, sum_xy_revenue = sum_xy_revenue + ? WHERE variant = ?`,
          x,
          x * x,
          x * row.clicked,
          x * row.revenue,
          row.variant,
        );
      });
    });
  }

  /** The stored variant of a user, if exposed. */
  async stickyVariant(userId: string): Promise<string | undefined> {
    return this.ctx.storage.sql
      .exec<{ variant: string }>("SELECT variant FROM assignments WHERE user_id = ?", userId)
      .toArray()[0]?.variant;
  }

  /**
   * Attributes interactions to exposed users: a click marks the user a clicker, a purchase a
   * converter and adds its revenue; the aggregates change by the user's change (a second
   * click adds a click, not a clicker; revenue² moves from r² to (r + δ)²). Returns how many counted.
   */
  async attribute(events: Attributable[]): Promise<number> {
    const sql = this.ctx.storage.sql;
    return this.ctx.storage.transactionSync(() => {
      let counted = 0;
      for (const e of events) {
        if (e.type !== "click" && e.type !== "purchase") continue;
        const u = sql
          .exec<{
            variant: string;
            first_ms: number;
            last_ms: number;
            clicked: number;
            converted: number;
            revenue: number;
            pre: number | null;
          }>(
            "SELECT variant, first_ms, last_ms, clicked, converted, revenue, pre FROM assignments WHERE user_id = ?",
            e.userId,
          )
          .toArray()[0];
        if (!u || e.atMs < u.first_ms || e.atMs > u.last_ms + ATTRIBUTION_WINDOW_MS) continue;
        counted++;
        if (e.type === "click") {
          sql.exec("UPDATE assignments SET clicked = 1 WHERE user_id = ?", e.userId);
          sql.exec(
            "UPDATE aggregates SET clicks = clicks + 1, clickers = clickers + ?, sum_xy_click = sum_xy_click + ? WHERE variant = ?",
            u.clicked ? 0 : 1,
            u.clicked || u.pre === null ? 0 : u.pre,
            u.variant,
          );
        } else {
          const r = u.revenue + e.revenue;
          sql.exec("UPDATE assignments SET converted = 1, revenue = ? WHERE user_id = ?", r, e.userId);
          sql.exec(
            `UPDATE aggregates SET conversions = conversions + 1, converters = converters + ?, revenue = revenue + ?,
             revenue_sq = revenue_sq + ?, sum_xy_revenue = sum_xy_revenue + ? WHERE variant = ?`,
            u.converted ? 0 : 1,
            e.revenue,
            r * r - u.revenue * u.revenue,
            u.pre === null ? 0 : u.pre * e.revenue,
            u.variant,
          );
        }
      }
      return counted;
    });
  }

  /** Per-variant aggregates (zeros for a variant nobody was exposed to yet). */
  async aggregates(variants: string[]): Promise<Record<string, ObjectAggregate>> {
    const rows = this.ctx.storage.sql
      .exec<{
        variant: string;
        users: number;
        exposures: number;
        clickers: number;
        converters: number;
        clicks: number;
        conversions: number;
        revenue: number;
        revenue_sq: number;
        covariate_users: number;
        sum_x: number;
        sum_x2: number;
        sum_xy_click: number;
        sum_xy_revenue: number;
      }>("SELECT * FROM aggregates")
      .toArray();
    const out: Record<string, ObjectAggregate> = {};
    for (const v of variants) {
      const r = rows.find((x) => x.variant === v);
      out[v] = {
        users: r?.users ?? 0,
        exposures: r?.exposures ?? 0,
        clickers: r?.clickers ?? 0,
        converters: r?.converters ?? 0,
        clicks: r?.clicks ?? 0,
        conversions: r?.conversions ?? 0,
        revenue: r?.revenue ?? 0,
        revenueSq: r?.revenue_sq ?? 0,
        covariateUsers: r?.covariate_users ?? 0,
        sumX: r?.sum_x ?? 0,
        sumX2: r?.sum_x2 ?? 0,
        sumXYClick: r?.sum_xy_click ?? 0,
        sumXYRevenue: r?.sum_xy_revenue ?? 0,
      };
    }
    return out;
  }

  /**
   * The verdict on the aggregates, keeping the sequential p-values' running minima for the
   * next read (an always-valid p-value is the minimum over every look).
   */
  async results(
    input: Omit<VerdictInput, "aggregates" | "previousMinima">,
  ): Promise<Verdict & { aggregates: Record<string, ObjectAggregate> }> {
    const aggregates = await this.aggregates([...input.variants]);
    const sql = this.ctx.storage.sql;
    const stored = sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = 'minima'").toArray()[0]?.v;
    const { minima, ...result } = verdict({ ...input, aggregates, previousMinima: stored ? JSON.parse(stored) : {} });
    sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('minima', ?)", JSON.stringify(minima));
    return { ...result, aggregates };
  }
}
