"""PodTopologySpread: keep matching pods evenly spread over topology domains (zones, hosts, ...).

DoNotSchedule constraints filter (skew = matching pods in the node's domain + self - global minimum must not
exceed maxSkew); ScheduleAnyway constraints, or the system defaults for pods without constraints, score.
"""

import math

import numpy as np

from ...api.labels import matches
from ..podinfo import PodInfo, SpreadConstraint
from .base import MAX_NODE_SCORE, Cycle, Rejection, domain_totals, totals_at
from .node_affinity_match import required_mask
from .taints import tolerated_mask

REASON = "node(s) didn't match pod topology spread constraints"  # upstream: ErrReasonConstraintsNotMatch
MISSING_LABEL_REASON = REASON + " (missing required label)"  # upstream: ErrReasonNodeLabelNotMatch
HOSTNAME = "kubernetes.io/hostname"
# upstream: systemDefaultConstraints, used when the pod has none (defaultingType: System)
SYSTEM_DEFAULT_CONSTRAINTS = (
    (HOSTNAME, 3),
    ("topology.kubernetes.io/zone", 5),
)


def matching_counts(cycle: Cycle, constraint: SpreadConstraint) -> np.ndarray:
    """Per slot: pods of the pod's namespace, not terminating, that the constraint's selector selects."""
    namespace, selector = cycle.pod.namespace, constraint.selector
    if selector is None:
        return np.zeros(cycle.snapshot.capacity, dtype=np.int64)

    def predicate(other: PodInfo) -> bool:
        return other.namespace == namespace and not other.terminating and matches(selector, other.labels)

    return cycle.snapshot.matching.counts(("spread", namespace, selector), predicate)


def included(cycle: Cycle, constraint: SpreadConstraint) -> np.ndarray:
    """Upstream matchNodeInclusionPolicies: nodeAffinityPolicy Honor, nodeTaintsPolicy Ignore by default."""
    mask = cycle.snapshot.live
    if constraint.honor_node_affinity:
        mask = mask & required_mask(cycle)
    if constraint.honor_node_taints:
        mask = mask & tolerated_mask(cycle)
    return mask


def self_match(pod: PodInfo, constraint: SpreadConstraint) -> int:
    return int(constraint.selector is not None and matches(constraint.selector, pod.labels))


class PodTopologySpread:
    name = "PodTopologySpread"
    weight = 2  # upstream default score weight

    def __init__(self, default_selector=None):
        # callable(PodInfo) -> selector requirements for the system default constraints (services, ReplicaSets...)
        self.default_selector = default_selector

    def filter(self, cycle: Cycle):
        constraints = [c for c in cycle.pod.spread_constraints if c.when_unsatisfiable == "DoNotSchedule"]
        if not constraints:
            return []
        snapshot = cycle.snapshot
        has_all = snapshot.live.copy()
        for constraint in constraints:
            has_all &= snapshot.domains(constraint.topology_key)[0] >= 0
        undecided = snapshot.live.copy()
        missing_label = np.zeros(snapshot.capacity, dtype=bool)
        skewed = np.zeros(snapshot.capacity, dtype=bool)
        for constraint in constraints:
            codes, totals, present = domain_totals(
                snapshot,
                constraint.topology_key,
                matching_counts(cycle, constraint),
                has_all & included(cycle, constraint),
            )
            domains = int(present.sum())
            # upstream minMatchNum: the smallest domain count, 0 while there are fewer domains than minDomains
            minimum = int(totals[present].min()) if domains else 2**31 - 1
            if domains < constraint.min_domains:
                minimum = 0
            skew = totals_at(codes, np.where(present, totals, 0)) + self_match(cycle.pod, constraint) - minimum
            lacking = undecided & (codes < 0)
            missing_label |= lacking
            too_skewed = undecided & (codes >= 0) & (skew > constraint.max_skew)
            skewed |= too_skewed
            undecided &= ~(lacking | too_skewed)
        return [Rejection(MISSING_LABEL_REASON, missing_label, True), Rejection(REASON, skewed, False)]

    def score_constraints(self, pod: PodInfo) -> tuple[list[SpreadConstraint], bool]:
        """The soft constraints to score by, and whether nodes must carry every topology key."""
        if pod.spread_constraints:
            return [c for c in pod.spread_constraints if c.when_unsatisfiable == "ScheduleAnyway"], True
        selector = self.default_selector(pod) if self.default_selector else None
        if not selector:
            return [], False
        return [
            SpreadConstraint(skew, key, "ScheduleAnyway", tuple(selector)) for key, skew in SYSTEM_DEFAULT_CONSTRAINTS
        ], False

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray | None:
        constraints, require_all = self.score_constraints(cycle.pod)
        if not constraints:
            return None  # upstream PreScore returns Skip
        snapshot = cycle.snapshot
        ignored = np.zeros(len(slots), dtype=bool)
        has_all = snapshot.live.copy()
        if require_all:
            for constraint in constraints:
                codes = snapshot.domains(constraint.topology_key)[0]
                ignored |= codes[slots] < 0
                has_all &= codes >= 0
        kept = slots[~ignored]
        raw = np.zeros(len(slots), dtype=np.float64)
        for constraint in constraints:
            counts = matching_counts(cycle, constraint)
            has_key = snapshot.domains(constraint.topology_key)[0][slots] >= 0
            if constraint.topology_key == HOSTNAME:
                size = len(kept)
                per_node = counts[slots]
            else:
                # nodes missing a key count as the domain "" when only system defaults apply, as upstream does
                codes, values = snapshot.domains(constraint.topology_key, missing_as_empty=not require_all)
                candidate_domains = np.zeros(len(values), dtype=bool)
                candidate_domains[codes[kept][codes[kept] >= 0]] = True
                size = int(candidate_domains.sum())
                eligible = has_all & included(cycle, constraint) & (codes >= 0)
                eligible_slots = np.flatnonzero(eligible)
                totals = np.bincount(codes[eligible_slots], weights=counts[eligible_slots], minlength=len(values))
                per_node = totals_at(codes[slots], totals.astype(np.int64))
            weight = math.log(size + 2)  # upstream topologyNormalizingWeight
            raw += np.where(has_key, per_node * weight + (constraint.max_skew - 1), 0.0)
        scores = np.floor(raw + 0.5).astype(np.int64)  # Go math.Round for non-negative values
        return normalize(scores, ignored)


def normalize(scores: np.ndarray, ignored: np.ndarray) -> np.ndarray:
    """Upstream NormalizeScore: fewer matching pods is better; ignored nodes get 0."""
    considered = scores[~ignored]
    if not len(considered):
        return np.zeros(len(scores), dtype=np.int64)
    minimum, maximum = int(considered.min()), max(int(considered.max()), 0)
    if maximum == 0:
        result = np.full(len(scores), MAX_NODE_SCORE, dtype=np.int64)
    else:
        result = MAX_NODE_SCORE * (maximum + minimum - scores) // maximum
    return np.where(ignored, 0, result)
