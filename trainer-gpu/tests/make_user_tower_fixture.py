"""Writes tests/fixtures/user_tower.json: a small trained two_tower's artifacts (item vectors,
user_tower.f32 in base64) and PyTorch's user vectors for a few histories, computed by the
model's own user tower (TwoTower.user over the mean of item tower outputs). The TypeScript
parity test (trainer/test/user-tower-parity.test.ts) runs core/ml/user-tower.ts on the same
histories and compares. Run: /usr/bin/python3 -m tests.make_user_tower_fixture"""
import base64
import json
import pathlib

import torch

from edgeml_trainer.interactions import from_rows, split_per_user
from edgeml_trainer.two_tower import TwoTowerParams, fit_two_tower
from edgeml_trainer.user_tower import encode_tower
from tests.world import planted_world

OUT = pathlib.Path(__file__).parent / "fixtures" / "user_tower.json"
HISTORIES = [[0], [3, 17, 42], [5, 5, 9, 120, 199], list(range(0, 200, 9))]


def fixture() -> dict:
    u, i, l, t, _ = planted_world(n_users=80, n_items=200)
    data = from_rows(u, i, l, t)
    split = split_per_user(data.matrix, 0.2, 42)
    m = fit_two_tower(split.train, [[] for _ in data.items], TwoTowerParams(embedding_dim=16, epochs=3,
                                                                             batch_size=128, seed=3), torch.device("cpu"))
    n_items = m.item_vectors.shape[0]
    # PyTorch's own computation, in float32 as the model runs it.
    lin = torch.nn.Linear(16, 16)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor(m.user_w))
        lin.bias.copy_(torch.tensor(m.user_b))
        e = torch.tensor(m.item_vectors)
        users = []
        for h in HISTORIES:
            pooled = e[[x % n_items for x in h]].mean(0, keepdim=True)
            users.append((pooled + lin(pooled))[0].tolist())
    return {
        "dim": 16,
        "item_vectors": m.item_vectors.tolist(),
        "user_tower_f32_base64": base64.b64encode(encode_tower(m.user_w, m.user_b)).decode(),
        "histories": HISTORIES,
        "torch_user_vectors": users,
    }


if __name__ == "__main__":
    OUT.write_text(json.dumps(fixture()) + "\n")
    print(f"wrote {OUT}")
