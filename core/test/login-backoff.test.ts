import { describe, expect, it } from "vitest";
import { backoffMs, LOGIN_POLICY, recordFailure, recordSuccess, waitSeconds, type EmailFailures } from "../limits/login";

const p = LOGIN_POLICY.perEmail;

describe("login backoff per email", () => {
  it("doubles the wait per failure past the free ones, up to the cap", () => {
    expect(backoffMs(p.freeFailures - 1)).toBe(0);
    expect(backoffMs(p.freeFailures)).toBe(1000);
    expect(backoffMs(p.freeFailures + 3)).toBe(8000);
    expect(backoffMs(p.freeFailures + 40)).toBe(p.maxDelayMs);
  });

  it("holds back only clients that have failed, and forgets after the window", () => {
    let s: EmailFailures | undefined;
    const t0 = 1_000_000;
    for (let i = 0; i < p.freeFailures + 2; i++) s = recordFailure(s, "attacker", t0);
    expect(waitSeconds(s, "attacker", t0)).toBe(4);
    expect(waitSeconds(s, "owner", t0)).toBe(0);
    expect(waitSeconds(s, "attacker", t0 + 4000)).toBe(0);
    expect(waitSeconds(s, "attacker", t0 + p.forgetMs + 1)).toBe(0);
    expect(recordFailure(s, "attacker", t0 + p.forgetMs + 1).failures).toBe(1);
  });

  it("trusts a client again once it logs in, and keeps the email's count", () => {
    let s: EmailFailures | undefined;
    for (let i = 0; i < p.freeFailures + 1; i++) s = recordFailure(s, "typo", 0);
    s = recordSuccess(s, "typo", 5000);
    expect(waitSeconds(s, "typo", 5000)).toBe(0);
    expect(s.failures).toBe(p.freeFailures + 1);
  });

  it("remembers at most maxClients failed clients, dropping the oldest", () => {
    let s: EmailFailures | undefined;
    for (let i = 0; i < p.maxClients + 5; i++) s = recordFailure(s, `c${i}`, i);
    expect(Object.keys(s!.clients)).toHaveLength(p.maxClients);
    expect(s!.clients.c0).toBeUndefined();
    expect(s!.clients[`c${p.maxClients + 4}`]).toBeDefined();
  });
});
