"""Sparse helpers shared by the models: the training positives as (user, item) pairs and the
row-normalised user -> item history matrix the user tower (and gnn's fold-in) pools with."""
import numpy as np
import torch

from .interactions import Matrix


def positive_pairs(m: Matrix) -> tuple[np.ndarray, np.ndarray]:
    owner = np.repeat(np.arange(m.n_users), np.diff(m.user_ptr))
    keep = m.user_values > 0
    return owner[keep], m.user_items[keep]


def history_mean(users: np.ndarray, items: np.ndarray, n_users: int, n_items: int, device) -> torch.Tensor:
    """A sparse (n_users x n_items) matrix whose row u averages u's positive items: the edge's
    pooling (core/ml/user-tower.ts) over the same history."""
    counts = np.bincount(users, minlength=n_users).astype(np.float32)
    w = 1.0 / np.maximum(counts[users], 1)
    idx = torch.tensor(np.vstack([users, items]), dtype=torch.long)
    return torch.sparse_coo_tensor(idx, torch.tensor(w, dtype=torch.float32), (n_users, n_items)).coalesce().to(device)
