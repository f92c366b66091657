"""X-EdgeML-Signature (docs/trainer-contract.md section 4; core/auth/signatures.ts):
`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, 300 s tolerance."""
import hashlib
import hmac
import re
import time

SIGNATURE_HEADER = "X-EdgeML-Signature"
TOLERANCE_SECONDS = 300


def sign_payload(secret: str, payload: str, now: int | None = None) -> str:
    t = int(time.time()) if now is None else now
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify_payload(secret: str, payload: str, header: str | None, now: int | None = None) -> str | None:
    """None when the signature verifies, else the reason (the Node trainer's sentences)."""
    if not header:
        return f"missing {SIGNATURE_HEADER}"
    parts = {}
    for p in header.split(","):
        k, _, v = p.partition("=")
        parts[k.strip()] = v.strip()
    t = parts.get("t", "")
    if not re.fullmatch(r"-?[0-9]+", t) or not re.fullmatch(r"[0-9a-f]{64}", parts.get("v1", "")):
        return "malformed signature"
    current = int(time.time()) if now is None else now
    if abs(current - int(t)) > TOLERANCE_SECONDS:
        return "signature timestamp out of tolerance"
    expected = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return None if hmac.compare_digest(expected, parts["v1"]) else "signature mismatch"
