// The props every x/y chart (LineChart, BarChart) takes. One shape for both so a page can switch a plot's
// kind without reshaping its data.
export type ChartSeries = {
  label: string;
  // null is a gap (no value that day), not a zero.
  values: (number | null)[];
};

export type XYChartProps = {
  title: string;
  xLabel: string;
  yLabel: string;
  // When xIsTime, milliseconds since the epoch (Date.parse's unit), shown as UTC days.
  x: number[];
  series: ChartSeries[];
  xIsTime?: boolean;
  // CSS pixels; the width follows the container.
  height?: number;
  // Default true for non-negative data (counts read wrongly from a truncated axis); false for a loss curve,
  // whose changes matter more than its distance from zero.
  yFromZero?: boolean;
  // Formats a y value for the data table, the summary and the axis (counts, milliseconds, ratios).
  formatY?: (value: number) => string;
};
