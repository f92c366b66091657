import { describe, expect, it } from "vitest";
import { Category, InteractionType, ItemId, Tags, UserId, UtcTimestamp } from "../schemas/common";
import { InteractionInput } from "../schemas/ingest";

/** platform-api.md section 9, rule by rule. */
describe("section 9 validation rules", () => {
  it("user and item ids: alphanumeric, hyphens, underscores, 1..128", () => {
    for (const schema of [UserId, ItemId]) {
      expect(schema.safeParse("user_123-ABC").success).toBe(true);
      expect(schema.safeParse("a".repeat(128)).success).toBe(true);
      expect(schema.safeParse("a".repeat(129)).error?.issues[0]?.message).toMatch(/at most 128/);
      expect(schema.safeParse("").error?.issues[0]?.message).toMatch(/empty/);
      for (const bad of ["has space", "semi;colon", "slash/x", "dot.x", "é", "<script>"]) {
        expect(schema.safeParse(bad).error?.issues[0]?.message, bad).toMatch(/letters, digits/);
      }
      expect(schema.safeParse(123).success).toBe(false);
    }
  });

  it("interaction types", () => {
    for (const ok of ["view", "click", "purchase", "like", "dislike", "add_to_cart", "remove_from_cart"]) {
      expect(InteractionType.safeParse(ok).success, ok).toBe(true);
    }
    expect(InteractionType.safeParse("share").error?.issues[0]?.message).toMatch(/must be one of/);
  });

  it("timestamps: ISO 8601 in UTC", () => {
    expect(UtcTimestamp.safeParse("2025-01-07T10:30:45Z").success).toBe(true);
    expect(UtcTimestamp.safeParse("2025-01-07T10:30:45.123Z").success).toBe(true);
    expect(UtcTimestamp.safeParse("2025-01-07T10:30:45+00:00").success).toBe(true);
    for (const bad of ["2025-01-07T10:30:45+02:00", "2025-01-07", "yesterday", "2025-13-45T99:99:99Z"]) {
      expect(UtcTimestamp.safeParse(bad).success, bad).toBe(false);
    }
  });

  it("event timestamps: from the Unix epoch to 5 minutes ahead (backfills of any history after 1970)", () => {
    const at = (timestamp: string) =>
      InteractionInput.safeParse({ user_id: "u", item_id: "i", interaction_type: "view", timestamp });
    for (const ok of [
      "1970-01-01T00:00:00Z",
      "1970-01-01T00:00:00+00:00",
      "1997-03-14T08:15:00Z",
      "1999-12-31T23:59:59Z",
    ]) {
      expect(at(ok).success, ok).toBe(true);
    }
    for (const early of ["1969-12-31T23:59:59Z", "1969-12-31T23:59:59.999Z", "1900-01-01T00:00:00Z"]) {
      const issue = at(early).error?.issues[0];
      expect([issue?.path, issue?.message], early).toEqual([["timestamp"], "timestamp is before 1970-01-01T00:00:00Z"]);
    }
    const soon = new Date(Date.now() + 60_000).toISOString();
    const later = new Date(Date.now() + 3600_000).toISOString();
    expect(at(soon).success).toBe(true);
    expect(at(later).error?.issues[0]?.message).toBe("timestamp is in the future");
  });

  it("categories: lowercase alphanumeric and hyphens, at most 64", () => {
    expect(Category.safeParse("home-garden").success).toBe(true);
    expect(Category.safeParse("Electronics").success).toBe(false);
    expect(Category.safeParse("a_b").success).toBe(false);
    expect(Category.safeParse("a".repeat(65)).success).toBe(false);
  });

  it("tags: at most 20, each at most 32", () => {
    expect(Tags.safeParse(Array.from({ length: 20 }, (_, i) => `t${i}`)).success).toBe(true);
    expect(Tags.safeParse(Array.from({ length: 21 }, (_, i) => `t${i}`)).error?.issues[0]?.message).toMatch(
      /at most 20/,
    );
    expect(Tags.safeParse(["x".repeat(33)]).error?.issues[0]?.message).toMatch(/at most 32/);
  });
});
