"""core/ml/random.ts's Mulberry32, bit for bit: the held-out split must be the one the Node
trainer draws for ALS from the same seed, so the two trainers' metrics are comparable."""
import math

M32 = 0xFFFFFFFF


class Rng:
    def __init__(self, seed: int):
        self.state = (((seed & M32) ^ 0x9E3779B9) * 0x85EBCA6B) & M32

    def next_u32(self) -> int:
        self.state = (self.state + 0x6D2B79F5) & M32
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & M32
        t = t ^ ((t + (((t ^ (t >> 7)) * (t | 61)) & M32)) & M32)
        return (t ^ (t >> 14)) & M32

    def next(self) -> float:
        return self.next_u32() / 4294967296

    def int(self, n: int) -> int:
        return math.floor(self.next() * n)
