"""PodGC: force-deletes pods no kubelet will ever confirm (upstream pkg/controller/podgc).

Every 20 s (gcCheckPeriod) it looks for pods bound to a Node that no longer exists; after a 40 s quarantine
(quarantineTime, in case the node is only slow to appear in the cache) and a check against the API server, it marks
them Failed with the DisruptionTarget condition (DeletionByPodGC) and deletes them with zero grace. It also
force-deletes terminating pods on a not-ready node that an operator tainted node.kubernetes.io/out-of-service,
the documented way to free the pods of a node that is known to be dead.
"""

from ..api.admission import set_condition
from ..api.clone import clone
from ..api.errors import ApiError
from ..runtime.component import Component
from . import taints as t
from .kubelet import POD_NODE_INDEX, pod_node

GC_PERIOD = 20.0  # upstream: gcCheckPeriod
QUARANTINE_SECONDS = 40.0  # upstream: quarantineTime


class PodGC(Component):
    name = "pod-garbage-collector"
    leader_of = "kube-controller-manager"

    def __init__(self, ctx):
        super().__init__(ctx)
        self.missing_since: dict[str, float] = {}

    def start(self) -> None:
        self.ctx.cache.informer("Pod").add_index(POD_NODE_INDEX, pod_node)
        self.every(GC_PERIOD, self.collect, first=0)

    def collect(self) -> None:
        if not self.acting():
            return
        cache, now = self.ctx.cache, self.ctx.clock.now
        informer = cache.informer("Pod")
        # The nodes pods are bound to, from the index: a pass where every one of them exists and is in service
        # (nearly all passes) costs per node, not per pod.
        bound_nodes = informer.index_values(POD_NODE_INDEX)
        orphaned_nodes = {name for name in bound_nodes if cache.get("Node", name) is None}
        self.missing_since = {name: self.missing_since.get(name, now) for name in orphaned_nodes}
        gone = {
            name
            for name, since in self.missing_since.items()
            if now - since >= QUARANTINE_SECONDS and self._absent(name)
        }
        out_of_service = {name for name in bound_nodes if self._out_of_service(name)}
        if not gone and not out_of_service:
            return
        for pod in informer.items():
            node_name = pod["spec"].get("nodeName")
            if node_name in gone:
                self._force_delete(pod, ("DeletionByPodGC", "PodGC: node no longer exists"))
            elif node_name in out_of_service and pod["metadata"].get("deletionTimestamp"):
                self._force_delete(pod, None)

    def _absent(self, name: str) -> bool:
        try:
            self.ctx.client.get("Node", None, name)
        except ApiError as error:
            return error.code == 404
        return False

    def _out_of_service(self, name: str) -> bool:
        node = self.ctx.cache.get("Node", name)
        if node is None or t.ready_status(node) == "True":
            return False
        return any(taint.get("key") == t.OUT_OF_SERVICE for taint in t.node_taints(node))

    def _force_delete(self, pod: dict, disruption: tuple[str, str] | None) -> None:
        """upstream markFailedAndDeletePod: a terminal phase (and why) first, then a zero-grace delete."""
        metadata = pod["metadata"]
        try:
            if pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"):
                updated = clone(pod)
                updated["status"]["phase"] = "Failed"
                if disruption:
                    set_condition(updated, "DisruptionTarget", "True", self.ctx.clock.timestamp(), *disruption)
                self.ctx.client.update_status("Pod", updated)
            self.ctx.client.delete(
                "Pod",
                metadata.get("namespace"),
                metadata["name"],
                grace_period_seconds=0,
                preconditions={"uid": metadata["uid"]},
            )
        except ApiError:
            pass  # gone already, or the API server is down: the next pass tries again
