"""Per-node pod counts kept up to date as pods come and go, so spreading and affinity never rescan every pod.

Upstream recounts matching pods on every node in each PreFilter, which Go can afford; here each distinct question
("pods of namespace default matching app=web") is registered once, answered by one full scan, then maintained on
every pod add and remove. The same is done for the terms existing pods carry (their anti-affinity, their
preferences) so that "which existing pods would reject this pod" is a lookup, not a loop over all pods.
"""

from collections.abc import Callable

import numpy as np

from .podinfo import AffinityTerm, PodInfo


class MatchingPodCounts:
    """For each registered pod matcher: how many pods on each node slot it matches."""

    def __init__(self, capacity: int, pods_by_slot: Callable[[], list]):
        self._capacity = capacity
        self._pods_by_slot = pods_by_slot
        self._counts: dict[tuple, np.ndarray] = {}
        self._predicates: dict[tuple, Callable[[PodInfo], bool]] = {}
        self._used: set[tuple] = set()  # keys asked for since the last prune

    def __len__(self) -> int:
        return len(self._counts)

    def prune(self) -> None:
        """Forget the questions nobody asked since the last prune: every kept count costs work on each pod event,
        and a long run meets many selectors once (a deleted Deployment's). One asked again is rebuilt by a scan."""
        for key in set(self._counts) - self._used:
            del self._counts[key], self._predicates[key]
        self._used = set()

    def forget(self, stale: Callable[[tuple], bool]) -> None:
        """Drop the counts whose answers may have changed without a pod event (a namespace's labels did)."""
        for key in [key for key in self._counts if stale(key)]:
            del self._counts[key], self._predicates[key]

    def grow(self, capacity: int) -> None:
        self._capacity = capacity
        for key, counts in self._counts.items():
            grown = np.zeros(capacity, dtype=np.int64)
            grown[: len(counts)] = counts
            self._counts[key] = grown

    def counts(self, key: tuple, predicate: Callable[[PodInfo], bool]) -> np.ndarray:
        """Per-slot counts for `key`; the first request scans every pod, later ones are free."""
        self._used.add(key)
        counts = self._counts.get(key)
        if counts is None:
            counts = np.zeros(self._capacity, dtype=np.int64)
            for slot, pods in self._pods_by_slot():
                counts[slot] = sum(1 for pod in pods if predicate(pod))
            self._counts[key] = counts
            self._predicates[key] = predicate
        return counts

    def add(self, pod: PodInfo, slot: int, delta: int = 1) -> None:
        for key, predicate in self._predicates.items():
            if predicate(pod):
                self._counts[key][slot] += delta


class CarriedTerms:
    """Per-node counts of existing pods carrying each (role, weight, term) of their own pod (anti-)affinity."""

    ROLES = ("required_anti_affinity", "required_affinity", "preferred_affinity", "preferred_anti_affinity")

    def __init__(self, capacity: int):
        self._capacity = capacity
        self.counts: dict[tuple[str, int, AffinityTerm], np.ndarray] = {}
        self._totals: dict[tuple[str, int, AffinityTerm], int] = {}

    def grow(self, capacity: int) -> None:
        self._capacity = capacity
        for key, counts in self.counts.items():
            grown = np.zeros(capacity, dtype=np.int64)
            grown[: len(counts)] = counts
            self.counts[key] = grown

    def add(self, pod: PodInfo, slot: int, delta: int = 1) -> None:
        if not pod.has_affinity:
            return
        for role in self.ROLES:
            for entry in getattr(pod, role):
                weight, term = entry if role.startswith("preferred") else (0, entry)
                key = (role, weight, term)
                counts = self.counts.get(key)
                if counts is None:
                    counts = self.counts[key] = np.zeros(self._capacity, dtype=np.int64)
                    self._totals[key] = 0
                counts[slot] += delta
                self._totals[key] += delta
                if self._totals[key] == 0:
                    del self.counts[key], self._totals[key]

    def of_role(self, role: str):
        """(weight, term, per-slot counts) of every term of this role some existing pod carries."""
        return [(weight, term, counts) for (kind, weight, term), counts in self.counts.items() if kind == role]
