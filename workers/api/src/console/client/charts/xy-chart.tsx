import type uPlot from "uplot";
import { ChartFrame } from "./chart-frame";
import { formatNumber } from "./format";
import { alignedData, xyOptions } from "./plot-options";
import { summariseXY } from "./summary";
import type { XYChartProps } from "./types";
import { useUplot } from "./use-uplot";

// What a line and a bar chart share: the uPlot lifecycle, the summary and the accessible frame. They differ
// only in how a series is drawn.
export function XYChart({
  props,
  kind,
  seriesStyle,
  padX,
}: {
  props: XYChartProps;
  kind: "line" | "bar";
  seriesStyle: (index: number) => Partial<uPlot.Series>;
  padX: boolean;
}) {
  // The plot is rebuilt when its data changes; a key of the data itself (small) avoids rebuilding on every
  // render of a parent that passes fresh arrays.
  const key = JSON.stringify([props.x, props.series, props.xIsTime, props.height, props.yFromZero]);
  const plotRef = useUplot(
    (width) => ({ opts: xyOptions(props, width, seriesStyle, padX), data: alignedData(props) }),
    key,
  );
  const summary = summariseXY(
    kind === "line" ? "Line chart" : "Bar chart",
    props.title,
    props.x,
    props.series,
    props.xIsTime ?? false,
    props.formatY ?? formatNumber,
  );
  return <ChartFrame props={props} summary={summary} plotRef={plotRef} kind={kind} />;
}
