import { formatX } from "./format";
import type { ChartSeries } from "./types";

// The text a screen reader hears for a plot (its aria-label): the range covered and each series' extremes
// and last value. The full numbers are in the chart's data table.
export function summariseXY(
  kind: string,
  title: string,
  x: number[],
  series: ChartSeries[],
  isTime: boolean,
  formatY: (value: number) => string,
): string {
  if (x.length === 0) return `${kind} of ${title}: no data yet.`;
  const first = x[0] as number;
  const last = x[x.length - 1] as number;
  const range =
    x.length === 1 ? `at ${formatX(first, isTime)}` : `from ${formatX(first, isTime)} to ${formatX(last, isTime)}`;
  const parts = series.map((s) => {
    const present = s.values.filter((v): v is number => v !== null && Number.isFinite(v));
    if (present.length === 0) return `${s.label}: no values`;
    const lastValue = present[present.length - 1] as number;
    return `${s.label}: min ${formatY(Math.min(...present))}, max ${formatY(Math.max(...present))}, last ${formatY(lastValue)}`;
  });
  return `${kind} of ${title}, ${x.length} ${x.length === 1 ? "point" : "points"} ${range}. ${parts.join("; ")}.`;
}
