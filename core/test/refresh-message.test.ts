import { describe, expect, it } from "vitest";
import { isRefreshMessage, refreshMessages, USERS_PER_REFRESH_MESSAGE } from "../recommend/refresh-message";

describe("refresh messages", () => {
  it("names each user once, in first-seen order, USERS_PER_REFRESH_MESSAGE per message", () => {
    const users = Array.from({ length: 60 }, (_, i) => `u${i}`);
    const messages = refreshMessages("t1", [...users, "u0", "u59"]);
    expect(messages.map((m) => m.user_ids.length)).toEqual([USERS_PER_REFRESH_MESSAGE, USERS_PER_REFRESH_MESSAGE, 10]);
    expect(messages.flatMap((m) => m.user_ids)).toEqual(users);
    expect(messages.every((m) => m.v === 1 && m.tenant_id === "t1" && isRefreshMessage(m))).toBe(true);
    expect(refreshMessages("t1", [])).toEqual([]);
  });

  it("recognizes only the v1 shape", () => {
    expect(isRefreshMessage({ v: 1, tenant_id: "t", user_ids: ["a"] })).toBe(true);
    expect(isRefreshMessage({ v: 2, tenant_id: "t", user_ids: ["a"] })).toBe(false);
    expect(isRefreshMessage({ v: 1, tenant_id: "t", user_ids: [1] })).toBe(false);
    expect(isRefreshMessage({ v: 1, user_ids: [] })).toBe(false);
    expect(isRefreshMessage(null)).toBe(false);
  });
});
