import { DurableObject } from "cloudflare:workers";
import { take, type BucketRule, type BucketState, type Decision } from "@edge-ml/core/limits/token-bucket";

export type HitResult = Decision & {
  /** True on the first refusal after a run of admitted requests: when to raise an abuse flag. */
  firstRefusal: boolean;
};

/**
 * One token bucket per instance; one instance per limit scope (`tenant:…`, `key:…`,
 * `ip:…`, `query:…`), so a hot scope never queues requests of another.
 *
 * `hit` has no await between reading and writing the bucket, and an object runs one event
 * at a time, so concurrent requests to one scope are counted exactly. The bucket is kept
 * in memory and written to storage without holding the response (allowUnconfirmed); an
 * alarm deletes the object's storage once its bucket is full again, so idle scopes cost
 * nothing.
 */
export class RateLimiter extends DurableObject<ApiEnv> {
  private bucket: BucketState | undefined;
  private refusing = false;
  private alarmAt: number | undefined;
  private fullAfterMs = 0;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.bucket = await ctx.storage.get<BucketState>("bucket");
    });
  }

  hit(rule: BucketRule, cost = 1): HitResult {
    const now = Date.now();
    const { decision, state } = take(rule, this.bucket, now, cost);
    this.bucket = state;
    const firstRefusal = !decision.allowed && !this.refusing;
    this.refusing = !decision.allowed;
    void this.ctx.storage.put("bucket", state, { allowUnconfirmed: true });
    this.fullAfterMs = decision.resetSec * 1000;
    if (this.alarmAt === undefined) {
      this.alarmAt = Math.max(this.fullAfterMs, now + 1000);
      void this.ctx.storage.setAlarm(this.alarmAt, { allowUnconfirmed: true });
    }
    return { ...decision, firstRefusal };
  }

  override async alarm(): Promise<void> {
    this.alarmAt = undefined;
    if (Date.now() >= this.fullAfterMs) {
      // A full bucket is the same as no bucket: forget the scope entirely.
      this.bucket = undefined;
      this.refusing = false;
      await this.ctx.storage.deleteAll();
      return;
    }
    this.alarmAt = this.fullAfterMs;
    await this.ctx.storage.setAlarm(this.alarmAt);
  }
}
