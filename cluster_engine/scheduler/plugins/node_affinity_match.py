"""Which nodes satisfy a pod's nodeSelector and required node affinity, cached per distinct selector."""

import numpy as np

from ...api.labels import matches
from .base import Cycle


def term_matches(term, info) -> bool:
    if term is None:
        return False
    label_requirements, field_requirements = term
    return matches(label_requirements, info.labels) and matches(field_requirements, info.fields)


def node_matches(pod, info) -> bool:
    """Upstream nodeaffinity.GetRequiredNodeAffinity(pod).Match(node): nodeSelector AND any required term."""
    if pod.node_selector and not matches(pod.node_selector, info.labels):
        return False
    if pod.required_node_terms is None:
        return True
    return any(term_matches(term, info) for term in pod.required_node_terms)


def required_mask(cycle: Cycle) -> np.ndarray:
    """Per slot: does the node satisfy the pod's required node affinity (all True when it has none)."""
    pod, snapshot = cycle.pod, cycle.snapshot
    if not pod.node_selector and pod.required_node_terms is None:
        return snapshot.live
    key = ("node-affinity", pod.node_selector, pod.required_node_terms)

    def compute():
        mask = np.zeros(snapshot.capacity, dtype=bool)
        for slot in snapshot.order():
            mask[slot] = node_matches(pod, snapshot.nodes[slot])
        return mask

    return snapshot.cached(key, compute)


def term_mask(cycle: Cycle, term) -> np.ndarray:
    snapshot = cycle.snapshot

    def compute():
        mask = np.zeros(snapshot.capacity, dtype=bool)
        for slot in snapshot.order():
            mask[slot] = term_matches(term, snapshot.nodes[slot])
        return mask

    return snapshot.cached(("node-term", term), compute)
