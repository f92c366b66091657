"""A planted synthetic world (as core/test's): users belong to one of `clusters` tastes and pick
most of their items from their taste's items, so a model that learns co-occurrence beats
popularity by far; items carry their cluster as category text (two_tower's text features)."""
import numpy as np


def planted_world(n_users=300, n_items=200, clusters=10, per_user=15, noise=0.1, seed=7):
    rng = np.random.default_rng(seed)
    item_cluster = np.arange(n_items) % clusters
    popularity = rng.zipf(1.5, n_items).astype(np.float64).clip(max=50)
    user_ids, item_ids, labels, ts = [], [], [], []
    for u in range(n_users):
        c = u % clusters
        mine = np.flatnonzero(item_cluster == c)
        w = popularity[mine] / popularity[mine].sum()
        picks = rng.choice(mine, size=min(per_user, len(mine)), replace=False, p=w)
        for i in picks:
            if rng.random() < noise:
                i = int(rng.integers(n_items))
            user_ids.append(f"u{u}")
            item_ids.append(f"i{i}")
            labels.append(1.0)
            ts.append(1_700_000_000 + len(ts))
    features = {f"i{i}": {"title": f"item {i}", "category": f"cat{item_cluster[i]}", "tags": []} for i in range(n_items)}
    return user_ids, item_ids, np.array(labels, dtype=np.float32), np.array(ts, dtype=np.int64), features
