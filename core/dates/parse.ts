/**
 * The one ISO 8601 parser for every timestamp, `created_at`, date and period the API
 * accepts. `Date.parse` and `new Date()` are not used on input because they roll impossible
 * days over (`2026-02-30` becomes 2 March) or throw `RangeError` later (`2026-13-01`); here
 * every field is range-checked against the calendar first and a bad value is `null`, never
 * an exception. Pure: no clock, no locale.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Epoch ms of a UTC wall time, for any year 0..9999 (Date.UTC maps years < 100 to 19xx). */
function utcMs(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

function validDay(y: number, mo: number, d: number): boolean {
  return mo >= 1 && mo <= 12 && d >= 1 && d <= daysInMonth(y, mo);
}

/** `YYYY-MM-DD` that names a real calendar day: its 00:00 UTC in epoch ms, else null. */
export function parseIsoDate(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const m = DATE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDay(y, mo, d) ? utcMs(y, mo, d) : null;
}

export type DateTimeOptions = {
  /** Accept only the UTC designators `Z`, `+00:00` and `-00:00` (the contract's "Timezone: UTC"). */
  utcOnly?: boolean;
  /** Require seconds (`HH:MM:SS`); ISO 8601 also allows `HH:MM`. */
  requireSeconds?: boolean;
};

/**
 * An ISO 8601 date-time with a designator (`Z` or `±HH:MM`) on a real calendar day and a
 * real wall time: epoch ms, else null. Fractions past milliseconds are truncated; leap
 * seconds (`:60`) are refused because nothing downstream can store them.
 */
export function parseIsoDateTime(value: unknown, opts: DateTimeOptions = {}): number | null {
  if (typeof value !== "string") return null;
  const m = DATE_TIME.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  if (opts.requireSeconds && m[6] === undefined) return null;
  const s = Number(m[6] ?? 0);
  const ms = Number((m[7] ?? "0").slice(0, 3).padEnd(3, "0"));
  const zone = m[8]!;
  if (!validDay(y!, mo!, d!) || h! > 23 || mi! > 59 || s > 59) return null;
  let offsetMin = 0;
  if (zone !== "Z") {
    const [oh, om] = [Number(zone.slice(1, 3)), Number(zone.slice(4, 6))];
    if (oh > 23 || om > 59) return null;
    offsetMin = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
    if (opts.utcOnly && offsetMin !== 0) return null;
  }
  return utcMs(y!, mo!, d!, h!, mi!, s, ms) - offsetMin * 60_000;
}

/** A date (`YYYY-MM-DD`) or a date-time: epoch ms, else null. */
export function parseIsoDateOrDateTime(value: unknown): number | null {
  return parseIsoDate(value) ?? parseIsoDateTime(value);
}

/** The UTC calendar day (`YYYY-MM-DD`) of epoch ms. */
export function utcDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Inclusive whole days from one `YYYY-MM-DD` to another (both already valid). */
export function daysBetween(start: string, end: string): number {
  return Math.round((parseIsoDate(end)! - parseIsoDate(start)!) / DAY_MS) + 1;
}
