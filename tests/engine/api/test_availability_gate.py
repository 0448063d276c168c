"""The availability gate re-reads components and nodes only when one of them was written, and still answers
every request right: a pod or lease write in between never hides a powered-off control plane."""

import random

import pytest

from cluster_engine.api import errors
from cluster_engine.api.availability import POWER_ANNOTATION, gate_for
from cluster_engine.api.server import ApiServer
from cluster_engine.api.storage import MemoryStorage
from cluster_engine.runtime.clock import SimClock
from cluster_engine.scenarios import cluster_objects
from cluster_engine.simulation import DEFAULT_EPOCH

from .manifests import pod

DEFAULT_ACCOUNT = {
    "apiVersion": "v1",
    "kind": "ServiceAccount",
    "metadata": {"name": "default", "namespace": "default"},
}


def seeded(operator: ApiServer) -> None:
    for obj in [*cluster_objects("single", workers=1), DEFAULT_ACCOUNT]:
        operator.create(obj["kind"], obj)


def test_kind_revision_moves_only_for_the_kinds_a_transaction_wrote():
    storage = MemoryStorage()
    operator = ApiServer(storage, SimClock(epoch=DEFAULT_EPOCH), random.Random(1))
    seeded(operator)
    node_revision = storage.kind_revision("Node")
    assert node_revision > 0
    created = operator.create("Pod", pod("web-1"))
    assert storage.kind_revision("Pod") == int(created["metadata"]["resourceVersion"])
    assert storage.kind_revision("Node") == node_revision
    assert storage.kind_revision("Service") == 0


def test_a_powered_off_control_plane_refuses_requests_between_pod_writes():
    storage = MemoryStorage()
    clock = SimClock(epoch=DEFAULT_EPOCH)
    operator = ApiServer(storage, clock, random.Random(1))
    client = ApiServer(storage, clock, random.Random(2), gate=gate_for(storage))
    seeded(operator)
    client.create("Pod", pod("web-1"))
    name = "control-plane-1"  # the node the single kube-apiserver runs on
    operator.patch("Node", None, name, {"metadata": {"annotations": {POWER_ANNOTATION: "off"}}})
    with pytest.raises(errors.ApiError) as refused:
        client.get("Pod", "default", "web-1")
    assert refused.value.code == 503
    operator.create("Pod", pod("web-2"))  # a write the gate does not depend on
    with pytest.raises(errors.ApiError) as still_refused:
        client.get("Pod", "default", "web-2")
    assert still_refused.value.code == 503
    operator.patch("Node", None, name, {"metadata": {"annotations": {POWER_ANNOTATION: "on"}}})
    assert client.get("Pod", "default", "web-2")["metadata"]["name"] == "web-2"
