"""The Azure disk CSI driver's external-attacher: it makes each VolumeAttachment true in the cloud.

As upstream's csi-attacher sidecar (kubernetes-csi/external-attacher) for `disk.csi.azure.com`: a new attachment
gets the finalizer `external-attacher/disk-csi-azure-com`, the driver's ControllerPublishVolume attaches the disk
to the VM (an Azure VM update), and `status.attached` turns true with the disk's LUN in attachmentMetadata; a
deleted attachment is detached (ControllerUnpublishVolume), then its finalizer removed so it goes away.
The cloud's durations are simulated with seeded jitter on the simulated clock.
"""

from ..nodes.pod_runtime import jitter
from ..runtime.component import Controller

DRIVER = "disk.csi.azure.com"
FINALIZER = "external-attacher/disk-csi-azure-com"  # upstream: "external-attacher/" + driver name, "." -> "-"
MANAGER = "csi-attacher"
# An Azure VM update attaching or detaching a managed data disk takes tens of seconds; the Azure disk driver's
# docs say a disk moving between nodes takes minutes in all, most of it the waits before detach.
ATTACH_SECONDS = (10.0, 20.0)
DETACH_SECONDS = (10.0, 20.0)


class ExternalAttacher(Controller):
    name = MANAGER
    leader_of = None  # the CSI controller plugin's own sidecar, not part of kube-controller-manager
    field_manager = MANAGER

    def __init__(self, ctx):
        super().__init__(ctx)
        self.due: dict[str, float] = {}  # attachment name -> when its attach or detach completes
        self.luns: dict[str, int] = {}

    def start(self) -> None:
        super().start()
        self.watch(
            "VolumeAttachment", lambda va: va["metadata"]["name"] if va["spec"].get("attacher") == DRIVER else None
        )

    def reconcile(self, name: str) -> float | None:
        attachment = self.ctx.cache.get("VolumeAttachment", name)
        if attachment is None:
            self.due.pop(name, None)
            return None
        metadata = attachment["metadata"]
        finalizers = metadata.get("finalizers") or []
        deleting = bool(metadata.get("deletionTimestamp"))
        if deleting and FINALIZER not in finalizers:
            return None
        if not deleting and (attachment.get("status") or {}).get("attached"):
            return None
        now = self.ctx.clock.now
        if name not in self.due:
            self.due[name] = now + jitter(self.ctx.rng, DETACH_SECONDS if deleting else ATTACH_SECONDS)
            if not deleting and FINALIZER not in finalizers:
                self.ctx.client.update("VolumeAttachment", _with_finalizers(attachment, [*finalizers, FINALIZER]))
        if now < self.due[name]:
            return self.due[name] - now
        del self.due[name]
        if deleting:
            remaining = [item for item in finalizers if item != FINALIZER]
            self.ctx.client.update("VolumeAttachment", _with_finalizers(attachment, remaining))
            return None
        lun = self._lun(attachment)
        status = {"attached": True, "attachmentMetadata": {"LUN": str(lun)}}
        self.ctx.client.update_status("VolumeAttachment", {**attachment, "status": status})
        return None

    def _lun(self, attachment: dict) -> int:
        """The lowest logical unit number free on the VM, as Azure assigns data disks."""
        node_name = attachment["spec"]["nodeName"]
        used = {
            int((other.get("status") or {}).get("attachmentMetadata", {}).get("LUN", -1))
            for other in self.ctx.cache.list("VolumeAttachment")
            if other["spec"].get("nodeName") == node_name
            and other["metadata"]["name"] != attachment["metadata"]["name"]
        }
        return next(lun for lun in range(len(used) + 1) if lun not in used)


def _with_finalizers(attachment: dict, finalizers: list[str]) -> dict:
    metadata = {key: value for key, value in attachment["metadata"].items() if key != "resourceVersion"}
    return {**attachment, "metadata": {**metadata, "finalizers": finalizers}}
