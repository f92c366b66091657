"""core/ml/interactions.ts and core/ml/metrics.ts ported exactly: the matrix (ids in first-seen
order, one entry per (user, item) pair merged by core/ml/merge-rule.ts "sum"), the seeded
per-user hold-out split and full-ranking Recall@k / NDCG@k with the popularity baseline. The
split must be bit for bit the Node trainer's (tests/test_split_parity.py checks it against a
fixture the TypeScript code wrote), so a two_tower or gnn job's held-out metrics sit beside
ALS's on the same held-out pairs."""
import math
from dataclasses import dataclass

import numpy as np

from .rng import Rng


@dataclass
class Matrix:
    n_users: int
    n_items: int
    # CSR by user, items ascending within a user.
    user_ptr: np.ndarray
    user_items: np.ndarray
    user_values: np.ndarray


@dataclass
class Interactions:
    matrix: Matrix
    users: list
    items: list


def index_ids(ids) -> tuple[np.ndarray, list]:
    """Dense indices in first-seen order (core/ml/id-index.ts)."""
    seen: dict = {}
    idx = np.empty(len(ids), dtype=np.int64)
    for e, v in enumerate(ids):
        i = seen.get(v)
        if i is None:
            i = seen[v] = len(seen)
        idx[e] = i
    return idx, list(seen.keys())


def build_matrix(users, items, labels, n_users, n_items, timestamps=None, dislike_weight=1.0) -> Matrix:
    """buildInteractions: a pair's value is -dislike_weight when an event at its latest time is a
    dislike (label <= 0) or it has no positive label, else the sum of its positive labels."""
    users = np.asarray(users, dtype=np.int64)
    items = np.asarray(items, dtype=np.int64)
    labels = np.asarray(labels, dtype=np.float32)
    n = len(users)
    # Without timestamps input order is time order, as in the TypeScript.
    ts = np.arange(n, dtype=np.float64) if timestamps is None else np.asarray(timestamps, dtype=np.float64)
    order = np.lexsort((ts, items, users))
    u, i, l, t = users[order], items[order], labels[order], ts[order]
    starts = np.flatnonzero(np.r_[True, (u[1:] != u[:-1]) | (i[1:] != i[:-1])]) if n else np.zeros(0, np.int64)
    pos = np.where(l > 0, l.astype(np.float64), 0.0)
    positive = np.add.reduceat(pos, starts) if n else np.zeros(0)
    latest = np.maximum.reduceat(t, starts) if n else np.zeros(0)
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, n]))
    at_latest_dislike = (t == latest[group]) & ~(l > 0)
    latest_dislike = np.zeros(len(starts), dtype=bool)
    np.logical_or.at(latest_dislike, group, at_latest_dislike)
    values = np.where(latest_dislike | ~(positive > 0), -dislike_weight, positive).astype(np.float32)
    pair_users = u[starts]
    user_ptr = np.zeros(n_users + 1, dtype=np.int64)
    np.add.at(user_ptr, pair_users + 1, 1)
    return Matrix(n_users, n_items, np.cumsum(user_ptr), i[starts].copy(), values)


def from_rows(user_ids, item_ids, labels, timestamps=None) -> Interactions:
    """interactionsFromRows."""
    u, users = index_ids(user_ids)
    i, items = index_ids(item_ids)
    return Interactions(build_matrix(u, i, labels, len(users), len(items), timestamps), users, items)


@dataclass
class HoldOut:
    train: Matrix
    test_ptr: np.ndarray
    test_items: np.ndarray


def _js_round(x: float) -> int:
    return math.floor(x + 0.5)  # Math.round: halves go up (Python's round goes to even)


def split_per_user(m: Matrix, fraction: float, seed: int, min_train: int = 1) -> HoldOut:
    """splitPerUser in "fraction" mode: the same Mulberry32 draws in the same order."""
    rng = Rng(seed)
    held = np.zeros(len(m.user_items), dtype=bool)
    test_ptr = np.zeros(m.n_users + 1, dtype=np.int64)
    ptr, vals = m.user_ptr.tolist(), m.user_values
    positive = vals > 0
    for u in range(m.n_users):
        a, b = ptr[u], ptr[u + 1]
        pos = (a + np.flatnonzero(positive[a:b])).tolist()
        take = max(0, min(_js_round(fraction * len(pos)), len(pos) - min_train))
        for q in range(take):
            j = q + rng.int(len(pos) - q)
            pos[q], pos[j] = pos[j], pos[q]
        for q in range(take):
            held[pos[q]] = True
        test_ptr[u + 1] = test_ptr[u] + take
    owner = np.repeat(np.arange(m.n_users), np.diff(m.user_ptr))
    keep = ~held
    train_ptr = np.zeros(m.n_users + 1, dtype=np.int64)
    np.add.at(train_ptr, owner[keep] + 1, 1)
    train = Matrix(m.n_users, m.n_items, np.cumsum(train_ptr), m.user_items[keep], m.user_values[keep])
    return HoldOut(train, test_ptr, m.user_items[held])


def popularity_scores(train: Matrix) -> np.ndarray:
    """Each item's number of users with a positive training entry (popularityScorer)."""
    pop = np.zeros(train.n_items, dtype=np.float32)
    np.add.at(pop, train.user_items[train.user_values > 0], 1)
    return pop


def top_k(scores: np.ndarray, k: int, exclude: np.ndarray) -> np.ndarray:
    """topK: the k best, ties to the lower index, `exclude` and NaNs skipped."""
    s = scores.astype(np.float64, copy=True)
    s[np.isnan(s)] = -np.inf
    valid = np.ones(len(s), dtype=bool)
    valid[exclude] = False
    valid &= ~np.isnan(scores)
    k = min(k, int(valid.sum()))
    if k == 0:
        return np.zeros(0, dtype=np.int64)
    s[~valid] = -np.inf
    part = np.argpartition(-s, k - 1)[:k]
    threshold = s[part].min()
    cand = np.flatnonzero(valid & (s >= threshold))  # ascending: a stable sort keeps ties by index
    return cand[np.argsort(-s[cand], kind="stable")[:k]]


def evaluate(score_users, split: HoldOut, k: int = 10, batch: int = 1024) -> dict:
    """Mean Recall@k and NDCG@k over users with held-out items, each ranking every item but the
    user's training entries. `score_users(user_indices) -> (len, n_items) float32 array`."""
    tr = split.train
    users = np.flatnonzero(np.diff(split.test_ptr) > 0)
    discount = 1 / np.log2(np.arange(k) + 2)
    recall = ndcg = 0.0
    for start in range(0, len(users), batch):
        chunk = users[start : start + batch]
        scores = score_users(chunk)
        for row, u in enumerate(chunk):
            top = top_k(scores[row], k, tr.user_items[tr.user_ptr[u] : tr.user_ptr[u + 1]])
            relevant = split.test_items[split.test_ptr[u] : split.test_ptr[u + 1]]
            hits = np.isin(top, relevant)
            recall += hits.sum() / min(k, len(relevant))
            ndcg += float((hits * discount[: len(top)]).sum()) / float(discount[: min(k, len(relevant))].sum())
    n = len(users)
    return {"recall": recall / n if n else 0.0, "ndcg": ndcg / n if n else 0.0, "users": n, "k": k}


def evaluate_popularity(split: HoldOut, k: int = 10) -> dict:
    pop = popularity_scores(split.train)
    return evaluate(lambda us: np.broadcast_to(pop, (len(us), len(pop))), split, k)
