"""The Node trainer's validation split (core/ml/tuning.ts), for an `auto` job's candidates: the
dispatcher keeps the candidate with the best validation NDCG@10, so every candidate must be
scored on the same users and items. Carved out of the test split's training part, never the
test split itself (which would leak the reported figures into selection)."""
import numpy as np

from .interactions import HoldOut, split_per_user
from .rng import Rng

# core/ml/tuning.ts VALIDATION_FRACTION, MAX_VALIDATION_USERS; seeds seed + 1 and seed + 2.
VALIDATION_FRACTION = 0.2
MAX_VALIDATION_USERS = 3000


def sample_test_users(split: HoldOut, max_users: int, seed: int) -> HoldOut:
    """core/ml/metrics.ts sampleTestUsers: the same partial Fisher-Yates over the same draws."""
    users = np.flatnonzero(np.diff(split.test_ptr) > 0).tolist()
    if len(users) <= max_users:
        return split
    rng = Rng(seed)
    for q in range(max_users):
        j = q + rng.int(len(users) - q)
        users[q], users[j] = users[j], users[q]
    keep = np.zeros(split.train.n_users, dtype=bool)
    keep[users[:max_users]] = True
    counts = np.where(keep, np.diff(split.test_ptr), 0)
    owner = np.repeat(np.arange(split.train.n_users), np.diff(split.test_ptr))
    test_ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
    return HoldOut(split.train, test_ptr, split.test_items[keep[owner]])


def validation_split(train, seed: int) -> HoldOut:
    """tuning.ts: splitPerUser(train, fraction 0.2, seed + 1), then sampleTestUsers(seed + 2)."""
    return sample_test_users(split_per_user(train, VALIDATION_FRACTION, seed + 1), MAX_VALIDATION_USERS, seed + 2)
