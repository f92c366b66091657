/**
 * The trainer (docs/trainer-contract.md): an HTTP server that accepts jobs from the
 * trainer-dispatch worker and runs them in this process, one ALS fit at a time.
 *
 *   POST /jobs    a job spec signed with TRAINER_SHARED_SECRET -> 202, then runs it
 *   GET  /health  { status, running, pid }
 *
 * Environment: TRAINER_PORT (8790), TRAINER_HOST (127.0.0.1; 0.0.0.0 in the container),
 * TRAINER_SHARED_SECRET (required: the dispatcher signs every job with it).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { SIGNATURE_HEADER, verifyPayload } from "@edge-ml/core/auth/signatures";
import { TRAINER_JOBS_PATH } from "@edge-ml/core/training/contract";
import { runJob, specProblem, type JobSpec } from "./job";

const MAX_SPEC_BYTES = 4 * 1024 * 1024;

export function startTrainer(options: { port: number; host: string; sharedSecret: string; log?: (l: string) => void }) {
  const log = options.log ?? ((l: string) => console.log(l));
  const running = new Map<string, Promise<void>>();
  // One fit at a time: ALS uses the whole CPU; later jobs wait their turn (heartbeats go on).
  let queue: Promise<void> = Promise.resolve();

  const send = (res: ServerResponse, status: number, body: object) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  };

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve, reject) => {
      let size = 0;
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => {
        size += c.length;
        if (size > MAX_SPEC_BYTES) reject(new Error("job spec too large"));
        else chunks.push(c);
      });
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });

  const server = createServer(async (req, res) => {
    try {
      if (req.method === "GET" && req.url === "/health")
        return send(res, 200, { status: "healthy", running: running.size, pid: process.pid });
      if (req.method !== "POST" || req.url !== TRAINER_JOBS_PATH) return send(res, 404, { error: "not found" });
      const raw = await readBody(req);
      const check = await verifyPayload(
        options.sharedSecret,
        raw,
        req.headers[SIGNATURE_HEADER.toLowerCase()] as string,
      );
      if (!check.ok) return send(res, 401, { error: check.reason });
      let spec: JobSpec;
      try {
        spec = JSON.parse(raw) as JobSpec;
      } catch {
        return send(res, 400, { error: "the job spec is not JSON" });
      }
      const problem = specProblem(spec);
      if (problem) return send(res, 400, { error: problem });
      // The dispatcher retries when an answer is lost: the same job is accepted once.
      if (!running.has(spec.job_id)) {
        log(`[trainer] job ${spec.job_id.slice(0, 8)}: accepted (${spec.model_type}, ${spec.data.files.length} files)`);
        const run = (queue = queue.then(() => runJob(spec, log))).finally(() => running.delete(spec.job_id));
        running.set(spec.job_id, run);
      }
      send(res, 202, { accepted: true, job_id: spec.job_id });
    } catch (e) {
      send(res, 400, { error: e instanceof Error ? e.message : String(e) });
    }
  });
  server.listen(options.port, options.host);
  return server;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sharedSecret = process.env.TRAINER_SHARED_SECRET ?? "";
  if (sharedSecret.length < 16) {
    console.error("[trainer] TRAINER_SHARED_SECRET must be set (16+ characters): the dispatcher signs jobs with it");
    process.exit(1);
  }
  const port = Number(process.env.TRAINER_PORT ?? 8790);
  const host = process.env.TRAINER_HOST ?? "127.0.0.1";
  const server = startTrainer({ port, host, sharedSecret });
  server.on("listening", () => console.log(`[trainer] listening on http://${host}:${port}`));
  server.on("error", (e) => {
    console.error(`[trainer] ${e.message}`);
    process.exit(1);
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
}
