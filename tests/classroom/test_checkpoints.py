"""Lesson checkpoints judged on a full simulated control plane: each passes only once its state is reached."""

import pytest

from cluster_engine.simulation import Simulation
from lab.lessons import LESSONS_BY_SLUG, ClusterState

KINDS = ("Node", "Pod", "Deployment", "ReplicaSet", "Service", "Endpoints", "ConfigMap", "Secret")


def started(slug: str) -> Simulation:
    sim = Simulation(seed=0)
    _topology, manifests = LESSONS_BY_SLUG[slug].manifests(sandbox=True)
    sim.apply(manifests)
    sim.start()
    sim.run_for(60)
    return sim


def passes(sim: Simulation, slug: str, step: int) -> bool:
    state = ClusterState({kind: sim.objects(kind) for kind in KINDS})
    return LESSONS_BY_SLUG[slug].steps[step].checkpoint.check(state)


def test_scaling_checkpoint_waits_for_five_ready_pods():
    sim = started("cluster-and-nodes")
    assert passes(sim, "cluster-and-nodes", 2) is False
    sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 5}})
    assert passes(sim, "cluster-and-nodes", 2) is False  # asked for, not yet reached
    sim.run_for(60)
    assert passes(sim, "cluster-and-nodes", 2) is True


def test_node_failure_checkpoint_passes_only_after_eviction_and_rescheduling():
    sim = started("node-failure")
    sim.operator.patch("Node", None, "worker-2", {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.run_for(100)  # past the 50 s grace: unreachable, pods not ready, but still tolerated for 300 s
    assert passes(sim, "node-failure", 2) is False
    sim.run_for(400)
    assert passes(sim, "node-failure", 2) is True


def test_ha_checkpoint_scales_with_one_control_plane_node_off():
    sim = started("control-plane-ha")
    sim.operator.patch("Node", None, "control-plane-1", {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.run_for(30)
    sim.server.patch("Deployment", "default", "web", {"spec": {"replicas": 4}})
    sim.run_for(120)
    assert passes(sim, "control-plane-ha", 2) is True


def test_bin_packing_leaves_one_batch_pod_pending_until_a_node_is_added():
    from lab.lessons.e_bin_packing import BATCH_DEPLOYMENT

    sim = started("bin-packing")
    sim.server.create("Deployment", BATCH_DEPLOYMENT)
    sim.run_for(60)
    running = [p for p in sim.objects("Pod") if p["metadata"]["labels"].get("app") == "batch"]
    assert sorted(p["status"]["phase"] for p in running) == ["Pending", "Running", "Running", "Running"]
    assert passes(sim, "bin-packing", 2) is False


@pytest.mark.parametrize("slug", sorted(LESSONS_BY_SLUG))
def test_every_lesson_starts_a_healthy_cluster(slug):
    sim = started(slug)
    web = [p for p in sim.objects("Pod") if p["metadata"]["labels"].get("app") == "web"]
    assert len(web) == 3
    assert all(p["status"]["phase"] == "Running" for p in web)


def test_database_pod_checkpoints_see_db_1_stuck_terminating_then_back_with_its_claim():
    sim = started("database-pod")
    node = sim.get("Pod", "default/db-1")["spec"]["nodeName"]
    assert passes(sim, "database-pod", 1) is False
    sim.operator.patch("Node", None, node, {"metadata": {"annotations": {"kubelab.io/power": "off"}}})
    sim.run_for(100)  # unknown, but the pods are tolerated for 300 s more
    assert passes(sim, "database-pod", 1) is False
    sim.run_for(1800)
    assert passes(sim, "database-pod", 1) is True  # half an hour on: still Terminating, never replaced
    assert passes(sim, "database-pod", 2) is False
    sim.server.delete("Pod", "default", "db-1", grace_period_seconds=0)
    sim.run_for(60)
    assert passes(sim, "database-pod", 2) is True
    assert sim.get("Pod", "default/db-1")["spec"]["nodeName"] != node
