"""NodeName: a pod that names its node (spec.nodeName) fits only that node."""

from .base import Cycle, Rejection

REASON = "node(s) didn't match the requested node name"  # upstream: ErrReason in nodename.go


class NodeName:
    name = "NodeName"

    def filter(self, cycle: Cycle):
        if not cycle.pod.node_name:
            return []
        mask = cycle.snapshot.live.copy()
        slot = cycle.snapshot.slot_of.get(cycle.pod.node_name)
        if slot is not None:
            mask[slot] = False
        return [Rejection(REASON, mask, True)]
