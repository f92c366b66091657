"""The GPU trainer's HTTP server (docs/trainer-contract.md), as trainer/src/server.ts:

  POST /jobs    a job spec signed with TRAINER_SHARED_SECRET -> 202, then runs it
  GET  /health  {status, running, pid, torch, device}

One fit at a time (a GPU, or the CPU, is used whole); later jobs wait their turn. Without
torch the server still answers: every job is refused (400) with how to install it, so the
dispatcher fails the job with that reason instead of retrying an unreachable trainer.
Environment: TRAINER_GPU_PORT (8791), TRAINER_HOST (127.0.0.1; 0.0.0.0 in the container),
TRAINER_SHARED_SECRET (16+ characters), TRAINER_DEVICE (cuda / cpu; default: cuda when present)."""
import json
import os
import queue
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .job import run_job, spec_problem
from .signatures import SIGNATURE_HEADER, verify_payload

MAX_SPEC_BYTES = 4 * 1024 * 1024
TORCH_MISSING = ("PyTorch is not installed on the GPU trainer's host: install it with numpy "
                 "(Debian/Ubuntu: apt-get install python3-torch python3-numpy; or run trainer-gpu/Dockerfile)")


def torch_status() -> tuple[bool, str]:
    try:
        import numpy  # noqa: F401
        import torch

        return True, torch.__version__
    except ImportError:
        return False, TORCH_MISSING


def make_server(port: int, host: str, secret: str, log=print, device: str | None = None) -> ThreadingHTTPServer:
    has_torch, torch_info = torch_status()
    jobs: "queue.Queue[dict]" = queue.Queue()
    accepted: set = set()
    running = {"n": 0}

    def worker():
        while True:
            spec = jobs.get()
            running["n"] += 1
            try:
                run_job(spec, log, device)
            finally:
                running["n"] -= 1

    threading.Thread(target=worker, daemon=True).start()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # the default writes every request to stderr
            pass

        def send(self, status: int, body: dict):
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            if self.path != "/health":
                return self.send(404, {"error": "not found"})
            self.send(200, {"status": "healthy", "running": running["n"], "pid": os.getpid(),
                            "torch": torch_info if has_torch else None, "device": device or "auto"})

        def do_POST(self):
            if self.path != "/jobs":
                return self.send(404, {"error": "not found"})
            size = int(self.headers.get("content-length") or 0)
            if size > MAX_SPEC_BYTES:
                return self.send(400, {"error": "job spec too large"})
            raw = self.rfile.read(size).decode("utf-8")
            reason = verify_payload(secret, raw, self.headers.get(SIGNATURE_HEADER))
            if reason:
                return self.send(401, {"error": reason})
            try:
                spec = json.loads(raw)
            except ValueError:
                return self.send(400, {"error": "the job spec is not JSON"})
            problem = spec_problem(spec) or (None if has_torch else TORCH_MISSING)
            if problem:
                return self.send(400, {"error": problem})
            # The dispatcher retries when an answer is lost: the same job is accepted once.
            if spec["job_id"] not in accepted:
                accepted.add(spec["job_id"])
                log(f"[trainer-gpu] job {spec['job_id'][:8]}: accepted ({spec['model_type']}, "
                    f"{len(spec['data']['files'])} files)")
                jobs.put(spec)
            self.send(202, {"accepted": True, "job_id": spec["job_id"]})

    return ThreadingHTTPServer((host, port), Handler)


def main() -> None:
    secret = os.environ.get("TRAINER_SHARED_SECRET", "")
    if len(secret) < 16:
        print("[trainer-gpu] TRAINER_SHARED_SECRET must be set (16+ characters): the dispatcher signs jobs with it",
              file=sys.stderr)
        sys.exit(1)
    port = int(os.environ.get("TRAINER_GPU_PORT", "8791"))
    host = os.environ.get("TRAINER_HOST", "127.0.0.1")
    server = make_server(port, host, secret, lambda line: print(line, flush=True), os.environ.get("TRAINER_DEVICE"))
    has_torch, info = torch_status()
    print(f"[trainer-gpu] listening on http://{host}:{port} "
          f"({'torch ' + info if has_torch else 'WITHOUT torch: ' + info})", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
