import { spawn, spawnSync, type ChildProcess } from "node:child_process";

/**
 * The GPU trainer (trainer-gpu/, Python, PyTorch) under `npm start`: started beside the Node
 * trainer when Debian's /usr/bin/python3 (PYTHON overrides it) can import torch and numpy, and
 * the dispatcher routes two_tower and gnn to it (TRAINER_URL_TWO_TOWER, TRAINER_URL_GNN).
 * Without torch nothing starts: those jobs go to the Node trainer, which fails them saying how
 * to install it (trainer/src/job.ts gpuOnly), and npm start says so at once.
 */
export const GPU_MODEL_TYPES = ["two_tower", "gnn"] as const;

export function torchProblem(python: string): string | null {
  const probe = spawnSync(python, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.error) return `${python} cannot be run (${probe.error.message})`;
  if (probe.status !== 0) return `${python} cannot import torch and numpy`;
  return null;
}

export function startGpuTrainer(options: { port: number; sharedSecret: string; log: (line: string) => void }): {
  child?: ChildProcess;
  routes: Record<string, string>;
} {
  const python = process.env.PYTHON ?? "/usr/bin/python3";
  const problem = torchProblem(python);
  if (problem) {
    options.log(
      `two_tower and gnn need the GPU trainer, which needs PyTorch: ${problem}. ` +
        "Install it (Debian/Ubuntu: sudo apt-get install python3-torch python3-numpy) and restart; " +
        "until then their training jobs fail with that reason",
    );
    return { routes: {} };
  }
  options.log(`starting the GPU trainer (trainer-gpu/, PyTorch on ${python}) on http://127.0.0.1:${options.port}`);
  const child = spawn(python, ["-m", "edgeml_trainer"], {
    cwd: "trainer-gpu",
    env: { ...process.env, TRAINER_GPU_PORT: String(options.port), TRAINER_SHARED_SECRET: options.sharedSecret },
    stdio: "inherit",
  });
  const url = `http://127.0.0.1:${options.port}`;
  return { child, routes: Object.fromEntries(GPU_MODEL_TYPES.map((t) => [`TRAINER_URL_${t.toUpperCase()}`, url])) };
}
