import { sha256Hex } from "@edge-ml/core/auth";
import { decisionHeaders, type Decision } from "@edge-ml/core/limits/token-bucket";
import type { BucketCheck, HitResult } from "../metering/objects/rate-limiter";

/**
 * Calls to the limiter objects, with a deadline: a limiter that does not answer in time
 * counts as unreachable, and the caller applies the class's fail mode.
 */
export const LIMITER_TIMEOUT_MS = 250;

export class LimiterUnavailable extends Error {}

export function withDeadline<T>(p: Promise<T>, ms = LIMITER_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LimiterUnavailable(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, deadline]).finally(() => timer !== undefined && clearTimeout(timer));
}

/** One call to one scope's object, for all of that scope's buckets. */
export function hitScope(env: ApiEnv, scope: string, checks: BucketCheck[]): Promise<HitResult[]> {
  const stub = env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(scope));
  return withDeadline(stub.hit(checks) as Promise<HitResult[]>);
}

/** A client for per-client limits: the connecting IP, or the credential when there is none. */
export function clientOf(ip: string | undefined, subjectId: string): string {
  return ip ? `ip:${ip}` : `sub:${subjectId}`;
}

/** Queries are compared case- and space-insensitively, and hashed so no query text is kept. */
export async function queryFingerprint(q: string): Promise<string> {
  return (await sha256Hex(q.trim().toLowerCase().replace(/\s+/g, " "))).slice(0, 32);
}

/** X-RateLimit-* of one decision (the semantics are in core/limits/token-bucket.ts). */
export function rateLimitHeaders(d: Decision): Record<string, string> {
  return decisionHeaders(d);
}
