"""The volume plugins (VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone) in the scheduler, with
cases from upstream's tables (volume_binding_test.go, volume_zone_test.go, volume_restrictions_test.go,
csi_test.go) and their FailedScheduling texts."""

import json

from cluster_engine.scheduler.component import Scheduler
from cluster_engine.scheduler.decision import ANNOTATION
from cluster_engine.scheduler.volume_prebind import BIND_TIMEOUT_SECONDS
from cluster_engine.scheduler.volumes import SELECTED_NODE_ANNOTATION
from cluster_engine.simulation import Simulation

from ..storage_objects import DRIVER, ZONE_KEY, bound_pair, claim, claim_volume, storage_class
from .objects import node, pod

NAMESPACE = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}},
    {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}},
]
NOT_HELPFUL = "Preemption is not helpful for scheduling"


def zoned(name: str, zone: str) -> dict:
    return node(name, labels={ZONE_KEY: zone})


def start(*nodes):
    sim = Simulation(seed=1, components=[Scheduler])
    sim.apply(NAMESPACE + [storage_class(), storage_class("immediate", "Immediate"), *nodes])
    sim.start()
    return sim


def submit(sim, name, *claims, node_name=None):
    manifest = pod(name, volumes=[claim_volume(item, f"v{index}") for index, item in enumerate(claims)])
    manifest["metadata"].pop("uid")
    if node_name:
        manifest["spec"]["nodeName"] = node_name
    sim.operator.create("Pod", manifest)
    sim.run_for(0)
    return sim.get("Pod", f"default/{name}")


def scheduled_condition(sim, name):
    found = sim.get("Pod", f"default/{name}")
    return next(c for c in found["status"].get("conditions") or [] if c["type"] == "PodScheduled")


def test_unbound_immediate_claim_refuses_the_pod_at_prefilter():
    sim = start(zoned("node-1", "eastus-1"), zoned("node-2", "eastus-2"))
    sim.operator.create("PersistentVolumeClaim", claim("data", class_name="immediate"))
    submit(sim, "db", "data")
    assert scheduled_condition(sim, "db")["message"] == (
        "0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
        f"preemption: 0/2 nodes are available: 2 {NOT_HELPFUL}."
    )


def test_missing_claim_is_named():
    sim = start(zoned("node-1", "eastus-1"))
    submit(sim, "db", "nothing")
    assert scheduled_condition(sim, "db")["message"].startswith(
        '0/1 nodes are available: persistentvolumeclaim "nothing" not found.'
    )


def test_bound_volume_node_affinity_picks_its_zone_and_explains_the_others():
    sim = start(zoned("node-1", "eastus-1"), zoned("node-2", "eastus-2"), zoned("node-3", "eastus-3"))
    bound_pair(sim.operator, "data", "pv-1", zone="eastus-2")
    placed = submit(sim, "db", "data")
    assert placed["spec"]["nodeName"] == "node-2"
    verdicts = json.loads(placed["metadata"]["annotations"][ANNOTATION])["verdicts"]
    assert verdicts["node-1"] == {"plugin": "VolumeBinding", "reasons": ["node(s) had volume node affinity conflict"]}


def test_bound_volume_in_a_zone_without_nodes():
    sim = start(zoned("node-1", "eastus-1"))
    bound_pair(sim.operator, "data", "pv-1", zone="eastus-3")
    submit(sim, "db", "data")
    assert scheduled_condition(sim, "db")["message"] == (
        "0/1 nodes are available: 1 node(s) had volume node affinity conflict. "
        f"preemption: 0/1 nodes are available: 1 {NOT_HELPFUL}."
    )


def test_volume_zone_label_must_match_the_node_zone():
    # upstream volume_zone_test: "label zone failure domain matched" / "label zone failure domain not matched"
    sim = start(zoned("node-1", "eastus-1"), zoned("node-2", "eastus-2"))
    bound_pair(sim.operator, "data", "pv-1", zone=None, labels={ZONE_KEY: "eastus-2__eastus-3"})
    assert submit(sim, "db", "data")["spec"]["nodeName"] == "node-2"
    bound_pair(sim.operator, "other", "pv-2", zone=None, labels={ZONE_KEY: "westus-1"})
    submit(sim, "db-2", "other")
    assert scheduled_condition(sim, "db-2")["message"].startswith(
        "0/2 nodes are available: 2 node(s) had no available volume zone."
    )


def test_read_write_once_pod_claim_serves_one_pod():
    sim = start(zoned("node-1", "eastus-1"), zoned("node-2", "eastus-1"))
    bound_pair(sim.operator, "data", "pv-1", modes=("ReadWriteOncePod",))
    assert submit(sim, "first", "data")["spec"]["nodeName"]
    submit(sim, "second", "data")
    assert scheduled_condition(sim, "second")["message"].startswith(
        "0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and "
        "ReadWriteOncePod access mode. preemption:"
    )
    sim.operator.delete("Pod", "default", "first", grace_period_seconds=0)
    sim.run_for(11)  # the retry after the claim's holder left (backoff up to 10 s)
    assert sim.get("Pod", "default/second")["spec"].get("nodeName")


def csi_node(name: str, count: int) -> dict:
    driver = {"name": DRIVER, "nodeID": name, "allocatable": {"count": count}}
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "CSINode",
        "metadata": {"name": name},
        "spec": {"drivers": [driver]},
    }


def test_node_volume_limit_from_csinode_allocatable_count():
    # upstream csi_test: "should count pending PVCs"-free case, limit 1, one volume attached -> the next exceeds
    sim = start(zoned("node-1", "eastus-1"), csi_node("node-1", 1))
    bound_pair(sim.operator, "a", "pv-a")
    bound_pair(sim.operator, "b", "pv-b")
    submit(sim, "one", "a", node_name="node-1")
    submit(sim, "again", "a")  # the same volume again: nothing new to attach
    assert sim.get("Pod", "default/again")["spec"]["nodeName"] == "node-1"
    submit(sim, "two", "b")
    assert scheduled_condition(sim, "two")["message"].startswith(
        "0/1 nodes are available: 1 node(s) exceed max volume count."
    )
    sim.operator.create("Node", zoned("node-2", "eastus-1"))
    sim.run_for(11)
    assert sim.get("Pod", "default/two")["spec"]["nodeName"] == "node-2"


def test_wait_for_first_consumer_claim_gets_the_selected_node_then_the_pod_is_bound():
    sim = start(zoned("node-1", "eastus-1"))
    sim.operator.create("PersistentVolumeClaim", claim("data"))
    waiting = submit(sim, "db", "data")
    assert not waiting["spec"].get("nodeName")  # PreBind waits for the claim to be bound
    pending = sim.get("PersistentVolumeClaim", "default/data")
    assert pending["metadata"]["annotations"][SELECTED_NODE_ANNOTATION] == "node-1"
    # the PV controller provisions and binds (another component in the lab)
    bound = sim.operator.update("PersistentVolumeClaim", {**pending, "spec": {**pending["spec"], "volumeName": "pv-1"}})
    sim.operator.update("PersistentVolumeClaim", {**bound, "status": {"phase": "Bound"}}, subresource="status")
    sim.run_for(0)
    assert sim.get("Pod", "default/db")["spec"]["nodeName"] == "node-1"


def test_prebind_gives_up_after_bind_timeout_seconds():
    sim = start(zoned("node-1", "eastus-1"))
    sim.operator.create("PersistentVolumeClaim", claim("data"))
    submit(sim, "db", "data")
    sim.run_for(BIND_TIMEOUT_SECONDS - 1)
    assert not [event for event in sim.objects("Event") if event["reason"] == "FailedScheduling"]
    sim.run_for(1)
    failures = [event["message"] for event in sim.objects("Event") if event["reason"] == "FailedScheduling"]
    assert failures[0] == 'running PreBind plugin "VolumeBinding": binding volumes: context deadline exceeded'
