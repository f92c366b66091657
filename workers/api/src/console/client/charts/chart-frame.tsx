import type { Child, RefObject } from "hono/jsx";
import { ChartDataTable } from "./chart-data-table";
import { formatNumber } from "./format";
import { Legend } from "./legend";
import type { XYChartProps } from "./types";
import "uplot/dist/uPlot.min.css";
import "./charts.css";

// The accessible frame of an x/y plot: a visible title, the canvas inside a role="img" box whose label
// summarises the data, an HTML legend, and the data table. The table sits outside the role="img" box:
// children of an image are hidden from assistive technology.
export function ChartFrame({
  props,
  summary,
  plotRef,
  kind,
  children,
}: {
  props: XYChartProps;
  summary: string;
  plotRef: RefObject<HTMLDivElement | null>;
  kind: string;
  children?: Child;
}) {
  return (
    <figure class={`chart chart-${kind}`}>
      <figcaption class="chart-title">{props.title}</figcaption>
      <div class="chart-plot" role="img" aria-label={summary} ref={plotRef} />
      <Legend series={props.series} />
      {children}
      <ChartDataTable
        caption={props.title}
        xLabel={props.xLabel}
        x={props.x}
        series={props.series}
        xIsTime={props.xIsTime ?? false}
        formatY={props.formatY ?? formatNumber}
      />
    </figure>
  );
}
