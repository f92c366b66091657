import uPlot from "uplot";
import { seriesColour } from "./palette";
import type { XYChartProps } from "./types";
import { XYChart } from "./xy-chart";

// Bars through uPlot's bars path builder. Two series stand side by side (align -1 / 1); more than two would
// overlap, so a page with more series uses a LineChart.
export function BarChart(props: XYChartProps) {
  const grouped = props.series.length > 1;
  return (
    <XYChart
      props={props}
      kind="bar"
      padX
      seriesStyle={(i) => ({
        paths: uPlot.paths.bars!({
          size: grouped ? [0.4, 40] : [0.7, 60],
          align: grouped ? (i === 0 ? -1 : 1) : 0,
        }),
        fill: seriesColour(i),
        points: { show: false },
      })}
    />
  );
}
