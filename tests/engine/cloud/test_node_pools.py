"""Node pools: scaling up boots machines that register Nodes after the provisioning delay; scaling down drains."""

import pytest

from cluster_engine.cloud import MACHINE_ANNOTATION, PROVISION_JITTER_SECONDS, PROVISION_SECONDS, parse_pool
from cluster_engine.nodes.kubelet import Kubelets
from tests.engine.api.test_documents import laughs

from .cluster import events, node_names, pools, scale, started

WORKERS = ["control-plane-1", "worker-1", "worker-2", "worker-3"]
NEW = ["aks-nodepool1-vmss000000", "aks-nodepool1-vmss000001"]


def test_a_pool_at_its_count_is_left_alone():
    sim = started(pools(nodepool1=3))
    sim.run_for(300)
    assert node_names(sim) == WORKERS
    assert events(sim, "ProvisioningNode") == events(sim, "ScaleDown") == []


def test_raising_the_count_registers_new_nodes_after_the_provisioning_delay():
    sim = started(pools(nodepool1=3))
    sim.run_until(10)
    scale(sim, "nodepool1", {"count": 5, "vmSize": "Standard_D4s_v3", "zones": [1, 2, 3]})
    sim.run_for(0)
    assert events(sim, "ProvisioningNode") == [
        "node pool nodepool1: provisioning aks-nodepool1-vmss000000 (Standard_D4s_v3) in zone 1",
        "node pool nodepool1: provisioning aks-nodepool1-vmss000001 (Standard_D4s_v3) in zone 2",
    ]
    sim.run_until(10 + PROVISION_SECONDS - 0.001)
    assert node_names(sim) == WORKERS
    sim.run_until(10 + PROVISION_SECONDS + PROVISION_JITTER_SECONDS)
    assert node_names(sim) == sorted(WORKERS + NEW)
    first = sim.get("Node", NEW[0])
    labels = first["metadata"]["labels"]
    assert labels["agentpool"] == "nodepool1"
    assert labels["node.kubernetes.io/instance-type"] == "Standard_D4s_v3"
    assert labels["topology.kubernetes.io/zone"] == "westeurope-1"
    assert sim.get("Node", NEW[1])["metadata"]["labels"]["topology.kubernetes.io/zone"] == "westeurope-2"
    assert first["spec"]["providerID"] == "kubelab://nodepool1/aks-nodepool1-vmss000000"
    assert first["spec"]["podCIDR"] == "10.244.4.0/24"  # the first index no other node uses
    assert first["status"]["capacity"] == {"cpu": "4", "memory": "16Gi", "pods": "110"}
    for name in NEW:
        booted = sim.clock.seconds_since_epoch(sim.get("Node", name)["metadata"]["creationTimestamp"])
        assert 10 + PROVISION_SECONDS <= booted <= 10 + PROVISION_SECONDS + PROVISION_JITTER_SECONDS


def test_a_new_node_turns_ready_as_soon_as_its_kubelet_has_registered_it():
    sim = started(pools(nodepool1=3), components=(Kubelets,))
    scale(sim, "nodepool1", "count: 4")
    sim.run_until(PROVISION_SECONDS + PROVISION_JITTER_SECONDS)
    node = sim.get("Node", NEW[0])
    ready = next(condition for condition in node["status"]["conditions"] if condition["type"] == "Ready")
    assert ready["status"] == "True"
    assert ready["lastTransitionTime"] == node["metadata"]["creationTimestamp"]


def test_lowering_the_count_cordons_drains_and_deletes_the_newest_nodes():
    sim = started(pools(nodepool1=3))
    sim.apply(
        [
            {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}},
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "web", "namespace": "default"},
                "spec": {"nodeName": "worker-3", "containers": [{"name": "web", "image": "nginx"}]},
            },
        ]
    )
    sim.run_until(20)
    scale(sim, "nodepool1", "count: 2")
    sim.run_for(0)
    assert events(sim, "ScaleDown") == [
        "node pool nodepool1 scaled to 2: cordoning, draining and deleting node worker-3"
    ]
    node = sim.get("Node", "worker-3")
    assert node["spec"]["unschedulable"] is True
    pod = sim.get("Pod", "default/web")
    assert pod["metadata"]["deletionTimestamp"] == "2026-01-01T00:00:50Z"  # the pod's 30 s grace period

    sim.run_until(50 - 0.001)
    assert "worker-3" in node_names(sim)
    sim.run_until(50)
    assert node_names(sim) == ["control-plane-1", "worker-1", "worker-2"]
    sim.run_for(300)
    assert node_names(sim) == ["control-plane-1", "worker-1", "worker-2"]


def test_machines_still_booting_are_cancelled_before_any_node_is_removed():
    sim = started(pools(nodepool1=3))
    scale(sim, "nodepool1", "count: 5")
    sim.run_for(30)
    scale(sim, "nodepool1", "count: 4")
    sim.run_for(300)
    assert node_names(sim) == sorted(WORKERS + NEW[:1])
    assert events(sim, "ScaleDown") == []
    assert all(MACHINE_ANNOTATION not in (node["metadata"].get("annotations") or {}) for node in sim.objects("Node"))


def test_a_pool_the_cloud_cannot_read_is_reported_on_the_configmap():
    sim = started(pools(nodepool1=3))
    scale(sim, "nodepool1", "count: 2\nvmSize: Standard_Z9\n")
    sim.run_for(10)
    assert events(sim, "InvalidNodePool") == [
        "node pool nodepool1: vmSize 'Standard_Z9' is not offered; choose one of "
        "Standard_B2s, Standard_D2s_v3, Standard_D4s_v3, Standard_DS2_v2"
    ]
    assert node_names(sim) == WORKERS


def test_a_pool_of_nested_aliases_is_refused_before_it_expands():
    with pytest.raises(ValueError, match="^not YAML: document contains excessive aliasing$"):
        parse_pool("nodepool1", laughs(9) + "count: 2\n")
