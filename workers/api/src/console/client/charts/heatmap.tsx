import { formatNumber } from "./format";
import "./charts.css";

export type HeatmapProps = {
  title: string;
  rows: string[];
  cols: string[];
  values: number[][];
  rowLabel?: string;
  colLabel?: string;
  // "row": each cell's shade is its share of its row (a confusion matrix read as recall per true class);
  // "all": its share of the largest cell.
  normalise?: "row" | "all";
};

const LEVELS = 8;

// A heat map as an HTML table with shaded cells. It is its own data table: every cell prints its number, and
// row/column headers are real <th>s, so no role="img" (that would hide the numbers from screen readers).
// Shades are classes, not style attributes, because the console's CSP (style-src 'self') blocks those; the
// dark shades switch to white text so every cell keeps AA contrast.
export function Heatmap({ title, rows, cols, values, rowLabel, colLabel, normalise = "all" }: HeatmapProps) {
  const overallMax = Math.max(0, ...values.flat());
  const summary = summariseHeatmap(title, rows, cols, values);
  return (
    <figure class="chart chart-heatmap">
      <figcaption class="chart-title">{title}</figcaption>
      <p class="chart-summary">{summary}</p>
      <div class="heatmap-scroll" tabindex={0} role="region" aria-label={`${title}, scrollable`}>
        <table class="heatmap">
          <caption class="visually-hidden">
            {title}
            {rowLabel && colLabel ? `: rows are ${rowLabel}, columns are ${colLabel}` : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col" class="heatmap-corner">
                {rowLabel && colLabel ? `${rowLabel} \\ ${colLabel}` : ""}
              </th>
              {cols.map((c) => (
                <th scope="col">{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => {
              const row = values[i] ?? [];
              const max = normalise === "row" ? Math.max(0, ...row) : overallMax;
              return (
                <tr>
                  <th scope="row">{r}</th>
                  {cols.map((_c, j) => {
                    const value = row[j] ?? 0;
                    return <td class={`heat heat-${level(value, max)}`}>{formatNumber(value)}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

function level(value: number, max: number): number {
  if (max <= 0 || value <= 0) return 0;
  return Math.min(LEVELS, Math.max(1, Math.ceil((value / max) * LEVELS)));
}

function summariseHeatmap(title: string, rows: string[], cols: string[], values: number[][]): string {
  if (rows.length === 0 || cols.length === 0) return `${title}: no data yet.`;
  let best = { value: Number.NEGATIVE_INFINITY, row: "", col: "" };
  values.forEach((row, i) =>
    row.forEach((value, j) => {
      if (value > best.value) best = { value, row: rows[i] ?? "", col: cols[j] ?? "" };
    }),
  );
  return `${rows.length} rows by ${cols.length} columns; the largest cell is ${formatNumber(best.value)} at ${best.row}, ${best.col}.`;
}
