"""The attach/detach controller: a CSI volume is attached to each node running a pod that uses it, and detached
from nodes where no pod needs it any more, through VolumeAttachment objects.

As upstream's (pkg/controller/volume/attachdetach): the desired state is every volume of every pod bound to a node,
except pods that are terminated (Succeeded/Failed, or deleted with no container running); the actual state is the
VolumeAttachments. Reconciling one PV:
- detach first: an attachment no pod wants is deleted once the node no longer lists the volume in
  `status.volumesInUse` (unmounted); a node that is not Ready and still lists it keeps the volume until
  maxWaitForUnmountDuration (6 min) after the detach was first wanted, then it is force-detached; a node tainted
  `node.kubernetes.io/out-of-service` is detached at once (non-graceful node shutdown);
- then attach: a VolumeAttachment `csi-<sha256(handle+driver+node)>` is created for the CSI external-attacher to
  act on, unless the volume is ReadWriteOnce and still attached elsewhere: the pods waiting for it get the
  `Multi-Attach error` FailedAttachVolume event, once;
- an attachment the external-attacher reports attached is added to the node's `status.volumesAttached`, which
  the kubelet waits for before mounting, and the pods get SuccessfulAttachVolume.
"""

from ..api.errors import ApiError
from ..runtime.cache import key_of
from ..runtime.component import Controller
from .attachable import PodVolume, attachment_name, volume_of

COMPONENT = "attachdetach-controller"
MAX_WAIT_FOR_UNMOUNT_SECONDS = 360  # upstream: maxWaitForUnmountDuration 6m
RECONCILER_LOOP_SECONDS = 0.1  # upstream: reconcilerLoopPeriod 100ms, how late a due force detach can be seen
OUT_OF_SERVICE_TAINT = "node.kubernetes.io/out-of-service"
# KubeLab's own note on an attachment waiting out maxWaitForUnmountDuration: when its force detach is due, so the
# diagram can count down (upstream keeps that time in the controller's memory only)
FORCE_DETACH_ANNOTATION = "kubelab.io/force-detach-at"
POD_CLAIMS = "spec.volumes.persistentVolumeClaim"
VA_VOLUME = "spec.source.persistentVolumeName"
VA_NODE = "spec.nodeName"


def pod_claims(pod: dict) -> list[str]:
    namespace = pod["metadata"].get("namespace") or "default"
    return [
        f"{namespace}/{volume['persistentVolumeClaim'].get('claimName', '')}"
        for volume in (pod.get("spec") or {}).get("volumes") or []
        if volume.get("persistentVolumeClaim")
    ]


def keeps_volumes(pod: dict) -> bool:
    """Upstream DetermineVolumeAction: a terminated pod (IsPodTerminated) no longer needs its volumes attached."""
    status = pod.get("status") or {}
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    if pod["metadata"].get("deletionTimestamp"):
        statuses = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
        return any("running" in (item.get("state") or {}) for item in statuses)
    return True


def node_ready(node: dict | None) -> bool:
    conditions = ((node or {}).get("status") or {}).get("conditions") or []
    return any(item.get("type") == "Ready" and item.get("status") == "True" for item in conditions)


def out_of_service(node: dict | None) -> bool:
    return any(
        taint.get("key") == OUT_OF_SERVICE_TAINT for taint in ((node or {}).get("spec") or {}).get("taints") or []
    )


class AttachDetachController(Controller):
    name = COMPONENT
    leader_of = "kube-controller-manager"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.detach_requested: dict[tuple[str, str], float] = {}  # (pv, node) -> when a detach was first wanted
        self.reported: set[tuple] = set()  # events already sent: ("attached" | "multi-attach", pv, node, pod uid)

    def start(self) -> None:
        super().start()
        cache = self.ctx.cache
        cache.informer("Pod").add_index(POD_CLAIMS, pod_claims)
        attachments = cache.informer("VolumeAttachment")
        attachments.add_index(VA_VOLUME, lambda va: [va["spec"]["source"].get("persistentVolumeName", "")])
        attachments.add_index(VA_NODE, lambda va: [va["spec"].get("nodeName", "")])
        self.watch("PersistentVolume", key_of)
        self.watch("PersistentVolumeClaim", lambda claim: (claim.get("spec") or {}).get("volumeName"))
        self.watch("VolumeAttachment", lambda va: va["spec"]["source"].get("persistentVolumeName"))
        self.watch("Pod", self._volumes_of_pod)
        self.watch("Node", self._volumes_on_node)

    def _volumes_of_pod(self, pod: dict) -> list[str]:
        claims = (self.ctx.cache.get("PersistentVolumeClaim", key) for key in pod_claims(pod))
        return [claim["spec"]["volumeName"] for claim in claims if claim and claim["spec"].get("volumeName")]

    def _volumes_on_node(self, node: dict) -> list[str]:
        attached = self.ctx.cache.informer("VolumeAttachment").by_index(VA_NODE, node["metadata"]["name"])
        return [va["spec"]["source"].get("persistentVolumeName", "") for va in attached]

    # ---- reconcile -------------------------------------------------------------------------------------------

    def reconcile(self, pv_name: str) -> float | None:
        cache = self.ctx.cache
        pv = cache.get("PersistentVolume", pv_name)
        volume = volume_of(pv) if pv else None
        attached = {
            va["spec"]["nodeName"]: va for va in cache.informer("VolumeAttachment").by_index(VA_VOLUME, pv_name)
        }
        wanted = self._desired_nodes(pv) if volume else {}
        requeue = None
        for node_name, attachment in attached.items():
            if node_name in wanted or attachment["metadata"].get("deletionTimestamp"):
                continue
            wait = self._wait_before_detach(volume, pv_name, attachment)
            if wait is None:
                self._detach(volume, attachment)
            elif wait > 0:
                requeue = wait if requeue is None else min(requeue, wait)
        for key in [key for key in self.detach_requested if key[0] == pv_name and key[1] in wanted]:
            del self.detach_requested[key]
        for node_name, pods in wanted.items():
            attachment = attached.get(node_name)
            if attachment is None:
                elsewhere = [other for other in attached if other != node_name]
                if elsewhere and not volume.multi_attach_allowed:
                    holders = [pod for other in elsewhere for pod in wanted.get(other, [])]
                    self._report_multi_attach(volume, node_name, pods, elsewhere, holders)
                else:
                    self._attach(volume, node_name)
            elif (attachment.get("status") or {}).get("attached") and not attachment["metadata"].get(
                "deletionTimestamp"
            ):
                self._report_attached(volume, node_name, pods)
        return requeue

    def _desired_nodes(self, pv: dict) -> dict[str, list[dict]]:
        ref = pv["spec"].get("claimRef") or {}
        claim_key = f"{ref.get('namespace')}/{ref.get('name')}"
        cache = self.ctx.cache
        wanted: dict[str, list[dict]] = {}
        for pod in cache.informer("Pod").by_index(POD_CLAIMS, claim_key):
            node_name = pod["spec"].get("nodeName")
            if node_name and cache.get("Node", node_name) is not None and keeps_volumes(pod):
                wanted.setdefault(node_name, []).append(pod)
        return wanted

    def _wait_before_detach(self, volume: PodVolume | None, pv_name: str, attachment: dict) -> float | None:
        """None: detach now; else how long until a force detach is due (0: wait for the node to unmount)."""
        node_name = attachment["spec"]["nodeName"]
        node = self.ctx.cache.get("Node", node_name)
        in_use = ((node or {}).get("status") or {}).get("volumesInUse") or []
        # a deleted Node keeps the last volumesInUse it reported: still mounted, as far as anyone knows
        mounted = node is None or (volume is not None and volume.unique_name in in_use)
        if not mounted or out_of_service(node):
            return None
        requested = self.detach_requested.setdefault((pv_name, node_name), self.ctx.clock.now)
        if node_ready(node):
            return 0
        remaining = requested + MAX_WAIT_FOR_UNMOUNT_SECONDS - self.ctx.clock.now
        if remaining < 0:
            return None
        self._note_force_detach(attachment, requested + MAX_WAIT_FOR_UNMOUNT_SECONDS)
        return remaining + RECONCILER_LOOP_SECONDS

    def _note_force_detach(self, attachment: dict, due: float) -> None:
        due_at = self.ctx.clock.timestamp(due)
        if (attachment["metadata"].get("annotations") or {}).get(FORCE_DETACH_ANNOTATION) != due_at:
            annotations = {FORCE_DETACH_ANNOTATION: due_at}
            self.ctx.client.patch(
                "VolumeAttachment", None, attachment["metadata"]["name"], {"metadata": {"annotations": annotations}}
            )

    # ---- writes ----------------------------------------------------------------------------------------------

    def _attach(self, volume: PodVolume, node_name: str) -> None:
        self.ctx.client.create(
            "VolumeAttachment",
            {
                "apiVersion": "storage.k8s.io/v1",
                "kind": "VolumeAttachment",
                "metadata": {"name": attachment_name(volume.handle, volume.driver, node_name)},
                "spec": {
                    "attacher": volume.driver,
                    "nodeName": node_name,
                    "source": {"persistentVolumeName": volume.pv},
                },
            },
        )

    def _detach(self, volume: PodVolume | None, attachment: dict) -> None:
        """Upstream: RemoveVolumeFromReportAsAttached and the node status update come before the detach."""
        node_name = attachment["spec"]["nodeName"]
        self.detach_requested.pop((attachment["spec"]["source"].get("persistentVolumeName", ""), node_name), None)
        if volume is not None:
            self._set_attached(node_name, volume, False)
        try:
            self.ctx.client.delete("VolumeAttachment", None, attachment["metadata"]["name"])
        except ApiError as error:
            if error.code != 404:
                raise

    def _set_attached(self, node_name: str, volume: PodVolume, attached: bool) -> None:
        node = self.ctx.cache.get("Node", node_name)
        if node is None:
            return
        current = (node.get("status") or {}).get("volumesAttached") or []
        others = [item for item in current if item.get("name") != volume.unique_name]
        if attached == (len(others) < len(current)):
            return  # already reported as it is: moving the entry would wake every other volume's reconcile
        wanted = current + [{"name": volume.unique_name, "devicePath": ""}] if attached else others
        if wanted != current:
            self.ctx.client.patch(
                "Node", None, node_name, {"status": {"volumesAttached": wanted}}, subresource="status"
            )

    def _report_attached(self, volume: PodVolume, node_name: str, pods: list[dict]) -> None:
        self._set_attached(node_name, volume, True)
        for pod in pods:
            key = ("attached", volume.pv, node_name, pod["metadata"]["uid"])
            if key in self.reported:
                continue
            self.reported.add(key)
            self.ctx.events.record(
                pod,
                "Normal",
                "SuccessfulAttachVolume",
                f'AttachVolume.Attach succeeded for volume "{volume.pv}" ',  # upstream GenerateMsg, empty suffix
                COMPONENT,
                explanation="The disk {volume} is now attached to {node}; the kubelet there can mount it.",
                explanation_args={"volume": volume.pv, "node": node_name},
            )

    def _report_multi_attach(
        self, volume: PodVolume, node_name: str, pods: list, elsewhere: list, holders: list
    ) -> None:
        """Upstream reportMultiAttachError: name the pods that hold the volume on the other nodes when there are
        any (in the waiting pod's namespace; the others counted), else say it is exclusively attached."""
        for pod in pods:
            key = ("multi-attach", volume.pv, node_name, pod["metadata"]["uid"])
            if key in self.reported:
                continue
            self.reported.add(key)
            namespace = pod["metadata"].get("namespace")
            same = [
                holder["metadata"]["name"] for holder in holders if holder["metadata"].get("namespace") == namespace
            ]
            foreign = len(holders) - len(same)
            if not holders:
                detail = "Volume is already exclusively attached to one node and can't be attached to another"
            elif same:
                detail = f"Volume is already used by pod(s) {', '.join(same)}"
                if foreign:
                    detail += f" and {foreign} pod(s) in different namespaces"
            else:
                detail = f"Volume is already used by {foreign} pod(s) in different namespaces"
            self.ctx.events.record(
                pod,
                "Warning",
                "FailedAttachVolume",
                f'Multi-Attach error for volume "{volume.pv}" {detail}',
                COMPONENT,
                explanation="The disk {volume} can be attached to one node at a time (ReadWriteOnce) and is still "
                "attached to {nodes}. The pod waits until it is detached there.",
                explanation_args={"volume": volume.pv, "nodes": ", ".join(elsewhere)},
            )
