"""Taint and toleration matching, per distinct set of node taints (nodes mostly share a few sets)."""

import numpy as np

from .base import Cycle

UNSCHEDULABLE_TAINT = ("node.kubernetes.io/unschedulable", "", "NoSchedule")


def tolerates(toleration: tuple, taint: tuple) -> bool:
    """Upstream v1.Toleration.ToleratesTaint."""
    key, operator, value, effect = toleration
    taint_key, taint_value, taint_effect = taint
    if effect and effect != taint_effect:
        return False
    if key and key != taint_key:
        return False
    if operator == "Exists":
        return True
    return operator in ("", "Equal") and value == taint_value


def first_untolerated(taints: tuple, tolerations: tuple, effects: tuple) -> tuple | None:
    """Upstream FindMatchingUntoleratedTaint: the first taint of the given effects no toleration covers."""
    for taint in taints:
        if taint[2] in effects and not any(tolerates(toleration, taint) for toleration in tolerations):
            return taint
    return None


def untolerated_by_group(cycle: Cycle, effects: tuple = ("NoSchedule", "NoExecute")) -> list:
    """For each taint group of the snapshot, the first untolerated taint (or None)."""
    groups = cycle.snapshot.taint_groups
    return cycle.remember(
        ("untolerated", effects, len(groups)),
        lambda: [first_untolerated(taints, cycle.pod.tolerations, effects) for taints in groups],
    )


def tolerated_mask(cycle: Cycle) -> np.ndarray:
    """Slots whose NoSchedule/NoExecute taints the pod tolerates (PodTopologySpread's nodeTaintsPolicy: Honor)."""
    by_group = untolerated_by_group(cycle)
    return np.array([taint is None for taint in by_group], dtype=bool)[cycle.snapshot.taint_group]
