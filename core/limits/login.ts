import type { BucketRule } from "./token-bucket";

/**
 * Password guessing, without letting anyone lock a user out (docs/decisions.md, "Login
 * throttling"). Three limits, any one refusing is enough:
 *
 * - per client IP, every attempt on any email: one source cannot spray many accounts;
 * - per (email, client IP), every attempt: one source cannot hammer one account;
 * - per email, across all sources, failures only: after `freeFailures` failures the
 *   clients that have failed on this email must wait, exponentially longer per further
 *   failure (capped). A client that has not failed on this email is never held back by
 *   it, so failures sent by an attacker cannot keep the owner out: the owner's first try
 *   is checked, and a right password passes.
 *
 * Pure: the caller (the RateLimiter object of the email) owns the clock and the state.
 */
const MINUTE = 60_000;

export const LOGIN_POLICY = {
  perIp: { limit: 30, burst: 30, windowMs: MINUTE } satisfies BucketRule,
  perClient: { limit: 10, burst: 10, windowMs: MINUTE } satisfies BucketRule,
  perEmail: {
    freeFailures: 5,
    baseDelayMs: 1000,
    maxDelayMs: 15 * MINUTE,
    /** Failures this long after the last one are forgotten (the observation window). */
    forgetMs: 60 * MINUTE,
    /** Clients remembered per email; beyond it the oldest failed client is forgotten. */
    maxClients: 1000,
  },
} as const;

export type EmailFailures = {
  failures: number;
  lastFailureMs: number;
  /** Client key → when it last failed on this email. */
  clients: Record<string, number>;
};

export const NO_FAILURES: EmailFailures = { failures: 0, lastFailureMs: 0, clients: {} };

type Policy = typeof LOGIN_POLICY.perEmail;

/** The state with forgotten failures dropped. */
export function current(state: EmailFailures | undefined, nowMs: number, p: Policy = LOGIN_POLICY.perEmail) {
  if (!state || nowMs - state.lastFailureMs > p.forgetMs) return NO_FAILURES;
  return state;
}

/** How long a client that has failed must wait after the email's last failure. */
export function backoffMs(failures: number, p: Policy = LOGIN_POLICY.perEmail): number {
  if (failures < p.freeFailures) return 0;
  return Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (failures - p.freeFailures));
}

/** Seconds `client` must wait before its next attempt on this email (0: go ahead). */
export function waitSeconds(
  state: EmailFailures | undefined,
  client: string,
  nowMs: number,
  p: Policy = LOGIN_POLICY.perEmail,
): number {
  const s = current(state, nowMs, p);
  if (s.clients[client] === undefined) return 0;
  const until = s.lastFailureMs + backoffMs(s.failures, p);
  return until > nowMs ? Math.ceil((until - nowMs) / 1000) : 0;
}

/** The state after `client` failed on this email. */
export function recordFailure(
  state: EmailFailures | undefined,
  client: string,
  nowMs: number,
  p: Policy = LOGIN_POLICY.perEmail,
): EmailFailures {
  const s = current(state, nowMs, p);
  const clients = { ...s.clients };
  delete clients[client]; // re-insert: key order is recency order
  clients[client] = nowMs;
  const keys = Object.keys(clients);
  for (let i = 0; i < keys.length - p.maxClients; i++) delete clients[keys[i]!];
  return { failures: s.failures + 1, lastFailureMs: nowMs, clients };
}

/**
 * The state after `client` logged in: that client is trusted again. The email's count
 * stays, so an attack in progress keeps slowing the clients that take part in it.
 */
export function recordSuccess(state: EmailFailures | undefined, client: string, nowMs: number): EmailFailures {
  const s = current(state, nowMs);
  if (s.clients[client] === undefined) return s;
  const clients = { ...s.clients };
  delete clients[client];
  return { ...s, clients };
}
