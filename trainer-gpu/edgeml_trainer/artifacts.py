"""Artifacts of two_tower and gnn (docs/trainer-contract.md section 5): model.json, the items'
vectors (item_factors.f32, what the deploy writes into the version's index) and the user tower
(user_tower.f32) the edge runs over a user's history (core/ml/user-tower.ts)."""
import datetime
import json
import sys

import numpy as np

from .user_tower import encode_tower

MANIFEST, ITEM_FACTORS, USER_TOWER = "model.json", "item_factors.f32", "user_tower.f32"


def build(model_type: str, items: list, item_vectors: np.ndarray, w: np.ndarray, b: np.ndarray,
          hyperparameters: dict, metrics: dict) -> dict[str, bytes]:
    if sys.byteorder != "little":
        raise RuntimeError("this trainer writes little-endian artifacts only")
    d = int(item_vectors.shape[1])
    manifest = {
        "model_type": model_type,
        "format_version": 1,
        # `factors` is the vector width serving reads for every embedding model.
        "factors": d,
        "regularization": 0,
        "alpha": 0,
        "items": items,
        "user_tower": {"dim": d, "pooling": "mean_of_positive_items", "form": "h + W h + b"},
        "hyperparameters": hyperparameters,
        "metrics": metrics,
        "trained_at": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
    }
    return {
        ITEM_FACTORS: item_vectors.astype("<f4").tobytes(),
        USER_TOWER: encode_tower(w, b),
        MANIFEST: json.dumps(manifest).encode(),
    }
