"""Expanding a bound claim: the expand controller (pkg/controller/volume/expand), the CSI external-resizer
(kubernetes-csi/external-resizer) and the kubelet's file-system resize, simulated in one place.

When a bound claim asks for more than its status.capacity, the expand controller names the CSI driver that will
resize it (`volume.kubernetes.io/storage-resizer`, event ExternalExpanding). The resizer marks the claim Resizing
(allocatedResources, ControllerResizeInProgress), grows the disk in RESIZE_SECONDS and writes the volume's new
capacity. A disk's file system must then grow on the node that mounts it: the claim waits with the
FileSystemResizePending condition (NodeResizePending) until a running pod uses it, and the kubelet finishes in
NODE_RESIZE_SECONDS, setting status.capacity. A file share needs no node step.
"""

from ..api.quantity import parse_quantity
from ..runtime.component import Controller
from .csi_provisioner import DISK_DRIVER, DRIVERS, identity, rounded_gib
from .persistentvolume import claims_used_by

STORAGE_RESIZER = "volume.kubernetes.io/storage-resizer"
# Simulated: Azure grows a managed disk with one ARM call, and the node's resize2fs takes a moment.
RESIZE_SECONDS = 5.0
NODE_RESIZE_SECONDS = 2.0
FS_RESIZE_PENDING = "Waiting for user to (re-)start a pod to finish file system resize of volume on node."
EXPLANATIONS = {
    "ExternalExpanding": "The claim asks for more storage than it has: its CSI driver will grow the disk.",
    "Resizing": "The CSI driver is growing the disk in the cloud.",
    "FileSystemResizeRequired": "The disk is bigger now; the file system on it grows when a pod mounts it on a node.",
    "FileSystemResizeSuccessful": "The file system grew: the claim's capacity shows the new size.",
    "VolumeResizeSuccessful": "The file share is bigger: the claim's capacity shows the new size.",
}


class VolumeExpansion(Controller):
    name = "volume-expansion"
    field_manager = "csi-resizer"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._due: dict[str, float] = {}

    def start(self) -> None:
        self.watch("PersistentVolumeClaim")
        self.watch("Pod", lambda pod: [f"{pod['metadata']['namespace']}/{name}" for name in claims_used_by(pod)])

    def reconcile(self, key: str) -> float | None:
        claim = self.ctx.cache.get("PersistentVolumeClaim", key)
        if claim is None or (claim.get("status") or {}).get("phase") != "Bound":
            return None
        volume = self.ctx.cache.get("PersistentVolume", claim["spec"].get("volumeName") or "")
        driver = ((volume or {}).get("spec") or {}).get("csi", {}).get("driver")
        if volume is None or driver not in DRIVERS:
            return None
        requested = parse_quantity(claim["spec"]["resources"]["requests"]["storage"])
        status = claim.get("status") or {}
        capacity = parse_quantity((status.get("capacity") or {}).get("storage", 0))
        if requested <= capacity:
            return None
        annotations = claim["metadata"].get("annotations") or {}
        if annotations.get(STORAGE_RESIZER) != driver:
            claim = self.ctx.client.update(
                "PersistentVolumeClaim",
                {**claim, "metadata": {**claim["metadata"], "annotations": {**annotations, STORAGE_RESIZER: driver}}},
            )
            self._event(
                claim, "volume_expand", "ExternalExpanding", "waiting for an external controller to expand this PVC"
            )
        new_size = f"{rounded_gib(claim['spec']['resources']['requests']['storage'])}Gi"
        if parse_quantity(volume["spec"]["capacity"]["storage"]) < parse_quantity(new_size):
            return self._resize_disk(key, claim, volume, driver, new_size)
        if driver != DISK_DRIVER:
            self._finish(claim, volume, new_size)
            self._event(claim, identity(driver), "VolumeResizeSuccessful", "Resize volume succeeded")
            return None
        return self._resize_file_system(key, claim, volume, new_size)

    def _resize_disk(self, key: str, claim: dict, volume: dict, driver: str, new_size: str) -> float | None:
        status = claim.get("status") or {}
        if not _has_condition(claim, "Resizing"):
            resizing = {
                **status,
                "allocatedResources": {"storage": claim["spec"]["resources"]["requests"]["storage"]},
                "allocatedResourceStatuses": {"storage": "ControllerResizeInProgress"},
                "conditions": [
                    *_other_conditions(claim, "Resizing"),
                    {
                        "type": "Resizing",
                        "status": "True",
                        "lastProbeTime": None,
                        "lastTransitionTime": self.ctx.clock.timestamp(),
                    },
                ],
            }
            claim = self.ctx.client.update_status("PersistentVolumeClaim", {**claim, "status": resizing})
            self._event(
                claim, identity(driver), "Resizing", f"External resizer is resizing volume {volume['metadata']['name']}"
            )
        remaining = self._wait(key, RESIZE_SECONDS)
        if remaining is not None:
            return remaining
        self.ctx.client.update(
            "PersistentVolume", {**volume, "spec": {**volume["spec"], "capacity": {"storage": new_size}}}
        )
        if driver == DISK_DRIVER:
            pending = {
                **claim["status"],
                "allocatedResourceStatuses": {"storage": "NodeResizePending"},
                "conditions": [
                    *_other_conditions(claim, "Resizing"),
                    {
                        "type": "FileSystemResizePending",
                        "status": "True",
                        "lastProbeTime": None,
                        "lastTransitionTime": self.ctx.clock.timestamp(),
                        "message": FS_RESIZE_PENDING,
                    },
                ],
            }
            claim = self.ctx.client.update_status("PersistentVolumeClaim", {**claim, "status": pending})
            self._event(
                claim, identity(driver), "FileSystemResizeRequired", "Require file system resize of volume on node"
            )
        self.queue.add(key)
        return None

    def _resize_file_system(self, key: str, claim: dict, volume: dict, new_size: str) -> float | None:
        """The kubelet's NodeExpandVolume, on the node of a running pod that uses the claim."""
        name = claim["metadata"]["name"]
        pods = [
            pod
            for pod in self.ctx.cache.list("Pod", claim["metadata"]["namespace"])
            if name in claims_used_by(pod) and (pod.get("status") or {}).get("phase") == "Running"
        ]
        if not pods:
            self._due.pop(key, None)
            return None
        remaining = self._wait(key, NODE_RESIZE_SECONDS)
        if remaining is not None:
            return remaining
        claim = self._finish(claim, volume, new_size)
        node = pods[0]["spec"].get("nodeName", "")
        message = f'MountVolume.NodeExpandVolume succeeded for volume "{volume["metadata"]["name"]}" {node}'
        self._event(claim, "kubelet", "FileSystemResizeSuccessful", message)
        self._event(pods[0], "kubelet", "FileSystemResizeSuccessful", message)
        return None

    def _finish(self, claim: dict, volume: dict, new_size: str) -> dict:
        status = {
            key: value
            for key, value in (claim.get("status") or {}).items()
            if key not in ("allocatedResourceStatuses", "conditions")
        }
        status["capacity"] = {"storage": new_size}
        status["allocatedResources"] = {"storage": claim["spec"]["resources"]["requests"]["storage"]}
        conditions = [
            condition
            for condition in _other_conditions(claim, "Resizing")
            if condition["type"] != "FileSystemResizePending"
        ]
        if conditions:
            status["conditions"] = conditions
        return self.ctx.client.update_status("PersistentVolumeClaim", {**claim, "status": status})

    def _wait(self, key: str, seconds: float) -> float | None:
        due = self._due.setdefault(key, self.ctx.clock.now + seconds)
        if self.ctx.clock.now < due:
            return due - self.ctx.clock.now
        del self._due[key]
        return None

    def _event(self, obj: dict, component: str, reason: str, message: str) -> None:
        self.ctx.events.record(obj, "Normal", reason, message, component, explanation=EXPLANATIONS[reason])


def _has_condition(claim: dict, condition_type: str) -> bool:
    return any(item.get("type") == condition_type for item in (claim.get("status") or {}).get("conditions") or [])


def _other_conditions(claim: dict, condition_type: str) -> list[dict]:
    return [item for item in (claim.get("status") or {}).get("conditions") or [] if item.get("type") != condition_type]
