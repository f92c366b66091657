"""A host without PyTorch: the server still starts and answers, refusing every job (400) with
how to install it, which the dispatcher turns into the job's reason (never a crash)."""
import json
import pathlib
import socket
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

from edgeml_trainer.signatures import SIGNATURE_HEADER, sign_payload

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECRET = "a-shared-secret-0123456789"
# `import torch` raises ImportError when sys.modules holds None for it: torch is absent.
NO_TORCH = "import sys; sys.modules['torch'] = None; from edgeml_trainer.server import main; main()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WithoutTorch(unittest.TestCase):
    def test_jobs_are_refused_with_the_install_sentence(self):
        port = free_port()
        env = {"TRAINER_SHARED_SECRET": SECRET, "TRAINER_GPU_PORT": str(port), "PATH": "/usr/bin:/bin"}
        proc = subprocess.Popen([sys.executable, "-c", NO_TORCH], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        try:
            self.assertIn("WITHOUT torch", proc.stdout.readline())
            base = f"http://127.0.0.1:{port}"
            with urllib.request.urlopen(f"{base}/health", timeout=5) as res:
                self.assertIsNone(json.load(res)["torch"])
            spec = json.dumps({
                "job_id": "j1", "tenant_id": "t1", "model_type": "two_tower", "hyperparameters": {},
                "data": {"files": []}, "callback": {"url": "http://127.0.0.1:9/cb", "secret": "s"},
                "artifacts": {"url": "http://127.0.0.1:9/a/{name}"}, "heartbeat_seconds": 30,
            })
            req = urllib.request.Request(f"{base}/jobs", data=spec.encode(), method="POST",
                                         headers={SIGNATURE_HEADER: sign_payload(SECRET, spec)})
            with self.assertRaises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(req, timeout=5)
            self.assertEqual(refused.exception.code, 400)
            self.assertRegex(json.load(refused.exception)["error"],
                             r"^PyTorch is not installed .*apt-get install python3-torch")
        finally:
            proc.terminate()
            proc.wait(5)

    def test_a_model_type_it_does_not_run_is_refused_even_with_torch(self):
        from edgeml_trainer.job import spec_problem

        spec = {"job_id": "j", "tenant_id": "t", "model_type": "matrix_factorization", "hyperparameters": {},
                "data": {"files": []}, "callback": {"url": "u", "secret": "s"}, "artifacts": {"url": "x/{name}"}}
        self.assertEqual(spec_problem(spec), "this trainer runs two_tower and gnn only, not matrix_factorization")
        self.assertIsNone(spec_problem({**spec, "model_type": "gnn"}))


if __name__ == "__main__":
    unittest.main()
