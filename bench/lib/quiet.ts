import { readFile } from "node:fs/promises";

/** CPU seconds (user + system) a process has used so far (Linux /proc), or NaN once it is gone. */
export async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces): utime and stime are 14 and 15.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

/**
 * Waits until the process has used less than `share` of a core in each of `windows`
 * consecutive windows of `windowMs`: the background work a load started (the stored-list
 * refresh after 100,000 events ranks every user, on the same workerd thread that serves) has
 * drained. A benchmark that measures serving before that also measures that work.
 * Returns the seconds waited; throws after `maxMs`.
 */
export async function waitForQuiet(
  pid: number,
  { share = 0.1, windowMs = 2000, windows = 3, maxMs = 15 * 60_000 } = {},
): Promise<number> {
  const t0 = performance.now();
  let quiet = 0;
  let last = await cpuSeconds(pid);
  while (quiet < windows) {
    if (performance.now() - t0 > maxMs) throw new Error(`workerd ${pid} still busy after ${maxMs / 1000} s`);
    await new Promise((r) => setTimeout(r, windowMs));
    const now = await cpuSeconds(pid);
    if (Number.isNaN(now)) throw new Error(`workerd ${pid} exited while waiting for it to go quiet`);
    quiet = (now - last) / (windowMs / 1000) < share ? quiet + 1 : 0;
    last = now;
  }
  return (performance.now() - t0) / 1000;
}
