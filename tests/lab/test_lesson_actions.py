"""The lesson actions the database lesson uses: power the node a named pod runs on, force-delete a pod, add a
worker in the zone of a claim's disk."""

import pytest

from cluster_engine.api.errors import ApiError
from lab.apiserver import api_server_for
from lab.lessons import actions


@pytest.fixture
def demo(demo):
    """The demo cluster with the default service account its (not running) controller would have made."""
    account = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default"}}
    api_server_for(demo, operator=True).create("ServiceAccount", account)
    return demo


def pod(name: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "postgres", "image": "postgres:16"}]},
    }


def test_power_node_of_powers_the_node_the_pod_is_bound_to(demo):
    server = api_server_for(demo, operator=True)
    server.create("Pod", pod("db-1"))
    server.bind("default", "db-1", "worker-2")
    [node] = actions.run(demo, {"action": "power-node-of", "pod": "db-1", "state": "off"})["objects"]
    assert node["metadata"]["name"] == "worker-2"
    assert node["metadata"]["annotations"]["kubelab.io/power"] == "off"


def test_power_node_of_an_unbound_pod_is_refused(demo):
    api_server_for(demo, operator=True).create("Pod", pod("db-1"))
    with pytest.raises(ApiError) as refused:
        actions.run(demo, {"action": "power-node-of", "pod": "db-1", "state": "off"})
    assert (refused.value.code, refused.value.message) == (409, 'pod "db-1" is not bound to a node yet')


def test_force_delete_removes_a_bound_pod_at_once(demo):
    server = api_server_for(demo, operator=True)
    server.create("Pod", pod("db-1"))
    server.bind("default", "db-1", "worker-2")
    actions.run(demo, {"action": "force-delete-pod", "name": "db-1"})
    with pytest.raises(ApiError) as missing:
        server.get("Pod", "default", "db-1")
    assert missing.value.code == 404


def claim_on_disk(server, zone: str | None) -> None:
    """data-ledger-0 bound to a disk in `zone` (None: a volume with no zone, such as a file share)."""
    spec = {
        "capacity": {"storage": "8Gi"},
        "accessModes": ["ReadWriteOnce"],
        "csi": {"driver": "disk.csi.azure.com", "volumeHandle": "disk-1"},
    }
    if zone:
        term = {"matchExpressions": [{"key": "topology.kubernetes.io/zone", "operator": "In", "values": [zone]}]}
        spec["nodeAffinity"] = {"required": {"nodeSelectorTerms": [term]}}
    server.create(
        "PersistentVolume", {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv-1"}, "spec": spec}
    )
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data-ledger-0", "namespace": "default"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": "8Gi"}},
            "volumeName": "pv-1",
        },
    }
    server.create("PersistentVolumeClaim", claim)


def test_add_node_in_zone_of_a_claim_adds_a_worker_in_its_disk_zone(demo):
    server = api_server_for(demo, operator=True)
    claim_on_disk(server, "westeurope-2")
    [node] = actions.run(demo, {"action": "add-node-in-zone-of", "claim": "data-ledger-0"})["objects"]
    assert node["metadata"]["name"] == "worker-4"
    assert server.get("Node", None, "worker-4")["metadata"]["labels"]["topology.kubernetes.io/zone"] == "westeurope-2"


def test_add_node_in_zone_of_a_claim_without_a_zonal_disk_is_refused(demo):
    server = api_server_for(demo, operator=True)
    claim_on_disk(server, None)
    with pytest.raises(ApiError) as refused:
        actions.run(demo, {"action": "add-node-in-zone-of", "claim": "data-ledger-0"})
    assert (refused.value.code, refused.value.message) == (
        409,
        'claim "data-ledger-0" is not bound to a disk in a zone',
    )
    assert "worker-4" not in {node["metadata"]["name"] for node in server.list("Node")[0]}
