"""NodeVolumeLimits: a node takes no more CSI volumes per driver than its CSINode says it can attach.

As upstream's CSI limits plugin (pkg/scheduler/framework/plugins/nodevolumelimits/csi.go): the limit is the
driver's `allocatable.count` in the node's CSINode (a node without one, or a driver without a count, is not
limited). A volume is `<driver>/<volume handle>`: a bound claim's PV's CSI source; an unbound claim, or one whose PV
is missing, a volume its class's provisioner will create (a claim with no class, or a PV that is not CSI, is not
counted). Counted on a node: the distinct volumes of its pods (assumed ones included), then those its
VolumeAttachments hold that no pod there uses (a volume still attached after its pod left, or being attached);
the new pod's volumes its pods already use are not new. Upstream does not set the attachments against the new
pod's volumes, so a pod coming back to the node its volume is still attached to counts it twice, as here.
"""

from collections import Counter

import numpy as np

from ..volumes import VolumeCatalog
from .base import Cycle, Rejection

REASON = "node(s) exceed max volume count"  # upstream: ErrReasonMaxVolumeCountExceeded
UNBOUND_PREFIX = "unbound"  # upstream: a random prefix, so that a claim not yet provisioned matches no real handle


class NodeVolumeLimits:
    name = "NodeVolumeLimits"

    def __init__(self, catalog: VolumeCatalog):
        self.catalog = catalog

    def csi_volumes(self, pod: dict) -> dict[str, str]:
        """Upstream filterAttachableVolumes: `<driver>/<handle>` -> driver, for each CSI volume of the pod's claims."""
        volumes = {}
        for _name, claim in self.catalog.pod_claims(pod):
            driver, handle = self._driver_info(claim) if claim else ("", "")
            if driver and handle:
                volumes[f"{driver}/{handle}"] = driver
        return volumes

    def _driver_info(self, claim: dict) -> tuple[str, str]:
        """Upstream getCSIDriverInfo, falling back to getCSIDriverInfoFromSC when the claim has no PV yet."""
        volume = self.catalog.bound_volume(claim)
        if volume is not None:
            csi = (volume.get("spec") or {}).get("csi") or {}
            return csi.get("driver", ""), csi.get("volumeHandle", "")
        storage_class = self.catalog.class_of(claim)
        if storage_class is None:
            return "", ""
        metadata = claim["metadata"]
        return storage_class.get("provisioner", ""), f"{UNBOUND_PREFIX}-{metadata.get('namespace')}/{metadata['name']}"

    def attached_volumes(self, node_name: str) -> dict[str, str]:
        """Upstream getNodeVolumeAttachmentInfo: `<attacher>/<handle>` -> attacher for the node's attachments of
        CSI PVs."""
        volumes = {}
        for attachment in self.catalog.attachments(node_name):
            spec = attachment.get("spec") or {}
            attacher = spec.get("attacher", "")
            volume = self.catalog.volume((spec.get("source") or {}).get("persistentVolumeName", ""))
            csi = ((volume or {}).get("spec") or {}).get("csi")
            if attacher and csi:
                volumes[f"{attacher}/{csi.get('volumeHandle', '')}"] = attacher
        return volumes

    def filter(self, cycle: Cycle):
        wanted = self.csi_volumes(cycle.pod.pod)
        if not wanted:
            return []
        snapshot = cycle.snapshot
        exceeded = np.zeros(snapshot.capacity, dtype=bool)
        for slot in snapshot.order():
            info = snapshot.nodes[slot]
            limits = self.limits(info.name)
            if limits:
                exceeded[slot] = self._exceeds(limits, wanted, info)
        return [Rejection(REASON, exceeded, False)]

    def _exceeds(self, limits: dict[str, int], wanted: dict[str, str], info) -> bool:
        in_use: dict[str, str] = {}
        for other in info.pods.values():
            in_use.update(self.csi_volumes(other.pod))
        attached = {**self.attached_volumes(info.name), **in_use}
        counts = Counter(attached.values())
        new = Counter(driver for volume, driver in wanted.items() if volume not in in_use)
        return any(driver in limits and counts[driver] + count > limits[driver] for driver, count in new.items())

    def limits(self, node_name: str) -> dict[str, int]:
        csi_node = self.catalog.csi_node(node_name) or {}
        limits = {}
        for driver in (csi_node.get("spec") or {}).get("drivers") or []:
            count = (driver.get("allocatable") or {}).get("count")
            if count is not None:
                limits[driver["name"]] = int(count)
        return limits
