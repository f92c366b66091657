// Formatting shared by the axes, the summaries and the data tables, so all three say the same thing.

export function formatX(x: number, isTime: boolean): string {
  if (!isTime) return formatNumber(x);
  // Days are UTC days in every route that aggregates per day, so the chart shows UTC too.
  return new Date(x).toISOString().slice(0, 10);
}

export function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString("en-US");
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toLocaleString("en-US", { maximumFractionDigits: 1 });
  if (magnitude >= 1) return value.toLocaleString("en-US", { maximumFractionDigits: 3 });
  return String(Number(value.toPrecision(3)));
}
