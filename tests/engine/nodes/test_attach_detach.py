"""Disks follow their pods: CSINode limits, VolumeAttachments, the kubelet's wait to mount, Multi-Attach errors and
the force detach of a dead node's disk after maxWaitForUnmountDuration (or at once when it is out of service)."""

from cluster_engine.controllers.attachable import attachment_name
from cluster_engine.controllers.attachdetach import (
    FORCE_DETACH_ANNOTATION,
    MAX_WAIT_FOR_UNMOUNT_SECONDS,
    AttachDetachController,
)
from cluster_engine.controllers.external_attacher import ATTACH_SECONDS, FINALIZER, ExternalAttacher
from cluster_engine.nodes.kubelet import Kubelets
from cluster_engine.nodes.lifecycle import NodeLifecycleController
from cluster_engine.nodes.podgc import PodGC
from cluster_engine.nodes.taint_eviction import TaintEvictionController
from cluster_engine.nodes.volume_manager import POD_ATTACH_AND_MOUNT_TIMEOUT

from ..storage_objects import DRIVER, bound_pair, claim_volume, storage_class
from .cluster import annotate, cluster, events, pod_manifest, run_pod, step_until

COMPONENTS = [
    Kubelets,
    NodeLifecycleController,
    TaintEvictionController,
    PodGC,
    AttachDetachController,
    ExternalAttacher,
]
HANDLE = "/subscriptions/sub/resourceGroups/mc/providers/disks/pv-1"
UNIQUE_NAME = f"kubernetes.io/csi/{DRIVER}^{HANDLE}"


def disk_cluster():
    sim = cluster(COMPONENTS, workers=2)
    sim.apply([storage_class()])
    bound_pair(sim.operator, "data", "pv-1")
    return sim


def database(name: str) -> dict:
    return pod_manifest(name, volumes=[claim_volume("data")])


def phase(sim, name: str) -> str:
    found = sim.get("Pod", f"default/{name}")
    return found["status"].get("phase") if found else None


def attachment(sim, node: str) -> dict | None:
    return sim.get("VolumeAttachment", attachment_name(HANDLE, DRIVER, node))


def messages(sim, reason: str, name: str) -> list[str]:
    return [event["message"] for event in events(sim, reason, name)]


def test_kubelet_registers_a_csinode_with_the_vm_sizes_data_disk_limit():
    sim = disk_cluster()
    driver = sim.get("CSINode", "worker-1")["spec"]["drivers"][0]
    assert (driver["name"], driver["nodeID"], driver["allocatable"]) == (DRIVER, "worker-1", {"count": 8})


def test_pod_waits_for_attach_then_mount_before_its_containers_start():
    sim = disk_cluster()
    started = sim.now
    run_pod(sim, database("db"))
    created = attachment(sim, "worker-1")
    assert created["spec"] == {"attacher": DRIVER, "nodeName": "worker-1", "source": {"persistentVolumeName": "pv-1"}}
    assert phase(sim, "db") == "Pending"
    attached_at = step_until(sim, lambda: (attachment(sim, "worker-1").get("status") or {}).get("attached"))
    assert ATTACH_SECONDS[0] <= attached_at - started <= ATTACH_SECONDS[1]
    assert attachment(sim, "worker-1")["metadata"]["finalizers"] == [FINALIZER]
    assert sim.get("Node", "worker-1")["status"]["volumesAttached"] == [{"name": UNIQUE_NAME, "devicePath": ""}]
    assert messages(sim, "SuccessfulAttachVolume", "db") == ['AttachVolume.Attach succeeded for volume "pv-1" ']
    assert phase(sim, "db") == "Pending"  # mounted only after attach; containers only after mount
    step_until(sim, lambda: phase(sim, "db") == "Running", limit=started + 60)
    assert sim.get("Node", "worker-1")["status"]["volumesInUse"] == [UNIQUE_NAME]


def test_read_write_once_disk_in_use_on_another_node_is_a_multi_attach_error():
    sim = disk_cluster()
    run_pod(sim, database("first"))
    step_until(sim, lambda: phase(sim, "first") == "Running")
    run_pod(sim, database("second"), node="worker-2")
    assert attachment(sim, "worker-2") is None
    assert messages(sim, "FailedAttachVolume", "second") == [
        'Multi-Attach error for volume "pv-1" Volume is already used by pod(s) first'
    ]
    sim.run_for(POD_ATTACH_AND_MOUNT_TIMEOUT)
    assert messages(sim, "FailedMount", "second") == [
        "Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data], "
        "failed to process volumes=[]: timed out waiting for the condition"
    ]


def test_deleted_pod_on_a_healthy_node_is_unmounted_before_its_disk_is_detached():
    sim = disk_cluster()
    run_pod(sim, database("db"))
    step_until(sim, lambda: phase(sim, "db") == "Running")
    sim.operator.delete("Pod", "default", "db")
    step_until(sim, lambda: sim.get("Pod", "default/db") is None)
    assert UNIQUE_NAME in sim.get("Node", "worker-1")["status"]["volumesInUse"]  # reported with the next status
    assert not attachment(sim, "worker-1")["metadata"].get("deletionTimestamp")
    unmounted_at = step_until(sim, lambda: not sim.get("Node", "worker-1")["status"].get("volumesInUse"))
    assert attachment(sim, "worker-1")["metadata"].get("deletionTimestamp")  # detach follows at once
    assert sim.get("Node", "worker-1")["status"].get("volumesAttached") == []
    gone_at = step_until(sim, lambda: attachment(sim, "worker-1") is None)
    assert 10 <= gone_at - unmounted_at <= 20


def fail_over(sim) -> float:
    """The disk's pod runs on worker-1; the machine dies; the pod is force-deleted (as `kubectl delete --force`
    would) and a replacement starts on worker-2. Returns when the replacement was placed."""
    run_pod(sim, database("db-0"))
    step_until(sim, lambda: phase(sim, "db-0") == "Running")
    annotate(sim, "Node", "worker-1", {"kubelab.io/power": "off"})
    sim.run_for(60)  # past the 50 s grace: NotReady
    sim.operator.delete("Pod", "default", "db-0", grace_period_seconds=0)
    run_pod(sim, database("db-1"), node="worker-2")
    return sim.now


def test_dead_nodes_disk_is_force_detached_after_max_wait_for_unmount():
    sim = disk_cluster()
    replaced_at = fail_over(sim)
    assert messages(sim, "FailedAttachVolume", "db-1") == [
        'Multi-Attach error for volume "pv-1" Volume is already exclusively attached to one node and can\'t be '
        "attached to another"
    ]
    sim.run_until(replaced_at + MAX_WAIT_FOR_UNMOUNT_SECONDS - 1)
    waiting = attachment(sim, "worker-1")["metadata"]
    assert not waiting.get("deletionTimestamp")
    assert waiting["annotations"][FORCE_DETACH_ANNOTATION] == sim.clock.timestamp(
        replaced_at + MAX_WAIT_FOR_UNMOUNT_SECONDS
    )
    detached_at = step_until(
        sim,
        lambda: attachment(sim, "worker-1") is None or attachment(sim, "worker-1")["metadata"].get("deletionTimestamp"),
    )
    assert MAX_WAIT_FOR_UNMOUNT_SECONDS <= detached_at - replaced_at <= MAX_WAIT_FOR_UNMOUNT_SECONDS + 1
    step_until(sim, lambda: phase(sim, "db-1") == "Running", limit=detached_at + 60)
    assert (attachment(sim, "worker-2")["status"] or {})["attached"]


def test_out_of_service_taint_detaches_at_once():
    sim = disk_cluster()
    replaced_at = fail_over(sim)
    node = sim.get("Node", "worker-1")
    taint = {"key": "node.kubernetes.io/out-of-service", "value": "nodeshutdown", "effect": "NoExecute"}
    sim.operator.patch("Node", None, "worker-1", {"spec": {"taints": [*node["spec"].get("taints", []), taint]}})
    sim.run_for(0)
    assert attachment(sim, "worker-1") is None or attachment(sim, "worker-1")["metadata"].get("deletionTimestamp")
    step_until(sim, lambda: phase(sim, "db-1") == "Running", limit=replaced_at + 60)
