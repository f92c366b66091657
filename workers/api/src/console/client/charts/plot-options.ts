import uPlot from "uplot";
import { formatNumber, formatX } from "./format";
import { AXIS_TEXT, GRID_LINE, seriesColour } from "./palette";
import type { XYChartProps } from "./types";

const AXIS_FONT = "12px system-ui, sans-serif";
const LABEL_FONT = "bold 12px system-ui, sans-serif";

// uPlot options shared by the line and bar charts: axes with the given labels in AA-contrast text, UTC days
// on a time axis, no built-in legend (the HTML one is accessible) and a y scale that starts at zero for
// non-negative data unless the caller says otherwise (counts read wrongly from a truncated axis).
export function xyOptions(
  props: XYChartProps,
  width: number,
  seriesPaths: (index: number) => Partial<uPlot.Series>,
  // Bars always need the padding (else the end bars are cut in half); lines need it on a time axis, where
  // the last date label would otherwise overhang the canvas.
  padX = false,
): uPlot.Options {
  const isTime = props.xIsTime ?? false;
  const formatY = props.formatY ?? formatNumber;
  const allValues = props.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const fromZero = (props.yFromZero ?? true) && allValues.every((v) => v >= 0);
  const axis = (label: string): uPlot.Axis => ({
    label,
    stroke: AXIS_TEXT,
    font: AXIS_FONT,
    labelFont: LABEL_FONT,
    grid: { stroke: GRID_LINE, width: 1 },
    ticks: { stroke: GRID_LINE, width: 1 },
  });
  return {
    width,
    height: props.height ?? 240,
    ms: 1,
    tzDate: (ts) => uPlot.tzDate(new Date(ts), "Etc/UTC"),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: {
      x: { time: isTime, ...(padX || isTime ? { range: halfStepPadding(props.x, isTime) } : {}) },
      y: fromZero ? { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } : {},
    },
    axes: [
      { ...axis(props.xLabel), ...xTicks(props.x, isTime) },
      { ...axis(props.yLabel), size: 60, values: (_u, ticks) => ticks.map((t) => formatY(t)) },
    ],
    series: [
      { label: props.xLabel },
      ...props.series.map((s, i) => ({ label: s.label, stroke: seriesColour(i), width: 2, ...seriesPaths(i) })),
    ],
  };
}

export function alignedData(props: XYChartProps): uPlot.AlignedData {
  return [props.x, ...props.series.map((s) => s.values)];
}

const DAY_MS = 86_400_000;
const DAY_STEPS = [1, 2, 7, 14, 28, 56, 91, 182, 364].map((d) => d * DAY_MS);
const INTEGER_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000];

// Ticks on whole UTC days for a time axis and on whole numbers for integer x (epochs), spaced so the
// labels never overlap; uPlot's own choice puts half-day and fractional ticks there.
function xTicks(x: number[], isTime: boolean): Partial<uPlot.Axis> {
  if (isTime) {
    return { incrs: DAY_STEPS, space: 100, values: (_u, ticks) => ticks.map((t) => formatX(t, true)) };
  }
  if (x.every(Number.isInteger)) return { incrs: INTEGER_STEPS, space: 40 };
  return {};
}

// Pads the x range by half the smallest step so the first and last bars are drawn whole.
// A single bar gets a day (time) or 1 (numbers) as its step.
function halfStepPadding(x: number[], isTime: boolean): uPlot.Scale.Range {
  let step = Number.POSITIVE_INFINITY;
  for (let i = 1; i < x.length; i++) step = Math.min(step, (x[i] as number) - (x[i - 1] as number));
  if (!Number.isFinite(step) || step <= 0) step = isTime ? 86_400_000 : 1;
  return (_u, min, max) => [min - step / 2, max + step / 2];
}
