/**
 * Cron triggers for the serving runtime: workerd has no scheduler of its own and `wrangler dev`
 * never fired the workers' crons, so `npm start` pokes each worker's scheduled handler when one
 * of its expressions matches the minute. Only the five-field forms the configs use are
 * understood (`*`, `*\/n`, `a`, `a-b`, `a,b`); anything else is reported and never fires.
 */
function field(spec: string, value: number, min: number): boolean {
  return spec.split(",").some((part) => {
    const [range = "*", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [lo, hi] =
      range === "*"
        ? [min, Infinity]
        : range.includes("-")
          ? range.split("-").map(Number)
          : [Number(range), stepText ? Infinity : Number(range)];
    return value >= lo! && value <= hi! && (value - lo!) % step === 0;
  });
}

const understood = (cron: string) => /^[\d*,/-]+(\s+[\d*,/-]+){4}$/.test(cron.trim());

export function cronMatches(cron: string, at: Date): boolean {
  if (!understood(cron)) return false;
  const f = cron.trim().split(/\s+/);
  const values = [at.getUTCMinutes(), at.getUTCHours(), at.getUTCDate(), at.getUTCMonth() + 1, at.getUTCDay()];
  const mins = [0, 0, 1, 1, 0];
  return f.every((spec, i) => field(spec, values[i]!, mins[i]!));
}

export type Scheduled = (cron: string, scheduledTime: Date) => Promise<void>;

/** Every minute, on the minute: each matching cron of each worker, once. Returns a stop function. */
export function startCronLoop(workers: { name: string; crons: string[]; fire: Scheduled }[], log: (s: string) => void) {
  for (const w of workers)
    for (const c of w.crons)
      if (!understood(c)) log(`${w.name}: cron "${c}" is not understood locally and will not fire`);
  let timer: NodeJS.Timeout | undefined;
  const said = new Set<string>();
  const first = (text: string) => {
    if (!said.has(text)) log(text);
    said.add(text);
  };
  const tick = () => {
    const now = new Date();
    now.setUTCSeconds(0, 0);
    for (const w of workers)
      for (const c of w.crons)
        if (cronMatches(c, now))
          w.fire(c, now).then(
            () => first(`${w.name}: cron "${c}" fired (said once; it fires silently from now on)`),
            (e) => log(`${w.name}: cron "${c}" failed: ${(e as Error).message}`),
          );
    schedule();
  };
  // 50 ms past the minute, so `now` above is the minute just begun; unref: never keeps Node up.
  const schedule = () => (timer = setTimeout(tick, 60_000 - (Date.now() % 60_000) + 50).unref());
  schedule();
  return () => clearTimeout(timer);
}
