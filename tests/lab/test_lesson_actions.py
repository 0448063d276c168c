"""The lesson actions the database lesson uses: power the node a named pod runs on, force-delete a pod."""

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
