"""The job's training data: each signed data URL downloaded (four at a time, as the Node trainer)
and read with edgeml_trainer.parquet; rows kept in the order of the files and within each."""
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

import numpy as np

from .parquet import read_columns

CONCURRENT_DOWNLOADS = 4
COLUMNS = ["user_id", "item_id", "label", "timestamp", "features.item_features"]


def download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=120) as res:
            return res.read()
    except urllib.error.HTTPError as e:
        path = urlparse(url).path
        name = path[path.find("/data/") + 6 :]
        raise RuntimeError(f"could not read training data {name}: HTTP {e.code} {e.read().decode('utf-8', 'replace')[:200]}")


def read_rows(files: list[dict]) -> dict:
    """Columns user_id, item_id (lists of str), label (float32), timestamp (int64) and
    item_features (each item's latest non-empty metadata object from its events)."""
    with ThreadPoolExecutor(CONCURRENT_DOWNLOADS) as pool:
        parts = list(pool.map(lambda f: read_columns(download(f["url"]), COLUMNS), files))
    users, items, labels, times, features = [], [], [], [], {}
    parsed: dict = {}
    for p in parts:
        users += p["user_id"]
        items += p["item_id"]
        labels.append(p["label"])
        times.append(p["timestamp"])
        for item, raw in zip(p["item_id"], p["features.item_features"]):
            if raw in ("{}", ""):
                continue
            if raw not in parsed:
                try:
                    v = json.loads(raw)
                except ValueError:
                    v = None
                parsed[raw] = v if isinstance(v, dict) else None
            if parsed[raw]:
                features[item] = parsed[raw]
    return {
        "user_id": users,
        "item_id": items,
        "label": np.concatenate(labels).astype(np.float32) if labels else np.zeros(0, np.float32),
        "timestamp": np.concatenate(times).astype(np.int64) if times else np.zeros(0, np.int64),
        "item_features": features,
    }
