import {
  current,
  LOGIN_POLICY,
  recordFailure,
  recordSuccess,
  waitSeconds,
  type EmailFailures,
} from "@edge-ml/core/limits/login";

const KEY = "login";

/**
 * One email's recent login failures (core/limits/login.ts), kept by that email's
 * RateLimiter object. Written through on every change, unlike the token buckets: the
 * state is small, changes only on a failed login, and forgetting it on a restart would
 * hand a guesser a fresh run of free failures.
 */
export class LoginFailures {
  private state: EmailFailures | undefined;

  constructor(private readonly storage: DurableObjectStorage) {}

  /** Reads the stored state; call inside the object's blockConcurrencyWhile. */
  async load(): Promise<void> {
    this.state = await this.storage.get<EmailFailures>(KEY);
  }

  waitSeconds(client: string, nowMs: number): number {
    return waitSeconds(this.state, client, nowMs);
  }

  /** Records the outcome; returns when the state may be forgotten (for the alarm), if kept. */
  record(client: string, ok: boolean, nowMs: number): number | undefined {
    const before = this.state;
    this.state = ok ? recordSuccess(before, client, nowMs) : recordFailure(before, client, nowMs);
    if (this.state !== before) void this.storage.put(KEY, this.state, { allowUnconfirmed: true });
    return this.forgetAt();
  }

  /** Drops the state once forgotten; returns when to look again, if anything is kept. */
  async expire(nowMs: number): Promise<number | undefined> {
    if (!this.state) return undefined;
    if (current(this.state, nowMs).failures === 0) {
      this.state = undefined;
      await this.storage.delete(KEY);
      return undefined;
    }
    return this.forgetAt();
  }

  private forgetAt(): number | undefined {
    return this.state && this.state.failures > 0
      ? this.state.lastFailureMs + LOGIN_POLICY.perEmail.forgetMs + 1
      : undefined;
  }
}
