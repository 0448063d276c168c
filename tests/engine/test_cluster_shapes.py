"""A cluster made to measure: its worker count, their VM size and the zones they are spread over."""

import pytest

from cluster_engine.scenarios import cluster_objects
from cluster_engine.simulation import Simulation
from cluster_engine.vm_sizes import VM_SIZES

ZONE = "topology.kubernetes.io/zone"
INSTANCE_TYPE = "node.kubernetes.io/instance-type"


def nodes(objects):
    return {obj["metadata"]["name"]: obj for obj in objects if obj["kind"] == "Node"}


def test_workers_are_spread_round_robin_over_the_chosen_zones_with_the_chosen_size():
    made = nodes(cluster_objects("single", workers=4, vm_size="Standard_D4s_v3", zones=2))
    workers = {name: node for name, node in made.items() if name.startswith("worker-")}
    assert {name: node["metadata"]["labels"][ZONE] for name, node in workers.items()} == {
        "worker-1": "westeurope-1",
        "worker-2": "westeurope-2",
        "worker-3": "westeurope-1",
        "worker-4": "westeurope-2",
    }
    capacity, allocatable = VM_SIZES["Standard_D4s_v3"]
    for node in workers.values():
        assert node["metadata"]["labels"][INSTANCE_TYPE] == "Standard_D4s_v3"
        assert node["status"]["capacity"] == capacity == {"cpu": "4", "memory": "16Gi", "pods": "110"}
        assert node["status"]["allocatable"] == allocatable
    control_plane = made["control-plane-1"]
    assert control_plane["metadata"]["labels"][INSTANCE_TYPE] == "Standard_DS2_v2"
    assert control_plane["metadata"]["labels"][ZONE] == "westeurope-1"


def test_ha_control_plane_nodes_share_the_chosen_zones_too():
    made = nodes(cluster_objects("ha", workers=1, zones=2))
    planes = [made[f"control-plane-{index}"]["metadata"]["labels"][ZONE] for index in (1, 2, 3)]
    assert planes == ["westeurope-1", "westeurope-2", "westeurope-1"]
    assert made["worker-1"]["spec"]["podCIDR"] == "10.244.3.0/24"  # after the three control-plane nodes


def test_the_defaults_are_the_demo_clusters_three_workers_in_three_zones():
    made = nodes(cluster_objects())
    assert sorted(made) == ["control-plane-1", "worker-1", "worker-2", "worker-3"]
    assert [made[f"worker-{index}"]["metadata"]["labels"][ZONE] for index in (1, 2, 3)] == [
        "westeurope-1",
        "westeurope-2",
        "westeurope-3",
    ]
    assert made["worker-1"]["status"]["allocatable"] == {"cpu": "1900m", "memory": "5Gi", "pods": "110"}


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [({"vm_size": "Standard_Z99"}, "vmSize 'Standard_Z99' is not offered"), ({"zones": 4}, "zones must be 1 to 3")],
)
def test_a_size_or_zone_count_the_cloud_does_not_offer_is_refused(arguments, problem):
    with pytest.raises(ValueError, match=problem):
        cluster_objects("single", workers=2, **arguments)


def test_a_made_to_measure_cluster_runs_every_worker_ready_with_its_node_agents():
    sim = Simulation(seed=1)
    sim.apply(cluster_objects("single", workers=4, vm_size="Standard_B2s", zones=2))
    sim.start()
    sim.run_for(60)
    ready = {
        node["metadata"]["name"]
        for node in sim.objects("Node")
        if any(c["type"] == "Ready" and c["status"] == "True" for c in node["status"].get("conditions", []))
    }
    assert ready == {"control-plane-1", "worker-1", "worker-2", "worker-3", "worker-4"}
    proxies = [pod for pod in sim.objects("Pod", "kube-system") if pod["metadata"]["name"].startswith("kube-proxy-")]
    assert sorted(pod["spec"]["nodeName"] for pod in proxies) == sorted(ready)
