"""VolumeRestrictions: a ReadWriteOncePod claim serves one pod in the whole cluster.

As upstream's plugin (pkg/scheduler/framework/plugins/volumerestrictions): PreFilter refuses a pod naming a claim
that does not exist and counts the scheduled (or assumed) pods, on any node, already using one of its
ReadWriteOncePod claims; Filter then rejects every node while that count is above zero. The rejection is
resolvable: preempting the pod that holds the claim frees it. (The in-tree disk conflicts of GCE PD, EBS, iSCSI
and RBD inline volumes do not arise on an AKS-like cluster.)
"""

from ..volumes import READ_WRITE_ONCE_POD, VolumeCatalog, claim_names
from .base import Cycle, Rejection

REASON = "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"


class VolumeRestrictions:
    name = "VolumeRestrictions"

    def __init__(self, catalog: VolumeCatalog):
        self.catalog = catalog

    def prefilter(self, cycle: Cycle) -> str | None:
        for name, claim in self.catalog.pod_claims(cycle.pod.pod):
            if claim is None:
                return f'persistentvolumeclaim "{name}" not found'
        return None

    def filter(self, cycle: Cycle):
        pod = cycle.pod
        exclusive = {
            f"{pod.namespace}/{name}"
            for name, claim in self.catalog.pod_claims(pod.pod)
            if claim is not None and READ_WRITE_ONCE_POD in ((claim.get("spec") or {}).get("accessModes") or ())
        }
        if not exclusive:
            return []
        conflicting = any(
            other.key != pod.key and exclusive & {f"{other.namespace}/{name}" for name in claim_names(other.pod)}
            for other, _ in cycle.snapshot.pods.values()
        )
        if not conflicting:
            return []
        return [Rejection(REASON, cycle.snapshot.live.copy(), False)]
