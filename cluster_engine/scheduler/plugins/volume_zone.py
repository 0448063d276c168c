"""VolumeZone: a pod whose bound PVs carry zone or region labels fits only nodes in one of those zones.

As upstream's plugin (pkg/scheduler/framework/plugins/volumezone): a PV label value may list several zones joined
by "__"; a beta (failure-domain) label on the PV is also matched against the node's GA label. Claims not yet
bound are left to VolumeBinding.
"""

import numpy as np

from ..volumes import VolumeCatalog, is_bound
from .base import Cycle, Rejection

REASON = "node(s) had no available volume zone"  # upstream: ErrReasonConflict
# upstream: topologyLabels, each beta label with the GA label it translates to
TOPOLOGY_LABELS = {
    "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
    "topology.kubernetes.io/zone": "topology.kubernetes.io/zone",
    "topology.kubernetes.io/region": "topology.kubernetes.io/region",
}


class VolumeZone:
    name = "VolumeZone"

    def __init__(self, catalog: VolumeCatalog):
        self.catalog = catalog

    def _topologies(self, cycle: Cycle) -> list[tuple[str, set[str]]]:
        topologies = []
        for _, claim in self.catalog.pod_claims(cycle.pod.pod):
            volume = self.catalog.bound_volume(claim) if claim is not None and is_bound(claim) else None
            if volume is None:
                continue
            labels = volume["metadata"].get("labels") or {}
            for key in TOPOLOGY_LABELS:
                if key in labels:
                    topologies.append((key, set(labels[key].split("__"))))  # upstream: LabelZonesToSet
        return topologies

    def filter(self, cycle: Cycle):
        topologies = self._topologies(cycle)
        if not topologies:
            return []
        snapshot = cycle.snapshot
        conflict = np.zeros(snapshot.capacity, dtype=bool)
        for slot in snapshot.order():
            labels = snapshot.nodes[slot].labels
            for key, values in topologies:
                value = labels.get(key, labels.get(TOPOLOGY_LABELS[key]))
                if value is None or value not in values:
                    conflict[slot] = True
                    break
        return [Rejection(REASON, conflict, True)]
