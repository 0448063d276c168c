"""TaintToleration: untolerated NoSchedule/NoExecute taints reject a node; PreferNoSchedule ones lower its score."""

import numpy as np

from .base import Cycle, Rejection, default_normalize
from .taints import tolerates, untolerated_by_group


def reason(taint: tuple) -> str:
    # upstream: "node(s) had untolerated taint {%s: %s}" with the taint's key and value
    return f"node(s) had untolerated taint {{{taint[0]}: {taint[1]}}}"


class TaintToleration:
    name = "TaintToleration"
    weight = 3  # upstream default score weight

    def filter(self, cycle: Cycle):
        by_group = untolerated_by_group(cycle)
        taints = {taint for taint in by_group if taint is not None}
        if not taints:
            return []
        groups = cycle.snapshot.taint_group
        rejections = []
        for taint in sorted(taints):
            group_mask = np.array([found == taint for found in by_group], dtype=bool)
            rejections.append(Rejection(reason(taint), group_mask[groups], True))
        return rejections

    def score(self, cycle: Cycle, slots: np.ndarray) -> np.ndarray:
        # upstream: only tolerations with effect PreferNoSchedule or empty count for scoring
        tolerations = [toleration for toleration in cycle.pod.tolerations if toleration[3] in ("", "PreferNoSchedule")]
        counts = np.array(
            [
                sum(
                    1
                    for taint in taints
                    if taint[2] == "PreferNoSchedule" and not any(tolerates(item, taint) for item in tolerations)
                )
                for taints in cycle.snapshot.taint_groups
            ],
            dtype=np.int64,
        )
        return default_normalize(counts[cycle.snapshot.taint_group[slots]], reverse=True)
