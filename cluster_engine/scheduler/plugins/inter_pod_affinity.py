"""InterPodAffinity: required pod affinity and anti-affinity filter; preferred terms (both sides) score.

Terms are evaluated per topology domain: a node is in the domain its `topologyKey` label names, and a term holds
for the node when matching pods run anywhere in that domain. Existing pods' terms count too: their required
anti-affinity rejects the incoming pod, their required affinity and preferences add to the score.
"""

import numpy as np

from ..podinfo import AffinityTerm, PodInfo
from .base import MAX_NODE_SCORE, Cycle, Rejection, domain_totals, totals_at

AFFINITY_REASON = "node(s) didn't match pod affinity rules"  # upstream: ErrReasonAffinityRulesNotMatch
ANTI_AFFINITY_REASON = "node(s) didn't match pod anti-affinity rules"  # upstream: ErrReasonAntiAffinityRulesNotMatch
EXISTING_ANTI_AFFINITY_REASON = "node(s) didn't satisfy existing pods anti-affinity rules"
HARD_POD_AFFINITY_WEIGHT = 1  # upstream: InterPodAffinityArgs.hardPodAffinityWeight default


def pods_matching_all(cycle: Cycle, terms: tuple) -> np.ndarray:
    """Per slot: existing pods matching every term (upstream counts affinity only for pods matching all terms)."""
    namespace_labels = cycle.snapshot.namespace_labels

    def predicate(other: PodInfo) -> bool:
        return all(term.matches(other.namespace, other.labels, namespace_labels) for term in terms)

    return cycle.snapshot.matching.counts(("affinity", tuple(term.pod_matcher for term in terms)), predicate)


def incoming_matches(cycle: Cycle, term: AffinityTerm) -> bool:
    pod = cycle.pod
    return term.matches(pod.namespace, pod.labels, cycle.snapshot.namespace_labels)


class InterPodAffinity:
    name = "InterPodAffinity"
    weight = 2  # upstream default score weight

    def filter(self, cycle: Cycle):
        snapshot, pod = cycle.snapshot, cycle.pod
        live = snapshot.live
        affinity_fail = self._affinity_failures(cycle) if pod.required_affinity else np.zeros(len(live), dtype=bool)
        anti_fail = np.zeros(len(live), dtype=bool)
        for term in pod.required_anti_affinity:
            codes, totals, _ = domain_totals(snapshot, term.topology_key, pods_matching_all(cycle, (term,)), live)
            anti_fail |= totals_at(codes, totals) > 0
        existing_fail = np.zeros(len(live), dtype=bool)
        for _, term, counts in snapshot.carried.of_role("required_anti_affinity"):
            if incoming_matches(cycle, term):
                codes, totals, _ = domain_totals(snapshot, term.topology_key, counts, live)
                existing_fail |= totals_at(codes, totals) > 0
        anti_fail &= ~affinity_fail
        existing_fail &= ~(affinity_fail | anti_fail)
        return [
            Rejection(AFFINITY_REASON, affinity_fail & live, True),
            Rejection(ANTI_AFFINITY_REASON, anti_fail & live, False),
            Rejection(EXISTING_ANTI_AFFINITY_REASON, existing_fail & live, False),
        ]

    def _affinity_failures(self, cycle: Cycle) -> np.ndarray:
        """Upstream satisfyPodAffinity, including the exception for the first pod of a self-affine group."""
        snapshot, terms = cycle.snapshot, cycle.pod.required_affinity
        counts = pods_matching_all(cycle, terms)
        lacking_label = np.zeros(snapshot.capacity, dtype=bool)
        lacking_pods = np.zeros(snapshot.capacity, dtype=bool)
        any_counted = False
        for term in terms:
            codes, totals, _ = domain_totals(snapshot, term.topology_key, counts, snapshot.live)
            lacking_label |= codes < 0
            lacking_pods |= totals_at(codes, totals) <= 0
            any_counted = any_counted or bool(totals.any())
        if not any_counted and all(incoming_matches(cycle, term) for term in terms):
            lacking_pods[:] = False
        return lacking_label | lacking_pods

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray:
        snapshot, pod = cycle.snapshot, cycle.pod
        contributions = []  # (topology key, per-slot counts, weight)
        for weight, term in pod.preferred_affinity:
            contributions.append((term.topology_key, pods_matching_all(cycle, (term,)), weight))
        for weight, term in pod.preferred_anti_affinity:
            contributions.append((term.topology_key, pods_matching_all(cycle, (term,)), -weight))
        for role, sign in (("required_affinity", 0), ("preferred_affinity", 1), ("preferred_anti_affinity", -1)):
            for weight, term, counts in snapshot.carried.of_role(role):
                if incoming_matches(cycle, term):
                    contributions.append(
                        (term.topology_key, counts, HARD_POD_AFFINITY_WEIGHT if sign == 0 else sign * weight)
                    )
        raw = np.zeros(len(slots), dtype=np.int64)
        scored = False
        for topology_key, counts, weight in contributions:
            codes, totals, _ = domain_totals(snapshot, topology_key, counts, snapshot.live)
            if totals.any():
                scored = True  # upstream: the topology pair enters topologyScore once a matching pod is seen
            raw += weight * totals_at(codes[slots], totals)
        if not scored or not len(slots):
            return np.zeros(len(slots), dtype=np.int64)
        minimum, maximum = int(raw.min()), int(raw.max())
        if maximum == minimum:
            return np.zeros(len(slots), dtype=np.int64)
        # upstream NormalizeScore: float64(MaxNodeScore) * (score - min) / (max - min), truncated
        return (float(MAX_NODE_SCORE) * ((raw - minimum) / float(maximum - minimum))).astype(np.int64)
