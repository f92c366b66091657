"""edge-ml's GPU trainer: two_tower and gnn (LightGCN) behind docs/trainer-contract.md."""
