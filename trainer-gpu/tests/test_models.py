"""Each model on a planted world: at least twice popularity's held-out Recall@10 on the Node
trainer's split, and the same vectors from the same seed."""
import unittest

import numpy as np
import torch

from edgeml_trainer.interactions import evaluate, evaluate_popularity, from_rows, split_per_user
from edgeml_trainer.models import fit_model
from tests.world import planted_world

CPU = torch.device("cpu")
HP = {"embedding_dim": 32, "batch_size": 256, "seed": 5}


class PlantedWorld(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        u, i, l, t, cls.features = planted_world()
        cls.data = from_rows(u, i, l, t)
        cls.split = split_per_user(cls.data.matrix, 0.2, 42)
        cls.pop = evaluate_popularity(cls.split)

    def fit(self, model_type, epochs, **hp):
        return fit_model(model_type, self.split.train, self.data.items, self.features, {**HP, **hp}, epochs, CPU)

    def check_beats_popularity(self, fitted):
        model = evaluate(fitted.scorer, self.split)
        self.assertGreater(self.pop["recall"], 0)
        self.assertGreaterEqual(model["recall"], 2 * self.pop["recall"],
                                f"Recall@10 {model['recall']:.4f} vs popularity {self.pop['recall']:.4f}")
        return model

    def test_two_tower_beats_popularity_twice_over(self):
        self.check_beats_popularity(self.fit("two_tower", 8))

    def test_two_tower_without_text_features_beats_popularity_too(self):
        fitted = fit_model("two_tower", self.split.train, self.data.items, {}, HP, 8, CPU)
        self.assertEqual(fitted.extra_metrics["items_with_text"], 0)
        self.check_beats_popularity(fitted)

    def test_gnn_beats_popularity_twice_over_served_by_fold_in(self):
        fitted = self.fit("gnn", 15, batch_size=512)
        served = self.check_beats_popularity(fitted)
        own = evaluate(fitted.trained_scorer, self.split)
        self.assertGreaterEqual(own["recall"], 2 * self.pop["recall"])
        # The fold-in is served; it must not be far behind the trained users' own vectors.
        self.assertGreater(served["recall"], 0.8 * own["recall"])

    def test_same_seed_same_model(self):
        for model_type in ("two_tower", "gnn"):
            a, b = self.fit(model_type, 2), self.fit(model_type, 2)
            np.testing.assert_array_equal(a.item_vectors, b.item_vectors)
            np.testing.assert_array_equal(a.user_w, b.user_w)
            c = self.fit(model_type, 2, seed=6)
            self.assertFalse(np.array_equal(a.item_vectors, c.item_vectors), model_type)



class UserTowerFixture(unittest.TestCase):
    def test_the_checked_in_parity_fixture_is_what_this_code_trains(self):
        import json

        from tests.make_user_tower_fixture import OUT, fixture

        fresh, stored = fixture(), json.loads(OUT.read_text())
        self.assertEqual(fresh["user_tower_f32_base64"], stored["user_tower_f32_base64"])
        np.testing.assert_allclose(fresh["torch_user_vectors"], stored["torch_user_vectors"], rtol=1e-6, atol=1e-7)


if __name__ == "__main__":
    unittest.main()
