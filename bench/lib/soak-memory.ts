/**
 * bench/soak's memory record: workerd's resident set from /proc every 10 s, every isolate's
 * V8 heap over workerd's inspector every 60 s (the largest seen per isolate kept), and named
 * marks (the mix's start and end) to cut the record by.
 */
import { readFile } from "node:fs/promises";
import { isolateHeaps, type IsolateHeap } from "./isolate-heap";

type Sample = { at: number; rss: number };

export class MemorySampler {
  private samples: Sample[] = [];
  private marks = new Map<string, number>();
  private peaks = new Map<string, IsolateHeap>();
  private timers: NodeJS.Timeout[] = [];
  private heapErrors = 0;

  constructor(
    private readonly pid: number,
    private readonly inspectorPort: number,
  ) {}

  /** Resident memory of a process in bytes (Linux /proc), or NaN once it is gone. */
  static async rss(pid: number): Promise<number> {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(await readFile(`/proc/${pid}/status`, "utf8"));
      return m ? Number(m[1]) * 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  start() {
    const sample = async () => this.samples.push({ at: performance.now(), rss: await MemorySampler.rss(this.pid) });
    const heaps = async () => {
      try {
        for (const h of await isolateHeaps(this.inspectorPort)) {
          const seen = this.peaks.get(h.title);
          if (!seen || h.totalBytes > seen.totalBytes) this.peaks.set(h.title, h);
        }
      } catch {
        this.heapErrors++;
      }
    };
    void sample();
    void heaps();
    this.timers.push(setInterval(() => void sample(), 10_000), setInterval(() => void heaps(), 60_000));
  }

  stop() {
    for (const t of this.timers) clearInterval(t);
  }

  mark(name: string) {
    this.marks.set(name, performance.now());
  }

  latestLine(): string {
    const s = this.samples.at(-1);
    return s ? `workerd RSS ${(s.rss / 1048576).toFixed(1)} MiB` : "no sample yet";
  }

  heapPeaks(): IsolateHeap[] {
    return [...this.peaks.values()].sort((a, b) => b.totalBytes - a.totalBytes);
  }

  private window(from: number, to: number) {
    return this.samples.filter((s) => s.at >= from && s.at <= to && Number.isFinite(s.rss));
  }

  /** (max - min) / min of RSS over the last 5 minutes of the mix at the set rate. */
  flatness(mixMinutes: number): number {
    const end = this.marks.get("mix end")!;
    const w = this.window(end - Math.min(5, mixMinutes / 2) * 60_000, end);
    const rss = w.map((s) => s.rss);
    return rss.length ? (Math.max(...rss) - Math.min(...rss)) / Math.min(...rss) : NaN;
  }

  /** RSS at each mark and at each minute of the mix, as lines. */
  report(mixMinutes: number): string {
    const at = (t: number) => {
      const s = this.samples.reduce((best, x) => (Math.abs(x.at - t) < Math.abs(best.at - t) ? x : best), this.samples[0]!);
      return `${(s.rss / 1048576).toFixed(1)} MiB`;
    };
    const lines = [...this.marks].map(([name, t]) => `  ${name}: ${at(t)}`);
    const start = this.marks.get("mix start")!;
    const minutes = Array.from({ length: mixMinutes + 1 }, (_, m) => `${m}: ${at(start + m * 60_000)}`);
    lines.push(`  mix by minute: ${minutes.join(", ")}`);
    if (this.heapErrors) lines.push(`  (${this.heapErrors} heap samples went unanswered)`);
    return lines.join("\n");
  }
}
