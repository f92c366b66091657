"""The trainer's callbacks (docs/trainer-contract.md section 3), as trainer/src/reporter.ts:
signed with the job's secret, seq increasing, sent one at a time in order; a network error or
5xx is retried with the same seq; a 409 means the dispatcher ended the job (`stopped`); a
thread sends `heartbeat` when nothing else went out for heartbeat_seconds / 2."""
import json
import threading
import time
import urllib.error
import urllib.request

from .signatures import SIGNATURE_HEADER, sign_payload


class Reporter:
    def __init__(self, job_id: str, url: str, secret: str, heartbeat_seconds: float, log=lambda line: None):
        self.job_id, self.url, self.secret, self.log = job_id, url, secret, log
        self.heartbeat_seconds = heartbeat_seconds
        self.seq = 0
        self.lock = threading.Lock()
        self.last_sent = time.monotonic()
        self.stopped = False
        self.stop_reason = ""
        self._done = threading.Event()

    def start_heartbeat(self) -> None:
        every = max(0.25, self.heartbeat_seconds / 2)

        def beat():
            while not self._done.wait(every):
                if time.monotonic() - self.last_sent >= every:
                    self.send("heartbeat")

        threading.Thread(target=beat, daemon=True).start()

    def stop_heartbeat(self) -> None:
        self._done.set()

    def send(self, type_: str, **fields) -> int:
        """Sends one callback; the dispatcher's status, 0 when it never answered."""
        with self.lock:
            self.seq += 1
            self.last_sent = time.monotonic()
            if self.stopped and type_ != "failed":
                return 409
            body = json.dumps({"job_id": self.job_id, "seq": self.seq, "type": type_, **fields})
            last_error = ""
            for attempt in range(1, 7):
                req = urllib.request.Request(self.url, data=body.encode(), method="POST", headers={
                    "content-type": "application/json", SIGNATURE_HEADER: sign_payload(self.secret, body)})
                try:
                    with urllib.request.urlopen(req, timeout=15) as res:
                        return res.status
                except urllib.error.HTTPError as e:
                    text = e.read().decode("utf-8", "replace")
                    if e.code == 409:
                        self.stopped, self.stop_reason = True, text
                    if e.code < 500:
                        if e.code != 409:
                            self.log(f"callback {type_} #{self.seq} refused ({e.code}): {text}")
                        return e.code
                    last_error = f"HTTP {e.code}"
                except (urllib.error.URLError, OSError) as e:
                    last_error = str(e)
                time.sleep(min(8.0, 0.5 * 2 ** (attempt - 1)))
            self.log(f"callback {type_} #{self.seq} not delivered: {last_error}")
            return 0
