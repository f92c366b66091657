import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * The address and pid of the workerd that runs the workers, so a benchmark can send requests
 * to it directly and the e2e crash test can kill it.
 *
 * `npm start` (scripts/lib/serve-miniflare.ts) runs one workerd with a socket on the port
 * itself (a direct socket into the api worker, set in the config Miniflare passes on stdin): that
 * process is the answer, and its base the stack's own. `npm run dev` runs `wrangler dev`, found as follows.
 *
 * `wrangler dev` runs two workerd processes: its proxy (`--socket-addr=entry=HOST:PORT`, the
 * port `npm start` was given) and the one with the workers, whose entry socket is asked for
 * as `entry=127.0.0.1:0` (a port the kernel picks, told to wrangler over a control pipe only).
 * So: find wrangler's node process by its `--port`, the workerd processes of its process
 * group (`npm start` runs it in its own group), the one whose entry is not the proxy's, and
 * that process's listening TCP sockets (its socket fds matched to /proc/PID/net/tcp). Of
 * those (entry, inspector, debug port) the entry is the one that answers `probePath` with
 * 200. Linux only (/proc).
 */
export type WorkerdSocket = { base: string; pid: number; entryArg: string; listening: number[] };

type Proc = { pid: number; pgid: number; argv: string[] };

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      // Field 5 of stat is the process group; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const pgid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
      out.push({ pid: Number(name), pgid, argv });
    } catch {
      // exited meanwhile, or not readable
    }
  }
  return out;
}

/** TCP ports the process listens on (IPv4 and IPv6). */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ["tcp", "tcp6"]) {
    let text = "";
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, field 9 the inode.
      if (f.length < 10 || f[3] !== "0A" || !inodes.has(f[9]!)) continue;
      ports.add(parseInt(f[1]!.split(":")[1]!, 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function listensOn(pid: number, port: number): boolean {
  try {
    return listeningPorts(pid).includes(port);
  } catch {
    return false; // exited, or not ours to read
  }
}

const entryOf = (argv: string[]) =>
  argv.find((a) => a.startsWith("--socket-addr=entry="))?.slice("--socket-addr=entry=".length);

async function answers(base: string, probePath: string): Promise<boolean> {
  try {
    const res = await fetch(`${base}${probePath}`, { signal: AbortSignal.timeout(3000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

export async function findWorkerdSocket(proxyPort: number, probePath = "/health/live"): Promise<WorkerdSocket> {
  const all = processes();
  const isWrangler = (p: Proc) =>
    p.argv.some((a) => a.includes("wrangler")) &&
    p.argv.includes("dev") &&
    p.argv.some((a, i) => a === "--port" && p.argv[i + 1] === String(proxyPort));
  const wrangler = all.find(isWrangler);
  if (!wrangler) return servingWorkerd(all, proxyPort, probePath);
  const workerds = all.filter(
    (p) =>
      p.pgid === wrangler.pgid &&
      p.argv.includes("serve") &&
      (p.argv[0] ?? "").endsWith("workerd") &&
      entryOf(p.argv) !== undefined,
  );
  const proxy = (arg: string) => arg.endsWith(`:${proxyPort}`);
  const candidates = workerds.filter((p) => !proxy(entryOf(p.argv)!));
  if (candidates.length !== 1)
    throw new Error(
      `expected one workerd besides wrangler's proxy in process group ${wrangler.pgid}, found: ` +
        JSON.stringify(workerds.map((p) => ({ pid: p.pid, entry: entryOf(p.argv) }))),
    );
  const w = candidates[0]!;
  const entryArg = entryOf(w.argv)!;
  const [, host = "127.0.0.1", port = "0"] = /^(.*):(\d+)$/.exec(entryArg) ?? [];
  const listening = listeningPorts(w.pid);
  // A fixed entry port is the answer; port 0 means one of the listening sockets.
  const tries = port !== "0" ? [Number(port)] : listening;
  for (const p of tries) {
    const base = `http://${host}:${p}`;
    if (await answers(base, probePath)) return { base, pid: w.pid, entryArg, listening };
  }
  throw new Error(
    `workerd ${w.pid} (${entryArg}) listens on ${listening.join(", ") || "nothing"}; none answered ${probePath} with 200`,
  );
}

/** A workerd `serve` process with a socket listening on `port` (npm start's has one). */
const servesPort = (p: Proc, port: number) =>
  (p.argv[0] ?? "").endsWith("workerd") && p.argv.includes("serve") && listensOn(p.pid, port);

/** The pid of the workerd serving `port` (npm start's), without asking it anything: it may be busy. */
export function workerdServingPid(port: number): number | undefined {
  return processes().find((p) => servesPort(p, port))?.pid;
}

/**
 * npm start's workerd: no proxy in front; one of its sockets, a direct one into the api that
 * Miniflare sets in the config (not on the command line), listens on the port.
 */
async function servingWorkerd(all: Proc[], port: number, probePath: string): Promise<WorkerdSocket> {
  const found = all.filter((p) => servesPort(p, port));
  if (found.length !== 1)
    throw new Error(
      `no wrangler dev process with --port ${port} under /proc, and ${found.length} workerd processes serving :${port}`,
    );
  const w = found[0]!;
  const entryArg = `127.0.0.1:${port}`;
  const base = `http://${entryArg}`;
  if (!(await answers(base, probePath)))
    throw new Error(`workerd ${w.pid} (${entryArg}) did not answer ${probePath} with 200`);
  return { base, pid: w.pid, entryArg, listening: listeningPorts(w.pid) };
}
