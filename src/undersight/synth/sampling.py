"""Random draws the generator needs, from :class:`random.Random` only (no numpy)."""

from __future__ import annotations

import math
from bisect import bisect
from functools import lru_cache
from itertools import accumulate
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


class Picker(Generic[T]):
    """Weighted choice with precomputed cumulative weights."""

    def __init__(self, items: list[T], weights: list[float]) -> None:
        self.items = items
        self.cum = list(accumulate(weights))

    def pick(self, rng: Random) -> T:
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


def poisson(rng: Random, lam: float) -> int:
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, prod = math.exp(-lam), 0, rng.random()
    while prod > threshold:
        k += 1
        prod *= rng.random()
    return k


def binomial(rng: Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if n * p > 15 and n * (1 - p) > 15:
        return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
    rand = rng.random
    return sum(1 for _ in range(n) if rand() < p)


def day_size(rng: Random, rate: float, level: float) -> int:
    """Messages of an active group-day: Poisson around a bursty (gamma) daily mean."""
    return max(1, poisson(rng, rate * level * rng.gammavariate(4.0, 0.25)))


def members_needed(rest: int, target: int, sellers: int) -> int:
    """Members who write a day's ``rest`` non-ad messages so that ``sellers`` + them
    meets ``target`` (at least one when there is something to write)."""
    return min(rest, max(1 if rest else 0, target - sellers))


@lru_cache(maxsize=64)
def participant_scale(rate: float, want: float, sell_share: float) -> float:
    """The factor on the participant target that makes participants per group-day
    average ``want`` despite the clamps, solved on simulated group-days drawn from a
    fixed stream (the same inputs, the same factor)."""
    rng = Random(20130601)
    days = []
    for _ in range(6000):
        level = math.exp(rng.gauss(0.0, 0.4) - 0.08)
        n = day_size(rng, rate, level)
        sells = binomial(rng, n, sell_share)
        sellers = 1 + binomial(rng, sells - 1, 0.6) if sells else 0
        days.append((n, sells, sellers, (n / rate) ** 0.6 * math.exp(rng.gauss(0.0, 0.25))))
    scale = 1.0
    for _ in range(4):
        total = sum(
            sellers + members_needed(n - sells, round(scale * want * shape), sellers)
            for n, sells, sellers, shape in days
        )
        scale *= want / max(total / len(days), 1e-9)
    return scale
