"""Runs one job to its end and reports it (docs/trainer-contract.md): `started`, per-epoch
`progress`, artifact uploads, `completed` with held-out metrics on the Node trainer's split
(interactions.split_per_user), or `failed` with a sentence. Never raises."""
import time
import traceback
import urllib.error
import urllib.request
from urllib.parse import quote

from .reporter import Reporter

HOLD_OUT_FRACTION = 0.2
K = 10
MODEL_TYPES = ("two_tower", "gnn")


class Stopped(Exception):
    pass


def spec_problem(spec: dict) -> str | None:
    """A reason for a 400, or None when the spec can be run (trainer/src/job.ts specProblem)."""
    if not isinstance(spec, dict):
        return "the job spec is not an object"
    if not isinstance(spec.get("job_id"), str) or not isinstance(spec.get("tenant_id"), str):
        return "job_id and tenant_id are required"
    if not isinstance(spec.get("model_type"), str):
        return "model_type is required"
    cb = spec.get("callback")
    if not isinstance(cb, dict) or not isinstance(cb.get("url"), str) or not isinstance(cb.get("secret"), str):
        return "callback.url and callback.secret are required"
    art = spec.get("artifacts")
    if not isinstance(art, dict) or not isinstance(art.get("url"), str) or "{name}" not in art["url"]:
        return "artifacts.url with a {name} placeholder is required"
    if not isinstance(spec.get("data"), dict) or not isinstance(spec["data"].get("files"), list):
        return "data.files is required"
    if not isinstance(spec.get("hyperparameters"), dict):
        return "hyperparameters are required"
    if spec["model_type"] not in MODEL_TYPES:
        return f"this trainer runs {' and '.join(MODEL_TYPES)} only, not {spec['model_type']}"
    return None


def upload(spec: dict, name: str, body: bytes) -> None:
    req = urllib.request.Request(spec["artifacts"]["url"].replace("{name}", quote(name)), data=body, method="PUT",
                                 headers={"content-type": "application/octet-stream"})
    try:
        with urllib.request.urlopen(req, timeout=300):
            pass
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"could not upload {name}: HTTP {e.code} {e.read().decode('utf-8', 'replace')[:200]}")


def r6(v: float) -> float:
    return round(float(v), 6)


def run_job(spec: dict, log=print, device: str | None = None) -> None:
    # Imported here so that the server answers (and refuses jobs with a reason) without torch
    # or numpy: only the standard library is imported before a job runs.
    from . import artifacts
    from .interactions import evaluate, evaluate_popularity, from_rows, split_per_user
    from .models import fit_model
    from .read_data import read_rows
    from .seeding import device_of
    from .validation import validation_split

    job_id = spec["job_id"]

    def say(line: str) -> None:
        log(f"[trainer-gpu] job {job_id[:8]}: {line}")

    reporter = Reporter(job_id, spec["callback"]["url"], spec["callback"]["secret"],
                        float(spec.get("heartbeat_seconds", 30)), say)
    reporter.start_heartbeat()

    def check_stopped():
        if reporter.stopped:
            raise Stopped(f"the dispatcher ended the job: {reporter.stop_reason}")

    try:
        hp = {k: v for k, v in spec["hyperparameters"].items() if isinstance(v, (int, float))}
        seed = int(hp.get("seed", 42))
        t0 = time.perf_counter()
        rows = read_rows(spec["data"]["files"])
        read_seconds = time.perf_counter() - t0
        if not rows["user_id"]:
            raise RuntimeError("the job's data range holds no interactions")
        data = from_rows(rows["user_id"], rows["item_id"], rows["label"], rows["timestamp"])
        m = data.matrix
        say(f"{len(rows['user_id'])} events, {m.n_users} users, {m.n_items} items (read in {read_seconds:.2f} s)")
        dev = device_of(device)
        epochs = int(hp.get("epochs", spec.get("total_epochs") or 10))
        reporter.send("started", total_epochs=epochs)
        reporter.send("progress", progress=0.05)
        check_stopped()
        # The test split: the Node trainer's, from the same seed (interactions.py).
        split = split_per_user(m, HOLD_OUT_FRACTION, seed)

        def on_epoch(epoch, of, loss, seconds):
            check_stopped()
            reporter.send("progress", progress=r6(0.1 + 0.8 * epoch / of), epoch=epoch, total_epochs=of,
                          metrics={"loss": r6(loss), "seconds": r6(seconds)})

        validation = {}
        if spec.get("validate"):
            # An `auto` candidate: the figure the dispatcher selects on, from a fit that never
            # saw the validation items, on the Node trainer's validation split (validation.py).
            val = validation_split(split.train, seed)
            reporter.send("progress", progress=0.07)
            vfit = fit_model(spec["model_type"], val.train, data.items, rows["item_features"], hp, epochs, dev,
                             lambda *_: check_stopped(), check_stopped)
            v, vp = evaluate(vfit.scorer, val, K), evaluate_popularity(val, K)
            validation = {"validation_ndcg_at_10": r6(v["ndcg"]), "validation_recall_at_10": r6(v["recall"]),
                          "validation_popularity_ndcg_at_10": r6(vp["ndcg"]), "validation_users": v["users"]}
            say(f"validation NDCG@{K} {v['ndcg']:.4f} (popularity {vp['ndcg']:.4f}, {v['users']} users)")
            check_stopped()

        fit_started = time.perf_counter()
        fitted = fit_model(spec["model_type"], split.train, data.items, rows["item_features"], hp, epochs, dev,
                           on_epoch, check_stopped)
        fit_seconds = time.perf_counter() - fit_started
        check_stopped()
        model = evaluate(fitted.scorer, split, K)
        pop = evaluate_popularity(split, K)
        if fitted.trained_scorer is not None:
            own = evaluate(fitted.trained_scorer, split, K)
            fitted.extra_metrics.update(trained_users_recall_at_10=r6(own["recall"]),
                                        trained_users_ndcg_at_10=r6(own["ndcg"]))
        say(f"held-out Recall@{K} {model['recall']:.4f} NDCG@{K} {model['ndcg']:.4f} "
            f"(popularity {pop['recall']:.4f} / {pop['ndcg']:.4f}, {model['users']} users) on {dev}")
        metrics = {
            "recall_at_10": r6(model["recall"]),
            "ndcg_at_10": r6(model["ndcg"]),
            "popularity_recall_at_10": r6(pop["recall"]),
            "popularity_ndcg_at_10": r6(pop["ndcg"]),
            "loss": r6(fitted.losses[-1] if fitted.losses else 0),
            "eval_users": model["users"],
            "users": m.n_users,
            "items": m.n_items,
            "interactions": len(rows["user_id"]),
            "train_seconds": r6(time.perf_counter() - t0),
            "read_seconds": r6(read_seconds),
            "fit_seconds": r6(fit_seconds),
            "events_per_second": r6(fitted.pairs * epochs / max(fit_seconds, 1e-9)),
            "beats_popularity": 1 if model["ndcg"] > pop["ndcg"] else 0,
            "gpu": 1 if dev.type == "cuda" else 0,
            **fitted.extra_metrics,
            **validation,
        }
        files = artifacts.build(spec["model_type"], data.items, fitted.item_vectors, fitted.user_w, fitted.user_b,
                                fitted.params, metrics)
        for name in (artifacts.ITEM_FACTORS, artifacts.USER_TOWER, artifacts.MANIFEST):
            upload(spec, name, files[name])
        reporter.send("progress", progress=0.95)
        tuning = {
            "trials": [],
            "chosen": fitted.params,
            "verdict": "beats_popularity" if metrics["beats_popularity"] else "does_not_beat_popularity",
            "note": "no search: the given or default hyperparameters were trained once (docs/decisions.md)",
            "seconds": 0,
        }
        status = reporter.send("completed", metrics=metrics, tuning=tuning, artifacts=list(files.keys()))
        say("completed" if status == 200 else f"completion answered {status}")
    except Exception as e:  # noqa: BLE001 - every failure becomes the job's reason
        reason = str(e) or type(e).__name__
        if isinstance(e, Stopped) or reporter.stopped:
            say(f"stopped: {reason}")
        else:
            say(f"failed: {reason}")
            if not isinstance(e, (RuntimeError, ValueError)):
                traceback.print_exc()
            reporter.send("failed", error=reason)
    finally:
        reporter.stop_heartbeat()
