import { formatX } from "./format";
import type { ChartSeries } from "./types";

type Props = {
  caption: string;
  xLabel: string;
  x: number[];
  series: ChartSeries[];
  xIsTime: boolean;
  formatY: (value: number) => string;
};

// The numbers behind a canvas plot, for screen readers, keyboard users and anyone who wants exact values.
// Collapsed by default so the page stays scannable; the scroll box is focusable so a keyboard can scroll it.
export function ChartDataTable({ caption, xLabel, x, series, xIsTime, formatY }: Props) {
  return (
    <details class="chart-data">
      <summary>Show data</summary>
      <div class="chart-data-scroll" tabindex={0} role="region" aria-label={`${caption} data`}>
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{xLabel}</th>
              {series.map((s) => (
                <th scope="col">{s.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {x.map((xValue, row) => (
              <tr>
                <th scope="row">{formatX(xValue, xIsTime)}</th>
                {series.map((s) => {
                  const value = s.values[row];
                  return <td>{value === null || value === undefined ? "—" : formatY(value)}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
