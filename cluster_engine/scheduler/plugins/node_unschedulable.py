"""NodeUnschedulable: a cordoned node (spec.unschedulable) takes no pods that do not tolerate the cordon."""

from .base import Cycle, Rejection
from .taints import UNSCHEDULABLE_TAINT, tolerates

REASON = "node(s) were unschedulable"  # upstream: ErrReasonUnschedulable


class NodeUnschedulable:
    name = "NodeUnschedulable"

    def filter(self, cycle: Cycle):
        if any(tolerates(toleration, UNSCHEDULABLE_TAINT) for toleration in cycle.pod.tolerations):
            return []
        return [Rejection(REASON, cycle.snapshot.unschedulable, True)]
