/**
 * Paired rounds: a baseline route and the route under test alternate in open loops, `pairs`
 * times, on one target, and each pair's p99 difference is printed with their median.
 *
 * Why: a p99 is set by a few stalls, and on a shared 2-core machine a slow minute moves one
 * route's p99 by more than the few milliseconds a target allows. Two loops run back to back see
 * the same minute, so the differences of several pairs (and their median) say more about the
 * route than the difference of one pair taken minutes apart.
 */
import { openLoop, type Client, type Route, type Target } from "./http-load";
import { table } from "./stats";

export async function pairedRounds(
  c: Client,
  t: Target,
  baseline: Route,
  route: Route,
  o: { rps: number; seconds: number; pairs: number; targetMs: number },
): Promise<{ median: number; diffs: number[] }> {
  const diffs: number[] = [];
  const rows: Record<string, string | number>[] = [];
  for (let i = 1; i <= o.pairs; i++) {
    const h = await openLoop(c, t, baseline, `pair ${i} ${baseline.name}`, o.rps, o.seconds);
    const r = await openLoop(c, t, route, `pair ${i} ${route.name}`, o.rps, o.seconds);
    diffs.push(r.p99 - h.p99);
    rows.push({
      pair: i,
      baseline_p99_ms: h.p99,
      route_p50_ms: r.p50,
      route_p99_ms: r.p99,
      difference_ms: r.p99 - h.p99,
    });
  }
  const median = [...diffs].sort((a, b) => a - b)[Math.floor(diffs.length / 2)]!;
  console.log(`paired rounds on ${t.name}: ${baseline.name} then ${route.name}, ${o.rps} req/s, ${o.seconds} s each`);
  console.log(table(rows));
  const met = diffs.filter((d) => d <= o.targetMs).length;
  console.log(
    `median p99 ${route.name} - p99 ${baseline.name} over ${o.pairs} pairs = ${median.toFixed(1)} ms (target <= ${o.targetMs} ms): ${median <= o.targetMs ? "met" : "missed"}; pairs within the target: ${met} of ${o.pairs}\n`,
  );
  return { median, diffs };
}
