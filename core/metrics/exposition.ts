import type { Family } from "./families";

/**
 * The Prometheus text exposition format, version 0.0.4: one `# HELP` and `# TYPE` per family,
 * then its samples, a histogram's as cumulative `_bucket{le=...}` lines ending with +Inf, then
 * `_sum` and `_count`. Checked by `promtool check metrics` in the tests.
 */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Sample = { labels: readonly string[]; value: number };
/** Per-bucket counts (not cumulative), one per bound plus +Inf. */
export type HistogramSample = { labels: readonly string[]; buckets: readonly number[]; sum: number; count: number };
export type FamilySamples = { family: Family; samples?: Sample[]; histograms?: HistogramSample[] };

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
const escapeHelp = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? "")}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length ? `{${pairs.join(",")}}` : "";
}

const byLabels = <T extends { labels: readonly string[] }>(a: T, b: T) => {
  const x = a.labels.join("\u0000");
  const y = b.labels.join("\u0000");
  return x < y ? -1 : x > y ? 1 : 0;
};

/** The exposition of `families`, in the order given; each sample's labels in its family's order. */
export function renderExposition(families: FamilySamples[]): string {
  const lines: string[] = [];
  for (const { family, samples = [], histograms = [] } of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const s of [...samples].sort(byLabels)) {
      lines.push(`${family.name}${labelText(family.labels, s.labels)} ${formatValue(s.value)}`);
    }
    const bounds = family.buckets ?? [];
    for (const h of [...histograms].sort(byLabels)) {
      let cumulative = 0;
      for (let i = 0; i <= bounds.length; i++) {
        cumulative += h.buckets[i] ?? 0;
        const le = i < bounds.length ? formatValue(bounds[i]!) : "+Inf";
        lines.push(`${family.name}_bucket${labelText(family.labels, h.labels, ["le", le])} ${cumulative}`);
      }
      lines.push(`${family.name}_sum${labelText(family.labels, h.labels)} ${formatValue(h.sum)}`);
      lines.push(`${family.name}_count${labelText(family.labels, h.labels)} ${h.count}`);
    }
  }
  return lines.join("\n") + "\n";
}

/** The first table a statement names and its kind, for db_queries_total's labels. */
export function describeSql(sql: string): { queryType: string; table: string } {
  const text = sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, " ").trim();
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toLowerCase() ?? "";
  const queryType = ["select", "insert", "update", "delete"].includes(verb)
    ? verb
    : verb === "with"
      ? "select"
      : verb === "replace"
        ? "insert"
        : "other";
  const pattern =
    queryType === "select" || queryType === "delete"
      ? /\bfrom\s+["`[]?([A-Za-z_][A-Za-z0-9_]*)/i
      : queryType === "insert"
        ? /\binto\s+["`[]?([A-Za-z_][A-Za-z0-9_]*)/i
        : queryType === "update"
          ? /^\s*update\s+(?:or\s+\w+\s+)?["`[]?([A-Za-z_][A-Za-z0-9_]*)/i
          : undefined;
  const table = pattern?.exec(text)?.[1]?.toLowerCase() ?? "none";
  return { queryType, table };
}
