"""NodeAffinity: nodeSelector and required node affinity filter; preferred terms add their weights to the score."""

import numpy as np

from .base import Cycle, Rejection, default_normalize
from .node_affinity_match import required_mask, term_mask

REASON = "node(s) didn't match Pod's node affinity/selector"  # upstream: ErrReasonPod


class NodeAffinity:
    name = "NodeAffinity"
    weight = 2  # upstream default score weight

    def filter(self, cycle: Cycle):
        pod = cycle.pod
        if not pod.node_selector and pod.required_node_terms is None:
            return []
        return [Rejection(REASON, cycle.snapshot.live & ~required_mask(cycle), True)]

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray:
        scores = np.zeros(len(slots), dtype=np.int64)
        for weight, term in cycle.pod.preferred_node_terms:
            scores += weight * term_mask(cycle, term)[slots]
        return default_normalize(scores)
