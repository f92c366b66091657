"""One seed makes a run reproducible: the same job on the same host gives the same model."""
import random

import numpy as np
import torch


def seed_everything(seed: int) -> torch.Generator:
    random.seed(seed)
    np.random.seed(seed % (2**32))
    torch.manual_seed(seed)
    # Deterministic kernels where PyTorch has them (CUDA scatter/index_add otherwise vary run to
    # run); warn_only keeps a GPU host running where one has no deterministic variant.
    torch.use_deterministic_algorithms(True, warn_only=True)
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def device_of(name: str | None = None) -> torch.device:
    if name:
        return torch.device(name)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")
