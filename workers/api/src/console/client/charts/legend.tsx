import { SERIES_COLOURS } from "./palette";
import type { ChartSeries } from "./types";

// An HTML legend instead of uPlot's: uPlot's is a click-to-toggle table that a keyboard cannot reach. Each
// swatch sits next to its text label, so colour is never the only cue.
export function Legend({ series }: { series: ChartSeries[] }) {
  if (series.length < 2) return null;
  return (
    <ul class="chart-legend">
      {series.map((s, i) => (
        <li>
          <span class={`chart-swatch chart-swatch-${i % SERIES_COLOURS.length}`} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
