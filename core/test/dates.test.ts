import { describe, expect, it } from "vitest";
import { daysBetween, parseIsoDate, parseIsoDateTime, utcDayOf } from "../dates/parse";

describe("core/dates/parse", () => {
  it("parses real dates and date-times to the same instant as Date.parse", () => {
    for (const s of [
      "2024-02-29T23:59:59Z",
      "2025-01-07T10:30:45.123Z",
      "2026-12-31T23:59:59+01:00",
      "1970-01-01T00:00Z",
    ]) {
      expect(parseIsoDateTime(s), s).toBe(Date.parse(s));
    }
    expect(parseIsoDate("2000-02-29")).toBe(Date.UTC(2000, 1, 29));
    expect(parseIsoDate("0001-01-01")).toBe(Date.parse("0001-01-01T00:00:00Z"));
    expect(parseIsoDateTime("2025-01-07T10:30:45.123456789Z")).toBe(Date.parse("2025-01-07T10:30:45.123Z"));
  });

  it("refuses impossible calendar days and wall times instead of rolling them over", () => {
    for (const s of [
      "2026-02-29",
      "1900-02-29",
      "2026-02-30",
      "2026-04-31",
      "2026-13-01",
      "2026-00-01",
      "2026-01-00",
      "2026-1-01",
      "x",
    ]) {
      expect(parseIsoDate(s), s).toBeNull();
      expect(parseIsoDateTime(`${s}T00:00:00Z`), s).toBeNull();
    }
    for (const s of [
      "2026-01-01T24:00:00Z",
      "2026-01-01T00:60:00Z",
      "2026-01-01T00:00:60Z",
      "2026-01-01T00:00:00+24:00",
      "2026-01-01T00:00:00",
    ]) {
      expect(parseIsoDateTime(s), s).toBeNull();
    }
    expect(parseIsoDate(42)).toBeNull();
    expect(parseIsoDateTime(null)).toBeNull();
  });

  it("utcOnly and requireSeconds", () => {
    expect(parseIsoDateTime("2026-01-01T00:00:00+01:00", { utcOnly: true })).toBeNull();
    expect(parseIsoDateTime("2026-01-01T00:00:00-00:00", { utcOnly: true })).toBe(Date.UTC(2026, 0, 1));
    expect(parseIsoDateTime("2026-01-01T00:00Z", { requireSeconds: true })).toBeNull();
  });

  it("days", () => {
    expect(daysBetween("2024-02-28", "2024-03-01")).toBe(3);
    expect(utcDayOf(parseIsoDateTime("2026-03-01T00:30:00+01:00")!)).toBe("2026-02-28");
  });
});
