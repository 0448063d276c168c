"""A StatefulSet pod on a dead node: Terminating forever, until someone says the node is really gone.

Upstream's three ways out: delete the Node (pod GC removes its pods after the 40 s quarantine), force-delete the
pod, or taint the node node.kubernetes.io/out-of-service (pod GC force-deletes its terminating pods). Each time
the controller then creates db-1 again, with the same name and the same claim.
"""

import pytest

from cluster_engine.controllers.attachdetach import AttachDetachController
from cluster_engine.controllers.csi_provisioner import CSIProvisioner
from cluster_engine.controllers.external_attacher import ExternalAttacher
from cluster_engine.controllers.garbagecollector import GarbageCollector
from cluster_engine.controllers.persistentvolume import PersistentVolumeController
from cluster_engine.controllers.statefulset import StatefulSetController
from cluster_engine.controllers.volume_protection import PVCProtectionController
from cluster_engine.nodes.kubelet import Kubelets
from cluster_engine.nodes.lifecycle import NodeLifecycleController
from cluster_engine.nodes.podgc import PodGC
from cluster_engine.nodes.taint_eviction import TaintEvictionController
from cluster_engine.scenarios import storage_classes
from cluster_engine.scheduler.component import Scheduler

from ..nodes.cluster import annotate, cluster, step_until
from .test_statefulset import stateful_set

COMPONENTS = [
    Kubelets,
    NodeLifecycleController,
    TaintEvictionController,
    PodGC,
    GarbageCollector,
    StatefulSetController,
    Scheduler,
    # each ordinal's disk: provisioned in its first pod's zone, attached to whichever node runs the pod
    PersistentVolumeController,
    PVCProtectionController,
    CSIProvisioner,
    AttachDetachController,
    ExternalAttacher,
]


def running(sim, name: str) -> bool:
    pod = sim.get("Pod", f"default/{name}")
    return pod is not None and pod["status"].get("phase") == "Running" and not pod["metadata"].get("deletionTimestamp")


def dead_node_with_terminating_db_1(sim) -> tuple[str, str]:
    """Bring db-0 and db-1 up, power off db-1's node and wait out eviction; returns (node, db-1's uid)."""
    for storage_class in storage_classes():
        sim.operator.create("StorageClass", storage_class)
    sim.operator.create("StatefulSet", stateful_set(replicas=2))
    step_until(sim, lambda: running(sim, "db-0") and running(sim, "db-1"))
    pod = sim.get("Pod", "default/db-1")
    node = pod["spec"]["nodeName"]
    annotate(sim, "Node", node, {"kubelab.io/power": "off"})
    step_until(sim, lambda: sim.get("Pod", "default/db-1")["metadata"].get("deletionTimestamp"))
    sim.run_for(1800)  # half an hour later nothing has changed: nobody can confirm the pod stopped
    stuck = sim.get("Pod", "default/db-1")
    assert stuck["metadata"]["uid"] == pod["metadata"]["uid"] and stuck["metadata"].get("deletionTimestamp")
    assert sim.get("StatefulSet", "default/db")["status"]["readyReplicas"] == 1
    return node, pod["metadata"]["uid"]


def out_of_service(sim, node: str) -> None:
    taint = {"key": "node.kubernetes.io/out-of-service", "value": "nodeshutdown", "effect": "NoExecute"}
    taints = [*sim.get("Node", node)["spec"].get("taints", []), taint]
    sim.operator.patch("Node", None, node, {"spec": {"taints": taints}})


@pytest.mark.parametrize(
    "release",
    [
        lambda sim, node: sim.operator.delete("Pod", "default", "db-1", grace_period_seconds=0),
        out_of_service,
        lambda sim, node: sim.operator.delete("Node", None, node),
    ],
    ids=["force-delete", "out-of-service-taint", "node-deleted"],
)
def test_db_1_comes_back_with_its_name_and_claim_only_once_the_dead_node_is_released(release):
    sim = cluster(COMPONENTS, workers=2)
    node, uid = dead_node_with_terminating_db_1(sim)
    release(sim, node)
    step_until(sim, lambda: running(sim, "db-1"))
    pod = sim.get("Pod", "default/db-1")
    assert pod["metadata"]["uid"] != uid
    assert pod["spec"]["nodeName"] != node
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "data-db-1"
    claims = sorted(claim["metadata"]["name"] for claim in sim.objects("PersistentVolumeClaim", "default"))
    assert claims == ["data-db-0", "data-db-1"]
