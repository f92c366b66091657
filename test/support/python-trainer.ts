import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { REPO } from "./paths.ts";
import { TRAINER_SHARED_SECRET } from "./workers.ts";

/**
 * The GPU trainer (trainer-gpu/, Python) for the dispatch project's contract tests, and the
 * relay that joins it to the dispatcher: the dispatcher runs inside workerd, where nothing
 * outside can call it, so the trainer's requests (data downloads, artifact uploads,
 * callbacks: PUBLIC_URL is the relay) are held here until the test takes them
 * (`GET /__next`), hands each to the real worker and posts the worker's answer back
 * (`POST /__answer/<id>`). The worker's answers reach the trainer byte for byte; nothing of
 * the dispatcher is imitated. `POST /__kill` kills the trainer mid-job (SIGKILL) and starts a
 * fresh one, for the crash test.
 */
type Held = {
  id: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  res: ServerResponse;
};

const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

const bodyOf = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function startTrainer(port: number): Promise<ChildProcess> {
  const child = spawn(PYTHON, ["-m", "edgeml_trainer"], {
    cwd: `${REPO}/trainer-gpu`,
    env: { ...process.env, TRAINER_SHARED_SECRET, TRAINER_GPU_PORT: String(port), TRAINER_DEVICE: "cpu" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("listening on")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`the GPU trainer exited (${code}) before listening: ${out}`)));
  });
  return child;
}

export default async function setup(project: TestProject) {
  const probe = spawnSync(PYTHON, ["-c", "import torch, numpy"], { encoding: "utf8" });
  if (probe.status !== 0) {
    // The tests fail with this sentence (they never skip: CI must have PyTorch).
    project.provide("pythonTrainer", {
      error: `${PYTHON} cannot import torch: apt-get install python3-torch python3-numpy`,
    });
    return;
  }
  const port = await freePort();
  let trainer = await startTrainer(port);
  const held: Held[] = [];
  let nextId = 0;
  const waiting: (() => void)[] = [];

  const relay = createServer(async (req, res) => {
    const path = req.url ?? "/";
    if (path.startsWith("/__next")) {
      if (held.every((h) => h.res.headersSent))
        await new Promise<void>((r) => {
          waiting.push(r);
          setTimeout(r, 1000);
        });
      const h = held.find((x) => !x.res.headersSent && !("taken" in x));
      if (!h) return res.writeHead(204).end();
      (h as Held & { taken?: boolean }).taken = true;
      const { res: _res, ...rest } = h;
      return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rest));
    }
    if (path.startsWith("/__answer/")) {
      const id = Number(path.slice("/__answer/".length));
      const answer = JSON.parse((await bodyOf(req)).toString("utf8")) as { status: number; body: string };
      const i = held.findIndex((x) => x.id === id);
      if (i >= 0) {
        const [h] = held.splice(i, 1);
        h!.res.writeHead(answer.status, { "content-type": "application/json" }).end(Buffer.from(answer.body, "base64"));
      }
      return res.writeHead(200).end("ok");
    }
    if (path === "/__kill") {
      trainer.kill("SIGKILL");
      await new Promise((r) => trainer.once("exit", r));
      for (const h of held.splice(0)) h.res.destroy();
      trainer = await startTrainer(port);
      return res.writeHead(200).end("ok");
    }
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
    );
    held.push({
      id: ++nextId,
      method: req.method ?? "GET",
      path,
      headers,
      body: (await bodyOf(req)).toString("base64"),
      res,
    });
    waiting.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  project.provide("pythonTrainer", {
    url: `http://127.0.0.1:${port}`,
    relay: `http://127.0.0.1:${(relay.address() as AddressInfo).port}`,
  });
  return async () => {
    trainer.kill("SIGTERM");
    await new Promise<void>((resolve) => relay.close(() => resolve()));
  };
}
