"""The user vector the edge computes (core/ml/user-tower.ts), in numpy: u = h + W h + b with h
the mean of the vectors of the user's positive items. two_tower learns W and b; gnn ships
W = 0, b = 0 (its fold-in: the mean of the history's propagated item embeddings)."""
import numpy as np

from .interactions import Matrix


def pooled_history(train: Matrix, item_vectors: np.ndarray, users: np.ndarray) -> np.ndarray:
    d = item_vectors.shape[1]
    out = np.zeros((len(users), d), dtype=np.float32)
    for r, u in enumerate(users):
        a, b = train.user_ptr[u], train.user_ptr[u + 1]
        its = train.user_items[a:b][train.user_values[a:b] > 0]
        if len(its):
            out[r] = item_vectors[its].mean(axis=0)
    return out


def apply_tower(h: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (h + h @ w.T + b).astype(np.float32)


def tower_scorer(train: Matrix, item_vectors: np.ndarray, w: np.ndarray, b: np.ndarray):
    def score(users: np.ndarray) -> np.ndarray:
        return apply_tower(pooled_history(train, item_vectors, users), w, b) @ item_vectors.T

    return score


def encode_tower(w: np.ndarray, b: np.ndarray) -> bytes:
    """Artifact user_tower.f32: little-endian float32, W (d x d, row-major) then b (d)."""
    return np.concatenate([w.astype("<f4").ravel(), b.astype("<f4")]).tobytes()
