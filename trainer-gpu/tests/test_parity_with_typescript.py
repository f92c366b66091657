"""The ports of core/ml (matrix, split, metrics, Mulberry32) and the Parquet reader against
fixtures the TypeScript wrote (trainer/test/gpu-fixtures.ts)."""
import json
import pathlib
import unittest

import numpy as np

from edgeml_trainer.interactions import evaluate_popularity, from_rows, split_per_user
from edgeml_trainer.parquet import ParquetError, read_columns
from edgeml_trainer.rng import Rng

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
COLUMNS = ["user_id", "item_id", "label", "timestamp", "features.item_features"]


class TypeScriptParity(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.ts = json.loads((FIXTURES / "split.json").read_text())
        cls.cols = read_columns((FIXTURES / "events.parquet").read_bytes(), COLUMNS)

    def test_mulberry32_draws_match(self):
        rng = Rng(42)
        self.assertEqual([rng.next_u32() for _ in range(20)], self.ts["rng_42"])

    def test_parquet_reader_reads_the_ingest_writer(self):
        c = self.cols
        self.assertEqual(len(c["user_id"]), 900)
        self.assertEqual(c["label"].dtype, np.float32)
        self.assertEqual(c["timestamp"].dtype, np.int64)
        self.assertTrue(all(t >= 1_764_000_000 for t in c["timestamp"]))
        titled = [json.loads(s) for s in c["features.item_features"] if s != "{}"]
        self.assertEqual(len(titled), len(range(0, 900, 7)))
        self.assertIn("héllo", titled[0]["title"])

    def test_matrix_and_split_match(self):
        c = self.cols
        data = from_rows(c["user_id"], c["item_id"], c["label"], c["timestamp"])
        ts = self.ts
        self.assertEqual(data.users, ts["users"])
        self.assertEqual(data.items, ts["items"])
        self.assertEqual(data.matrix.user_ptr.tolist(), ts["user_ptr"])
        self.assertEqual(data.matrix.user_items.tolist(), ts["user_items"])
        np.testing.assert_allclose(data.matrix.user_values, np.array(ts["user_values"], np.float32), rtol=1e-6)
        self.assertTrue((data.matrix.user_values < 0).any(), "the fixture has dislikes")
        split = split_per_user(data.matrix, 0.2, 42)
        self.assertEqual(split.train.user_ptr.tolist(), ts["train_ptr"])
        self.assertEqual(split.train.user_items.tolist(), ts["train_items"])
        self.assertEqual(split.test_ptr.tolist(), ts["test_ptr"])
        self.assertEqual(split.test_items.tolist(), ts["test_items"])
        pop = evaluate_popularity(split)
        self.assertEqual(pop["users"], ts["popularity"]["users"])
        self.assertAlmostEqual(pop["recall"], ts["popularity"]["recall"], places=12)
        self.assertAlmostEqual(pop["ndcg"], ts["popularity"]["ndcg"], places=12)

    def test_other_parquet_is_refused_with_a_reason(self):
        with self.assertRaisesRegex(ParquetError, "not a Parquet file"):
            read_columns(b"PAR1 nothing", COLUMNS)
        with self.assertRaisesRegex(ParquetError, "no column nope"):
            read_columns((FIXTURES / "events.parquet").read_bytes(), ["nope"])


if __name__ == "__main__":
    unittest.main()
