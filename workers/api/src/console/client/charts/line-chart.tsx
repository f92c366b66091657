import type { XYChartProps } from "./types";
import { XYChart } from "./xy-chart";

// A line per series; points are drawn too while there are few, so a single epoch or day is still visible.
export function LineChart(props: XYChartProps) {
  const showPoints = props.x.length <= 60;
  return (
    <XYChart props={props} kind="line" padX={false} seriesStyle={() => ({ points: { show: showPoints, size: 5 } })} />
  );
}
