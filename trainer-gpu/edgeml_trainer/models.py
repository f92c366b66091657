"""A job's model type to its fit (two_tower.py, lightgcn.py) and the served scorer: the user
vector from the history through the user tower (user_tower.py), exactly what the edge does."""
from dataclasses import asdict, dataclass, field

import numpy as np

from .graph import positive_pairs
from .interactions import Matrix
from .lightgcn import LightGcnParams, fit_lightgcn
from .two_tower import TwoTowerParams, fit_two_tower, hash_bucket, text_tokens
from .user_tower import tower_scorer


@dataclass
class Fitted:
    item_vectors: np.ndarray
    user_w: np.ndarray
    user_b: np.ndarray
    losses: list
    params: dict
    pairs: int
    scorer: object
    extra_metrics: dict = field(default_factory=dict)
    # gnn: the trained users' own embeddings, measured beside the served fold-in.
    trained_scorer: object = None


def _params(cls, hp: dict, epochs: int):
    names = {f for f in cls.__dataclass_fields__}
    given = {k: type(getattr(cls(), k))(v) for k, v in hp.items() if k in names}
    given["epochs"] = epochs
    return cls(**given)


def fit_model(model_type: str, train: Matrix, item_ids: list, item_features: dict, hp: dict, epochs: int, device,
              on_epoch=None, check_stopped=None) -> Fitted:
    pairs = len(positive_pairs(train)[0])
    if model_type == "two_tower":
        p = _params(TwoTowerParams, hp, epochs)
        tokens = [[hash_bucket(t) for t in text_tokens(item_features.get(i))] for i in item_ids]
        m = fit_two_tower(train, tokens, p, device, on_epoch, check_stopped)
        return Fitted(m.item_vectors, m.user_w, m.user_b, m.losses, asdict(p), pairs,
                      tower_scorer(train, m.item_vectors, m.user_w, m.user_b),
                      {"items_with_text": sum(1 for t in tokens if t)})
    if model_type == "gnn":
        p = _params(LightGcnParams, hp, epochs)
        m = fit_lightgcn(train, p, device, on_epoch, check_stopped)
        d = m.item_vectors.shape[1]
        w, b = np.zeros((d, d), np.float32), np.zeros(d, np.float32)
        # Served (and so reported): the fold-in from history. The trained users' own
        # embeddings are measured beside it, on the same split, to show what fold-in costs.
        return Fitted(m.item_vectors, w, b, m.losses, asdict(p), pairs, tower_scorer(train, m.item_vectors, w, b),
                      trained_scorer=lambda us: m.user_vectors[us] @ m.item_vectors.T)
    raise ValueError(f"model_type {model_type} is not one this trainer runs")
