"""The kubelet's volume manager: a pod's containers start only once its disks are attached and mounted.

As upstream's (pkg/kubelet/volumemanager): the volumes of the pods admitted to the node are its desired state and
are reported in `node.status.volumesInUse` with the next node status; a volume is mounted (NodeStageVolume, then
NodePublishVolume) only after the node reports it in use and the attach/detach controller lists it in
`node.status.volumesAttached`. SyncPod waits for every volume of the pod up to podAttachAndMountTimeout (2m3s),
then records FailedMount and tries again. A pod gone from the node is unmounted, and the volume leaves
volumesInUse with the next status: only then may the attach/detach controller detach it safely.
"""

from dataclasses import dataclass, field

from ..controllers.attachable import pod_volumes
from .pod_runtime import jitter

POD_ATTACH_AND_MOUNT_TIMEOUT = 123.0  # upstream: podAttachAndMountTimeout 2m3s
MOUNT_SECONDS = (1.0, 3.0)  # NodeStageVolume (format on first use, mount) and NodePublishVolume


def go_list(names) -> str:
    """Go's %v of a []string: [a b]."""
    return "[" + " ".join(names) + "]"


@dataclass
class Waiting:
    runtime: object  # PodRuntime
    then: object
    timer: object = None
    mounting: set = field(default_factory=set)


class VolumeManager:
    def __init__(self, agent):
        self.agent = agent
        self.wanted: dict[str, set[str]] = {}  # pod uid -> unique names of its volumes (desired state of world)
        self.mounts: dict[str, set[str]] = {}  # pod uid -> unique names mounted for it (actual state of world)
        self.waiting: dict[str, Waiting] = {}  # pod key -> a SyncPod waiting for its volumes

    def in_use(self) -> list[str]:
        names = set()
        for group in (*self.wanted.values(), *self.mounts.values()):
            names |= group
        return sorted(names)

    def wait_for_attach_and_mount(self, runtime, then) -> None:
        pod = runtime.pod()
        if pod is None or not any(volume.get("persistentVolumeClaim") for volume in pod["spec"].get("volumes") or []):
            then()
            return
        self.waiting[runtime.key] = Waiting(runtime, then)
        self._arm_timeout(runtime.key)
        self._progress(runtime.key)

    def adopt(self, runtime) -> None:
        """A restarted kubelet finds its running pods' volumes mounted."""
        pod = runtime.pod()
        if pod is not None:
            volumes, _ = pod_volumes(self.agent.cache, pod)
            names = {volume.unique_name for volume in volumes}
            if names:
                self.wanted[runtime.uid] = set(names)
                self.mounts[runtime.uid] = set(names)

    def release(self, runtime) -> None:
        """The pod left the node: unmount its volumes (reported with the next node status)."""
        waiting = self.waiting.pop(runtime.key, None)
        if waiting is not None and waiting.timer is not None:
            waiting.timer.cancel()
        self.wanted.pop(runtime.uid, None)
        self.mounts.pop(runtime.uid, None)

    def node_changed(self) -> None:
        for key in list(self.waiting):
            self._progress(key)

    def _arm_timeout(self, key: str) -> None:
        waiting = self.waiting[key]
        waiting.timer = self.agent.clock.call_later(
            POD_ATTACH_AND_MOUNT_TIMEOUT, lambda: self._timed_out(key), f"kubelet:{key}:volumes"
        )

    def _progress(self, key: str) -> None:
        waiting = self.waiting.get(key)
        runtime = waiting and waiting.runtime
        pod = runtime.pod() if runtime else None
        if pod is None or not runtime.alive:
            return
        volumes, unresolved = pod_volumes(self.agent.cache, pod)
        self.wanted[runtime.uid] = {volume.unique_name for volume in volumes}
        status = (self.agent.node() or {}).get("status") or {}
        attached = {item.get("name") for item in status.get("volumesAttached") or []}
        reported = set(status.get("volumesInUse") or [])
        mounted = self.mounts.setdefault(runtime.uid, set())
        for volume in volumes:
            name = volume.unique_name
            if name in mounted or name in waiting.mounting or name not in attached or name not in reported:
                continue
            waiting.mounting.add(name)
            self.agent.clock.call_later(
                jitter(self.agent.rng, MOUNT_SECONDS),
                lambda name=name: self._mounted(key, name),
                f"kubelet:{key}:mount",
            )
        if not unresolved and all(volume.unique_name in mounted for volume in volumes):
            del self.waiting[key]
            waiting.timer.cancel()
            waiting.then()

    def _mounted(self, key: str, name: str) -> None:
        waiting = self.waiting.get(key)
        if waiting is None or not waiting.runtime.alive:
            return
        waiting.mounting.discard(name)
        self.mounts.setdefault(waiting.runtime.uid, set()).add(name)
        self._progress(key)

    def _timed_out(self, key: str) -> None:
        waiting = self.waiting.get(key)
        pod = waiting.runtime.pod() if waiting else None
        if pod is None or not waiting.runtime.alive:
            return
        volumes, unresolved = pod_volumes(self.agent.cache, pod)
        status = (self.agent.node() or {}).get("status") or {}
        attached = {item.get("name") for item in status.get("volumesAttached") or []}
        mounted = self.mounts.get(waiting.runtime.uid, set())
        unmounted = sorted({volume.name for volume in volumes if volume.unique_name not in mounted} | set(unresolved))
        unattached = sorted(volume.name for volume in volumes if volume.unique_name not in attached)
        waiting.runtime.record(
            "Warning",
            "FailedMount",
            f"Unable to attach or mount volumes: unmounted volumes={go_list(unmounted)}, "
            f"unattached volumes={go_list(unattached)}, failed to process volumes={go_list(sorted(unresolved))}: "
            "timed out waiting for the condition",
            "The kubelet waited 2 min 3 s for this pod's disks to be attached to the node and mounted; it keeps "
            "waiting. A disk still attached to another node has to be detached there first.",
        )
        self._arm_timeout(key)
