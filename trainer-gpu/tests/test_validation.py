"""The validation split an `auto` candidate is selected on (edgeml_trainer/validation.py):
carved from the test split's training part only, and sampled as core/ml/metrics.ts does."""
import unittest

import numpy as np

from edgeml_trainer.interactions import from_rows, split_per_user
from edgeml_trainer.validation import sample_test_users, validation_split
from tests.world import planted_world


def pairs(m, ptr, items):
    return {(u, int(i)) for u in range(m.n_users) for i in items[ptr[u] : ptr[u + 1]]}


class ValidationSplit(unittest.TestCase):
    def setUp(self):
        users, items, labels, ts, _ = planted_world(n_users=120, n_items=60, clusters=6, per_user=10)
        self.m = from_rows(users, items, labels, ts).matrix
        self.split = split_per_user(self.m, 0.2, 42)

    def test_never_touches_the_test_split(self):
        val = validation_split(self.split.train, 42)
        test = pairs(self.m, self.split.test_ptr, self.split.test_items)
        held = pairs(self.m, val.test_ptr, val.test_items)
        seen = pairs(self.m, val.train.user_ptr, val.train.user_items)
        self.assertGreater(len(held), 100)
        self.assertFalse(held & test)
        self.assertFalse(seen & test)
        self.assertFalse(held & seen)
        # tuning.ts draws it from seed + 1: the same call gives the same split.
        again = validation_split(self.split.train, 42)
        self.assertEqual(again.test_items.tolist(), val.test_items.tolist())

    def test_sampling_keeps_max_users_with_their_items(self):
        full = split_per_user(self.split.train, 0.2, 43)
        self.assertIs(sample_test_users(full, 10_000, 44), full)
        sampled = sample_test_users(full, 25, 44)
        kept = np.flatnonzero(np.diff(sampled.test_ptr) > 0)
        self.assertEqual(len(kept), 25)
        for u in kept:
            self.assertEqual(sampled.test_items[sampled.test_ptr[u] : sampled.test_ptr[u + 1]].tolist(),
                             full.test_items[full.test_ptr[u] : full.test_ptr[u + 1]].tolist())


if __name__ == "__main__":
    unittest.main()
