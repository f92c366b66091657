"""bench/gpu-train.ts's worker: trains two_tower and gnn (trainer-gpu/) on the world file on one
device, and on cuda torch_geometric's LightGCN on the same graph, printing one JSON line:
{device, models: {name: {pairs_per_second, recall_at_10, ndcg_at_10, epochs, fit_seconds}}}.
Usage: python3 bench/gpu_train_worker.py <world.bin> <cuda|cpu> <epochs>"""
import json
import pathlib
import sys
import time

import numpy as np

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "trainer-gpu"))
import torch  # noqa: E402

from edgeml_trainer.graph import positive_pairs  # noqa: E402
from edgeml_trainer.interactions import build_matrix, evaluate, split_per_user  # noqa: E402
from edgeml_trainer.models import fit_model  # noqa: E402


def log(line: str) -> None:
    print(f"  .. [{sys.argv[2]}] {line}", file=sys.stderr, flush=True)


def main() -> None:
    world, device, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if device == "cuda" and not torch.cuda.is_available():
        log("no GPU on this host: the cuda half is not run")
        sys.exit(3)
    raw = pathlib.Path(world).read_bytes()
    n, n_users, n_items = np.frombuffer(raw, np.int32, 3)
    at = 12
    users = np.frombuffer(raw, np.int32, n, at); at += 4 * n
    items = np.frombuffer(raw, np.int32, n, at); at += 4 * n
    labels = np.frombuffer(raw, np.float32, n, at); at += 4 * n
    times = np.frombuffer(raw, np.float64, n, at)
    m = build_matrix(users, items, labels, int(n_users), int(n_items), times)
    split = split_per_user(m, 0.2, 42)
    pairs = len(positive_pairs(split.train)[0])
    dev = torch.device(device)
    out = {}
    for name in ("two_tower", "gnn"):
        t0 = time.perf_counter()
        fitted = fit_model(name, split.train, list(range(int(n_items))), {}, {"seed": 42}, epochs, dev,
                           lambda e, of, loss, s: log(f"{name} epoch {e}/{of}: loss {loss:.4f} in {s:.1f} s"))
        fit = time.perf_counter() - t0
        ev = evaluate(fitted.scorer, split)
        out[name] = {"pairs_per_second": pairs * epochs / fit, "recall_at_10": ev["recall"], "ndcg_at_10": ev["ndcg"],
                     "epochs": epochs, "fit_seconds": fit}
        log(f"{name}: {out[name]}")
    if device == "cuda":
        try:
            out["pyg_lightgcn"] = pyg_lightgcn(split, epochs, dev, pairs)
        except ImportError as e:
            log(f"torch_geometric is not installed ({e}): its LightGCN figures are missing")
    print(json.dumps({"device": device, "models": out}))


def pyg_lightgcn(split, epochs: int, dev, pairs: int) -> dict:
    """torch_geometric.nn.models.LightGCN on the same training graph, BPR, same epochs and batch."""
    from torch_geometric.nn.models import LightGCN

    nu, ni = split.train.n_users, split.train.n_items
    u, i = positive_pairs(split.train)
    edge = torch.tensor(np.vstack([np.r_[u, i + nu], np.r_[i + nu, u]]), dtype=torch.long, device=dev)
    model = LightGCN(nu + ni, 64, 3).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    g = torch.Generator().manual_seed(42)
    ut, it = torch.tensor(u, device=dev), torch.tensor(i + nu, device=dev)
    t0 = time.perf_counter()
    for _ in range(epochs):
        perm = torch.randperm(len(u), generator=g).to(dev)
        neg = (torch.randint(0, ni, (len(u),), generator=g) + nu).to(dev)
        for s in range(0, len(u), 2048):
            b = perm[s : s + 2048]
            idx = torch.stack([ut[b], it[b]])
            pos_rank = model(edge, idx)
            neg_rank = model(edge, torch.stack([ut[b], neg[b]]))
            loss = model.recommendation_loss(pos_rank, neg_rank, node_id=torch.cat([ut[b], it[b], neg[b]]), lambda_reg=1e-4)
            opt.zero_grad()
            loss.backward()
            opt.step()
    fit = time.perf_counter() - t0
    with torch.no_grad():
        e = model.get_embedding(edge).cpu().numpy()
    ev = evaluate(lambda us: e[us] @ e[nu:].T, split)
    return {"pairs_per_second": pairs * epochs / fit, "recall_at_10": ev["recall"], "ndcg_at_10": ev["ndcg"],
            "epochs": epochs, "fit_seconds": fit}


if __name__ == "__main__":
    main()
