// The console's charts: uPlot line and bar plots and an HTML heat map, each with a title, a summary for
// assistive technology and its numbers in a table. Why uPlot: docs/decisions.md, "Console charts".
export { BarChart } from "./bar-chart";
export { Heatmap, type HeatmapProps } from "./heatmap";
export { LineChart } from "./line-chart";
export type { ChartSeries, XYChartProps } from "./types";
