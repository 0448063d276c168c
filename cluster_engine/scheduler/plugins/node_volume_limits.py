"""NodeVolumeLimits: a node takes no more CSI volumes per driver than its CSINode says it can attach.

As upstream's CSI limits plugin (pkg/scheduler/framework/plugins/nodevolumelimits/csi.go): the limit is the
driver's `allocatable.count` in the node's CSINode (a node without one, or a driver without a count, is not
limited); the volumes counted are the distinct ones of the pods on the node plus the new pod's volumes not already
there. A bound claim counts as its PV's CSI volume handle; an unbound one as a volume its class's provisioner will
create.
"""

import numpy as np

from ..volumes import VolumeCatalog, is_bound
from .base import Cycle, Rejection

REASON = "node(s) exceed max volume count"  # upstream: ErrReasonMaxVolumeCountExceeded


class NodeVolumeLimits:
    name = "NodeVolumeLimits"

    def __init__(self, catalog: VolumeCatalog):
        self.catalog = catalog

    def csi_volumes(self, pod: dict) -> set[tuple[str, str]]:
        """(driver, volume id) of each CSI volume the pod's claims stand for."""
        namespace = pod["metadata"].get("namespace") or "default"
        volumes = set()
        for name, claim in self.catalog.pod_claims(pod):
            if claim is None:
                continue
            if is_bound(claim):
                csi = ((self.catalog.bound_volume(claim) or {}).get("spec") or {}).get("csi")
                if csi:
                    volumes.add((csi.get("driver", ""), csi.get("volumeHandle", "")))
                continue
            storage_class = self.catalog.class_of(claim)
            if storage_class:
                volumes.add((storage_class.get("provisioner", ""), f"{namespace}/{name}"))
        return volumes

    def filter(self, cycle: Cycle):
        new = self.csi_volumes(cycle.pod.pod)
        if not new:
            return []
        snapshot = cycle.snapshot
        exceeded = np.zeros(snapshot.capacity, dtype=bool)
        for slot in snapshot.order():
            info = snapshot.nodes[slot]
            limits = self.limits(info.name)
            if not limits:
                continue
            attached = set()
            for other in info.pods.values():
                attached |= self.csi_volumes(other.pod)
            for driver, limit in limits.items():
                count = len({volume for volume in attached | new if volume[0] == driver})
                if any(volume[0] == driver for volume in new - attached) and count > limit:
                    exceeded[slot] = True
        return [Rejection(REASON, exceeded, False)]

    def limits(self, node_name: str) -> dict[str, int]:
        csi_node = self.catalog.csi_node(node_name) or {}
        limits = {}
        for driver in (csi_node.get("spec") or {}).get("drivers") or []:
            count = (driver.get("allocatable") or {}).get("count")
            if count is not None:
                limits[driver["name"]] = int(count)
        return limits
