"""gnn: LightGCN (He et al., SIGIR 2020) on the user-item graph of the training positives:
E = mean over layers 0..L of A^l E0, A the symmetric-normalised bipartite adjacency, trained
with BPR (one uniform negative per positive) and L2 on the batch's layer-0 rows. Pure: no I/O.
Serving: item embeddings go to the index; a user (seen at training or not) is folded in at the
edge as the mean of their history's propagated item embeddings (core/ml/user-tower.ts with
W = 0); the trainer reports that served score beside the trained users' own embeddings."""
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .graph import positive_pairs
from .interactions import Matrix
from .seeding import seed_everything


@dataclass
class LightGcnParams:
    embedding_dim: int = 64
    layers: int = 3
    learning_rate: float = 0.01
    epochs: int = 20
    batch_size: int = 2048
    l2: float = 1e-4
    seed: int = 42


def normalised_adjacency(users, items, n_users, n_items, device) -> torch.Tensor:
    n = n_users + n_items
    rows = np.r_[users, items + n_users]
    cols = np.r_[items + n_users, users]
    deg = np.bincount(rows, minlength=n).astype(np.float64)
    w = 1.0 / np.sqrt(deg[rows] * deg[cols])
    idx = torch.tensor(np.vstack([rows, cols]), dtype=torch.long)
    return torch.sparse_coo_tensor(idx, torch.tensor(w, dtype=torch.float32), (n, n)).coalesce().to(device)


def propagate(adj: torch.Tensor, e0: torch.Tensor, layers: int) -> torch.Tensor:
    out, e = e0, e0
    for _ in range(layers):
        e = torch.sparse.mm(adj, e)
        out = out + e
    return out / (layers + 1)


@dataclass
class TrainedLightGcn:
    user_vectors: np.ndarray  # the trained users' own propagated embeddings
    item_vectors: np.ndarray  # the index's vectors
    losses: list


def fit_lightgcn(train: Matrix, p: LightGcnParams, device, on_epoch=None, check_stopped=None) -> TrainedLightGcn:
    g = seed_everything(p.seed)
    users, items = positive_pairs(train)
    if len(users) == 0:
        raise ValueError("the training split holds no positive interactions")
    nu, ni = train.n_users, train.n_items
    adj = normalised_adjacency(users, items, nu, ni, device)
    e0 = torch.nn.Parameter((torch.randn(nu + ni, p.embedding_dim, generator=g) * 0.1).to(device))
    opt = torch.optim.Adam([e0], lr=p.learning_rate)
    u_all = torch.tensor(users, device=device)
    i_all = torch.tensor(items + nu, device=device)
    losses = []
    for epoch in range(1, p.epochs + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(len(users), generator=g).to(device)
        neg_all = (torch.randint(0, ni, (len(users),), generator=g) + nu).to(device)
        total = 0.0
        for s in range(0, len(users), p.batch_size):
            if check_stopped:
                check_stopped()
            b = perm[s : s + p.batch_size]
            ub, ib, jb = u_all[b], i_all[b], neg_all[b]
            e = propagate(adj, e0, p.layers)
            x = (e[ub] * e[ib]).sum(1) - (e[ub] * e[jb]).sum(1)
            reg = (e0[ub].pow(2).sum() + e0[ib].pow(2).sum() + e0[jb].pow(2).sum()) / (2 * len(b))
            loss = -F.logsigmoid(x).mean() + p.l2 * reg
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(b)
        losses.append(total / len(users))
        if on_epoch:
            on_epoch(epoch, p.epochs, losses[-1], time.perf_counter() - t0)
    with torch.no_grad():
        e = propagate(adj, e0, p.layers).cpu().numpy().astype(np.float32)
    return TrainedLightGcn(e[:nu], e[nu:], losses)
