import { DurableObject } from "cloudflare:workers";
import { take, type BucketRule, type BucketState, type Decision } from "@edge-ml/core/limits/token-bucket";
import { LoginFailures } from "./login-failures";

export type BucketCheck = { bucket: string; rule: BucketRule };

export type HitResult = Decision & {
  /** True on the first refusal after a run of admitted requests: when to raise an abuse flag. */
  firstRefusal: boolean;
};

type Bucket = { state: BucketState; rule: BucketRule; refusing: boolean };

/**
 * Buckets one object keeps at most (the per-IP and repeated-query buckets of a credential's
 * clients, about 200 bytes each); the least recently used go first, and those are the
 * clients idle longest, whose buckets have mostly refilled.
 */
const MAX_BUCKETS = 20_000;
/** Changed buckets are written to storage at most this often (write-behind, off the request path). */
const PERSIST_EVERY_MS = 1000;

/**
 * The token buckets of one limit scope: a tenant's class (`tenant:…`) or a credential's
 * class (`credential:…`, holding the key's own bucket and, for each client IP using the
 * credential, its per-IP bucket and one bucket per recent query for repeated-query
 * detection). One object per scope, so a hot scope never queues requests of another, and
 * one call per request.
 *
 * `hit` has no await between reading and writing its buckets, and an object runs one event
 * at a time, so concurrent requests to one scope are counted exactly. Buckets live in
 * memory. A bucket is written to storage only once it has spent at least half its burst
 * (write-behind, once a second at most, off the request path): a restarted object then
 * resumes every bucket that was close to refusing, and forgives at most half a burst of one
 * that was not. Most scopes (a client sending a few requests a minute) never write at all,
 * so they cost no storage and no alarm; an alarm deletes stored buckets once full again.
 */
export class RateLimiter extends DurableObject<ApiEnv> {
  private buckets = new Map<string, Bucket>();
  private dirty = new Set<string>();
  private persistTimer: ReturnType<typeof setTimeout> | undefined;
  private alarmAt: number | undefined;
  /** Buckets that have a row in storage (so a refill must delete it). */
  private stored = new Set<string>();
  /** On an email's object (`login:email:…`): that email's recent failures. */
  private login: LoginFailures;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    this.login = new LoginFailures(ctx.storage);
    void ctx.blockConcurrencyWhile(async () => {
      await this.login.load();
      const stored = await ctx.storage.list<Bucket>({ prefix: "b:" });
      for (const [key, bucket] of stored) {
        this.buckets.set(key.slice(2), bucket);
        this.stored.add(key.slice(2));
      }
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
      if (worthStoring(bucket) || this.stored.has(name)) {
        this.dirty.add(name);
        latestFull = Math.max(latestFull, decision.resetSec * 1000);
      }
      return { ...decision, firstRefusal: !decision.allowed && !prev?.refusing };
    });
    this.evictOverflow();
    if (this.dirty.size > 0) {
      this.persistTimer ??= setTimeout(() => this.persist(), PERSIST_EVERY_MS);
      if (this.alarmAt === undefined) {
        this.alarmAt = Math.max(latestFull, now + 1000);
        void this.ctx.storage.setAlarm(this.alarmAt, { allowUnconfirmed: true });
      }
    }
    return results;
  }

  /**
   * A login attempt by `client` (a hash of its IP) on this object's email: the client's
   * own bucket for this email, then the email's backoff, which holds back only clients
   * that have failed on it (core/limits/login.ts).
   */
  loginAttempt(client: string, rule: BucketRule): HitResult {
    const [bucket] = this.hit([{ bucket: `client:${client}`, rule }]);
    if (!bucket!.allowed) return bucket!;
    const now = Date.now();
    const wait = this.login.waitSeconds(client, now);
    if (wait === 0) return bucket!;
    const resetSec = Math.ceil(now / 1000) + wait;
    return { ...bucket!, allowed: false, resetSec, retryAfterSec: wait, firstRefusal: false };
  }

  /** The outcome of an admitted attempt: a failure counts toward the email's backoff. */
  loginOutcome(client: string, ok: boolean): void {
    const forgetAt = this.login.record(client, ok, Date.now());
    if (forgetAt !== undefined && (this.alarmAt === undefined || this.alarmAt > forgetAt)) {
      this.alarmAt = forgetAt;
      void this.ctx.storage.setAlarm(forgetAt, { allowUnconfirmed: true });
    }
  }

  private persist(): void {
    this.persistTimer = undefined;
    const entries: Record<string, Bucket> = {};
    const gone: string[] = [];
    for (const name of this.dirty) {
      const b = this.buckets.get(name);
      if (b && (worthStoring(b) || this.stored.has(name))) {
        entries[`b:${name}`] = b;
        this.stored.add(name);
      } else if (!b && this.stored.delete(name)) gone.push(`b:${name}`);
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
      if (this.stored.has(name)) this.dirty.add(name);
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
      else if (this.stored.has(name)) next = Math.min(next, fullAt);
    }
    const gone: string[] = [];
    for (const name of full) {
      this.buckets.delete(name);
      this.dirty.delete(name);
      if (this.stored.delete(name)) gone.push(`b:${name}`);
    }
    for (let i = 0; i < gone.length; i += 128) await this.ctx.storage.delete(gone.slice(i, i + 128));
    next = Math.min(next, (await this.login.expire(now)) ?? Infinity);
    // Buckets that never reached storage need no alarm: they are dropped with the object.
    if (next === Infinity) return;
    this.alarmAt = Math.ceil(next);
    await this.ctx.storage.setAlarm(this.alarmAt);
  }
}

/**
 * Whether a bucket's state must survive a restart: it has spent half its burst or more.
 * Losing a fuller bucket forgives less than half a burst, and a client that sends a few
 * requests a minute never costs a storage write.
 */
function worthStoring(b: Bucket): boolean {
  return b.state.tokens <= b.rule.burst / 2;
}
