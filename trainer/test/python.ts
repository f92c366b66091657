import { spawnSync } from "node:child_process";

/**
 * The Python the GPU trainer runs on: Debian's /usr/bin/python3 (python3-torch, python3-numpy
 * from apt), not whatever `python3` a version manager puts first on PATH. PYTHON overrides it.
 */
export const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
export const TRAINER_GPU_DIR = new URL("../../trainer-gpu/", import.meta.url).pathname;

/** Why the trainer cannot run here (no python, no torch), or null when it can. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
  if (probe.error)
    return `${PYTHON} cannot be run (${probe.error.message}): apt-get install python3 python3-torch python3-numpy`;
  if (probe.status !== 0)
    return `${PYTHON} cannot import torch and numpy: apt-get install python3-torch python3-numpy (${probe.stderr.trim().split("\n").at(-1)})`;
  return null;
}
