/** Small formatting helpers shared by the benchmarks' printed reports. */
export const seconds = (since: number) => (performance.now() - since) / 1000;
export const f4 = (v: number) => v.toFixed(4);
export const f2 = (v: number) => v.toFixed(2);
/** Progress lines go to stderr, so stdout holds only the report. */
export const progress = (line: string) => console.error(`  .. ${line}`);
