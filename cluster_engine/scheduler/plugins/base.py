"""What filter and score plugins share: the per-pod cycle state, rejections, and upstream's normalisation.

Plugins work on whole columns of nodes at once. A filter returns rejections (a reason and the mask of node slots
it applies to); a node may carry several reasons from one plugin, as NodeResourcesFit's "Insufficient cpu" and
"Insufficient memory" do upstream. A score plugin returns final (normalised) scores for the given slots.
"""

from dataclasses import dataclass, field

import numpy as np

from ..podinfo import PodInfo
from ..snapshot import Snapshot

MAX_NODE_SCORE = 100  # upstream: framework.MaxNodeScore


@dataclass
class Rejection:
    reason: str
    mask: np.ndarray  # bool per node slot
    unresolvable: bool  # UnschedulableAndUnresolvable: preemption on that node cannot help


@dataclass
class Cycle:
    """One scheduling attempt of one pod (upstream's CycleState): memoised views shared by plugins."""

    snapshot: Snapshot
    pod: PodInfo
    memo: dict = field(default_factory=dict)

    def remember(self, key, compute):
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def default_normalize(scores: np.ndarray, reverse: bool = False) -> np.ndarray:
    """Upstream helper.DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed."""
    max_count = int(scores.max()) if len(scores) else 0
    if max_count <= 0:
        return np.full(len(scores), MAX_NODE_SCORE if reverse else 0, dtype=np.int64)
    normalized = MAX_NODE_SCORE * scores // max_count
    return MAX_NODE_SCORE - normalized if reverse else normalized


def domain_totals(snapshot: Snapshot, topology_key: str, per_slot: np.ndarray, eligible: np.ndarray | None = None):
    """Sum a per-slot count over each topology domain; returns (codes per slot, totals per domain, present)."""
    codes, values = snapshot.domains(topology_key)
    usable = codes >= 0
    if eligible is not None:
        usable &= eligible
    slots = np.flatnonzero(usable)
    totals = np.bincount(codes[slots], weights=per_slot[slots], minlength=len(values)).astype(np.int64)
    present = np.bincount(codes[slots], minlength=len(values)) > 0
    return codes, totals, present


def totals_at(codes: np.ndarray, totals: np.ndarray) -> np.ndarray:
    """Each slot's domain total (0 where the slot has no such label)."""
    if not len(totals):
        return np.zeros(len(codes), dtype=np.int64)
    return np.where(codes >= 0, totals[np.maximum(codes, 0)], 0)
