import { DurableObject } from "cloudflare:workers";
import { observe, type Observation } from "@edge-ml/core/limits/enumeration";

/** How long a client found walking ids is throttled on the item-revealing routes. */
export const ENUMERATION_THROTTLE_MS = 10 * 60_000;

export type ObserveResult = {
  throttled: boolean;
  /** True only when this request completed a walk: the caller records one flag. */
  newFlag: boolean;
  retryAfterSec: number;
  recentIds: string[];
};

/**
 * One instance per tenant and client: the ids the client asked for on item-revealing
 * routes (explain, debug ranking, embeddings), to spot sequential enumeration.
 */
export class AbuseDetector extends DurableObject<ApiEnv> {
  private history: Observation[] = [];
  private throttledUntil = 0;

  constructor(ctx: DurableObjectState, env: ApiEnv) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.history = (await ctx.storage.get<Observation[]>("history")) ?? [];
      this.throttledUntil = (await ctx.storage.get<number>("throttledUntil")) ?? 0;
    });
  }

  observe(id: string): ObserveResult {
    const now = Date.now();
    if (now < this.throttledUntil) {
      return {
        throttled: true,
        newFlag: false,
        retryAfterSec: Math.ceil((this.throttledUntil - now) / 1000),
        recentIds: [],
      };
    }
    const { history, walking } = observe(this.history, id, now);
    this.history = walking ? [] : history;
    if (walking) {
      this.throttledUntil = now + ENUMERATION_THROTTLE_MS;
      void this.ctx.storage.put("throttledUntil", this.throttledUntil, { allowUnconfirmed: true });
    }
    void this.ctx.storage.put("history", this.history, { allowUnconfirmed: true });
    return {
      throttled: walking,
      newFlag: walking,
      retryAfterSec: walking ? ENUMERATION_THROTTLE_MS / 1000 : 0,
      recentIds: walking ? history.map((o) => `${o.prefix}${o.n}`) : [],
    };
  }
}
