"""NodeResourcesBalancedAllocation: prefer nodes whose cpu and memory would be used in equal proportion."""

import numpy as np

from .base import MAX_NODE_SCORE, Cycle


class BalancedAllocation:
    name = "NodeResourcesBalancedAllocation"
    weight = 1  # upstream default score weight

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray | None:
        snapshot, pod = cycle.snapshot, cycle.pod
        if pod.is_best_effort:
            return None  # upstream PreScore returns Skip for pods without requests
        fractions, usable = [], []
        for allocatable, requested, extra in (
            (snapshot.alloc_cpu, snapshot.cpu, pod.cpu),
            (snapshot.alloc_memory, snapshot.memory, pod.memory),
        ):
            capacity = allocatable[slots].astype(np.float64)
            has = capacity != 0
            fraction = (requested[slots] + extra) / np.where(has, capacity, 1.0)
            fractions.append(np.minimum(fraction, 1.0))
            usable.append(has)
        both = usable[0] & usable[1]
        # upstream balancedResourceScorer: std of the fractions, |f1 - f2| / 2 for two resources
        std = np.where(both, np.abs((fractions[0] - fractions[1]) / 2), 0.0)
        return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)
