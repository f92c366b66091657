// Series colours, each at least 4.5:1 against the white chart background (WCAG AA for text, well over the
// 3:1 needed by graphical objects), and told apart by hue and by the legend's labels, never by colour alone.
export const SERIES_COLOURS = [
  "#1d4ed8", // blue, 6.7:1
  "#b45309", // amber-brown, 5.0:1
  "#15803d", // green, 5.0:1
  "#7e22ce", // purple, 7.1:1
  "#be123c", // rose, 6.0:1
  "#0f766e", // teal, 5.5:1
] as const;

export const AXIS_TEXT = "#1f2937"; // 14.7:1 on white
export const GRID_LINE = "#e5e7eb"; // decoration only: the numbers are in the axis labels and the table

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? SERIES_COLOURS[0];
}
