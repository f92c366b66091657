import { readdirSync, readFileSync } from "node:fs";
import { convertV4MiniflareOptions, Log, LogLevel, Miniflare } from "miniflare";
import { startCronLoop } from "./crons";
import { directSocket, sharedOptions, workerOptions } from "./miniflare-options";
import type { Runtime, RuntimeInput } from "./runtime";

/**
 * `npm start`'s serving runtime: the three workers in one workerd driven by Miniflare's API,
 * with a socket of workerd's on the port itself, straight into the api worker. No dev proxy in front, no live reload, no
 * inspector (EDGE_ML_INSPECTOR=1 opens one on the inspector port), no local trace collector
 * (EDGE_ML_LOCAL_TRACES=1) and no local explorer: what grows under load in `wrangler dev`
 * (docs/decisions.md, "Local serving runtime"). Crons fire from our own loop (crons.ts).
 */
export async function serveWithMiniflare(input: RuntimeInput): Promise<Runtime> {
  // wrangler reads the second configs' [secrets] and [vars] overrides from the process
  // environment, as it does under wrangler dev.
  Object.assign(process.env, input.env);
  const workers = await workerOptions(input.configs, input.buildDir, input.apiVars);
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      ...sharedOptions(input.persistTo),
      ...(process.env.EDGE_ML_INSPECTOR === "1" ? { inspectorPort: input.inspectorPort } : {}),
      ...(process.env.EDGE_ML_LOCAL_TRACES === "1" ? { unsafeObservability: true } : {}),
      log: new Log(logLevel(process.env.WRANGLER_LOG)),
      handleStructuredLogs: relayWorkerLog,
      // The first worker is the api: the served port goes straight into it.
      workers: workers.map((w, i) => (i === 0 ? { ...w.options, ...directSocket(input.port) } : w.options)),
    }),
  );
  await mf.ready;

  const stopCrons = startCronLoop(
    await Promise.all(
      workers.map(async (w) => {
        const crons = process.env.EDGE_ML_CRONS === "0" ? [] : w.crons;
        const fetcher = crons.length ? await mf.getWorker(w.name) : undefined;
        return {
          name: w.name,
          crons,
          fire: async (cron: string, scheduledTime: Date) => {
            // Miniflare types its Fetcher's fetch only; workerd's has scheduled() as well.
            await (fetcher as unknown as ScheduledFetcher).scheduled({ cron, scheduledTime });
          },
        };
      }),
    ),
    input.log,
  );

  // Miniflare does not say when workerd dies (the e2e crash test kills it with SIGKILL): watch
  // its pid, so `npm start` exits as it did when wrangler dev lost its workerd.
  const pid = workerdChild();
  let stopping = false;
  let gone: (code: number) => void = () => {};
  const exited = new Promise<number>((resolve) => {
    gone = resolve;
    const timer = setInterval(() => {
      if (pid === undefined || alive(pid)) return;
      clearInterval(timer);
      if (!stopping) input.log(`workerd (pid ${pid}) is gone`);
      resolve(stopping ? 0 : 1);
    }, 500);
  });
  return {
    exited,
    stop: async () => {
      stopping = true;
      stopCrons();
      await Promise.race([mf.dispose(), new Promise((r) => setTimeout(r, 5000))]).catch(() => {});
      if (pid !== undefined && alive(pid)) process.kill(pid, "SIGKILL");
      gone(0);
    },
  };
}

/**
 * workerd's log lines, as Miniflare hands them over (one per console call, without a worker
 * prefix). The workers' own JSON lines (workers/shared/logger.ts: one per request, and per
 * queue-message event) go to stdout bare and whole, whatever their level, so stdout is a
 * stream of JSON lines a log shipper or `jq` can read; LOG_LEVEL filters them in the worker.
 * Anything else (workerd's own messages, a stray console.log) keeps Miniflare's default
 * routing: warnings and errors to stderr, the rest to stdout. WRANGLER_LOG sets Miniflare's
 * own messages only; it never hides the request lines.
 */
export function relayWorkerLog({ level, message }: { level: string; message: string }): void {
  if (isJsonLogLine(message)) process.stdout.write(message.endsWith("\n") ? message : `${message}\n`);
  else if (level === "error" || level === "warn") process.stderr.write(`${message}\n`);
  else process.stdout.write(`${message}\n`);
}

function isJsonLogLine(message: string): boolean {
  if (!message.startsWith("{")) return false;
  try {
    const line = JSON.parse(message) as Record<string, unknown>;
    return typeof line.level === "string" && typeof line.service === "string" && typeof line.message === "string";
  } catch {
    return false;
  }
}

type ScheduledFetcher = { scheduled(o: { cron: string; scheduledTime: Date }): Promise<unknown> };

function logLevel(name = "warn"): LogLevel {
  const levels: Record<string, LogLevel> = {
    none: LogLevel.NONE,
    error: LogLevel.ERROR,
    warn: LogLevel.WARN,
    info: LogLevel.INFO,
    log: LogLevel.INFO,
    debug: LogLevel.DEBUG,
  };
  return levels[name] ?? LogLevel.WARN;
}

function alive(pid: number): boolean {
  try {
    // A zombie (killed, not yet reaped) is gone too.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** The workerd this process started (Linux /proc; undefined elsewhere, where no one watches it). */
function workerdChild(): number | undefined {
  try {
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const argv0 = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0")[0] ?? "";
        if (ppid === process.pid && argv0.endsWith("workerd")) return Number(name);
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    // no /proc
  }
  return undefined;
}
