import { DurableObject } from "cloudflare:workers";
import { take, type BucketRule, type BucketState, type Decision } from "@edge-ml/core/limits/token-bucket";

export type BucketCheck = { bucket: string; rule: BucketRule };

export type HitResult = Decision & {
  /** True on the first refusal after a run of admitted requests: when to raise an abuse flag. */
  firstRefusal: boolean;
};

type Bucket = { state: BucketState; rule: BucketRule; refusing: boolean };

/** Buckets one object keeps at most (a client's repeated-query buckets); the least recent go first. */
const MAX_BUCKETS = 2000;
/** Changed buckets are written to storage at most this often (write-behind, off the request path). */
const PERSIST_EVERY_MS = 1000;

/**
 * The token buckets of one limit scope: a tenant's class (`tenant:…`), a key's class
 * (`key:…`) or a client's class (`client:…`, holding the per-IP bucket and one bucket per
 * recent query for repeated-query detection). One object per scope, so a hot scope never
 * queues requests of another, and one call per scope per request.
 *
 * `hit` has no await between reading and writing its buckets, and an object runs one event
 * at a time, so concurrent requests to one scope are counted exactly. Buckets live in
 * memory; changed ones are written to storage once a second at most, off the request path,
 * so a restarted object resumes with at most a second of admissions forgotten. An alarm
 * deletes buckets once they are full again, so idle scopes cost nothing.
 */
export class RateLimiter extends DurableObject<ApiEnv> {
  private buckets = new Map<string, Bucket>();
  private dirty = new Set<string>();
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private alarmAt: number | undefined;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      const stored = await ctx.storage.list<Bucket>({ prefix: "b:" });
      for (const [key, bucket] of stored) this.buckets.set(key.slice(2), bucket);
      this.alarmAt = (await ctx.storage.getAlarm()) ?? undefined;
    });
  }

  hit(checks: BucketCheck[]): HitResult[] {
    const now = Date.now();
    let latestFull = 0;
    const results = checks.map(({ bucket: name, rule }) => {
      const prev = this.buckets.get(name);
      const { decision, state } = take(rule, prev?.state, now);
      const bucket = { state, rule, refusing: !decision.allowed };
      this.buckets.delete(name); // re-insert: Map order is recency order
      this.buckets.set(name, bucket);
      this.dirty.add(name);
      latestFull = Math.max(latestFull, decision.resetSec * 1000);
      return { ...decision, firstRefusal: !decision.allowed && !prev?.refusing };
    });
    this.evictOverflow();
    this.persistTimer ??= setTimeout(() => this.persist(), PERSIST_EVERY_MS);
    if (this.alarmAt === undefined) {
      this.alarmAt = Math.max(latestFull, now + 1000);
      void this.ctx.storage.setAlarm(this.alarmAt, { allowUnconfirmed: true });
    }
    return results;
  }

  private persist(): void {
    this.persistTimer = undefined;
    const entries: Record<string, Bucket> = {};
    const gone: string[] = [];
    for (const name of this.dirty) {
      const b = this.buckets.get(name);
      if (b) entries[`b:${name}`] = b;
      else gone.push(`b:${name}`);
    }
    this.dirty.clear();
    // storage.put/delete take at most 128 keys per call.
    const keys = Object.keys(entries);
    for (let i = 0; i < keys.length; i += 128) {
      const chunk = Object.fromEntries(keys.slice(i, i + 128).map((k) => [k, entries[k]]));
      void this.ctx.storage.put(chunk, { allowUnconfirmed: true });
    }
    for (let i = 0; i < gone.length; i += 128)
      void this.ctx.storage.delete(gone.slice(i, i + 128), { allowUnconfirmed: true });
  }

  private evictOverflow(): void {
    for (const name of this.buckets.keys()) {
      if (this.buckets.size <= MAX_BUCKETS) break;
      this.buckets.delete(name);
      this.dirty.add(name);
    }
  }

  /** Forgets every bucket that has refilled completely; comes back for the rest. */
  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    const now = Date.now();
    let next = Infinity;
    const full: string[] = [];
    for (const [name, b] of this.buckets) {
      const fullAt = b.state.updatedMs + ((b.rule.burst - b.state.tokens) * b.rule.windowMs) / b.rule.limit;
      if (fullAt <= now) full.push(name);
      else next = Math.min(next, fullAt);
    }
    for (const name of full) {
      this.buckets.delete(name);
      this.dirty.delete(name);
    }
    if (this.buckets.size === 0) {
      await this.ctx.storage.deleteAll();
      return;
    }
    for (let i = 0; i < full.length; i += 128)
      await this.ctx.storage.delete(full.slice(i, i + 128).map((n) => `b:${n}`));
    this.alarmAt = Math.ceil(next);
    await this.ctx.storage.setAlarm(this.alarmAt);
  }
}
