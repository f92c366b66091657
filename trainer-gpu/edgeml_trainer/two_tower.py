"""two_tower: an item tower over item ids and hashed text features (title, category, tags), a
user tower over the user's history (the mean of its items' tower outputs, then a residual
linear layer), trained with in-batch sampled softmax and logQ correction (Yi et al., RecSys
2019). Pure: no I/O. The user tower is what the edge runs (core/ml/user-tower.ts): a new user
is served from their history through the same function, without retraining."""
import time
import zlib
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .graph import positive_pairs
from .interactions import Matrix
from .seeding import seed_everything

TEXT_BUCKETS = 4096


def text_tokens(features: dict | None) -> list[str]:
    """The item's hashed text features: title words, its category, its tags."""
    if not features:
        return []
    out = []
    title = features.get("title")
    if isinstance(title, str):
        out += [f"w:{w}" for w in title.lower().split() if w]
    cat = features.get("category")
    if isinstance(cat, str) and cat:
        out.append(f"c:{cat.lower()}")
    tags = features.get("tags")
    if isinstance(tags, list):
        out += [f"t:{str(t).lower()}" for t in tags]
    return out


def hash_bucket(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) % TEXT_BUCKETS  # stable across runs and hosts


@dataclass
class TwoTowerParams:
    embedding_dim: int = 64
    learning_rate: float = 0.01
    epochs: int = 10
    batch_size: int = 512
    weight_decay: float = 1e-6
    seed: int = 42


class TwoTower(torch.nn.Module):
    def __init__(self, n_items: int, dim: int, item_tokens: list[list[int]]):
        super().__init__()
        self.item_id = torch.nn.Embedding(n_items, dim)
        self.text = torch.nn.EmbeddingBag(TEXT_BUCKETS, dim, mode="mean")
        torch.nn.init.normal_(self.item_id.weight, std=0.1)
        torch.nn.init.normal_(self.text.weight, std=0.1)
        flat = [b for toks in item_tokens for b in toks]
        self.register_buffer("tok", torch.tensor(flat or [0], dtype=torch.long))
        offsets = np.cumsum([0] + [len(t) for t in item_tokens[:-1]]) if item_tokens else [0]
        self.register_buffer("off", torch.tensor(offsets, dtype=torch.long))
        self.register_buffer("has_text", torch.tensor([[1.0 if t else 0.0] for t in item_tokens]))
        # User tower: u = h + W h + b over the pooled history h (W starts at 0: u = h).
        self.user_w = torch.nn.Linear(dim, dim)
        torch.nn.init.zeros_(self.user_w.weight)
        torch.nn.init.zeros_(self.user_w.bias)

    def items(self) -> torch.Tensor:
        text = self.text(self.tok, self.off) * self.has_text
        return self.item_id.weight + text

    def user(self, pooled: torch.Tensor) -> torch.Tensor:
        return pooled + self.user_w(pooled)


def _histories(ptr: np.ndarray, counts: np.ndarray, users: np.ndarray):
    """Positions (into the positives) of each user's history, flat, with bag offsets."""
    lengths = counts[users]
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    flat = np.repeat(ptr[users] - offsets, lengths) + np.arange(lengths.sum())
    return flat, offsets


@dataclass
class TrainedTwoTower:
    item_vectors: np.ndarray  # n_items x d float32: the index's vectors
    user_w: np.ndarray  # d x d: u = h + W h + b
    user_b: np.ndarray
    losses: list


def fit_two_tower(train: Matrix, item_tokens: list[list[int]], p: TwoTowerParams, device, on_epoch=None,
                  check_stopped=None) -> TrainedTwoTower:
    g = seed_everything(p.seed)
    users, items = positive_pairs(train)
    if len(users) == 0:
        raise ValueError("the training split holds no positive interactions")
    model = TwoTower(train.n_items, p.embedding_dim, item_tokens).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=p.learning_rate, weight_decay=p.weight_decay)
    counts = np.bincount(users, minlength=train.n_users)
    ptr = np.r_[0, np.cumsum(counts)]  # positive_pairs is user-ordered: a CSR of positives
    # logQ: the in-batch negatives are drawn in proportion to item frequency.
    q = np.bincount(items, minlength=train.n_items) / len(items)
    log_q = torch.tensor(np.log(np.maximum(q, 1e-12)), dtype=torch.float32, device=device)
    items_t = torch.tensor(items, device=device)
    losses = []
    for epoch in range(1, p.epochs + 1):
        t0 = time.perf_counter()
        perm = torch.randperm(len(users), generator=g).numpy()
        total = 0.0
        for s in range(0, len(users), p.batch_size):
            if check_stopped:
                check_stopped()
            b = perm[s : s + p.batch_size]
            ub_np = users[b]
            ib = torch.tensor(items[b], device=device)
            flat, offsets = _histories(ptr, counts, ub_np)
            e = model.items()
            pooled_sum = F.embedding_bag(items_t[torch.tensor(flat, device=device)], e,
                                         torch.tensor(offsets, device=device), mode="sum")
            # Leave the target out of its own history: else the tower learns to find it there.
            n_rest = torch.tensor(np.maximum(counts[ub_np] - 1, 1), dtype=torch.float32, device=device)[:, None]
            pooled = (pooled_sum - e[ib]) / n_rest
            u = model.user(pooled)
            logits = u @ e[ib].T - log_q[ib][None, :]
            # Another row with the same item is not a negative (an "accidental hit").
            same = (ib[:, None] == ib[None, :]) & ~torch.eye(len(ib), dtype=torch.bool, device=device)
            logits = logits.masked_fill(same, float("-inf"))
            loss = F.cross_entropy(logits, torch.arange(len(ib), device=device))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss) * len(ib)
        losses.append(total / len(users))
        if on_epoch:
            on_epoch(epoch, p.epochs, losses[-1], time.perf_counter() - t0)
    with torch.no_grad():
        e = model.items().detach().cpu().numpy().astype(np.float32)
        w = model.user_w.weight.detach().cpu().numpy().astype(np.float32)
        bias = model.user_w.bias.detach().cpu().numpy().astype(np.float32)
    return TrainedTwoTower(e, w, bias, losses)
